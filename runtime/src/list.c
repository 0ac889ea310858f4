/*
** list.c — pairs and the list primitives (LANGUAGE.md §4, §10).
**
** Pairs are immutable, so a primitive may walk a borrowed list while it calls procedures. Lists
** can be 1,000,000 long: every walk is a loop along cdr, and results are built front to back
** with a tail pointer into the last fresh pair (which nobody else sees yet). The higher-order
** primitives check their arguments in the order of the prelude (compiler/src/interp/prelude.ts).
*/
#include "omnilisp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

OValue omniL_cons(OState *S, OValue car, OValue cdr) {
  OPair *p = omniO_alloc(S, sizeof(OPair), OT_PAIR);
  p->car = car;
  p->cdr = cdr;
  return (OValue)p;
}

/* A list under construction: head, and the place where the next pair goes. */
typedef struct OListBuilder {
  OValue head;  /* the list so far (owned) */
  OValue *tail; /* the cdr slot of the last pair, or &head */
} OListBuilder;

static void omniL_builder_init(OListBuilder *b) {
  b->head = OMNI_NIL;
  b->tail = &b->head;
}

/* Appends v (consumed). */
static void omniL_push(OState *S, OListBuilder *b, OValue v) {
  OValue p = omni_cons(S, v, OMNI_NIL);
  *b->tail = p;
  b->tail = &((OPair *)p)->cdr;
}

/* Number of pairs along cdr; *proper tells whether the walk ended at nil. */
static size_t omniL_walk(OValue l, int *proper) {
  size_t n = 0;
  while (omni_is_pair(l)) {
    n++;
    l = omni_cdr(l);
  }
  *proper = l == OMNI_NIL;
  return n;
}

/* Length of a proper list, or -1 (having raised `NAME: expected list, got L`). */
static long long omniL_length_of(OState *S, const char *name, OValue l) {
  int proper;
  size_t n = omniL_walk(l, &proper);
  if (!proper) {
    omniE_type(S, name, "list", l);
    return -1;
  }
  return (long long)n;
}

/* What %check-proc accepts: procedures and keywords. */
static int omniL_callable(OValue f) { return omni_type_is(f, OT_CLOSURE) || omni_type_is(f, OT_KEYWORD); }

/* Calls f on one element (borrowed); returns the owned result or OMNI_RAISED. */
static OValue omniL_call1(OState *S, OValue f, OValue x) {
  OValue a = omni_dup(x);
  return omni_call(S, f, 1, &a);
}

/* Calls f on two values (borrowed); returns the owned result or OMNI_RAISED. */
static OValue omniL_call2(OState *S, OValue f, OValue x, OValue y) {
  OValue a[2];
  a[0] = omni_dup(x);
  a[1] = omni_dup(y);
  return omni_call(S, f, 2, a);
}

/* ---------------------------------------------------------------- accessors */

OValue omniP_cons(OState *S, OValue a0, OValue a1) { return omni_cons(S, omni_dup(a0), omni_dup(a1)); }

OValue omniP_car(OState *S, OValue a0) {
  return omni_is_pair(a0) ? omni_dup(omni_car(a0)) : omniE_type(S, "car", "pair", a0);
}

OValue omniP_cdr(OState *S, OValue a0) {
  return omni_is_pair(a0) ? omni_dup(omni_cdr(a0)) : omniE_type(S, "cdr", "pair", a0);
}

/* c[ad]+r: path is applied from its last letter; errors name the accessor and its argument. */
static OValue omniL_cxr(OState *S, const char *name, const char *path, OValue x) {
  OValue v = x;
  size_t i = strlen(path);
  while (i > 0) {
    if (!omni_is_pair(v)) return omniE_type(S, name, "pair", x);
    v = path[--i] == 'a' ? omni_car(v) : omni_cdr(v);
  }
  return omni_dup(v);
}

