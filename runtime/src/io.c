/*
** io.c — the printer (display and write forms, exactly like compiler/src/printer.ts), the
** process-wide buffered stdout, and the I/O primitives.
*/
#include "omnilisp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OMNI_OUT_FLUSH_AT ((size_t)1 << 16) /* stdout is written once this much is buffered */

/* ---------------------------------------------------------------- growable buffers */

void omniIO_buf_put(OBuf *b, const char *s, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    char *data;
    while (cap < b->len + n) cap *= 2;
    data = omniO_xrealloc(b->data, cap);
    b->data = data;
    b->cap = cap;
  }
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
}

static void omniIO_puts(OBuf *b, const char *s) {
  omniIO_buf_put(b, s, strlen(s));
}

/* ---------------------------------------------------------------- printing */

/* C0, DEL and C1 controls: written as hex escapes. */
static int omniIO_is_control(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

static void omniIO_write_char(OBuf *b, uint32_t c) {
  char tmp[24];
  switch (c) {
  case 0x20:
    omniIO_puts(b, "#\\space");
    return;
  case 0x0A:
    omniIO_puts(b, "#\\newline");
    return;
  case 0x09:
    omniIO_puts(b, "#\\tab");
    return;
  case 0x0D:
    omniIO_puts(b, "#\\return");
    return;
  case 0x00:
    omniIO_puts(b, "#\\nul");
    return;
  }
  if (omniIO_is_control(c)) {
    snprintf(tmp, sizeof tmp, "#\\x%x", (unsigned)c);
    omniIO_puts(b, tmp);
    return;
  }
  omniIO_puts(b, "#\\");
  omniIO_buf_put(b, tmp, omniS_encode(c, tmp));
}

/* A string's write form: quoted, with \\ \" \n \t \r and other controls as \xHEX;. */
static void omniIO_write_string(OBuf *b, const char *s, size_t n) {
  size_t k = 0, run = 0;
  char tmp[16];
  omniIO_buf_put(b, "\"", 1);
  while (k < n) {
    unsigned char c = (unsigned char)s[k];
    const char *esc = NULL;
    int is_control = 0;
    uint32_t control = c;
    size_t width = 1;
    if (c == '\\') esc = "\\\\";
    else if (c == '"') esc = "\\\"";
    else if (c == '\n') esc = "\\n";
    else if (c == '\t') esc = "\\t";
    else if (c == '\r') esc = "\\r";
    else if (c < 0x20 || c == 0x7F) is_control = 1;
    else if (c == 0xC2 && k + 1 < n && (unsigned char)s[k + 1] <= 0x9F) { /* C1: U+0080..U+009F */
      is_control = 1;
      control = (unsigned char)s[k + 1];
      width = 2;
    }
    if (!esc && !is_control) {
      k++;
      run++;
      continue;
    }
    omniIO_buf_put(b, s + k - run, run);
    run = 0;
    if (esc) omniIO_puts(b, esc);
    else {
      snprintf(tmp, sizeof tmp, "\\x%x;", (unsigned)control);
      omniIO_puts(b, tmp);
    }
    k += width;
  }
  omniIO_buf_put(b, s + k - run, run);
  omniIO_buf_put(b, "\"", 1);
}

static int omniIO_emit(OState *S, OBuf *b, OValue v, int write);

/* Lists loop along cdr (a list may be 1,000,000 long). */
static int omniIO_emit_list(OState *S, OBuf *b, OValue v, int write) {
  int first = 1;
  omniIO_buf_put(b, "(", 1);
  while (omni_is_pair(v)) {
    if (!first) omniIO_buf_put(b, " ", 1);
    first = 0;
    if (omniIO_emit(S, b, omni_car(v), write) < 0) return -1;
    v = omni_cdr(v);
  }
  if (v != OMNI_NIL) {
    omniIO_buf_put(b, " . ", 3);
    if (omniIO_emit(S, b, v, write) < 0) return -1;
  }
  omniIO_buf_put(b, ")", 1);
  return 0;
}

static int omniIO_emit_vector(OState *S, OBuf *b, OVector *vec, int write) {
  size_t k;
  omniIO_buf_put(b, "[", 1);
  for (k = 0; k < vec->len; k++) {
    if (k) omniIO_buf_put(b, " ", 1);
    if (omniIO_emit(S, b, vec->items[k], write) < 0) return -1;
  }
  omniIO_buf_put(b, "]", 1);
  return 0;
}

static int omniIO_emit_dict(OState *S, OBuf *b, ODict *d, int write) {
  size_t k;
  int first = 1;
  omniIO_buf_put(b, "#{", 2);
  for (k = 0; k < d->used; k++) {
    ODictEntry *e = &d->entries[k];
    if (e->key == OMNI_UNINIT) continue;
    if (!first) omniIO_buf_put(b, " ", 1);
    first = 0;
    if (omniIO_emit(S, b, e->key, write) < 0) return -1;
    omniIO_buf_put(b, " ", 1);
    if (omniIO_emit(S, b, e->value, write) < 0) return -1;
  }
  omniIO_buf_put(b, "}", 1);
  return 0;
}

/* `#<atom VALUE>` with the value as write prints it, read under the atom's lock. */
static int omniIO_emit_atom(OState *S, OBuf *b, OAtom *a) {
  OValue v;
  int r;
  if (a->lock) pthread_mutex_lock((pthread_mutex_t *)a->lock);
  v = omni_dup(a->value);
  if (a->lock) pthread_mutex_unlock((pthread_mutex_t *)a->lock);
  omniIO_puts(b, "#<atom ");
  r = omniIO_emit(S, b, v, 1);
  omni_drop(S, v);
  if (r < 0) return -1;
  omniIO_buf_put(b, ">", 1);
  return 0;
}

static void omniIO_emit_error(OState *S, OBuf *b, OError *e, int write) {
  omniIO_puts(b, "#<error ");
  if (omni_is_string(e->message)) {
    OString *m = omni_str(e->message);
    if (write) omniIO_write_string(b, m->data, m->len);
    else omniIO_buf_put(b, m->data, m->len);
  } else {
    omniIO_emit(S, b, e->message, 0);
  }
  omniIO_buf_put(b, ">", 1);
}

static int omniIO_emit_object(OState *S, OBuf *b, OValue v, int write) {
  char tmp[40];
  switch ((OType)omni_obj(v)->type) {
  case OT_FLOAT:
    omniIO_buf_put(b, tmp, (size_t)omniN_format_float(omni_flo(v), tmp));
    return 0;
  case OT_STRING:
    if (write) omniIO_write_string(b, omni_str(v)->data, omni_str(v)->len);
    else omniIO_buf_put(b, omni_str(v)->data, omni_str(v)->len);
    return 0;
  case OT_KEYWORD:
    omniIO_buf_put(b, ":", 1);
    /* fall through */
  case OT_SYMBOL:
    omniIO_buf_put(b, ((OSymbol *)v)->name, ((OSymbol *)v)->len);
    return 0;
  case OT_PAIR:
    return omniIO_emit_list(S, b, v, write);
  case OT_VECTOR:
    return omniIO_emit_vector(S, b, (OVector *)v, write);
  case OT_DICT:
    return omniIO_emit_dict(S, b, (ODict *)v, write);
  case OT_CLOSURE:
    omniIO_puts(b, "#<procedure");
    if (((OClosure *)v)->name) {
      omniIO_buf_put(b, " ", 1);
      omniIO_puts(b, ((OClosure *)v)->name);
    }
    omniIO_buf_put(b, ">", 1);
    return 0;
  case OT_ATOM:
    return omniIO_emit_atom(S, b, (OAtom *)v);
  case OT_ERROR:
    omniIO_emit_error(S, b, (OError *)v, write);
    return 0;
  case OT_CHANNEL:
    omniIO_puts(b, "#<channel>");
    return 0;
  case OT_THREAD:
    omniIO_puts(b, "#<thread>");
    return 0;
  case OT_ENV:
    omniIO_puts(b, "#<env>");
    return 0;
  case OT_BOX:
    omniIO_puts(b, "#<box>");
    return 0;
  }
  omniIO_puts(b, "#<unknown>");
  return 0;
}

static int omniIO_emit(OState *S, OBuf *b, OValue v, int write) {
  char tmp[40];
  char probe;
  if (S && &probe < S->stack_limit) { /* recursion on car / items of a very deep structure */
    omniE_stack_overflow(S);
    return -1;
  }
  if (omni_is_int(v)) {
    omniIO_buf_put(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "%lld", (long long)omni_int(v)));
  } else if (omni_is_char(v)) {
    if (write) omniIO_write_char(b, omni_char(v));
    else omniIO_buf_put(b, tmp, omniS_encode(omni_char(v), tmp));
  } else if (v == OMNI_NIL) {
    omniIO_buf_put(b, "nil", 3);
  } else if (v == OMNI_T) {
    omniIO_buf_put(b, "t", 1);
  } else if (omni_is_ptr(v) && v) {
    return omniIO_emit_object(S, b, v, write);
  } else {
    omniIO_puts(b, "#<unknown>");
  }
  return 0;
}

