/*
** test_lists.c — list and vector primitives: long lists, sort stability, map/fold/filter with C
** closures built by omniF_closure, error messages and error propagation, compose and apply.
** Runs under ASan/LSan: everything allocated is released.
*/
#include "omnilisp.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>



#define INT(i) omni_mkint(i)

/* A list of ints (terminated by an argument below -1000). */
static OValue ints(OState *S, int n, const int *xs) {
  OValue r = OMNI_NIL;
  while (n > 0) {
    n--;
    r = omniL_cons(S, INT(xs[n]), r);
  }
  return r;
}

/* ---------------------------------------------------------------- C closures */

/* Rejects a wrong argument count the way generated code does. */
static int arity_ok(OState *S, OClosure *self, int argc, OValue *argv, OValue *r) {
  if (argc >= self->min && (self->max < 0 || argc <= self->max)) return 1;
  omniF_drop_args(S, argc, argv);
  *r = omniE_arity(S, self->name, self->min, self->max, argc);
  return 0;
}

/* (fn (x) (+ x n)) with n in env[0]. */
static OValue add_n_code(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  if (!arity_ok(S, self, argc, argv, &r)) return r;
  r = omni_add(S, argv[0], self->env[0]);
  omni_drop(S, argv[0]);
  return r;
}

static OValue add_n(OState *S, int64_t n) {
  OClosure *c = omniF_closure(S, add_n_code, "add-n", 1, 1, 1);
  c->env[0] = INT(n);
  return (OValue)c;
}

/* (fn (a b) (+ a b)) */
static OValue plus_code(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  if (!arity_ok(S, self, argc, argv, &r)) return r;
  r = omni_add(S, argv[0], argv[1]);
  omniF_drop_args(S, 2, argv);
  return r;
}

/* (fn (a b) (< (car a) (car b))) */
static OValue less_car_code(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  if (!arity_ok(S, self, argc, argv, &r)) return r;
  OValue a = omni_car_b(S, argv[0]), b = a == OMNI_RAISED ? a : omni_car_b(S, argv[1]);
  r = b == OMNI_RAISED ? b : omni_lt(S, a, b);
  omniF_drop_args(S, 2, argv);
  return r;
}

/* (fn (x) (if (= x bad) (error "boom") (list x))): env[0] is bad; allocates to test cleanup. */
static OValue fail_at_code(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  if (!arity_ok(S, self, argc, argv, &r)) return r;
  if (argv[0] == self->env[0]) {
    omni_drop(S, argv[0]);
    return omniE_raisef(S, "boom");
  }
  return omniL_cons(S, argv[0], OMNI_NIL);
}

/* (fn (x) (> x limit)) */
static OValue above_code(OState *S, OClosure *self, int argc, OValue *argv) {
  OValue r;
  if (!arity_ok(S, self, argc, argv, &r)) return r;
  r = omni_gt(S, argv[0], self->env[0]);
  omni_drop(S, argv[0]);
  return r;
}

static OValue closure1(OState *S, OCode code, const char *name, int nargs, OValue env) {
  OClosure *c = omniF_closure(S, code, name, nargs, nargs, 1);
  c->env[0] = omni_dup(env);
  return (OValue)c;
}

/* ---------------------------------------------------------------- tests */

