/*
** test_dicts.c — dicts (insertion order, overwrite, removal, growth), equal?/hash consistency,
** and the dict primitives' errors. Runs under ASan/LSan: everything allocated is released.
*/
#include "omnilisp.h"
#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



#define STR(s) omniS_cstring(S, s)
#define INT(i) omni_mkint(i)

/* Sets key -> value, consuming both. */
static void set(OState *S, OValue d, OValue k, OValue v) {
  CHECK(omniD_set(S, (ODict *)d, k, v) == 0);
  omni_drop(S, k);
  omni_drop(S, v);
}

static void test_order(OState *S) {
  OValue d = omniD_new(S), k;
  OValue kw = omniS_keyword("k", 1);
  set(S, d, STR("b"), INT(1));
  set(S, d, STR("a"), INT(2));
  set(S, d, INT(3), INT(3));
  set(S, d, kw, INT(4));
  CHECK_PRINT(S, omniP_dict_keys(S, d), "(\"b\" \"a\" 3 :k)");
  /* overwriting keeps the position */
  set(S, d, STR("a"), INT(20));
  CHECK_PRINT(S, omniP_dict_keys(S, d), "(\"b\" \"a\" 3 :k)");
  CHECK_PRINT(S, omniP_dict_values(S, d), "(1 20 3 4)");
  /* removing then re-adding goes last */
  k = STR("b");
  CHECK(omniP_dict_remove_x(S, d, k) == OMNI_NIL);
  CHECK(omniP_dict_has_p(S, d, k) == OMNI_NIL);
  CHECK(omniP_dict_count(S, d) == INT(3));
  set(S, d, omni_dup(k), INT(10));
  CHECK_PRINT(S, omniP_dict_to_list(S, d), "((\"a\" . 20) (3 . 3) (:k . 4) (\"b\" . 10))");
  CHECK_PRINT(S, omni_dup(d), "#{\"a\" 20 3 3 :k 4 \"b\" 10}");
  omni_drop(S, k);
  /* removing a missing key does nothing */
  k = STR("zz");
  omniP_dict_remove_x(S, d, k);
  CHECK(omniP_dict_count(S, d) == INT(4));
  omni_drop(S, k);
  /* emptying and refilling uses the new order */
  {
    OValue keys = omniP_dict_keys(S, d), l;
    for (l = keys; omni_is_pair(l); l = omni_cdr(l)) omniP_dict_remove_x(S, d, omni_car(l));
    omni_drop(S, keys);
  }
  CHECK(omniP_dict_count(S, d) == INT(0));
  CHECK_PRINT(S, omni_dup(d), "#{}");
  set(S, d, INT(3), INT(9));
  set(S, d, INT(1), INT(1));
  set(S, d, INT(2), INT(4));
  CHECK_PRINT(S, omni_dup(d), "#{3 9 1 1 2 4}");
  omni_drop(S, d);
}

static void test_growth(OState *S) {
  OValue d = omniD_new(S), keys, l;
  int64_t i, expect;
  int ok = 1;
  char name[32];
  for (i = 0; i < 100000; i++) set(S, d, INT(i), INT(2 * i));
  CHECK(((ODict *)d)->count == 100000);
  for (i = 0; i < 100000; i++) ok &= omniD_get((ODict *)d, INT(i)) == INT(2 * i);
  CHECK(ok);
  CHECK(omniD_get((ODict *)d, INT(100000)) == OMNI_UNINIT);
  /* remove the odd keys, then put them back: they come after the even ones */
  for (i = 1; i < 100000; i += 2) omniP_dict_remove_x(S, d, INT(i));
  CHECK(((ODict *)d)->count == 50000);
  for (i = 0; i < 100000; i++) ok &= (omniD_get((ODict *)d, INT(i)) == OMNI_UNINIT) == (i % 2 == 1);
  CHECK(ok);
  for (i = 1; i < 100000; i += 2) set(S, d, INT(i), INT(-i));
  keys = omniP_dict_keys(S, d);
  expect = 0;
  for (l = keys; omni_is_pair(l); l = omni_cdr(l)) {
    ok &= omni_car(l) == INT(expect);
    expect += 2;
    if (expect == 100000) expect = 1;
  }
  CHECK(ok && expect == 100001);
  omni_drop(S, keys);
  CHECK(omniD_get((ODict *)d, INT(7)) == INT(-7));
  CHECK(omniD_get((ODict *)d, INT(8)) == INT(16));
  /* churn: many remove/re-add cycles on a small dict stay small and correct */
  omni_drop(S, d);
  d = omniD_new(S);
  for (i = 0; i < 200000; i++) {
    set(S, d, INT(i % 5), INT(i));
    if (i % 3 == 0) omniP_dict_remove_x(S, d, INT((i + 2) % 5));
  }
  CHECK(((ODict *)d)->cap <= 64);
  CHECK(omniP_dict_count(S, d) == INT((int64_t)((ODict *)d)->count));
  omni_drop(S, d);
  /* string keys */
  d = omniD_new(S);
  for (i = 0; i < 20000; i++) {
    snprintf(name, sizeof name, "key%lld", (long long)i);
    set(S, d, STR(name), INT(i));
  }
  for (i = 0; i < 20000; i++) {
    OValue k;
    snprintf(name, sizeof name, "key%lld", (long long)i);
    k = STR(name);
    ok &= omniD_get((ODict *)d, k) == INT(i);
    omni_drop(S, k);
  }
  CHECK(ok);
  omni_drop(S, d);
}

