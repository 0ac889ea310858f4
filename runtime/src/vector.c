/*
** vector.c — mutable fixed-length vectors (LANGUAGE.md §4, §10).
**
** A vector is one allocation: `items` points just after the struct. vector-set! and vector-fill!
** store a dup of the new item before dropping the old one.
*/
#include "omnilisp.h"

#include <stdio.h>
#include <stdlib.h>

/*
** A vector of len dups of fill, or NULL after raising `NAME: cannot allocate LEN elements` when
** that much memory cannot be had (the sized allocators: make-vector, list->vector, ...).
*/
static OVector *omniV_alloc(OState *S, const char *name, size_t len, OValue fill) {
  OVector *v = NULL;
  size_t i;
  if (len <= omniO_items_fit(sizeof(OVector), sizeof(OValue)))
    v = omniO_try_alloc(S, sizeof(OVector) + len * sizeof(OValue), OT_VECTOR);
  if (!v) {
    omniE_raisef(S, "%s: cannot allocate %zu elements", name, len);
    return NULL;
  }
  v->len = len;
  v->items = (OValue *)(v + 1);
  for (i = 0; i < len; i++) v->items[i] = omni_dup(fill);
  return v;
}

OValue omniV_new(OState *S, size_t len, OValue fill) {
  OVector *v = omniV_alloc(S, "vector", len, fill);
  if (!v) omniR_out_of_memory();
  return (OValue)v;
}

#define omniV_vec(v) ((OVector *)(v))

#define OMNI_V_CHECK(name, v)                                                                      \
  do {                                                                                             \
    if (!omni_type_is(v, OT_VECTOR)) return omniE_type(S, name, "vector", v);                      \
  } while (0)

/*
** An index argument checked against len (`end` also allows len itself); the error is raised and
** -1 returned when it is not an int or out of range.
*/
static int64_t omniV_index(OState *S, const char *name, OValue i, size_t len, int end) {
  int64_t k;
  if (!omni_is_int(i)) {
    omniE_type(S, name, "int", i);
    return -1;
  }
  k = omni_int(i);
  if (k < 0 || (uint64_t)k > len || (!end && (uint64_t)k == len)) {
    omniE_raisef(S, "%s: index %lld out of range for length %zu", name, (long long)k, len);
    return -1;
  }
  return k;
}

/* Stores a dup of x at index i, dropping the old item after the store. */
static void omniV_store(OState *S, OVector *v, size_t i, OValue x) {
  OValue old = v->items[i];
  v->items[i] = omni_dup(x);
  omni_drop(S, old);
}

OValue omniP_vector(OState *S, int argc, OValue *argv) {
  OValue r = omniV_new(S, (size_t)argc, OMNI_NIL);
  int i;
  for (i = 0; i < argc; i++) omniV_vec(r)->items[i] = omni_dup(argv[i]);
  return r;
}

OValue omniP_make_vector(OState *S, int argc, OValue *argv) {
  OVector *v;
  int64_t n;
  if (!omni_is_int(argv[0])) return omniE_type(S, "make-vector", "int", argv[0]);
  n = omni_int(argv[0]);
  if (n < 0) return omniE_raisef(S, "make-vector: expected non-negative int, got %lld", (long long)n);
  v = omniV_alloc(S, "make-vector", (size_t)n, argc >= 2 ? argv[1] : OMNI_NIL);
  return v ? (OValue)v : OMNI_RAISED;
}

OValue omniP_vector_ref(OState *S, OValue a0, OValue a1) {
  int64_t i;
  OMNI_V_CHECK("vector-ref", a0);
  i = omniV_index(S, "vector-ref", a1, omniV_vec(a0)->len, 0);
  if (i < 0) return OMNI_RAISED;
  return omni_dup(omniV_vec(a0)->items[i]);
}

OValue omniP_vector_set_x(OState *S, OValue a0, OValue a1, OValue a2) {
  int64_t i;
  OMNI_V_CHECK("vector-set!", a0);
  i = omniV_index(S, "vector-set!", a1, omniV_vec(a0)->len, 0);
  if (i < 0) return OMNI_RAISED;
  omniV_store(S, omniV_vec(a0), (size_t)i, a2);
  return OMNI_NIL;
}

OValue omniP_vector_length(OState *S, OValue a0) {
  OMNI_V_CHECK("vector-length", a0);
  return omni_mkint((int64_t)omniV_vec(a0)->len);
}