static void test_long_lists(OState *S) {
  OValue n = INT(1000000), l, m, r, args[3], plus, add1, f;
  l = omniP_range(S, 1, &n);
  CHECK(omniP_length(S, l) == INT(1000000));
  CHECK(omniP_list_p(S, l) == OMNI_T);
  plus = closure1(S, plus_code, "plus", 2, OMNI_NIL);
  CHECK(omniP_fold(S, plus, INT(0), l) == INT(499999500000LL));
  CHECK(omniP_foldr(S, plus, INT(0), l) == INT(499999500000LL));
  CHECK(omniP_reduce(S, plus, l) == INT(499999500000LL));
  add1 = add_n(S, 1);
  args[0] = add1;
  args[1] = l;
  m = omniP_map(S, 2, args);
  CHECK(omniP_length(S, m) == INT(1000000));
  CHECK(omniP_first(S, m) == INT(1) && omniP_last(S, m) == INT(1000000));
  r = omniP_reverse(S, m);
  CHECK(omniP_first(S, r) == INT(1000000));
  CHECK(omniP_list_ref(S, r, INT(999999)) == INT(1));
  omni_drop(S, r);
  /* filter, remove, append, take, drop, list->vector on the long list */
  f = closure1(S, above_code, "above", 1, INT(999990));
  CHECK_PRINT(S, omniP_filter(S, f, m), "(999991 999992 999993 999994 999995 999996 999997 999998 999999 1000000)");
  r = omniP_remove(S, f, m);
  CHECK(omniP_length(S, r) == INT(999990));
  omni_drop(S, r);
  args[0] = l;
  args[1] = m;
  args[2] = OMNI_NIL;
  r = omniP_append(S, 3, args);
  CHECK(omniP_length(S, r) == INT(2000000));
  omni_drop(S, r);
  r = omniP_take(S, INT(999998), m);
  CHECK(omniP_length(S, r) == INT(999998));
  omni_drop(S, r);
  CHECK_PRINT(S, omniP_drop(S, INT(999998), m), "(999999 1000000)");
  r = omniP_list_to_vector(S, m);
  CHECK(omniP_vector_length(S, r) == INT(1000000));
  CHECK(omniP_vector_ref(S, r, INT(999999)) == INT(1000000));
  {
    OValue back = omniP_vector_to_list(S, r);
    CHECK(omniH_equal(back, m));
    omni_drop(S, back);
  }
  omni_drop(S, r);
  /* map over two lists stops at the shortest */
  args[0] = plus;
  args[1] = l;
  args[2] = m;
  r = omniP_map(S, 3, args);
  CHECK(omniP_length(S, r) == INT(1000000) && omniP_second(S, r) == INT(3));
  omni_drop(S, r);
  /* an error in the middle of a long map releases the partial result */
  f = (omni_drop(S, f), closure1(S, fail_at_code, "fail-at", 1, INT(500000)));
  args[0] = f;
  args[1] = l;
  CHECK_ERROR(S, omniP_map(S, 2, args), "boom");
  CHECK_ERROR(S, omniP_for_each(S, 2, args), "boom");
  CHECK_ERROR(S, omniP_filter(S, f, l), "boom");
  CHECK_ERROR(S, omniP_fold(S, f, INT(0), l), "fail-at: expected 1 argument, got 2");
  /* sort of a long list */
  r = omniP_reverse(S, l);
  {
    OValue sorted = omniP_sort(S, r, (OValue)&omniK_lt);
    CHECK(omniH_equal(sorted, l));
    omni_drop(S, sorted);
  }
  omni_drop(S, r);
  omni_drop(S, f);
  omni_drop(S, add1);
  omni_drop(S, plus);
  omni_drop(S, m);
  omni_drop(S, l);
}

static void test_sort(OState *S) {
  OValue items = OMNI_NIL, sorted, less, l, v;
  int i, ok = 1, last_key = -1, last_idx = -1;
  int keys[] = {3, 1, 2, 1, 3, 1};
  /* 1000 pairs (key . index) with few distinct keys, built back to front */
  for (i = 999; i >= 0; i--) items = omniL_cons(S, omniL_cons(S, INT((i * 7919) % 5), INT(i)), items);
  less = closure1(S, less_car_code, "less", 2, OMNI_NIL);
  sorted = omniP_sort(S, items, less);
  CHECK(omniP_length(S, sorted) == INT(1000));
  for (l = sorted; omni_is_pair(l); l = omni_cdr(l)) {
    int k = (int)omni_int(omni_car(omni_car(l))), idx = (int)omni_int(omni_cdr(omni_car(l)));
    ok &= k > last_key || (k == last_key && idx > last_idx);
    last_key = k;
    last_idx = idx;
  }
  CHECK(ok);
  omni_drop(S, sorted);
  omni_drop(S, items);
  /* the interpreter's own cases */
  items = OMNI_NIL;
  for (i = 5; i >= 0; i--) items = omniL_cons(S, omniL_cons(S, INT(keys[i]), INT(i)), items);
  CHECK_PRINT(S, omniP_sort(S, items, less), "((1 . 1) (1 . 3) (1 . 5) (2 . 2) (3 . 0) (3 . 4))");
  omni_drop(S, items);
  {
    int xs[] = {3, 1, 2};
    l = ints(S, 3, xs);
    sorted = omniP_sort(S, l, (OValue)&omniK_lt);
    CHECK_PRINT(S, omni_dup(sorted), "(1 2 3)");
    CHECK_PRINT(S, omni_dup(l), "(3 1 2)");
    CHECK(sorted != l);
    omni_drop(S, sorted);
    CHECK(omniP_sort(S, OMNI_NIL, less) == OMNI_NIL);
    CHECK_ERROR(S, omniP_sort(S, l, INT(5)), "sort: expected procedure, got 5");
    v = omniP_list_to_vector(S, l);
    CHECK_ERROR(S, omniP_sort(S, v, INT(5)), "sort: expected procedure, got 5");
    CHECK_ERROR(S, omniP_sort(S, v, less), "sort: expected list, got [3 1 2]");
    /* less? raising in the middle of a sort */
    CHECK_ERROR(S, omniP_sort(S, l, less), "car: expected pair, got 2");
    omni_drop(S, v);
    omni_drop(S, l);
  }
  omni_drop(S, less);
}