/* (list 1 2.5 "str" [1 #{"x" (1 2) :y 3.0} nil] #\a) with the dict filled in the given order. */
static OValue nested(OState *S, int reversed) {
  OValue d = omniD_new(S), inner, v, items[5];
  OValue kx = STR("x"), ky = omniS_keyword("y", 1), vy = omniN_float(S, 3.0);
  inner = omniL_cons(S, INT(1), omniL_cons(S, INT(2), OMNI_NIL));
  if (reversed) {
    omniD_set(S, (ODict *)d, ky, vy);
    omniD_set(S, (ODict *)d, kx, inner);
  } else {
    omniD_set(S, (ODict *)d, kx, inner);
    omniD_set(S, (ODict *)d, ky, vy);
  }
  omni_drop(S, kx);
  omni_drop(S, vy);
  omni_drop(S, inner);
  v = omniV_new(S, 3, OMNI_NIL);
  ((OVector *)v)->items[0] = INT(1);
  ((OVector *)v)->items[1] = d;
  items[0] = INT(1);
  items[1] = omniN_float(S, 2.5);
  items[2] = STR("str");
  items[3] = v;
  items[4] = omni_mkchar('a');
  return omniF_rest(S, 0, 5, items);
}

static void test_equal_hash(OState *S) {
  OValue a = nested(S, 0), b = nested(S, 1), d, f1, f2, z1, z2, n1, n2, s1, s2;
  CHECK(omniH_equal(a, b));
  CHECK(omniH_hash(a) == omniH_hash(b));
  CHECK(omniP_equal_p(S, a, b) == OMNI_T);
  CHECK(omniP_eq_p(S, a, b) == OMNI_NIL);
  CHECK_PRINT(S, omni_dup(a), "(1 2.5 \"str\" [1 #{\"x\" (1 2) :y 3.0} nil] #\\a)");
  CHECK_PRINT(S, omni_dup(b), "(1 2.5 \"str\" [1 #{:y 3.0 \"x\" (1 2)} nil] #\\a)");
  /* a nested structure as a key: found through an equal copy */
  d = omniD_new(S);
  set(S, d, omni_dup(a), STR("found"));
  CHECK_PRINT(S, omni_dup(omniD_get((ODict *)d, b)), "\"found\"");
  /* mutating the copy's inner dict makes it unequal */
  {
    OValue inner = ((OVector *)omni_car(omni_cdr(omni_cdr(omni_cdr(b)))))->items[1];
    OValue k = STR("z");
    set(S, inner, omni_dup(k), INT(1));
    CHECK(!omniH_equal(a, b));
    CHECK(omniD_get((ODict *)d, b) == OMNI_UNINIT);
    omniP_dict_remove_x(S, inner, k);
    CHECK(omniH_equal(a, b) && omniH_hash(a) == omniH_hash(b));
    omni_drop(S, k);
  }
  omni_drop(S, d);
  /* numbers: 1 and 1.0 differ, 0.0 and -0.0 differ, a NaN equals itself */
  f1 = omniN_float(S, 1.0);
  f2 = omniN_float(S, 1.0);
  CHECK(!omniH_equal(INT(1), f1) && omniH_equal(f1, f2) && omniH_eqv(f1, f2));
  CHECK(omniH_hash(f1) == omniH_hash(f2));
  CHECK(omniP_eq_p(S, f1, f2) == OMNI_NIL && omniP_eqv_p(S, f1, f2) == OMNI_T);
  z1 = omniN_float(S, 0.0);
  z2 = omniN_float(S, -0.0);
  CHECK(!omniH_equal(z1, z2));
  n1 = omniN_float(S, NAN);
  n2 = omniN_float(S, NAN);
  CHECK(omniH_equal(n1, n2) && omniH_hash(n1) == omniH_hash(n2));
  s1 = STR("héllo");
  s2 = omniS_string(S, "héllo", strlen("héllo"));
  CHECK(omniH_equal(s1, s2) && omniH_hash(s1) == omniH_hash(s2) && omniP_eq_p(S, s1, s2) == OMNI_NIL);
  CHECK(!omniH_equal(s1, z1));
  /* 1 and 1.0 are distinct keys */
  d = omniD_new(S);
  set(S, d, INT(1), STR("int"));
  set(S, d, omni_dup(f1), STR("float"));
  CHECK(omniP_dict_count(S, d) == INT(2));
  CHECK_PRINT(S, omni_dup(omniD_get((ODict *)d, INT(1))), "\"int\"");
  CHECK_PRINT(S, omni_dup(omniD_get((ODict *)d, f2)), "\"float\"");
  CHECK(omniD_get((ODict *)d, z1) == OMNI_UNINIT);
  omni_drop(S, d);
  /* vectors and lists with the same items are not equal */
  {
    OValue l = omniL_cons(S, INT(1), OMNI_NIL), v = omniV_new(S, 1, INT(1));
    CHECK(!omniH_equal(l, v));
    omni_drop(S, l);
    omni_drop(S, v);
  }
  /* a long list hashes and compares without recursion along cdr */
  {
    OValue r1 = omni_mkint(300000), l1 = omniP_range(S, 1, &r1), l2 = omniP_range(S, 1, &r1);
    CHECK(omniH_equal(l1, l2) && omniH_hash(l1) == omniH_hash(l2));
    omni_drop(S, l1);
    omni_drop(S, l2);
  }
  omni_drop(S, f1);
  omni_drop(S, f2);
  omni_drop(S, z1);
  omni_drop(S, z2);
  omni_drop(S, n1);
  omni_drop(S, n2);
  omni_drop(S, s1);
  omni_drop(S, s2);
  omni_drop(S, a);
  omni_drop(S, b);
}