int omniIO_print(OState *S, OBuf *b, OValue v, int write) {
  return omniIO_emit(S, b, v, write != 0);
}

/* ---------------------------------------------------------------- buffered stdout */

static pthread_mutex_t omniIO_out_lock = PTHREAD_MUTEX_INITIALIZER; /* guards omniIO_outbuf */
static OBuf omniIO_outbuf;                                           /* pending stdout bytes */
static pthread_once_t omniIO_once = PTHREAD_ONCE_INIT;               /* atexit registration */

/* Writes the pending bytes; the caller holds omniIO_out_lock. */
static void omniIO_drain(void) {
  if (omniIO_outbuf.len == 0) return;
  fwrite(omniIO_outbuf.data, 1, omniIO_outbuf.len, stdout);
  fflush(stdout);
  omniIO_outbuf.len = 0;
}

static void omniIO_at_exit(void) {
  omniIO_flush();
}

static void omniIO_register(void) {
  atexit(omniIO_at_exit);
}

void omniIO_out(const char *s, size_t n) {
  pthread_once(&omniIO_once, omniIO_register);
  pthread_mutex_lock(&omniIO_out_lock);
  if (n >= OMNI_OUT_FLUSH_AT) { /* a large piece goes out as it is, not through the buffer */
    omniIO_drain();
    fwrite(s, 1, n, stdout);
    fflush(stdout);
  } else {
    omniIO_buf_put(&omniIO_outbuf, s, n);
    if (omniIO_outbuf.len >= OMNI_OUT_FLUSH_AT) omniIO_drain();
  }
  pthread_mutex_unlock(&omniIO_out_lock);
}

