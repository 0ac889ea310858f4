/*
** omni-jit — the libtcc host. Compiles C units produced by the OmniLisp compiler in memory with
** libtcc and runs them against the runtime linked into this program. The runtime's symbols are
** handed to every unit with tcc_add_symbol from the generated table in symtab.c, so nothing
** depends on this process exporting them.
**
**   omni-jit run  -I DIR [--save-obj PATH] [--load-obj PATH] [-- ARGS...]
**       One program: its C comes on fd 3 (unless --load-obj gives a compiled object); it runs as
**       a whole program with ARGS as (command-line) and the host exits with its status.
**       --save-obj also writes the compiled object (the cached mode stores it).
**   omni-jit compile -I DIR --save-obj PATH
**       Only compiles: C on fd 3 to the object PATH (what `run --load-obj` loads); tcc's
**       diagnostics go to stderr and the exit status is 1 when it rejects the unit.
**   omni-jit repl -I DIR
**       A session: units arrive on fd 3 as "<bytes>\n<C>", each defining `omni_unit`; every reply
**       goes to fd 4: "ok", "error" (uncaught error, already reported on stderr), "crash SIGNAL"
**       or "compile BYTES\n<message>". Globals live in runtime cells, so later units see earlier
**       definitions. A crash in a unit is reported and the session goes on. Units run on a thread
**       with the program's stack (1 GiB, or $OMNI_STACK_MB; $OMNI_JIT_STACK_MB overrides both).
** The program's own stdin, stdout and stderr are the host's: protocol traffic never mixes in.
*/
#include "omnilisp.h"

#include <libtcc.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct OJitSymbol {
  const char *name; /* C symbol */
  void *addr;       /* its address in this process */
} OJitSymbol;

extern const OJitSymbol omniJ_symbols[]; /* symtab.c (generated), NULL-terminated */

static const char *omniJ_include = "include"; /* runtime/include */
static char omniJ_errors[4096];               /* diagnostics of the last compilation */

static void omniJ_error(void *opaque, const char *msg) {
  size_t len = strlen(omniJ_errors);
  (void)opaque;
  snprintf(omniJ_errors + len, sizeof omniJ_errors - len, "%s\n", msg);
}

static TCCState *omniJ_state(int output) {
  TCCState *s = tcc_new();
  if (!s) {
    fputs("omni-jit: cannot create a tcc state\n", stderr);
    exit(70);
  }
  omniJ_errors[0] = 0;
  tcc_set_error_func(s, NULL, omniJ_error);
  tcc_set_output_type(s, output);
  tcc_add_include_path(s, omniJ_include);
  tcc_set_options(s, "-w");
  return s;
}

/* Link s against the runtime and relocate it in memory; returns its entry point or NULL. */
static void *omniJ_link(TCCState *s, const char *entry) {
  const OJitSymbol *e;
  for (e = omniJ_symbols; e->name; e++) tcc_add_symbol(s, e->name, e->addr);
  if (tcc_relocate(s, TCC_RELOCATE_AUTO) < 0) return NULL;
  return tcc_get_symbol(s, entry);
}

/* Read exactly n bytes from fd; 0 on success. */
static int omniJ_read_all(int fd, char *buf, size_t n) {
  while (n > 0) {
    ssize_t got = read(fd, buf, n);
    if (got <= 0) return -1;
    buf += got;
    n -= (size_t)got;
  }
  return 0;
}

/* Read all of fd into a NUL-terminated buffer. */
static char *omniJ_slurp(int fd) {
  size_t len = 0, cap = 65536;
  char *buf = malloc(cap);
  ssize_t got;
  while (buf && (got = read(fd, buf + len, cap - len - 1)) > 0) {
    len += (size_t)got;
    if (cap - len < 2) buf = realloc(buf, cap *= 2);
  }
  if (buf) buf[len] = 0;
  return buf;
}

static void omniJ_internal(const char *what) {
  fprintf(stderr, "omnilisp: internal error: %s\n%s", what, omniJ_errors);
  exit(70);
}

/* ---------------------------------------------------------------- one program */

static int omniJ_run(int argc, char **argv, const char *save_obj, const char *load_obj) {
  TCCState *s = omniJ_state(TCC_OUTPUT_MEMORY);
  OProgram program;
  if (load_obj) {
    if (tcc_add_file(s, load_obj) < 0) omniJ_internal("cannot load the cached object");
  } else {
    char *source = omniJ_slurp(3);
    if (!source) omniJ_internal("cannot read the program's C");
    if (save_obj) {
      TCCState *obj = omniJ_state(TCC_OUTPUT_OBJ);
      if (tcc_compile_string(obj, source) < 0 || tcc_output_file(obj, save_obj) < 0) omniJ_internal("tcc failed");
      tcc_delete(obj);
      if (write(4, "saved\n", 6) != 6) { /* no driver listening: nothing to tell */ }
      if (tcc_add_file(s, save_obj) < 0) omniJ_internal("cannot load the object just written");
    } else if (tcc_compile_string(s, source) < 0) {
      omniJ_internal("tcc failed");
    }
    free(source);
  }
  program = (OProgram)omniJ_link(s, "omni_program");
  if (!program) omniJ_internal("cannot link the program");
  return omniR_main(argc, argv, program);
}

/* Compile the C on fd 3 to an object file; 0 on success. */
static int omniJ_compile(const char *save_obj) {
  TCCState *s = omniJ_state(TCC_OUTPUT_OBJ);
  char *source = omniJ_slurp(3);
  int ok;
  if (!source || !save_obj) omniJ_internal("compile needs the C on fd 3 and --save-obj");
  ok = tcc_compile_string(s, source) == 0 && tcc_output_file(s, save_obj) == 0;
  if (!ok) fputs(omniJ_errors, stderr);
  free(source);
  tcc_delete(s);
  return ok ? 0 : 1;
}

