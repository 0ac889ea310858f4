/*
** state.c — per-thread state, program start-up on a large stack, the limits a launcher sets
** (stack sizes, live threads), ending the run when one is reached, exit, and the primitives that
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
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define OMNI_MAIN_STACK_MB 1024  /* default program stack (reserved; pages are committed on use) */
#define OMNI_THREAD_STACK_MB 256 /* default stack of a spawned thread */
#define OMNI_MIN_STACK_MB 2      /* smallest stack the environment may ask for */
#define OMNI_MAX_STACK_MB 65536  /* largest stack the environment may ask for */
#define OMNI_STACK_RESERVE ((size_t)1 << 20) /* kept free below the limit for C primitives */
#define OMNI_LIMITED_ARENAS 8    /* malloc arenas when threads are limited (each reserves 64 MiB) */

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
    c = omniO_xmalloc(sizeof(OCell) + len + 1);
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

/*
** Limits a launcher (omni-sandbox) sets through the environment, read once:
**   OMNI_STACK_MB         the program's stack (default 1024): inside a memory limit it must be
**                         smaller, so that a runaway recursion ends as `stack overflow`
**   OMNI_THREAD_STACK_MB  each spawned thread's stack (default 256)
**   OMNI_MAX_THREADS      live spawned threads allowed (default: no limit of the runtime's own);
**                         spawning one more ends the run (omniR_limit_reached)
**   OMNI_LIMIT_FD         an fd on which the run's end at a limit is reported, as one line
**                         "threads" or "memory" (default: none)
*/
typedef struct ORLimits {
  size_t stack;        /* bytes reserved for the program's stack */
  size_t thread_stack; /* bytes reserved for each spawned thread's stack */
  long max_threads;    /* live spawned threads allowed, 0: no limit */
  int fd;              /* where a limit reached is reported, -1: nowhere */
} ORLimits;

static ORLimits omniR_lim;                              /* the limits, once read */
static pthread_once_t omniR_lim_once = PTHREAD_ONCE_INIT; /* reads them */
static int omniR_ending;                                /* a limit ends the run (atomic) */

/* A non-negative number from the environment in [lo, hi], or dflt when unset or invalid. */
static long omniR_env_long(const char *name, long dflt, long lo, long hi) {
  const char *s = getenv(name);
  char *end;
  long v;
  if (!s || !*s) return dflt;
  v = strtol(s, &end, 10);
  if (*end || v < 0) return dflt;
  return v < lo ? lo : v > hi ? hi : v;
}

static void omniR_read_limits(void) {
  omniR_lim.stack = (size_t)omniR_env_long("OMNI_STACK_MB", OMNI_MAIN_STACK_MB, OMNI_MIN_STACK_MB, OMNI_MAX_STACK_MB) << 20;
  omniR_lim.thread_stack = (size_t)omniR_env_long("OMNI_THREAD_STACK_MB", OMNI_THREAD_STACK_MB, OMNI_MIN_STACK_MB, OMNI_MAX_STACK_MB) << 20;
  omniR_lim.max_threads = omniR_env_long("OMNI_MAX_THREADS", 0, 0, 1L << 20);
  omniR_lim.fd = (int)omniR_env_long("OMNI_LIMIT_FD", -1, 0, 1 << 20);
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
  /* every arena reserves 64 MiB of address space: bound them when the run bounds threads */
  if (omniR_lim.max_threads) mallopt(M_ARENA_MAX, OMNI_LIMITED_ARENAS);
#endif
}

static const ORLimits *omniR_limits(void) {
  pthread_once(&omniR_lim_once, omniR_read_limits);
  return &omniR_lim;
}

size_t omniR_stack_size(void) { return omniR_limits()->stack; }
size_t omniR_thread_stack_size(void) { return omniR_limits()->thread_stack; }
long omniR_max_threads(void) { return omniR_limits()->max_threads; }

/* Write stdout's pending bytes unless another thread holds them past a short wait. */
static void omniR_flush_final(void) {
  struct timespec ms = {0, 1000000};
  int i;
  for (i = 0; i < 100; i++) {
    if (omniIO_try_flush()) return;
    nanosleep(&ms, NULL);
  }
}

void omniR_limit_reached(const char *limit, const char *message) {
  const ORLimits *l = omniR_limits();
  char line[32];
  if (__atomic_exchange_n(&omniR_ending, 1, __ATOMIC_ACQ_REL))
    for (;;) pause(); /* another thread is ending the run */
  omniR_flush_final();
  fprintf(stderr, "error: %s\n", message);
  fflush(stderr);
  if (l->fd >= 0) {
    snprintf(line, sizeof line, "%s\n", limit);
    if (write(l->fd, line, strlen(line)) < 0) { /* no launcher listening */ }
  }
  _exit(1);
}

void omniR_out_of_memory(void) {
  omniR_limit_reached("memory", "out of memory");
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
  OValue v, lines;
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
  for (v = lines = omniE_backtrace_lines(S, error); omni_is_pair(v); v = omni_cdr(v)) {
    omniIO_buf_put(&b, "  ", 2);
    omniIO_buf_put(&b, omni_str(omni_car(v))->data, omni_str(omni_car(v))->len);
    omniIO_buf_put(&b, "\n", 1);
  }
  omni_drop(S, lines);
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
  omniR_state_init(&S, &top, omniR_stack_size());
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
  pthread_attr_setstacksize(&attr, omniR_stack_size());
  if (pthread_create(&th, &attr, omniR_main_thread, &run) != 0) {
    fputs("error: cannot create the main thread\n", stderr);
    return 1;
  }
  pthread_join(th, NULL);
  pthread_attr_destroy(&attr);
  omniIO_flush();
  if (getenv("OMNI_STATS")) fprintf(stderr, "omnilisp: %zu KiB in small-object slabs\n", omniO_slab_bytes() >> 10);
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