void omniIO_flush(void) {
  pthread_mutex_lock(&omniIO_out_lock);
  omniIO_drain();
  pthread_mutex_unlock(&omniIO_out_lock);
}

int omniIO_try_flush(void) {
  if (pthread_mutex_trylock(&omniIO_out_lock) != 0) return 0;
  omniIO_drain();
  pthread_mutex_unlock(&omniIO_out_lock);
  return 1;
}

/* ---------------------------------------------------------------- primitives */

/* Prints v into a fresh buffer and queues it on stdout. */
static OValue omniIO_show(OState *S, OValue v, int write) {
  OBuf b = {0, 0, 0};
  if (omniIO_print(S, &b, v, write) < 0) {
    free(b.data);
    return OMNI_RAISED;
  }
  omniIO_out(b.data, b.len);
  free(b.data);
  return OMNI_NIL;
}

OValue omniP_display(OState *S, OValue a0) {
  return omniIO_show(S, a0, 0);
}

OValue omniP_write(OState *S, OValue a0) {
  return omniIO_show(S, a0, 1);
}

OValue omniP_newline(OState *S) {
  omniIO_out("\n", 1);
  return OMNI_NIL;
}

OValue omniP_print(OState *S, int argc, OValue *argv) {
  OBuf b = {0, 0, 0};
  int i;
  for (i = 0; i < argc; i++) {
    if (i) omniIO_buf_put(&b, " ", 1);
    if (omniIO_print(S, &b, argv[i], 0) < 0) {
      free(b.data);
      return OMNI_RAISED;
    }
  }
  omniIO_buf_put(&b, "\n", 1);
  omniIO_out(b.data, b.len);
  free(b.data);
  return OMNI_NIL;
}

static pthread_mutex_t omniIO_in_lock = PTHREAD_MUTEX_INITIALIZER; /* one reader of stdin at a time */

OValue omniP_read_line(OState *S) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  OValue r;
  omniIO_flush();
  pthread_mutex_lock(&omniIO_in_lock);
  n = getline(&line, &cap, stdin);
  pthread_mutex_unlock(&omniIO_in_lock);
  if (n < 0) {
    free(line);
    return OMNI_NIL;
  }
  if (n > 0 && line[n - 1] == '\n') n--;
  if (n > 0 && line[n - 1] == '\r') n--;
  r = omniS_from_utf8(S, line, (size_t)n);
  free(line);
  return r;
}

void omniIO_echo(OState *S, OValue v) {
  OBuf b = {0};
  if (omniIO_print(S, &b, v, 1) == 0) {
    omniIO_buf_put(&b, "\n", 1);
    omniIO_out(b.data, b.len);
  } else {
    omni_drop(S, omniE_take(S));
  }
  free(b.data);
}
