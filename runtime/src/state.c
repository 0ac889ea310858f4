/*
** state.c — per-thread state, program start-up on a large stack, exit, and the primitives that
** talk to the process (command-line, exit, getenv, current-time-ms).
*/
#include "omnilisp.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define OMNI_MAIN_STACK ((size_t)1 << 30) /* 1 GiB reserved; pages are committed on use */
#define OMNI_STACK_RESERVE ((size_t)1 << 20) /* kept free below the limit for C primitives */

static int omniR_argc;    /* program arguments (argv[0] excluded) */
static char **omniR_argv; /* their text */

static OValue **omniR_global_cells; /* the program's global variables */
static size_t omniR_nglobals;       /* how many */
int omniR_threaded;

void omniR_globals(OValue **cells, size_t n) {
  omniR_global_cells = cells;
  omniR_nglobals = n;
}

/* Named cells: the globals of code compiled in pieces (JIT sessions), found by name. */
typedef struct OCell {
  struct OCell *next; /* next cell in the list */
  OValue value;       /* the global's value (OMNI_UNINIT until defined) */
  char name[];        /* its name */
} OCell;

static OCell *omniR_cells;                                   /* every named cell */
static pthread_mutex_t omniR_cells_mu = PTHREAD_MUTEX_INITIALIZER; /* guards omniR_cells */

OValue *omniR_cell(const char *name, size_t len) {
  OCell *c;
  pthread_mutex_lock(&omniR_cells_mu);
  for (c = omniR_cells; c; c = c->next)
    if (strlen(c->name) == len && memcmp(c->name, name, len) == 0) break;
  if (!c) {
    c = malloc(sizeof(OCell) + len + 1);
    if (!c) abort();
    memcpy(c->name, name, len);
    c->name[len] = 0;
    c->value = OMNI_UNINIT;
    c->next = omniR_cells;
    omniR_cells = c;
  }
  pthread_mutex_unlock(&omniR_cells_mu);
  return &c->value;
}

void omniR_share_globals(OState *S) {
  size_t i;
  OCell *c;
  omniR_threaded = 1;
  for (i = 0; i < omniR_nglobals; i++) omniO_share(S, *omniR_global_cells[i]);
  pthread_mutex_lock(&omniR_cells_mu);
  for (c = omniR_cells; c; c = c->next) omniO_share(S, c->value);
  pthread_mutex_unlock(&omniR_cells_mu);
}

void omniR_set_args(int argc, char **argv) {
  omniR_argc = argc > 0 ? argc - 1 : 0;
  omniR_argv = argv + (argc > 0 ? 1 : 0);
}

/*
** Generated code checks S->stack_limit on entry, so OmniLisp recursion raises `stack overflow`.
** C code below the limit (a primitive recursing into deeply nested data) can still reach the
** guard page: the SIGSEGV handler, on an alternate stack, reports that as `stack overflow` and
** exits instead of crashing. (Not in the sanitized build: AddressSanitizer owns SIGSEGV there.)
*/
static __thread void *omniR_alt_stack;  /* the signal stack the handler runs on */
void (*omniR_fault_hook)(int sig);      /* set by a host that recovers from faults itself */

#ifndef OMNI_SANITIZE
static __thread char *omniR_stack_low;  /* lowest address of this thread's stack */
static __thread char *omniR_stack_high; /* highest */

