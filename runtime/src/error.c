/*
** error.c — error values, raising, backtraces, and the error primitives.
** A raise stores the error in S->error and returns OMNI_RAISED; every caller propagates that
** sentinel after releasing what it owns (no longjmp). On the way, generated code records each
** frame it leaves (omniE_at) in S->trace; the try that catches the error (omniE_take) keeps that
** backtrace in the error value. The non-failing path does no backtrace work at all.
*/
#include "omnilisp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A caught error's backtrace: the frames of an OTrace in order, `omitted` of them dropped before `gap`. */
struct OBacktrace {
  OBacktrace *older; /* the one it replaced in an error other threads may read (freed with it) */
  uint32_t len;      /* frames */
  uint32_t gap;      /* index of the first frame after the omitted ones */
  uint64_t omitted;  /* frames dropped (deep, non-repeating recursion) */
  OFrame frames[];   /* innermost first */
};

OValue omniE_make(OState *S, OValue message, OValue irritants) {
  OError *e = omniO_alloc(S, sizeof(OError), OT_ERROR);
  e->message = message;
  e->irritants = irritants;
  e->trace = NULL;
  return (OValue)e;
}

void omniE_free_trace(OError *e) {
  OBacktrace *bt = e->trace, *older;
  for (; bt; bt = older) {
    older = bt->older;
    free(bt);
  }
  e->trace = NULL;
}

/* The backtrace an error carries now (another thread may be replacing it: see omniE_take). */
const OBacktrace *omniE_trace(OValue error) {
  return omni_type_is(error, OT_ERROR) ? __atomic_load_n(&((OError *)error)->trace, __ATOMIC_ACQUIRE) : NULL;
}

/* Append a frame, merging a repeat of the last one; past 2 x KEEP entries the middle is counted. */
static void omniE_push_frame(OTrace *t, OFrame f) {
  OFrame *last = t->ntail ? &t->tail[(t->tail_start + t->ntail - 1) % OMNI_TRACE_KEEP] : t->nhead ? &t->head[t->nhead - 1] : NULL;
  if (last && last->site == f.site && last->thread == f.thread) {
    last->count += f.count;
  } else if (t->nhead < OMNI_TRACE_KEEP) {
    t->head[t->nhead++] = f;
  } else if (t->ntail < OMNI_TRACE_KEEP) {
    t->tail[(t->tail_start + t->ntail++) % OMNI_TRACE_KEEP] = f;
  } else {
    t->omitted += t->tail[t->tail_start].count;
    t->tail[t->tail_start] = f;
    t->tail_start = (t->tail_start + 1) % OMNI_TRACE_KEEP;
  }
}

void omniE_at(OState *S, const OSite *site) {
  OFrame f;
  f.site = site;
  f.thread = S->thread_id;
  f.count = 1;
  omniE_push_frame(&S->trace, f);
}

/* A raise starts its backtrace afresh, or goes on from `bt` (a re-raised error's). */
static void omniE_trace_start(OState *S, const OBacktrace *bt) {
  uint32_t i;
  S->trace.nhead = S->trace.ntail = S->trace.tail_start = 0;
  S->trace.omitted = 0;
  if (!bt) return;
  for (i = 0; i < bt->len; i++) {
    if (i == bt->gap) S->trace.omitted += bt->omitted;
    omniE_push_frame(&S->trace, bt->frames[i]);
  }
}

static OBacktrace *omniE_trace_copy(const OTrace *t) {
  OBacktrace *bt = omniO_xmalloc(sizeof(OBacktrace) + (t->nhead + t->ntail) * sizeof(OFrame));
  uint32_t i;
  memcpy(bt->frames, t->head, t->nhead * sizeof(OFrame));
  for (i = 0; i < t->ntail; i++) bt->frames[t->nhead + i] = t->tail[(t->tail_start + i) % OMNI_TRACE_KEEP];
  bt->older = NULL;
  bt->len = t->nhead + t->ntail;
  bt->gap = t->nhead;
  bt->omitted = t->omitted;
  return bt;
}

OValue omniE_raise_from(OState *S, OValue error, const OBacktrace *from) {
  omni_drop(S, S->error);
  S->error = error;
  omniE_trace_start(S, from);
  return OMNI_RAISED;
}

