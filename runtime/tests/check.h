/* check.h — the tiny assertion helper shared by the runtime's C unit tests. */
#ifndef OMNI_TEST_CHECK_H
#define OMNI_TEST_CHECK_H
#include "omnilisp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures; /* checks failed so far */

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) {                                                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                       \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

static inline int unexpected_error(OState *S, int line, OValue r) {
  OValue e;
  if (r != OMNI_RAISED) return 0;
  e = omniE_take(S);
  fprintf(stderr, "%s:%d: unexpected error: %s\n", __FILE__, line,
          omni_type_is(e, OT_ERROR) ? omni_str(((OError *)e)->message)->data : "?");
  omni_drop(S, e);
  failures++;
  return 1;
}

/* Checks that v (consumed) prints as expected (write form when write is set). */
static inline void check_print(OState *S, int line, OValue v, int write, const char *expected) {
  OBuf b = {0};
  if (unexpected_error(S, line, v)) return;
  if (omniIO_print(S, &b, v, write) < 0) {
    fprintf(stderr, "%s:%d: printing raised\n", __FILE__, line);
    failures++;
  }
  omniIO_buf_put(&b, "", 1);
  if (strcmp(b.data, expected) != 0) {
    fprintf(stderr, "%s:%d: printed %s, expected %s\n", __FILE__, line, b.data, expected);
    failures++;
  }
  free(b.data);
  omni_drop(S, v);
}
#define CHECK_WRITE(S, v, text) check_print(S, __LINE__, v, 1, text)
#define CHECK_DISPLAY(S, v, text) check_print(S, __LINE__, v, 0, text)

/* Checks that r is OMNI_RAISED with exactly this message, and clears the error. */
static inline void check_error(OState *S, int line, OValue r, const char *message) {
  OValue e;
  const char *got;
  if (r != OMNI_RAISED) {
    fprintf(stderr, "%s:%d: expected error %s, got a value\n", __FILE__, line, message);
    omni_drop(S, r);
    failures++;
    return;
  }
  e = omniE_take(S);
  got = omni_str(((OError *)e)->message)->data;
  if (strcmp(got, message) != 0) {
    fprintf(stderr, "%s:%d: error %s, expected %s\n", __FILE__, line, got, message);
    failures++;
  }
  omni_drop(S, e);
}
#define CHECK_ERROR(S, r, msg) check_error(S, __LINE__, r, msg)
#define CHECK_PRINT(S, v, text) check_print(S, __LINE__, v, 1, text)

#endif
