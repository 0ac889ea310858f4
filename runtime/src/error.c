/*
** error.c — error values, raising, and the error primitives.
** A raise stores the error in S->error and returns OMNI_RAISED; every caller propagates that
** sentinel after releasing what it owns (no longjmp).
*/
#include "omnilisp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

OValue omniE_make(OState *S, OValue message, OValue irritants) {
  OError *e = omniO_alloc(S, sizeof(OError), OT_ERROR);
  e->message = message;
  e->irritants = irritants;
  return (OValue)e;
}

OValue omniE_raise(OState *S, OValue error) {
  omni_drop(S, S->error);
  S->error = error;
  return OMNI_RAISED;
}

OValue omniE_take(OState *S) {
  OValue e = S->error;
  S->error = OMNI_NIL;
  return e;
}

/* Raise an error whose message is the text in b (consumed). */
static OValue omniE_raise_buf(OState *S, OBuf *b) {
  OValue msg = omniS_string(S, b->data ? b->data : "", b->len);
  free(b->data);
  return omniE_raise(S, omniE_make(S, msg, OMNI_NIL));
}

OValue omniE_raisef(OState *S, const char *fmt, ...) {
  OBuf b = {0};
  va_list ap, again;
  int n;
  va_start(ap, fmt);
  va_copy(again, ap);
  n = vsnprintf(NULL, 0, fmt, ap);
  b.data = malloc((size_t)n + 1);
  if (b.data) {
    vsnprintf(b.data, (size_t)n + 1, fmt, again);
    b.len = b.cap = (size_t)n;
  }
  va_end(again);
  va_end(ap);
  return omniE_raise_buf(S, &b);
}

/* `PREFIX` followed by v as write prints it. */
static OValue omniE_with_value(OState *S, const char *prefix, OValue v) {
  OBuf b = {0};
  omniIO_buf_put(&b, prefix, strlen(prefix));
  if (omniIO_print(S, &b, v, 1) < 0) {
    free(b.data);
    return OMNI_RAISED;
  }
  return omniE_raise_buf(S, &b);
}

OValue omniE_type(OState *S, const char *name, const char *expected, OValue got) {
  char prefix[160];
  snprintf(prefix, sizeof prefix, "%s: expected %s, got ", name, expected);
  return omniE_with_value(S, prefix, got);
}

OValue omniE_not_procedure(OState *S, OValue v) {
  return omniE_with_value(S, "not a procedure: ", v);
}

OValue omniE_arity(OState *S, const char *name, int min, int max, int got) {
  const char *who = name ? name : "lambda";
  if (max < 0)
    return omniE_raisef(S, "%s: expected at least %d argument%s, got %d", who, min, min == 1 ? "" : "s", got);
  if (min == max)
    return omniE_raisef(S, "%s: expected %d argument%s, got %d", who, min, min == 1 ? "" : "s", got);
  return omniE_raisef(S, "%s: expected %d to %d arguments, got %d", who, min, max, got);
}

OValue omniE_unbound(OState *S, const char *name) {
  return omniE_raisef(S, "unbound variable: %s", name);
}

OValue omniE_uninit(OState *S, const char *name) {
  return omniE_raisef(S, "variable used before its definition: %s", name);
}

OValue omniE_stack_overflow(OState *S) {
  return omniE_raisef(S, "stack overflow");
}

/* The display form of v as a new string. */
static OValue omniE_display_string(OState *S, OValue v) {
  OBuf b = {0};
  OValue s;
  if (omniIO_print(S, &b, v, 0) < 0) {
    free(b.data);
    return OMNI_RAISED;
  }
  s = omniS_string(S, b.data ? b.data : "", b.len);
  free(b.data);
  return s;
}

OValue omniP_error(OState *S, int argc, OValue *argv) {
  OValue msg = omni_is_string(argv[0]) ? omni_dup(argv[0]) : omniE_display_string(S, argv[0]);
  OValue irritants = OMNI_NIL;
  int i;
  if (msg == OMNI_RAISED) return msg;
  for (i = argc - 1; i >= 1; i--) irritants = omniL_cons(S, omni_dup(argv[i]), irritants);
  return omniE_raise(S, omniE_make(S, msg, irritants));
}

OValue omniP_error_message(OState *S, OValue e) {
  if (!omni_type_is(e, OT_ERROR)) return omniE_type(S, "error-message", "error", e);
  return omni_dup(((OError *)e)->message);
}

OValue omniP_error_irritants(OState *S, OValue e) {
  if (!omni_type_is(e, OT_ERROR)) return omniE_type(S, "error-irritants", "error", e);
  return omni_dup(((OError *)e)->irritants);
}

OValue omniP_raise_error(OState *S, OValue e) {
  if (!omni_type_is(e, OT_ERROR)) return omniE_type(S, "raise-error", "error", e);
  return omniE_raise(S, omni_dup(e));
}

OValue omniP_x_match_fail(OState *S, OValue v) {
  return omniE_with_value(S, "match: no clause matched ", v);
}

OValue omniP_x_assert_fail(OState *S, OValue message) {
  OValue msg = omni_is_string(message) ? omni_dup(message) : omniE_display_string(S, message);
  if (msg == OMNI_RAISED) return msg;
  return omniE_raise(S, omniE_make(S, msg, OMNI_NIL));
}