OValue omniP_caar(OState *S, OValue a0) { return omniL_cxr(S, "caar", "aa", a0); }
OValue omniP_cadr(OState *S, OValue a0) { return omniL_cxr(S, "cadr", "ad", a0); }
OValue omniP_cdar(OState *S, OValue a0) { return omniL_cxr(S, "cdar", "da", a0); }
OValue omniP_cddr(OState *S, OValue a0) { return omniL_cxr(S, "cddr", "dd", a0); }
OValue omniP_caddr(OState *S, OValue a0) { return omniL_cxr(S, "caddr", "add", a0); }

/* The element at index n, or nil when the list is shorter (or not a list). */
static OValue omniL_nth(OValue l, int n) {
  int i;
  for (i = 0; i < n && omni_is_pair(l); i++) l = omni_cdr(l);
  return omni_is_pair(l) ? omni_dup(omni_car(l)) : OMNI_NIL;
}

OValue omniP_first(OState *S, OValue a0) { return omniL_nth(a0, 0); }
OValue omniP_second(OState *S, OValue a0) { return omniL_nth(a0, 1); }
OValue omniP_third(OState *S, OValue a0) { return omniL_nth(a0, 2); }

OValue omniP_rest(OState *S, OValue a0) { return omni_is_pair(a0) ? omni_dup(omni_cdr(a0)) : OMNI_NIL; }

OValue omniP_list(OState *S, int argc, OValue *argv) {
  OValue r = OMNI_NIL;
  while (argc > 0) {
    argc--;
    r = omni_cons(S, omni_dup(argv[argc]), r);
  }
  return r;
}

OValue omniP_list_p(OState *S, OValue a0) {
  int proper;
  omniL_walk(a0, &proper);
  return omni_bool(proper);
}

OValue omniP_pair_p(OState *S, OValue a0) { return omni_bool(omni_is_pair(a0)); }
OValue omniP_null_p(OState *S, OValue a0) { return omni_bool(a0 == OMNI_NIL); }
OValue omniP_nil_p(OState *S, OValue a0) { return omni_bool(a0 == OMNI_NIL); }

OValue omniP_length(OState *S, OValue a0) {
  long long n = omniL_length_of(S, "length", a0);
  return n < 0 ? OMNI_RAISED : omni_mkint(n);
}

/* Every argument but the last must be a list; like builtins.ts they are checked last to first. */
OValue omniP_append(OState *S, int argc, OValue *argv) {
  OListBuilder b;
  int i;
  if (argc == 0) return OMNI_NIL;
  for (i = argc - 2; i >= 0; i--)
    if (omniL_length_of(S, "append", argv[i]) < 0) return OMNI_RAISED;
  omniL_builder_init(&b);
  for (i = 0; i < argc - 1; i++) {
    OValue l;
    for (l = argv[i]; omni_is_pair(l); l = omni_cdr(l)) omniL_push(S, &b, omni_dup(omni_car(l)));
  }
  *b.tail = omni_dup(argv[argc - 1]);
  return b.head;
}

OValue omniP_reverse(OState *S, OValue a0) {
  OValue r = OMNI_NIL, l;
  if (omniL_length_of(S, "reverse", a0) < 0) return OMNI_RAISED;
  for (l = a0; omni_is_pair(l); l = omni_cdr(l)) r = omni_cons(S, omni_dup(omni_car(l)), r);
  return r;
}

/* Only this reference holds the cell: it may be changed unseen. */
static int omniL_unique(OValue v) {
  return !(omni_obj(v)->flags & (OF_IMMORTAL | OF_SHARED)) && omni_obj(v)->rc == 1;
}

OValue omniL_reverse_owned(OState *S, OValue l) {
  OValue r = OMNI_NIL, rest;
  if (omniL_length_of(S, "reverse", l) < 0) {
    omni_drop(S, l);
    return OMNI_RAISED;
  }
  /* the cells only this reference reaches are relinked: each next cell's reference passes to us */
  while (omni_is_pair(l) && omniL_unique(l)) {
    OValue next = omni_cdr(l);
    omni_cdr(l) = r;
    r = l;
    l = next;
  }
  /* from the first cell held elsewhere on, the rest is copied */
  for (rest = l; omni_is_pair(rest); rest = omni_cdr(rest)) r = omni_cons(S, omni_dup(omni_car(rest)), r);
  omni_drop(S, l);
  return r;
}