/* A fresh list of items [from, to) of v. */
static OValue omniV_to_list(OState *S, OVector *v, size_t from, size_t to) {
  OValue r = OMNI_NIL;
  while (to > from) {
    to--;
    r = omniL_cons(S, omni_dup(v->items[to]), r);
  }
  return r;
}

OValue omniP_vector_to_list(OState *S, OValue a0) {
  OMNI_V_CHECK("vector->list", a0);
  return omniV_to_list(S, omniV_vec(a0), 0, omniV_vec(a0)->len);
}

OValue omniP_list_to_vector(OState *S, OValue a0) {
  OValue l = a0, r;
  size_t n = 0, i;
  while (omni_is_pair(l)) {
    n++;
    l = omni_cdr(l);
  }
  if (l != OMNI_NIL) return omniE_type(S, "list->vector", "list", a0);
  if (!(r = (OValue)omniV_alloc(S, "list->vector", n, OMNI_NIL))) return OMNI_RAISED;
  for (i = 0, l = a0; i < n; i++, l = omni_cdr(l)) omniV_vec(r)->items[i] = omni_dup(omni_car(l));
  return r;
}

OValue omniP_vector_fill_x(OState *S, OValue a0, OValue a1) {
  size_t i;
  OMNI_V_CHECK("vector-fill!", a0);
  for (i = 0; i < omniV_vec(a0)->len; i++) omniV_store(S, omniV_vec(a0), i, a1);
  return OMNI_NIL;
}

OValue omniP_vector_copy(OState *S, int argc, OValue *argv) {
  OVector *v;
  int64_t start = 0, end;
  OValue r;
  size_t i;
  OMNI_V_CHECK("vector-copy", argv[0]);
  v = omniV_vec(argv[0]);
  end = (int64_t)v->len;
  if (argc > 1 && (start = omniV_index(S, "vector-copy", argv[1], v->len, 1)) < 0) return OMNI_RAISED;
  if (argc > 2 && (end = omniV_index(S, "vector-copy", argv[2], v->len, 1)) < 0) return OMNI_RAISED;
  if (start > end)
    return omniE_raisef(S, "vector-copy: start %lld is greater than end %lld", (long long)start, (long long)end);
  if (!(r = (OValue)omniV_alloc(S, "vector-copy", (size_t)(end - start), OMNI_NIL))) return OMNI_RAISED;
  for (i = 0; i < (size_t)(end - start); i++) omniV_vec(r)->items[i] = omni_dup(v->items[start + (int64_t)i]);
  return r;
}

/* Drops the k snapshots of n items each, and the array holding them. */
static void omniV_drop_snapshots(OState *S, OValue *snap, size_t k, size_t n) {
  size_t i;
  for (i = 0; i < k * n; i++) omni_drop(S, snap[i]);
  free(snap);
}

/*
** (vector-map f v1 v2 ...): like prelude.ts, it maps over copies of the vectors taken before f
** first runs (so f may mutate them) and stops at the shortest.
*/
OValue omniP_vector_map(OState *S, int argc, OValue *argv) {
  OValue f = argv[0], r, *snap, *args, small[8];
  size_t k = (size_t)argc - 1, n = SIZE_MAX, i, j;
  if (!omni_type_is(f, OT_CLOSURE) && !omni_type_is(f, OT_KEYWORD))
    return omniE_type(S, "vector-map", "procedure", f);
  for (j = 1; j < (size_t)argc; j++) {
    OMNI_V_CHECK("vector-map", argv[j]);
    if (omniV_vec(argv[j])->len < n) n = omniV_vec(argv[j])->len;
  }
  if (!(r = (OValue)omniV_alloc(S, "vector-map", n, OMNI_NIL))) return OMNI_RAISED;
  snap = omniO_xmalloc(k * n * sizeof(OValue));
  for (j = 0; j < k; j++)
    for (i = 0; i < n; i++) snap[j * n + i] = omni_dup(omniV_vec(argv[j + 1])->items[i]);
  args = k <= 8 ? small : omniO_xmalloc(k * sizeof(OValue));
  for (i = 0; i < n; i++) {
    OValue x;
    for (j = 0; j < k; j++) args[j] = omni_dup(snap[j * n + i]);
    x = omniF_call(S, f, (int)k, args);
    if (x == OMNI_RAISED) {
      omni_drop(S, r);
      r = OMNI_RAISED;
      break;
    }
    omniV_vec(r)->items[i] = x;
  }
  if (args != small) free(args);
  omniV_drop_snapshots(S, snap, k, n);
  return r;
}