static void test_primitives(OState *S) {
  OValue a = STR("a"), b = STR("b"), zz = STR("zz"), args[6], d;
  /* a duplicate key in (dict ...) keeps the first position and the last value */
  args[0] = a;
  args[1] = INT(1);
  args[2] = b;
  args[3] = INT(2);
  args[4] = a;
  args[5] = INT(3);
  d = omniP_dict(S, 6, args);
  CHECK_PRINT(S, omni_dup(d), "#{\"a\" 3 \"b\" 2}");
  CHECK_ERROR(S, omniP_dict(S, 1, args), "dict: expected an even number of arguments, got 1");
  CHECK_ERROR(S, omniP_dict(S, 5, args), "dict: expected an even number of arguments, got 5");
  /* dict-ref */
  args[0] = d;
  args[1] = a;
  CHECK(omniP_dict_ref(S, 2, args) == INT(3));
  args[1] = zz;
  args[2] = INT(42);
  CHECK(omniP_dict_ref(S, 3, args) == INT(42));
  CHECK_ERROR(S, omniP_dict_ref(S, 2, args), "dict-ref: key not found: \"zz\"");
  args[1] = omniS_keyword("missing", 7);
  CHECK_ERROR(S, omniP_dict_ref(S, 2, args), "dict-ref: key not found: :missing");
  args[0] = INT(5);
  CHECK_ERROR(S, omniP_dict_ref(S, 2, args), "dict-ref: expected dict, got 5");
  CHECK_ERROR(S, omniP_dict_set_x(S, INT(5), zz, zz), "dict-set!: expected dict, got 5");
  CHECK_ERROR(S, omniP_dict_keys(S, OMNI_NIL), "dict-keys: expected dict, got nil");
  CHECK_ERROR(S, omniP_dict_count(S, zz), "dict-count: expected dict, got \"zz\"");
  CHECK_ERROR(S, omniP_dict_remove_x(S, zz, zz), "dict-remove!: expected dict, got \"zz\"");
  /* a keyword call looks the key up */
  {
    OValue kw = omniS_keyword("a", 1), call[2];
    set(S, d, kw, INT(7));
    call[0] = omni_dup(d);
    CHECK(omniF_call(S, kw, 1, call) == INT(7));
  }
  CHECK(omniP_dict_set_x(S, d, zz, zz) == OMNI_NIL);
  CHECK_PRINT(S, omniP_dict_to_list(S, d), "((\"a\" . 3) (\"b\" . 2) (:a . 7) (\"zz\" . \"zz\"))");
  CHECK(omniP_dict_p(S, d) == OMNI_T && omniP_dict_p(S, zz) == OMNI_NIL);
  CHECK(omniP_dict_has_p(S, d, b) == OMNI_T && omniP_dict_has_p(S, d, INT(1)) == OMNI_NIL);
  CHECK_PRINT(S, omniP_type_of(S, d), "dict");
  omni_drop(S, a);
  omni_drop(S, b);
  omni_drop(S, zz);
  omni_drop(S, d);
}

static OValue run(OState *S) {
  test_order(S);
  test_growth(S);
  test_equal_hash(S);
  test_primitives(S);
  return OMNI_NIL;
}

int main(int argc, char **argv) {
  int status = omniR_main(argc, argv, run);
  if (status != 0 || failures != 0) {
    fprintf(stderr, "test_dicts: %d failure(s), status %d\n", failures, status);
    return 1;
  }
  printf("test_dicts: ok\n");
  return 0;
}