/*
** An index into a list of length n (`end` also allows n); -1 after raising. The list is checked
** before the index, as in builtins.ts.
*/
static long long omniL_index(OState *S, const char *name, OValue i, long long n, int end) {
  int64_t k;
  if (!omni_is_int(i)) {
    omniE_type(S, name, "int", i);
    return -1;
  }
  k = omni_int(i);
  if (k < 0 || k > n || (!end && k == n)) {
    omniE_raisef(S, "%s: index %lld out of range for length %lld", name, (long long)k, n);
    return -1;
  }
  return (long long)k;
}

/* The list after k cdrs (borrowed). */
static OValue omniL_skip(OValue l, long long k) {
  while (k-- > 0 && omni_is_pair(l)) l = omni_cdr(l);
  return l;
}

OValue omniP_list_ref(OState *S, OValue a0, OValue a1) {
  long long n = omniL_length_of(S, "list-ref", a0), k;
  if (n < 0 || (k = omniL_index(S, "list-ref", a1, n, 0)) < 0) return OMNI_RAISED;
  return omni_dup(omni_car(omniL_skip(a0, k)));
}

OValue omniP_list_tail(OState *S, OValue a0, OValue a1) {
  long long n = omniL_length_of(S, "list-tail", a0), k;
  if (n < 0 || (k = omniL_index(S, "list-tail", a1, n, 1)) < 0) return OMNI_RAISED;
  return omni_dup(omniL_skip(a0, k));
}

OValue omniP_last(OState *S, OValue a0) {
  OValue p = a0;
  if (!omni_is_pair(p)) return omniE_type(S, "last", "pair", a0);
  while (omni_is_pair(omni_cdr(p))) p = omni_cdr(p);
  return omni_dup(omni_car(p));
}

/* member/memq: the first tail whose car matches; an improper end is an error only if reached. */
static OValue omniL_member(OState *S, const char *name, int equal, OValue x, OValue l) {
  OValue v;
  for (v = l; omni_is_pair(v); v = omni_cdr(v))
    if (equal ? omniH_equal(x, omni_car(v)) : x == omni_car(v)) return omni_dup(v);
  if (v != OMNI_NIL) return omniE_type(S, name, "list", l);
  return OMNI_NIL;
}

OValue omniP_member(OState *S, OValue a0, OValue a1) { return omniL_member(S, "member", 1, a0, a1); }
OValue omniP_memq(OState *S, OValue a0, OValue a1) { return omniL_member(S, "memq", 0, a0, a1); }

/* assoc/assq: the whole list is checked first; entries that are not pairs are skipped. */
static OValue omniL_assoc(OState *S, const char *name, int equal, OValue x, OValue l) {
  OValue v;
  if (omniL_length_of(S, name, l) < 0) return OMNI_RAISED;
  for (v = l; omni_is_pair(v); v = omni_cdr(v)) {
    OValue e = omni_car(v);
    if (omni_is_pair(e) && (equal ? omniH_equal(x, omni_car(e)) : x == omni_car(e))) return omni_dup(e);
  }
  return OMNI_NIL;
}

OValue omniP_assoc(OState *S, OValue a0, OValue a1) { return omniL_assoc(S, "assoc", 1, a0, a1); }
OValue omniP_assq(OState *S, OValue a0, OValue a1) { return omniL_assoc(S, "assq", 0, a0, a1); }

/* ---------------------------------------------------------------- map and friends */

