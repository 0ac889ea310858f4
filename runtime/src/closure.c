/*
** closure.c — closures, boxes and calls of arbitrary values.
*/
#include "omnilisp.h"

#include <stdio.h>

OClosure *omniF_closure(OState *S, OCode code, const char *name, int min, int max, uint32_t nenv) {
  OClosure *c = omniO_alloc(S, sizeof(OClosure) + nenv * sizeof(OValue), OT_CLOSURE);
  c->code = code;
  c->name = name;
  c->min = (int16_t)min;
  c->max = (int16_t)max;
  c->nenv = nenv;
  return c;
}

OValue omniF_box(OState *S, OValue v) {
  OBox *b = omniO_alloc(S, sizeof(OBox), OT_BOX);
  b->value = v;
  return (OValue)b;
}

void omniF_drop_args(OState *S, int argc, OValue *argv) {
  int i;
  for (i = 0; i < argc; i++) omni_drop(S, argv[i]);
}

OValue omniF_rest(OState *S, int from, int argc, OValue *argv) {
  OValue list = OMNI_NIL;
  int i;
  for (i = argc - 1; i >= from; i--) list = omniL_cons(S, argv[i], list);
  return list;
}

/* Calling a keyword looks it up: (:k d) is (dict-ref d :k nil), (:k d default) likewise. */
static OValue omniF_call_keyword(OState *S, OValue k, int argc, OValue *argv) {
  const OSymbol *kw = (const OSymbol *)k;
  OValue r;
  char name[256];
  snprintf(name, sizeof name, ":%s", kw->name);
  if (argc < 1 || argc > 2) {
    omniF_drop_args(S, argc, argv);
    return omniE_arity(S, name, 1, 2, argc);
  }
  if (!omni_type_is(argv[0], OT_DICT)) {
    r = omniE_type(S, name, "dict", argv[0]);
  } else {
    r = omniD_get((ODict *)argv[0], k);
    r = r == OMNI_UNINIT ? (argc == 2 ? omni_dup(argv[1]) : OMNI_NIL) : omni_dup(r);
  }
  omniF_drop_args(S, argc, argv);
  return r;
}

OValue omniF_call(OState *S, OValue f, int argc, OValue *argv) {
  if (omni_type_is(f, OT_CLOSURE)) return ((OClosure *)f)->code(S, (OClosure *)f, argc, argv);
  if (omni_type_is(f, OT_KEYWORD)) return omniF_call_keyword(S, f, argc, argv);
  omniF_drop_args(S, argc, argv);
  return omniE_not_procedure(S, f);
}
