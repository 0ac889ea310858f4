/*
** test_pool.c — the allocation fast paths of the release build (omnilisp.h's OMNI_POOLED): a cell
** freed goes back to its thread's pool and the next allocation of its size takes it again, without
** malloc; freeing a list returns every cell; (reverse l) of a list nothing else holds allocates
** nothing. Runs against the release library (the sanitized one has no pools).
*/
#include "omnilisp.h"
#include "../check.h"

static OState S_;
static OState *S = &S_;

#define PAIR_CLASS OMNI_SIZE_CLASS(sizeof(OPair))
#define FLOAT_CLASS OMNI_SIZE_CLASS(sizeof(OFloat))

/* Free cells in pool cls now. */
static size_t pool_length(size_t cls) {
  size_t n = 0;
  void *p;
  for (p = S->pool[cls]; p; p = *(void **)p) n++;
  return n;
}

static void test_a_freed_cell_is_taken_again_with_a_fresh_header(void) {
  OValue a = omni_cons(S, omni_mkint(1), OMNI_NIL), b;
  omni_drop(S, a);
  b = omni_cons(S, omni_mkint(2), OMNI_T);
  CHECK(b == a);
  CHECK(omni_obj(b)->rc == 1 && omni_obj(b)->type == OT_PAIR && omni_obj(b)->flags == 0);
  CHECK(omni_obj(b)->aux == PAIR_CLASS + 1);
  CHECK(omni_car(b) == omni_mkint(2) && omni_cdr(b) == OMNI_T);
  omni_drop(S, b);
}

static void test_freeing_a_list_returns_every_cell_and_its_floats(void) {
  OValue l = OMNI_NIL;
  size_t pairs, floats;
  int i;
  l = omni_cons(S, omniN_float(S, 0.5), l); /* fills both pools once */
  omni_drop(S, l);
  l = OMNI_NIL;
  pairs = pool_length(PAIR_CLASS);
  floats = pool_length(FLOAT_CLASS);
  for (i = 0; i < 100; i++) l = omni_cons(S, omniN_float(S, i + 0.5), l);
  CHECK(pool_length(PAIR_CLASS) == pairs - 100);
  CHECK(pool_length(FLOAT_CLASS) == floats - 100);
  omni_drop(S, l);
  CHECK(pool_length(PAIR_CLASS) == pairs);
  CHECK(pool_length(FLOAT_CLASS) == floats);
  CHECK(S->pending.len == 0);
}

static void test_reverse_of_an_owned_list_allocates_nothing(void) {
  OValue l = OMNI_NIL, r;
  size_t before;
  int i;
  for (i = 0; i < 1000; i++) l = omni_cons(S, omni_mkint(i), l);
  before = pool_length(PAIR_CLASS);
  r = omniL_reverse_owned(S, l);
  CHECK(pool_length(PAIR_CLASS) == before);
  CHECK(omni_car(r) == omni_mkint(0));
  omni_drop(S, r);
}

int main(void) {
  char top;
  omniR_state_init(S, &top, (size_t)8 << 20);
  CHECK(OMNI_POOLED);
  test_a_freed_cell_is_taken_again_with_a_fresh_header();
  test_freeing_a_list_returns_every_cell_and_its_floats();
  test_reverse_of_an_owned_list_allocates_nothing();
  omniR_state_free(S);
  if (failures) fprintf(stderr, "test_pool: %d failures\n", failures);
  else puts("test_pool: ok");
  return failures ? 1 : 0;
}