/* map or for-each over one (checked) list: the common case, without the k-list bookkeeping. */
static OValue omniL_map1(OState *S, int collect, OValue f, OValue l) {
  OListBuilder b;
  omniL_builder_init(&b);
  for (; omni_is_pair(l); l = omni_cdr(l)) {
    OValue r = omniL_call1(S, f, omni_car(l));
    if (r == OMNI_RAISED) {
      omni_drop(S, b.head);
      return OMNI_RAISED;
    }
    if (collect) omniL_push(S, &b, r);
    else omni_drop(S, r);
  }
  return b.head;
}

/*
** map (collect) and for-each over argv[1..argc): f is checked, then every list in order; with
** several lists the walk stops at the shortest.
*/
static OValue omniL_map(OState *S, const char *name, int collect, int argc, OValue *argv) {
  OValue f = argv[0], small[8], *cur, *args;
  OListBuilder b;
  int k = argc - 1, i;
  if (!omniL_callable(f)) return omniE_type(S, name, "procedure", f);
  for (i = 1; i < argc; i++)
    if (omniL_length_of(S, name, argv[i]) < 0) return OMNI_RAISED;
  if (k == 1) return omniL_map1(S, collect, f, argv[1]);
  omniL_builder_init(&b);
  cur = omniO_xmalloc(2 * (size_t)k * sizeof(OValue));
  args = k <= 8 ? small : cur + k;
  for (i = 0; i < k; i++) cur[i] = argv[i + 1];
  for (;;) {
    OValue r;
    for (i = 0; i < k; i++)
      if (!omni_is_pair(cur[i])) break;
    if (i < k) break;
    for (i = 0; i < k; i++) {
      args[i] = omni_dup(omni_car(cur[i]));
      cur[i] = omni_cdr(cur[i]);
    }
    r = omni_call(S, f, k, args);
    if (r == OMNI_RAISED) {
      free(cur);
      omni_drop(S, b.head);
      return OMNI_RAISED;
    }
    if (collect) omniL_push(S, &b, r);
    else omni_drop(S, r);
  }
  free(cur);
  return b.head;
}

OValue omniP_map(OState *S, int argc, OValue *argv) { return omniL_map(S, "map", 1, argc, argv); }

OValue omniP_for_each(OState *S, int argc, OValue *argv) { return omniL_map(S, "for-each", 0, argc, argv); }

/* filter (keep == 1) and remove (keep == 0). */
static OValue omniL_filter(OState *S, const char *name, int keep, OValue f, OValue l) {
  OListBuilder b;
  OValue v;
  if (!omniL_callable(f)) return omniE_type(S, name, "procedure", f);
  if (omniL_length_of(S, name, l) < 0) return OMNI_RAISED;
  omniL_builder_init(&b);
  for (v = l; omni_is_pair(v); v = omni_cdr(v)) {
    OValue r = omniL_call1(S, f, omni_car(v));
    if (r == OMNI_RAISED) {
      omni_drop(S, b.head);
      return OMNI_RAISED;
    }
    omni_drop(S, r);
    if (omni_truthy(r) == keep) omniL_push(S, &b, omni_dup(omni_car(v)));
  }
  return b.head;
}

OValue omniP_filter(OState *S, OValue a0, OValue a1) { return omniL_filter(S, "filter", 1, a0, a1); }
OValue omniP_remove(OState *S, OValue a0, OValue a1) { return omniL_filter(S, "remove", 0, a0, a1); }

/* Left fold from acc (owned) over the list l: acc = (f acc x). */
static OValue omniL_fold_from(OState *S, OValue f, OValue acc, OValue l) {
  for (; omni_is_pair(l) && acc != OMNI_RAISED; l = omni_cdr(l)) {
    OValue a[2];
    a[0] = acc;
    a[1] = omni_dup(omni_car(l));
    acc = omni_call(S, f, 2, a);
  }
  return acc;
}

OValue omniP_fold(OState *S, OValue a0, OValue a1, OValue a2) {
  if (!omniL_callable(a0)) return omniE_type(S, "fold", "procedure", a0);
  if (omniL_length_of(S, "fold", a2) < 0) return OMNI_RAISED;
  return omniL_fold_from(S, a0, omni_dup(a1), a2);
}