/* ---------------------------------------------------------------- the session */

typedef OValue (*OUnit)(OState *S);

static size_t omniJ_stack;                 /* stack of the thread a unit runs on */
static __thread sigjmp_buf omniJ_recover; /* where a crashing unit's thread resumes */
static __thread volatile int omniJ_armed;  /* omniJ_recover is set */
static volatile sig_atomic_t omniJ_signal; /* the signal that ended the last unit */

static void omniJ_fault(int sig) {
  if (!omniJ_armed) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  omniJ_signal = sig;
  siglongjmp(omniJ_recover, 1);
}

static void omniJ_reply(const char *text) {
  size_t n = strlen(text);
  if (write(4, text, n) != (ssize_t)n) exit(0); /* the driver went away */
}

/* Read one unit ("<bytes>\n<C>") from fd 3; NULL at the end of the session. */
static char *omniJ_read_unit(void) {
  char header[32], *source;
  size_t i = 0, n;
  while (i < sizeof header - 1 && read(3, header + i, 1) == 1 && header[i] != '\n') i++;
  if (i == 0 || header[i] != '\n') return NULL;
  header[i] = 0;
  n = strtoul(header, NULL, 10);
  source = malloc(n + 1);
  if (!source || omniJ_read_all(3, source, n) < 0) return NULL;
  source[n] = 0;
  return source;
}

/* Compile and link a unit; NULL (after replying with tcc's diagnostics) when tcc rejects it. */
static OUnit omniJ_compile_unit(const char *source) {
  TCCState *s = omniJ_state(TCC_OUTPUT_MEMORY); /* kept forever: later units use its code and data */
  OUnit unit = NULL;
  if (tcc_compile_string(s, source) == 0) unit = (OUnit)omniJ_link(s, "omni_unit");
  if (!unit && !omniJ_errors[0]) omniJ_error(NULL, "the unit does not define omni_unit");
  if (!unit) {
    char msg[64];
    snprintf(msg, sizeof msg, "compile %zu\n", strlen(omniJ_errors));
    omniJ_reply(msg);
    omniJ_reply(omniJ_errors);
  }
  return unit;
}

/* Run one unit on S and reply; (exit n) ends the session. */
static void omniJ_run_unit(OState *S, OUnit unit) {
  OValue r;
  omniJ_armed = 1;
  r = unit(S);
  omniJ_armed = 0;
  omniIO_flush();
  if (r != OMNI_RAISED) {
    omni_drop(S, r);
    omniJ_reply("ok\n");
  } else if (S->exiting) {
    exit(S->exit_code);
  } else {
    OValue e = omniE_take(S);
    omniR_report(S, e);
    omni_drop(S, e);
    omniJ_reply("error\n");
  }
}

/* The whole session runs on one thread with a large stack. */
static void *omniJ_session(void *arg) {
  OState S;
  char top, *source;
  (void)arg;
  omniR_state_init(&S, &top, omniJ_stack);
  while ((source = omniJ_read_unit())) {
    OUnit unit = omniJ_compile_unit(source);
    free(source);
    if (!unit) continue;
    if (sigsetjmp(omniJ_recover, 1)) {
      /* the unit crashed: its state is abandoned (what it held is lost, not freed) */
      char msg[64];
      omniJ_armed = 0;
      omniIO_flush();
      snprintf(msg, sizeof msg, "crash %s\n", omniJ_signal == SIGSEGV ? "SIGSEGV" : omniJ_signal == SIGBUS ? "SIGBUS" : "signal");
      omniJ_reply(msg);
      omniR_state_init(&S, &top, omniJ_stack);
      continue;
    }
    omniJ_run_unit(&S, unit);
  }
  omniR_state_free(&S);
  return NULL;
}

static int omniJ_repl(void) {
  const char *mb = getenv("OMNI_JIT_STACK_MB"); /* a smaller stack (tests of crash recovery) */
  pthread_attr_t attr;
  pthread_t th;
  omniJ_stack = mb && atoi(mb) > 1 ? (size_t)atoi(mb) << 20 : omniR_stack_size();
  omniR_fault_hook = omniJ_fault;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, omniJ_stack);
  if (pthread_create(&th, &attr, omniJ_session, NULL) != 0) omniJ_internal("cannot create the session thread");
  pthread_join(th, NULL);
  return 0;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
  const char *save_obj = NULL, *load_obj = NULL;
  int i;
  if (argc < 2) {
    fputs("usage: omni-jit run|compile|repl -I DIR [--save-obj PATH] [--load-obj PATH] [-- ARGS...]\n", stderr);
    return 2;
  }
  for (i = 2; i < argc; i++) {
    if (strcmp(argv[i], "-I") == 0 && i + 1 < argc) omniJ_include = argv[++i];
    else if (strcmp(argv[i], "--save-obj") == 0 && i + 1 < argc) save_obj = argv[++i];
    else if (strcmp(argv[i], "--load-obj") == 0 && i + 1 < argc) load_obj = argv[++i];
    else if (strcmp(argv[i], "--") == 0) break;
  }
  if (strcmp(argv[1], "repl") == 0) return omniJ_repl();
  if (strcmp(argv[1], "compile") == 0) return omniJ_compile(save_obj);
  /* the program's argv: argv[0] then what follows "--" */
  if (i < argc) argv[i] = argv[0];
  return omniJ_run(i < argc ? argc - i : 1, i < argc ? argv + i : argv, save_obj, load_obj);
}