static void omniR_segv(int sig, siginfo_t *info, void *ctx) {
  static const char msg[] = "error: stack overflow\n";
  char *addr = info->si_addr;
  (void)ctx;
  if (omniR_fault_hook) omniR_fault_hook(sig);
  if (omniR_stack_low && addr >= omniR_stack_low - 65536 && addr < omniR_stack_high) {
    omniIO_flush();
    if (write(2, msg, sizeof msg - 1) < 0) _exit(1);
    _exit(1);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}
#endif

/* Give the calling thread an alternate signal stack and the overflow handler. */
static void omniR_guard_stack(char *top, size_t size) {
#ifndef OMNI_SANITIZE
  static const size_t alt_size = 65536;
  stack_t alt;
  struct sigaction sa;
  omniR_stack_low = top - size;
  omniR_stack_high = top + 4096;
  alt.ss_sp = omniR_alt_stack = malloc(alt_size);
  alt.ss_size = alt_size;
  alt.ss_flags = 0;
  if (!alt.ss_sp || sigaltstack(&alt, NULL) != 0) return;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = omniR_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
#else
  (void)top;
  (void)size;
#endif
}

void omniR_state_init(OState *S, char *stack_top, size_t stack_size) {
  memset(S, 0, sizeof *S);
  S->error = OMNI_NIL;
  S->stack_limit = stack_top - stack_size + OMNI_STACK_RESERVE;
  S->gc_threshold = 10000;
  omniO_pool_adopt(S);
  omniR_guard_stack(stack_top, stack_size);
}

static void omniR_unguard_stack(void) {
  stack_t off;
  if (!omniR_alt_stack) return;
  memset(&off, 0, sizeof off);
  off.ss_flags = SS_DISABLE;
  sigaltstack(&off, NULL);
  free(omniR_alt_stack);
  omniR_alt_stack = NULL;
}

void omniR_state_free(OState *S) {
  omniR_unguard_stack();
  omni_drop(S, S->error);
  S->error = OMNI_NIL;
  omniG_collect(S);
  free(S->pending.items);
  free(S->roots.items);
  omniO_pool_release(S);
  S->pending = (OFreeStack){0};
}

void omniR_report(OState *S, OValue error) {
  OBuf b = {0};
  OValue v;
  omniIO_flush();
  omniIO_buf_put(&b, "error: ", 7);
  if (omni_type_is(error, OT_ERROR)) {
    OError *e = (OError *)error;
    omniIO_print(S, &b, e->message, 0);
    for (v = e->irritants; omni_is_pair(v); v = omni_cdr(v)) {
      omniIO_buf_put(&b, " ", 1);
      omniIO_print(S, &b, omni_car(v), 1);
    }
  } else {
    omniIO_print(S, &b, error, 0);
  }
  omniIO_buf_put(&b, "\n", 1);
  fwrite(b.data, 1, b.len, stderr);
  fflush(stderr);
  free(b.data);
}

typedef struct OMainRun {
  OProgram program; /* the compiled program */
  int status;       /* its exit status */
} OMainRun;

static void *omniR_main_thread(void *arg) {
  OMainRun *run = arg;
  OState S;
  char top;
  OValue r;
  omniR_state_init(&S, &top, OMNI_MAIN_STACK);
  r = run->program(&S);
  if (r != OMNI_RAISED) {
    omni_drop(&S, r);
    run->status = 0;
  } else if (S.exiting) {
    run->status = S.exit_code;
  } else {
    OValue e = omniE_take(&S);
    omniR_report(&S, e);
    omni_drop(&S, e);
    run->status = 1;
  }
  omniIO_flush();
  omniR_state_free(&S);
  return NULL;
}

int omniR_main(int argc, char **argv, OProgram program) {
  OMainRun run = {program, 0};
  pthread_attr_t attr;
  pthread_t th;
  omniR_set_args(argc, argv);
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, OMNI_MAIN_STACK);
  if (pthread_create(&th, &attr, omniR_main_thread, &run) != 0) {
    fputs("error: cannot create the main thread\n", stderr);
    return 1;
  }
  pthread_join(th, NULL);
  pthread_attr_destroy(&attr);
  omniIO_flush();
  return run.status;
}

OValue omniP_command_line(OState *S) {
  OValue list = OMNI_NIL;
  int i;
  for (i = omniR_argc - 1; i >= 0; i--) list = omniL_cons(S, omniS_from_utf8(S, omniR_argv[i], strlen(omniR_argv[i])), list);
  return list;
}

/* exit unwinds the whole stack (releasing everything) without being caught by try. */
OValue omniP_exit(OState *S, int argc, OValue *argv) {
  int64_t code = 0;
  if (argc == 1) {
    if (!omni_is_int(argv[0])) return omniE_type(S, "exit", "int", argv[0]);
    code = omni_int(argv[0]);
  }
  code = ((code % 256) + 256) % 256;
  if (S->thread) {
    omniIO_flush();
    exit((int)code);
  }
  S->exiting = 1;
  S->exit_code = (int)code;
  return omniE_raise(S, OMNI_NIL);
}

OValue omniP_getenv(OState *S, OValue name) {
  const char *v;
  if (!omni_is_string(name)) return omniE_type(S, "getenv", "string", name);
  v = getenv(omni_str(name)->data);
  return v ? omniS_from_utf8(S, v, strlen(v)) : OMNI_NIL;
}

OValue omniP_current_time_ms(OState *S) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return omni_mkint((int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000);
}