OValue omniP_reduce(OState *S, OValue a0, OValue a1) {
  if (!omniL_callable(a0)) return omniE_type(S, "reduce", "procedure", a0);
  if (omniL_length_of(S, "reduce", a1) < 0) return OMNI_RAISED;
  if (a1 == OMNI_NIL) return omniE_raisef(S, "reduce: empty list");
  return omniL_fold_from(S, a0, omni_dup(omni_car(a1)), omni_cdr(a1));
}

/* Right fold: acc = (f x acc) from the last element to the first. */
OValue omniP_foldr(OState *S, OValue a0, OValue a1, OValue a2) {
  long long n = 0, i;
  OValue *xs, acc, l;
  if (!omniL_callable(a0)) return omniE_type(S, "foldr", "procedure", a0);
  if ((n = omniL_length_of(S, "foldr", a2)) < 0) return OMNI_RAISED;
  xs = omniO_xmalloc((size_t)n * sizeof(OValue));
  for (i = 0, l = a2; i < n; i++, l = omni_cdr(l)) xs[i] = omni_car(l);
  acc = omni_dup(a1);
  for (i = n - 1; i >= 0 && acc != OMNI_RAISED; i--) {
    OValue a[2];
    a[0] = omni_dup(xs[i]);
    a[1] = acc;
    acc = omni_call(S, a0, 2, a);
  }
  free(xs);
  return acc;
}

/* ---------------------------------------------------------------- building lists */

/* Whether the pairs of (range start end step) could be had; else `range: cannot allocate N elements`. */
static int omniL_range_fits(OState *S, int64_t start, int64_t end, int64_t step) {
  uint64_t n = 0;
  if (step > 0 && end > start) n = ((uint64_t)(end - start) + (uint64_t)step - 1) / (uint64_t)step;
  if (step < 0 && end < start) n = ((uint64_t)(start - end) + (uint64_t)-step - 1) / (uint64_t)-step;
  if (omniO_can_hold((double)n * sizeof(OPair))) return 1;
  omniE_raisef(S, "range: cannot allocate %llu elements", (unsigned long long)n);
  return 0;
}

OValue omniP_range(OState *S, int argc, OValue *argv) {
  int64_t start = 0, end, step = 1, i;
  OListBuilder b;
  int j;
  for (j = 0; j < argc; j++)
    if (!omni_is_int(argv[j])) return omniE_type(S, "range", "int", argv[j]);
  if (argc == 1) {
    end = omni_int(argv[0]);
  } else {
    start = omni_int(argv[0]);
    end = omni_int(argv[1]);
    if (argc == 3) step = omni_int(argv[2]);
  }
  if (step == 0) return omniE_raisef(S, "range: step must not be zero");
  if (!omniL_range_fits(S, start, end, step)) return OMNI_RAISED;
  omniL_builder_init(&b);
  /* |i| and |step| are below 2^61, so i + step never overflows an int64_t */
  for (i = start; step > 0 ? i < end : i > end; i += step) omniL_push(S, &b, omni_mkint(i));
  return b.head;
}

OValue omniP_take(OState *S, OValue a0, OValue a1) {
  long long n;
  int64_t k;
  OListBuilder b;
  OValue l;
  if (!omni_is_int(a0)) return omniE_type(S, "take", "int", a0);
  if ((n = omniL_length_of(S, "take", a1)) < 0) return OMNI_RAISED;
  k = omni_int(a0);
  omniL_builder_init(&b);
  for (l = a1; k > 0 && omni_is_pair(l); k--, l = omni_cdr(l)) omniL_push(S, &b, omni_dup(omni_car(l)));
  return b.head;
}

OValue omniP_drop(OState *S, OValue a0, OValue a1) {
  if (!omni_is_int(a0)) return omniE_type(S, "drop", "int", a0);
  if (omniL_length_of(S, "drop", a1) < 0) return OMNI_RAISED;
  return omni_dup(omniL_skip(a1, omni_int(a0)));
}