static void test_accessors(OState *S) {
  int xs[] = {1, 2, 3};
  OValue l = ints(S, 3, xs), one = ints(S, 1, xs), dotted = omniL_cons(S, INT(1), INT(2)), args[4], r;
  CHECK(omniP_car(S, l) == INT(1));
  CHECK_PRINT(S, omniP_cdr(S, l), "(2 3)");
  CHECK(omniP_cadr(S, l) == INT(2) && omniP_caddr(S, l) == INT(3));
  CHECK_PRINT(S, omniP_cddr(S, l), "(3)");
  CHECK_ERROR(S, omniP_cadr(S, one), "cadr: expected pair, got (1)");
  CHECK_ERROR(S, omniP_caar(S, l), "caar: expected pair, got (1 2 3)");
  CHECK_ERROR(S, omniP_car(S, INT(5)), "car: expected pair, got 5");
  CHECK_ERROR(S, omniP_cdr(S, OMNI_NIL), "cdr: expected pair, got nil");
  CHECK(omniP_third(S, l) == INT(3) && omniP_third(S, one) == OMNI_NIL && omniP_first(S, INT(5)) == OMNI_NIL);
  CHECK(omniP_rest(S, INT(5)) == OMNI_NIL);
  CHECK(omniP_list_p(S, dotted) == OMNI_NIL && omniP_pair_p(S, dotted) == OMNI_T);
  CHECK(omniP_null_p(S, OMNI_NIL) == OMNI_T && omniP_nil_p(S, l) == OMNI_NIL);
  CHECK_ERROR(S, omniP_length(S, dotted), "length: expected list, got (1 . 2)");
  CHECK_ERROR(S, omniP_reverse(S, INT(4)), "reverse: expected list, got 4");
  CHECK_ERROR(S, omniP_list_ref(S, l, INT(5)), "list-ref: index 5 out of range for length 3");
  CHECK_ERROR(S, omniP_list_ref(S, l, INT(-1)), "list-ref: index -1 out of range for length 3");
  CHECK_ERROR(S, omniP_list_ref(S, dotted, INT(0)), "list-ref: expected list, got (1 . 2)");
  CHECK_ERROR(S, omniP_list_ref(S, l, OMNI_T), "list-ref: expected int, got t");
  CHECK(omniP_list_tail(S, l, INT(3)) == OMNI_NIL);
  CHECK_PRINT(S, omniP_list_tail(S, l, INT(1)), "(2 3)");
  CHECK_ERROR(S, omniP_list_tail(S, l, INT(4)), "list-tail: index 4 out of range for length 3");
  CHECK(omniP_last(S, dotted) == INT(1));
  CHECK_ERROR(S, omniP_last(S, OMNI_NIL), "last: expected pair, got nil");
  CHECK_PRINT(S, omniP_member(S, INT(2), l), "(2 3)");
  CHECK(omniP_memq(S, INT(7), l) == OMNI_NIL);
  CHECK_PRINT(S, omniP_member(S, INT(1), dotted), "(1 . 2)");
  CHECK_ERROR(S, omniP_member(S, INT(7), dotted), "member: expected list, got (1 . 2)");
  /* append: every argument but the last must be a list, checked last to first */
  args[0] = l;
  args[1] = one;
  args[2] = INT(4);
  CHECK_PRINT(S, omniP_append(S, 3, args), "(1 2 3 1 . 4)");
  args[0] = INT(1);
  args[1] = INT(2);
  args[2] = OMNI_NIL;
  CHECK_ERROR(S, omniP_append(S, 3, args), "append: expected list, got 2");
  CHECK(omniP_append(S, 0, args) == OMNI_NIL);
  args[0] = l;
  r = omniP_append(S, 1, args);
  CHECK(r == l);
  omni_drop(S, r);
  /* assoc / assq */
  {
    OValue a = omniL_cons(S, omniL_cons(S, INT(1), INT(10)), omniL_cons(S, INT(5), omniL_cons(S, omniL_cons(S, omniL_cons(S, INT(2), OMNI_NIL), INT(20)), OMNI_NIL)));
    OValue key = omniL_cons(S, INT(2), OMNI_NIL);
    CHECK_PRINT(S, omniP_assoc(S, key, a), "((2) . 20)");
    CHECK(omniP_assq(S, key, a) == OMNI_NIL);
    CHECK_PRINT(S, omniP_assq(S, INT(1), a), "(1 . 10)");
    CHECK_ERROR(S, omniP_assoc(S, INT(1), dotted), "assoc: expected list, got (1 . 2)");
    omni_drop(S, key);
    omni_drop(S, a);
  }
  /* range, take, drop, zip */
  args[0] = INT(1);
  args[1] = INT(10);
  args[2] = INT(3);
  CHECK_PRINT(S, omniP_range(S, 3, args), "(1 4 7)");
  args[0] = INT(5);
  args[1] = INT(0);
  args[2] = INT(-2);
  CHECK_PRINT(S, omniP_range(S, 3, args), "(5 3 1)");
  args[2] = INT(0);
  CHECK_ERROR(S, omniP_range(S, 3, args), "range: step must not be zero");
  args[1] = OMNI_T;
  CHECK_ERROR(S, omniP_range(S, 3, args), "range: expected int, got t");
  CHECK_PRINT(S, omniP_take(S, INT(2), l), "(1 2)");
  CHECK_PRINT(S, omniP_take(S, INT(9), l), "(1 2 3)");
  CHECK(omniP_take(S, INT(-1), l) == OMNI_NIL);
  CHECK(omniP_drop(S, INT(9), l) == OMNI_NIL);
  CHECK_ERROR(S, omniP_take(S, OMNI_NIL, l), "take: expected int, got nil");
  CHECK_ERROR(S, omniP_drop(S, INT(1), dotted), "drop: expected list, got (1 . 2)");
  args[0] = l;
  args[1] = one;
  args[2] = l;
  CHECK_PRINT(S, omniP_zip(S, 3, args), "((1 1 1))");
  CHECK_PRINT(S, omniP_zip(S, 1, args), "((1) (2) (3))");
  args[1] = dotted;
  CHECK_ERROR(S, omniP_zip(S, 3, args), "zip: expected list, got (1 . 2)");
  omni_drop(S, dotted);
  omni_drop(S, one);
  omni_drop(S, l);
}

