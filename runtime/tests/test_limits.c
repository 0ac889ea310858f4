/*
** test_limits.c — the limits a launcher sets through the environment (stack sizes, live
** threads, the limit fd), allocations too large to be had (a catchable `NAME: cannot allocate N
** elements`), and the two ways a run ends at a limit (one thread too many, out of memory): stdout
** flushed, `error: ...` on stderr, the limit's name on OMNI_LIMIT_FD, status 1, never a crash.
** Runs under ASan/LSan: everything allocated is released.
*/
#include "omnilisp.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define INT(i) omni_mkint(i)

static int limit_pipe[2]; /* OMNI_LIMIT_FD is its write end */

static void test_environment(void) {
  CHECK(omniR_stack_size() == (size_t)64 << 20);
  CHECK(omniR_thread_stack_size() == (size_t)8 << 20);
  CHECK(omniR_max_threads() == 4);
}

static void test_sized_allocators(OState *S) {
  OValue args[2] = {INT(1000000000000LL), INT(0)};
  OValue r, s;
  CHECK_ERROR(S, omniP_make_vector(S, 2, args), "make-vector: cannot allocate 1000000000000 elements");
  CHECK_ERROR(S, omniP_make_vector(S, 1, args), "make-vector: cannot allocate 1000000000000 elements");
  s = omniS_cstring(S, "h\xc3\xa9llo"); /* 5 chars, 6 bytes */
  CHECK_ERROR(S, omniP_string_repeat(S, s, INT(OMNI_INT_MAX)), "string-repeat: cannot allocate 11529215046068469755 elements");
  CHECK_ERROR(S, omniP_string_repeat(S, s, INT(1000000000000LL)), "string-repeat: cannot allocate 5000000000000 elements");
  CHECK_PRINT(S, omniP_string_repeat(S, s, INT(2)), "\"h\xc3\xa9llo" "h\xc3\xa9llo\"");
  omni_drop(S, s);
  CHECK_ERROR(S, omniP_range(S, 1, args), "range: cannot allocate 1000000000000 elements");
  args[0] = INT(0);
  args[1] = INT(-1000000000000LL);
  {
    OValue three[3] = {INT(0), INT(-1000000000000LL), INT(-3)};
    CHECK_ERROR(S, omniP_range(S, 3, three), "range: cannot allocate 333333333334 elements");
  }
  /* what fits is made as before */
  args[0] = INT(3);
  args[1] = INT(7);
  CHECK_PRINT(S, omniP_make_vector(S, 2, args), "[7 7 7]");
  r = omniP_range(S, 1, args);
  CHECK_PRINT(S, r, "(0 1 2)");
  CHECK(omniO_try_alloc(S, (size_t)1 << 41, OT_VECTOR) == NULL);
  CHECK(omniO_can_hold(1e6) == 1);
  CHECK(omniO_can_hold(1e15) == 0);
}

/* Run f(S) in a child; its status, what it wrote on stdout and stderr (together, in order) and on
   the limit pipe. */
static int in_child(OState *S, void (*f)(OState *S), char *err, size_t errsize, char *limit, size_t limsize) {
  int errp[2], status = 0;
  size_t got;
  ssize_t n;
  pid_t pid;
  fflush(NULL);
  if (pipe(errp) != 0) return -1;
  pid = fork();
  if (pid == 0) {
    dup2(errp[1], 1);
    dup2(errp[1], 2);
    f(S);
    _exit(99); /* f must not return */
  }
  close(errp[1]);
  for (got = 0; got + 1 < errsize && (n = read(errp[0], err + got, errsize - 1 - got)) > 0;) got += (size_t)n;
  err[got] = 0;
  close(errp[0]);
  waitpid(pid, &status, 0);
  n = read(limit_pipe[0], limit, limsize - 1);
  limit[n > 0 ? n : 0] = 0;
  return status;
}

static OValue wait_for_gate(OState *S, OClosure *self, int argc, OValue *argv) {
  return omniP_recv_x(S, self->env[0]);
}

static void spawn_one_more(OState *S) {
  OValue gate = omniP_channel(S, 0, NULL);
  OClosure *c = omniF_closure(S, wait_for_gate, "wait", 0, 0, 1);
  c->env[0] = gate;
  omniP_spawn(S, (OValue)c);
}

static void exhaust_memory(OState *S) {
  omniIO_out("printed before", 14);
  omniO_xmalloc((size_t)1 << 41);
}

/* Four live threads are allowed; a fifth ends the run (checked in a child). */
static void test_thread_limit(OState *S) {
  OValue gate = omniP_channel(S, 0, NULL), threads[4];
  char err[256], limit[32];
  int i, status;
  for (i = 0; i < 4; i++) {
    OClosure *c = omniF_closure(S, wait_for_gate, "wait", 0, 0, 1);
    c->env[0] = omni_dup(gate);
    threads[i] = omniP_spawn(S, (OValue)c);
    CHECK(omni_type_is(threads[i], OT_THREAD));
    omni_drop(S, (OValue)c);
  }
  status = in_child(S, spawn_one_more, err, sizeof err, limit, sizeof limit);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  CHECK(strcmp(err, "error: spawn: cannot create a thread (limit of 4 threads reached)\n") == 0);
  CHECK(strcmp(limit, "threads\n") == 0);
  omniP_close_x(S, gate);
  for (i = 0; i < 4; i++) {
    CHECK(omniP_join(S, threads[i]) == OMNI_NIL);
    omni_drop(S, threads[i]);
  }
  omni_drop(S, gate);
}

static void test_out_of_memory(OState *S) {
  char err[256], limit[32];
  int status = in_child(S, exhaust_memory, err, sizeof err, limit, sizeof limit);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  CHECK(strcmp(err, "printed before" "error: out of memory\n") == 0); /* stdout flushed first */
  CHECK(strcmp(limit, "memory\n") == 0);
}

static OValue run(OState *S) {
  test_environment();
  test_sized_allocators(S);
  test_thread_limit(S);
  test_out_of_memory(S);
  return OMNI_NIL;
}

int main(int argc, char **argv) {
  char fd[16];
  int status;
  if (pipe(limit_pipe) != 0) return 1;
  snprintf(fd, sizeof fd, "%d", limit_pipe[1]);
  setenv("OMNI_LIMIT_FD", fd, 1);
  setenv("OMNI_STACK_MB", "64", 1);
  setenv("OMNI_THREAD_STACK_MB", "8", 1);
  setenv("OMNI_MAX_THREADS", "4", 1);
  status = omniR_main(argc, argv, run);
  if (status != 0 || failures != 0) {
    fprintf(stderr, "test_limits: %d failure(s), status %d\n", failures, status);
    return 1;
  }
  printf("test_limits: ok\n");
  return 0;
}
