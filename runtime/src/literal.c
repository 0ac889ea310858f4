/*
** literal.c — the program's quoted data, built at start-up from a byte table that the compiler
** emits (emit-c.ts, `literalBytes`). Data, not code: a C compiler reads a table of any size in
** linear time, where one statement per cons made gcc take minutes on programs with large quoted
** data.
**
** Each value is a tag byte followed by its payload; counts, lengths and chars are unsigned
** LEB128, ints are zigzag-encoded LEB128, floats are the 8 bytes of their bits, little-endian:
**   0 nil   1 t   2 int   3 char   4 float
**   5 string, 6 symbol, 7 keyword: byte length, then UTF-8 bytes
**   8 list:   count n >= 1, the n items, then the tail (nil for a proper list)
**   9 vector: count, then the items
**  10 dict:   count, then key and value of each entry in insertion order
*/
#include "omnilisp.h"

#include <stdlib.h>

enum { OQ_NIL, OQ_T, OQ_INT, OQ_CHAR, OQ_FLOAT, OQ_STRING, OQ_SYMBOL, OQ_KEYWORD, OQ_LIST, OQ_VECTOR, OQ_DICT };

typedef struct OQReader {
  const unsigned char *p;   /* next byte */
  const unsigned char *end; /* one past the last byte */
} OQReader;

static uint64_t omniQ_varint(OQReader *r) {
  uint64_t x = 0;
  int shift = 0;
  while (r->p < r->end) {
    unsigned char b = *r->p++;
    x |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  return x;
}

/* `len` bytes of payload, or NULL (and nothing read) when the table is shorter. */
static const char *omniQ_bytes(OQReader *r, size_t len) {
  const char *s = (const char *)r->p;
  if ((size_t)(r->end - r->p) < len) return NULL;
  r->p += len;
  return s;
}

static OValue omniQ_value(OState *S, OQReader *r);

static OValue omniQ_list(OState *S, OQReader *r) {
  size_t n = (size_t)omniQ_varint(r), i;
  OValue *items = omniO_xmalloc((n ? n : 1) * sizeof(OValue));
  OValue list;
  for (i = 0; i < n; i++) items[i] = omniQ_value(S, r);
  list = omniQ_value(S, r);
  while (n > 0) list = omniL_cons(S, items[--n], list);
  free(items);
  return list;
}

static OValue omniQ_vector(OState *S, OQReader *r) {
  size_t n = (size_t)omniQ_varint(r), i;
  OValue v = omniV_new(S, n, OMNI_NIL);
  for (i = 0; i < n; i++) ((OVector *)v)->items[i] = omniQ_value(S, r);
  return v;
}

static OValue omniQ_dict(OState *S, OQReader *r) {
  size_t n = (size_t)omniQ_varint(r), i;
  OValue d = omniD_new(S);
  for (i = 0; i < n; i++) {
    OValue k = omniQ_value(S, r);
    OValue v = omniQ_value(S, r);
    omniD_set(S, (ODict *)d, k, v);
    omni_drop(S, k);
    omni_drop(S, v);
  }
  return d;
}

/* A named thing (string, symbol, keyword): its length, then its bytes. */
static OValue omniQ_named(OState *S, OQReader *r, int tag) {
  size_t len = (size_t)omniQ_varint(r);
  const char *s = omniQ_bytes(r, len);
  if (!s) return OMNI_NIL;
  if (tag == OQ_STRING) return omniS_string(S, s, len);
  return tag == OQ_SYMBOL ? omniS_symbol(s, len) : omniS_keyword(s, len);
}

static OValue omniQ_value(OState *S, OQReader *r) {
  uint64_t u;
  int i;
  if (r->p >= r->end) return OMNI_NIL;
  switch (*r->p++) {
    case OQ_T:
      return OMNI_T;
    case OQ_INT:
      u = omniQ_varint(r);
      return omni_mkint((int64_t)(u >> 1) ^ -(int64_t)(u & 1));
    case OQ_CHAR:
      return omni_mkchar((uint32_t)omniQ_varint(r));
    case OQ_FLOAT:
      u = 0;
      for (i = 0; i < 8 && r->p < r->end; i++) u |= (uint64_t)*r->p++ << (8 * i);
      return omniN_float(S, omni_bits_double(u));
    case OQ_STRING:
    case OQ_SYMBOL:
    case OQ_KEYWORD:
      return omniQ_named(S, r, r->p[-1]);
    case OQ_LIST:
      return omniQ_list(S, r);
    case OQ_VECTOR:
      return omniQ_vector(S, r);
    case OQ_DICT:
      return omniQ_dict(S, r);
    default:
      return OMNI_NIL;
  }
}

void omniQ_load(OState *S, OValue *slots, size_t count, const unsigned char *data, size_t size) {
  OQReader r;
  size_t i;
  r.p = data;
  r.end = data + size;
  for (i = 0; i < count; i++) slots[i] = omniO_immortal(omniQ_value(S, &r));
}
