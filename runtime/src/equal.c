/*
** equal.c — eq?/eqv?/equal?, the equal?-compatible hash, and the small predicates and
** procedures of LANGUAGE.md §4 that live with them (not, procedure?, type-of, compose, ...).
**
** equal? is structural on pairs (a loop along cdr), vectors, dicts (ignoring order) and strings;
** numbers compare as eqv?: ints by value, floats by bit pattern, so 1 and 1.0 differ.
** omniH_hash is consistent with omniH_equal; a dict hashes independently of its order.
*/
#include "omnilisp.h"

#include <string.h>

/* Seeds that keep the hashes of different kinds of values apart. */
#define OMNI_H_FLOAT 0x9ae16a3b2f90404fULL
#define OMNI_H_STRING 0xc3a5c85c97cb3127ULL
#define OMNI_H_PAIR 0xb492b66fbe98f273ULL
#define OMNI_H_VECTOR 0x9ddfea08eb382d69ULL
#define OMNI_H_DICT 0x85ebca6b0c2b2ae3ULL

/* A 64-bit finaliser (splitmix64): spreads every input bit over the result. */
static uint64_t omniH_mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The bit pattern of a double. */
static uint64_t omniH_float_bits(OValue v) {
  uint64_t bits;
  double d = omni_flo(v);
  memcpy(&bits, &d, sizeof bits);
  return bits;
}

int omniH_eqv(OValue a, OValue b) {
  if (a == b) return 1;
  return omni_is_float(a) && omni_is_float(b) && omniH_float_bits(a) == omniH_float_bits(b);
}