static void test_higher_order(OState *S) {
  int xs[] = {1, 2, 3};
  OValue l = ints(S, 3, xs), args[5], add1, dbl, c, r, two;
  add1 = add_n(S, 1);
  dbl = closure1(S, plus_code, "plus", 2, OMNI_NIL);
  /* map errors: procedure first, then each list */
  args[0] = INT(5);
  args[1] = INT(6);
  CHECK_ERROR(S, omniP_map(S, 2, args), "map: expected procedure, got 5");
  args[0] = add1;
  two = omniL_cons(S, INT(1), INT(2));
  args[1] = two;
  CHECK_ERROR(S, omniP_map(S, 2, args), "map: expected list, got (1 . 2)");
  CHECK_ERROR(S, omniP_for_each(S, 2, args), "for-each: expected list, got (1 . 2)");
  args[1] = l;
  CHECK(omniP_for_each(S, 2, args) == OMNI_NIL);
  /* a keyword maps too */
  args[0] = omniS_keyword("a", 1);
  args[1] = l;
  CHECK_ERROR(S, omniP_map(S, 2, args), ":a: expected dict, got 1");
  /* map with a primitive over several lists */
  args[0] = (OValue)&omniK_list;
  args[1] = l;
  args[2] = two;
  CHECK_ERROR(S, omniP_map(S, 3, args), "map: expected list, got (1 . 2)");
  args[2] = omniP_cdr(S, l);
  CHECK_PRINT(S, omniP_map(S, 3, args), "((1 2) (2 3))");
  omni_drop(S, args[2]);
  /* fold, foldr, reduce */
  CHECK_PRINT(S, omniP_fold(S, (OValue)&omniK_list, OMNI_NIL, l), "(((nil 1) 2) 3)");
  CHECK_PRINT(S, omniP_foldr(S, (OValue)&omniK_cons, OMNI_NIL, l), "(1 2 3)");
  CHECK_PRINT(S, omniP_foldr(S, (OValue)&omniK_list, INT(0), l), "(1 (2 (3 0)))");
  CHECK_PRINT(S, omniP_reduce(S, (OValue)&omniK_list, l), "((1 2) 3)");
  CHECK_ERROR(S, omniP_reduce(S, dbl, OMNI_NIL), "reduce: empty list");
  CHECK_ERROR(S, omniP_reduce(S, INT(1), OMNI_NIL), "reduce: expected procedure, got 1");
  CHECK_ERROR(S, omniP_fold(S, dbl, INT(0), INT(3)), "fold: expected list, got 3");
  CHECK_ERROR(S, omniP_foldr(S, OMNI_NIL, INT(0), INT(3)), "foldr: expected procedure, got nil");
  CHECK_ERROR(S, omniP_filter(S, add1, INT(3)), "filter: expected list, got 3");
  CHECK_ERROR(S, omniP_remove(S, INT(3), l), "remove: expected procedure, got 3");
  /* apply */
  args[0] = (OValue)&omniK_list;
  args[1] = INT(1);
  args[2] = INT(2);
  args[3] = l;
  CHECK_PRINT(S, omniP_apply(S, 4, args), "(1 2 1 2 3)");
  args[3] = two;
  CHECK_ERROR(S, omniP_apply(S, 4, args), "apply: expected list, got (1 . 2)");
  args[0] = INT(5);
  args[1] = l;
  CHECK_ERROR(S, omniP_apply(S, 2, args), "not a procedure: 5");
  args[0] = dbl;
  CHECK_ERROR(S, omniP_apply(S, 2, args), "plus: expected 2 arguments, got 3");
  args[0] = (OValue)&omniK_add;
  CHECK(omniP_apply(S, 2, args) == INT(6));
  {
    OValue big = INT(100000), bl = omniP_range(S, 1, &big);
    args[1] = bl;
    CHECK(omniP_apply(S, 2, args) == INT(4999950000LL));
    omni_drop(S, bl);
  }
  /* compose: right to left, through identity */
  args[0] = add1;
  args[1] = closure1(S, add_n_code, "add-10", 1, INT(10));
  c = omniP_compose(S, 2, args);
  CHECK(omniP_procedure_p(S, c) == OMNI_T);
  args[2] = INT(5);
  CHECK(omniF_call(S, c, 1, &args[2]) == INT(16));
  CHECK_ERROR(S, omniF_call(S, c, 0, args), "identity: expected 1 argument, got 0");
  args[2] = INT(1);
  args[3] = INT(2);
  CHECK_ERROR(S, omniF_call(S, c, 2, &args[2]), "identity: expected 1 argument, got 2");
  omni_drop(S, args[1]);
  omni_drop(S, c);
  c = omniP_compose(S, 0, args);
  CHECK(c == (OValue)&omniK_identity);
  args[2] = omniL_cons(S, INT(9), OMNI_NIL);
  CHECK_PRINT(S, omniF_call(S, c, 1, &args[2]), "(9)");
  args[0] = add1;
  args[1] = INT(3);
  CHECK_ERROR(S, omniP_compose(S, 2, args), "compose: expected procedure, got 3");
  args[1] = omniS_keyword("k", 1);
  r = omniP_compose(S, 2, args);
  CHECK(r != OMNI_RAISED);
  omni_drop(S, r);
  /* predicates */
  CHECK(omniP_procedure_p(S, omniS_keyword("k", 1)) == OMNI_NIL);
  CHECK(omniP_procedure_p(S, (OValue)&omniK_car) == OMNI_T);
  CHECK(omniP_not(S, OMNI_NIL) == OMNI_T && omniP_not(S, INT(0)) == OMNI_NIL);
  CHECK_PRINT(S, omniP_type_of(S, l), "pair");
  CHECK_PRINT(S, omniP_type_of(S, OMNI_NIL), "nil");
  CHECK_PRINT(S, omniP_type_of(S, OMNI_T), "bool");
  CHECK_PRINT(S, omniP_type_of(S, INT(1)), "int");
  CHECK_PRINT(S, omniP_type_of(S, omni_mkchar('x')), "char");
  CHECK_PRINT(S, omniP_type_of(S, add1), "procedure");
  CHECK_PRINT(S, omniP_type_of(S, omniS_keyword("k", 1)), "keyword");
  CHECK_PRINT(S, omniP_identity(S, l), "(1 2 3)");
  omni_drop(S, two);
  omni_drop(S, dbl);
  omni_drop(S, add1);
  omni_drop(S, l);
}