OValue omniE_raise(OState *S, OValue error) {
  return omniE_raise_from(S, error, omniE_trace(error));
}

/*
** The caught error keeps the backtrace (a re-raised one: the longer backtrace replaces its old
** one; it stays the same value). Where other threads may read the error, the old backtrace is
** kept until the error dies, since a reader may still be walking it.
*/
OValue omniE_take(OState *S) {
  OValue v = S->error;
  OError *e;
  OBacktrace *bt;
  S->error = OMNI_NIL;
  if (!omni_type_is(v, OT_ERROR)) return v;
  e = (OError *)v;
  bt = omniE_trace_copy(&S->trace);
  if (e->h.flags & (OF_IMMORTAL | OF_SHARED)) {
    bt->older = __atomic_exchange_n(&e->trace, bt, __ATOMIC_ACQ_REL);
  } else {
    free(e->trace);
    e->trace = bt;
  }
  return v;
}

/* `99 990`: digits in groups of three. */
static void omniE_put_count(OBuf *b, uint64_t n) {
  char digits[24], out[32];
  int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n), i, o = 0;
  for (i = 0; i < len; i++) {
    if (i > 0 && (len - i) % 3 == 0) out[o++] = ' ';
    out[o++] = digits[i];
  }
  omniIO_buf_put(b, out, (size_t)o);
}

/* `... N more frames` */
static void omniE_put_more(OBuf *b, uint64_t n) {
  omniIO_buf_put(b, "... ", 4);
  omniE_put_count(b, n);
  if (n == 1) omniIO_buf_put(b, " more frame", 11);
  else omniIO_buf_put(b, " more frames", 12);
}

/* Frames shown of a run of one repeated frame before the rest is folded into one line. */
#define OMNI_TRACE_RUN 10

static OValue omniE_line(OState *S, OBuf *b, OValue rest) {
  OValue s = omniS_string(S, b->data ? b->data : "", b->len);
  b->len = 0;
  return omniL_cons(S, s, rest);
}

static void omniE_put_frame(OBuf *b, const OFrame *f) {
  char pos[48];
  omniIO_buf_put(b, "at ", 3);
  omniIO_buf_put(b, f->site->fn, strlen(f->site->fn));
  omniIO_buf_put(b, " (", 2);
  omniIO_buf_put(b, f->site->file, strlen(f->site->file));
  snprintf(pos, sizeof pos, ":%d:%d)", f->site->line, f->site->col);
  omniIO_buf_put(b, pos, strlen(pos));
  if (f->thread) {
    snprintf(pos, sizeof pos, " in thread %u", f->thread);
    omniIO_buf_put(b, pos, strlen(pos));
  }
}

OValue omniE_backtrace_lines(OState *S, OValue error) {
  const OBacktrace *bt = omniE_trace(error);
  OValue lines = OMNI_NIL, reversed = OMNI_NIL;
  OBuf b = {0};
  uint32_t i;
  uint64_t k;
  for (i = 0; bt && i < bt->len; i++) {
    const OFrame *f = &bt->frames[i];
    if (i == bt->gap && bt->omitted) {
      omniE_put_more(&b, bt->omitted);
      lines = omniE_line(S, &b, lines);
    }
    for (k = 0; k < f->count && k < OMNI_TRACE_RUN; k++) {
      omniE_put_frame(&b, f);
      lines = omniE_line(S, &b, lines);
    }
    if (f->count > OMNI_TRACE_RUN) {
      omniE_put_more(&b, f->count - OMNI_TRACE_RUN);
      omniIO_buf_put(&b, " of ", 4);
      omniIO_buf_put(&b, f->site->fn, strlen(f->site->fn));
      lines = omniE_line(S, &b, lines);
    }
  }
  free(b.data);
  while (lines != OMNI_NIL) {
    OValue next = omni_cdr(lines);
    omni_cdr(lines) = reversed;
    reversed = lines;
    lines = next;
  }
  return reversed;
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

OValue omniP_error_backtrace(OState *S, OValue e) {
  if (!omni_type_is(e, OT_ERROR)) return omniE_type(S, "error-backtrace", "error", e);
  return omniE_backtrace_lines(S, e);
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