/* Strings: same bytes. */
static int omniH_string_equal(OString *a, OString *b) {
  return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static int omniH_vector_equal(OVector *a, OVector *b) {
  size_t i;
  if (a->len != b->len) return 0;
  for (i = 0; i < a->len; i++)
    if (!omniH_equal(a->items[i], b->items[i])) return 0;
  return 1;
}

/* Dicts: the same keys (by equal?) with equal values, in any order. */
static int omniH_dict_equal(ODict *a, ODict *b) {
  size_t i;
  if (a->count != b->count) return 0;
  for (i = 0; i < a->used; i++) {
    ODictEntry *e = &a->entries[i];
    OValue other;
    if (e->key == OMNI_UNINIT) continue;
    other = omniD_get(b, e->key);
    if (other == OMNI_UNINIT || !omniH_equal(e->value, other)) return 0;
  }
  return 1;
}

int omniH_equal(OValue a, OValue b) {
  for (;;) {
    OObj *x, *y;
    if (omniH_eqv(a, b)) return 1;
    if (!omni_is_ptr(a) || !omni_is_ptr(b)) return 0;
    x = omni_obj(a);
    y = omni_obj(b);
    if (x->type != y->type) return 0;
    switch (x->type) {
    case OT_PAIR:
      if (!omniH_equal(omni_car(a), omni_car(b))) return 0;
      a = omni_cdr(a);
      b = omni_cdr(b);
      continue;
    case OT_STRING:
      return omniH_string_equal(omni_str(a), omni_str(b));
    case OT_VECTOR:
      return omniH_vector_equal((OVector *)x, (OVector *)y);
    case OT_DICT:
      return omniH_dict_equal((ODict *)x, (ODict *)y);
    default:
      return 0;
    }
  }
}

/* FNV-1a over the bytes of a string, then mixed. */
static uint64_t omniH_hash_string(OString *s) {
  uint64_t h = 0xcbf29ce484222325ULL ^ OMNI_H_STRING;
  size_t i;
  for (i = 0; i < s->len; i++) h = (h ^ (unsigned char)s->data[i]) * 0x100000001b3ULL;
  return omniH_mix(h ^ s->len);
}

/* A list or improper list: each car in order, then the final cdr. */
static uint64_t omniH_hash_pairs(OValue v) {
  uint64_t h = OMNI_H_PAIR;
  while (omni_is_pair(v)) {
    h = omniH_mix(h * 31 + omniH_hash(omni_car(v)));
    v = omni_cdr(v);
  }
  return omniH_mix(h ^ omniH_hash(v));
}

static uint64_t omniH_hash_vector(OVector *v) {
  uint64_t h = OMNI_H_VECTOR ^ v->len;
  size_t i;
  for (i = 0; i < v->len; i++) h = omniH_mix(h * 31 + omniH_hash(v->items[i]));
  return omniH_mix(h);
}

/* Order-independent: a sum of per-entry hashes. */
static uint64_t omniH_hash_dict(ODict *d) {
  uint64_t sum = 0;
  size_t i;
  for (i = 0; i < d->used; i++) {
    ODictEntry *e = &d->entries[i];
    if (e->key == OMNI_UNINIT) continue;
    sum += omniH_mix(e->hash ^ (omniH_hash(e->value) * 0x9e3779b97f4a7c15ULL));
  }
  return omniH_mix(OMNI_H_DICT ^ d->count ^ omniH_mix(sum));
}

uint64_t omniH_hash(OValue v) {
  OObj *o;
  if (!omni_is_ptr(v)) return omniH_mix((uint64_t)v);
  o = omni_obj(v);
  switch (o->type) {
  case OT_FLOAT:
    return omniH_mix(omniH_float_bits(v) ^ OMNI_H_FLOAT);
  case OT_STRING:
    return omniH_hash_string(omni_str(v));
  case OT_PAIR:
    return omniH_hash_pairs(v);
  case OT_VECTOR:
    return omniH_hash_vector((OVector *)o);
  case OT_DICT:
    return omniH_hash_dict((ODict *)o);
  default:
    return omniH_mix((uint64_t)v); /* identity: symbols, keywords, procedures, ... */
  }
}

/* ---------------------------------------------------------------- primitives */

OValue omniP_eq_p(OState *S, OValue a0, OValue a1) { return omni_bool(a0 == a1); }

OValue omniP_eqv_p(OState *S, OValue a0, OValue a1) { return omni_bool(omniH_eqv(a0, a1)); }

OValue omniP_equal_p(OState *S, OValue a0, OValue a1) { return omni_bool(omniH_equal(a0, a1)); }

OValue omniP_not(OState *S, OValue a0) { return omni_bool(a0 == OMNI_NIL); }

OValue omniP_procedure_p(OState *S, OValue a0) { return omni_bool(omni_type_is(a0, OT_CLOSURE)); }

OValue omniP_vector_p(OState *S, OValue a0) { return omni_bool(omni_type_is(a0, OT_VECTOR)); }

OValue omniP_dict_p(OState *S, OValue a0) { return omni_bool(omni_type_is(a0, OT_DICT)); }

OValue omniP_atom_p(OState *S, OValue a0) { return omni_bool(omni_type_is(a0, OT_ATOM)); }

OValue omniP_error_p(OState *S, OValue a0) { return omni_bool(omni_type_is(a0, OT_ERROR)); }

/* The name type-of gives a value (LANGUAGE.md §2). */
static const char *omniH_type_name(OValue v) {
  if (v == OMNI_NIL) return "nil";
  if (v == OMNI_T) return "bool";
  if (omni_is_int(v)) return "int";
  if (omni_is_char(v)) return "char";
  if (!omni_is_ptr(v)) return "nil"; /* markers never reach programs */
  switch ((OType)omni_obj(v)->type) {
  case OT_FLOAT: return "float";
  case OT_STRING: return "string";
  case OT_SYMBOL: return "symbol";
  case OT_KEYWORD: return "keyword";
  case OT_PAIR: return "pair";
  case OT_CLOSURE: return "procedure";
  case OT_ERROR: return "error";
  case OT_CHANNEL: return "channel";
  case OT_THREAD: return "thread";
  case OT_VECTOR: return "vector";
  case OT_DICT: return "dict";
  case OT_ATOM: return "atom";
  default: return "procedure"; /* environment records and boxes are never values of programs */
  }
}

OValue omniP_type_of(OState *S, OValue a0) {
  const char *name = omniH_type_name(a0);
  return omniS_symbol(name, strlen(name));
}

OValue omniP_identity(OState *S, OValue a0) { return omni_dup(a0); }

/*
** The procedure made by compose: like prelude.ts, it first applies identity to all its arguments
** (so a call with other than one argument reports identity's arity error), then the composed
** procedures from right to left.
*/
static OValue omniH_compose_code(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue v;
  uint32_t i;
  char probe;
  if (&probe < S->stack_limit) {
    omniF_drop_args(S, argc, argv);
    return omniE_stack_overflow(S);
  }
  v = omniF_call(S, (OValue)&omniK_identity, argc, argv);
  for (i = self->nenv; i > 0 && v != OMNI_RAISED; i--) v = omniF_call(S, self->env[i - 1], 1, &v);
  return v;
}

OValue omniP_compose(OState *S, int argc, OValue *argv) {
  OClosure *c;
  int i;
  for (i = 0; i < argc; i++)
    if (!omni_type_is(argv[i], OT_CLOSURE) && !omni_type_is(argv[i], OT_KEYWORD))
      return omniE_type(S, "compose", "procedure", argv[i]);
  if (argc == 0) return omni_dup((OValue)&omniK_identity);
  c = omniF_closure(S, omniH_compose_code, NULL, 0, -1, (uint32_t)argc);
  for (i = 0; i < argc; i++) c->env[i] = omni_dup(argv[i]);
  return (OValue)c;
}
