/*
** test_rc_cycles.c — reference counting and the cycle collector. Runs under ASan/LSan, so an
** object the collector fails to free is reported as a leak and fails the test.
*/
#include "omnilisp.h"
#include "check.h"

#include <stdlib.h>

static OState S_;
static OState *S = &S_;

/* A pair chain of n elements: freeing it must not recurse. */
static void test_long_list_frees_iteratively(void) {
  OValue l = OMNI_NIL;
  int i;
  for (i = 0; i < 2000000; i++) l = omniL_cons(S, omni_mkint(i), l);
  CHECK(omni_int(omni_car(l)) == 1999999);
  omni_drop(S, l);
  CHECK(S->pending.len == 0);
}

static void test_counts(void) {
  OValue s = omniS_cstring(S, "shared");
  OValue p = omniL_cons(S, omni_dup(s), OMNI_NIL);
  CHECK(omni_obj(s)->rc == 2);
  omni_drop(S, p);
  CHECK(omni_obj(s)->rc == 1);
  omni_drop(S, s);
}

static OValue lit; /* literals live in static storage, as in generated code */

static void test_immortal_literals_are_not_counted(void) {
  uint32_t before;
  lit = omniO_immortal(omniL_cons(S, omniS_cstring(S, "lit"), OMNI_NIL));
  before = omni_obj(lit)->rc;
  omni_dup(lit);
  omni_drop(S, lit);
  omni_drop(S, lit);
  CHECK(omni_obj(lit)->rc == before);
  CHECK(omni_obj(omni_car(lit))->flags & OF_IMMORTAL);
}

/* v[0] = v: unreachable after the drop; the collector frees it. */
static void test_self_cycle_collected(void) {
  OValue v = omniV_new(S, 2, OMNI_NIL);
  ((OVector *)v)->items[0] = omni_dup(v);
  ((OVector *)v)->items[1] = omniS_cstring(S, "payload");
  omni_drop(S, v);
  CHECK(S->roots.len == 1);
  omniG_collect(S);
  CHECK(S->roots.len == 0);
}

/* A cycle that is still referenced from outside survives collection intact. */
static void test_live_cycle_survives(void) {
  OValue a = omniV_new(S, 1, OMNI_NIL), d = omniD_new(S), key = omniS_keyword("back", 4);
  ((OVector *)a)->items[0] = omni_dup(d);
  omniD_set(S, (ODict *)d, key, a);
  omni_drop(S, d); /* d is now reachable only through a, and a through d and our variable */
  omniG_collect(S);
  CHECK(omni_obj(a)->rc == 2);
  CHECK(omniD_get((ODict *)((OVector *)a)->items[0], key) == a);
  omni_drop(S, a); /* now garbage: a <-> d */
  omniG_collect(S);
  CHECK(S->roots.len == 0);
}

/* A buffered candidate that dies by plain counting is freed by the collector, not twice. */
static void test_buffered_then_released(void) {
  OValue v = omniV_new(S, 1, OMNI_NIL);
  OValue holder = omniL_cons(S, omni_dup(v), OMNI_NIL);
  omni_drop(S, v); /* rc 2 -> 1: buffered as a candidate */
  CHECK(omni_obj(v)->flags & OF_BUFFERED);
  omni_drop(S, holder); /* rc 1 -> 0 while buffered: marked dead, memory kept */
  CHECK(S->roots.len == 1);
  omniG_collect(S);
  CHECK(S->roots.len == 0);
}

/* Boxes and atoms in cycles through closures. */
static void test_box_closure_cycle(void) {
  OValue box = omniF_box(S, OMNI_NIL);
  OClosure *c = omniF_closure(S, NULL, "f", 0, 0, 1);
  OValue atom = omniT_atom(S, omni_dup(box));
  c->env[0] = omni_dup(box);
  ((OBox *)box)->value = (OValue)c;
  omni_drop(S, box);
  omni_drop(S, atom);
  omniG_collect(S);
  CHECK(S->roots.len == 0);
}

/* Many cycles: collection is triggered automatically by allocation. */
static void test_many_cycles(void) {
  int i;
  for (i = 0; i < 50000; i++) {
    OValue v = omniV_new(S, 1, OMNI_NIL);
    ((OVector *)v)->items[0] = omni_dup(v);
    omni_drop(S, v);
  }
  CHECK(S->roots.len <= S->gc_threshold + 1);
  omniG_collect(S);
}

int main(void) {
  char top;
  omniR_state_init(S, &top, (size_t)8 << 20);
  test_long_list_frees_iteratively();
  test_counts();
  test_immortal_literals_are_not_counted();
  test_self_cycle_collected();
  test_live_cycle_survives();
  test_buffered_then_released();
  test_box_closure_cycle();
  test_many_cycles();
  omniR_state_free(S);
  if (failures) fprintf(stderr, "test_rc_cycles: %d failures\n", failures);
  else puts("test_rc_cycles: ok");
  return failures ? 1 : 0;
}