/* (zip l1 l2 ...): lists of the i-th elements, as long as the shortest list. */
OValue omniP_zip(OState *S, int argc, OValue *argv) {
  long long n = -1, len, i;
  OValue *cur;
  OListBuilder out;
  int j;
  for (j = 0; j < argc; j++) {
    if ((len = omniL_length_of(S, "zip", argv[j])) < 0) return OMNI_RAISED;
    if (n < 0 || len < n) n = len;
  }
  cur = omniO_xmalloc((size_t)argc * sizeof(OValue));
  for (j = 0; j < argc; j++) cur[j] = argv[j];
  omniL_builder_init(&out);
  for (i = 0; i < n; i++) {
    OListBuilder row;
    omniL_builder_init(&row);
    for (j = 0; j < argc; j++) {
      omniL_push(S, &row, omni_dup(omni_car(cur[j])));
      cur[j] = omni_cdr(cur[j]);
    }
    omniL_push(S, &out, row.head);
  }
  free(cur);
  return out.head;
}

/* (apply f a... lst): the last argument must be a list; f is called by omniF_call. */
OValue omniP_apply(OState *S, int argc, OValue *argv) {
  OValue last = argv[argc - 1], small[8], *args, l, r;
  long long n = omniL_length_of(S, "apply", last);
  size_t total, i;
  if (n < 0) return OMNI_RAISED;
  total = (size_t)(argc - 2) + (size_t)n;
  if (total > 0x7fffffff) return omniE_raisef(S, "apply: too many arguments");
  args = total <= 8 ? small : omniO_xmalloc(total * sizeof(OValue));
  for (i = 0; i < (size_t)(argc - 2); i++) args[i] = omni_dup(argv[i + 1]);
  for (l = last; omni_is_pair(l); l = omni_cdr(l)) args[i++] = omni_dup(omni_car(l));
  r = omni_call(S, argv[0], (int)total, args);
  if (args != small) free(args);
  return r;
}

/* ---------------------------------------------------------------- sort */

/*
** Top-down merge sort of the borrowed values a[0..n), exactly like %merge-sort in prelude.ts:
** the first half is n/2 long, and a merge takes from the right half only when
** (less? right left) is true, which keeps the sort stable. 0, or -1 when less? raised.
*/
static int omniL_msort(OState *S, OValue less, OValue *a, OValue *tmp, size_t n) {
  size_t half = n / 2, i = 0, j = half, k = 0;
  if (n < 2) return 0;
  if (omniL_msort(S, less, a, tmp, half) < 0 || omniL_msort(S, less, a + half, tmp, n - half) < 0) return -1;
  while (i < half && j < n) {
    OValue r = omniL_call2(S, less, a[j], a[i]);
    if (r == OMNI_RAISED) return -1;
    omni_drop(S, r);
    tmp[k++] = omni_truthy(r) ? a[j++] : a[i++];
  }
  while (i < half) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof(OValue));
  return 0;
}

OValue omniP_sort(OState *S, OValue a0, OValue a1) {
  long long n, i;
  OValue *xs, l, r = OMNI_NIL;
  if (!omniL_callable(a1)) return omniE_type(S, "sort", "procedure", a1);
  if ((n = omniL_length_of(S, "sort", a0)) < 0) return OMNI_RAISED;
  if (n == 0) return OMNI_NIL;
  xs = omniO_xmalloc(2 * (size_t)n * sizeof(OValue));
  for (i = 0, l = a0; i < n; i++, l = omni_cdr(l)) xs[i] = omni_car(l);
  if (omniL_msort(S, a1, xs, xs + n, (size_t)n) < 0) {
    free(xs);
    return OMNI_RAISED;
  }
  for (i = n - 1; i >= 0; i--) r = omni_cons(S, omni_dup(xs[i]), r);
  free(xs);
  return r;
}