static void test_vectors(OState *S) {
  OValue args[4], v, w, r, add1, s;
  args[0] = INT(3);
  args[1] = INT(7);
  v = omniP_make_vector(S, 2, args);
  CHECK_PRINT(S, omni_dup(v), "[7 7 7]");
  args[0] = INT(-1);
  CHECK_ERROR(S, omniP_make_vector(S, 1, args), "make-vector: expected non-negative int, got -1");
  args[0] = OMNI_T;
  CHECK_ERROR(S, omniP_make_vector(S, 1, args), "make-vector: expected int, got t");
  args[0] = INT(2);
  CHECK_PRINT(S, omniP_make_vector(S, 1, args), "[nil nil]");
  CHECK_ERROR(S, omniP_vector_ref(S, v, INT(5)), "vector-ref: index 5 out of range for length 3");
  CHECK_ERROR(S, omniP_vector_ref(S, v, INT(-1)), "vector-ref: index -1 out of range for length 3");
  CHECK_ERROR(S, omniP_vector_ref(S, INT(1), INT(0)), "vector-ref: expected vector, got 1");
  CHECK_ERROR(S, omniP_vector_set_x(S, v, INT(3), INT(0)), "vector-set!: index 3 out of range for length 3");
  s = omniS_cstring(S, "str");
  CHECK(omniP_vector_set_x(S, v, INT(1), s) == OMNI_NIL);
  CHECK(omniP_vector_set_x(S, v, INT(1), s) == OMNI_NIL);
  omni_drop(S, s);
  CHECK_PRINT(S, omni_dup(v), "[7 \"str\" 7]");
  CHECK_PRINT(S, omniP_vector_to_list(S, v), "(7 \"str\" 7)");
  args[0] = v;
  args[1] = INT(1);
  CHECK_PRINT(S, omniP_vector_copy(S, 2, args), "[\"str\" 7]");
  args[2] = INT(1);
  CHECK_PRINT(S, omniP_vector_copy(S, 3, args), "[]");
  args[1] = INT(2);
  CHECK_ERROR(S, omniP_vector_copy(S, 3, args), "vector-copy: start 2 is greater than end 1");
  args[2] = INT(4);
  CHECK_ERROR(S, omniP_vector_copy(S, 3, args), "vector-copy: index 4 out of range for length 3");
  w = omniP_vector_copy(S, 1, args);
  CHECK(w != v && omniH_equal(w, v));
  CHECK(omniP_vector_fill_x(S, w, INT(0)) == OMNI_NIL);
  CHECK_PRINT(S, omni_dup(w), "[0 0 0]");
  CHECK_ERROR(S, omniP_list_to_vector(S, INT(3)), "list->vector: expected list, got 3");
  /* vector-map stops at the shortest vector */
  add1 = add_n(S, 1);
  args[0] = add1;
  args[1] = w;
  CHECK_PRINT(S, omniP_vector_map(S, 2, args), "[1 1 1]");
  args[0] = (OValue)&omniK_list;
  args[1] = w;
  args[2] = omniP_vector(S, 2, args);
  CHECK_PRINT(S, omniP_vector_map(S, 3, args), "[(0 #<procedure list>) (0 [0 0 0])]");
  omni_drop(S, args[2]);
  args[0] = add1;
  args[1] = v;
  CHECK_ERROR(S, omniP_vector_map(S, 2, args), "+: expected number, got \"str\"");
  args[2] = INT(1);
  CHECK_ERROR(S, omniP_vector_map(S, 3, args), "vector-map: expected vector, got 1");
  args[0] = INT(1);
  CHECK_ERROR(S, omniP_vector_map(S, 3, args), "vector-map: expected procedure, got 1");
  r = omniP_vector(S, 0, args);
  CHECK_PRINT(S, omni_dup(r), "[]");
  CHECK(omniP_vector_p(S, r) == OMNI_T && omniP_vector_p(S, OMNI_NIL) == OMNI_NIL);
  CHECK_PRINT(S, omniP_type_of(S, r), "vector");
  omni_drop(S, r);
  omni_drop(S, add1);
  omni_drop(S, w);
  omni_drop(S, v);
}

static OValue run(OState *S) {
  test_long_lists(S);
  test_sort(S);
  test_accessors(S);
  test_higher_order(S);
  test_vectors(S);
  return OMNI_NIL;
}

int main(int argc, char **argv) {
  int status = omniR_main(argc, argv, run);
  if (status != 0 || failures != 0) {
    fprintf(stderr, "test_lists: %d failure(s), status %d\n", failures, status);
    return 1;
  }
  printf("test_lists: ok\n");
  return 0;
}
