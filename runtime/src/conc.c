/*
** conc.c — atoms, threads and channels on pthreads. Anything that crosses a thread (a spawned
** thunk, a value sent or stored in a shared atom, a thread's result) is marked shared first, so
** its reference counts become atomic.
*/
#include "omnilisp.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define OMNI_SPAWN_RETRIES 200 /* pthread_create's EAGAIN is retried this many times, 1 ms apart */

static long omniT_live; /* spawned threads that have not finished (atomic) */
static uint32_t omniT_spawned; /* threads spawned so far: the last thread number (atomic) */

struct OThread {
  OObj h;              /* header */
  OValue thunk;        /* procedure to run (shared) */
  OValue result;       /* its value, or the error it raised */
  int raised;          /* result is an error */
  int done;            /* finished */
  uint32_t id;         /* its number in backtraces: threads are numbered from 1 in spawn order */
  const OBacktrace *trace; /* the backtrace of the error it ended with (kept by that shared error) */
  pthread_mutex_t mu;  /* guards done/result */
  pthread_cond_t cv;   /* signalled when done */
};

struct OChannel {
  OObj h;              /* header */
  size_t capacity;     /* 0: unbuffered (a send waits for its receiver) */
  OValue *queue;       /* ring buffer of values sent and not yet received */
  size_t qcap;         /* size of queue */
  size_t head;         /* index of the oldest value */
  size_t count;        /* values queued */
  uint64_t sent;       /* values ever queued */
  uint64_t taken;      /* values ever received or withdrawn */
  int closed;          /* close! was called */
  pthread_mutex_t mu;  /* guards everything above */
  pthread_cond_t cv;   /* broadcast on every change */
};

/* ---------------------------------------------------------------- atoms */

OValue omniT_atom(OState *S, OValue v) {
  OAtom *a = omniO_alloc(S, sizeof(OAtom), OT_ATOM);
  pthread_mutex_t *mu = omniO_xmalloc(sizeof *mu);
  pthread_mutexattr_t attr;
  /* recursive: f in (swap! a f) may deref or print a itself */
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(mu, &attr);
  pthread_mutexattr_destroy(&attr);
  a->lock = mu;
  a->value = v;
  return (OValue)a;
}

static int omniT_check_atom(OState *S, const char *name, OValue a) {
  if (omni_type_is(a, OT_ATOM)) return 1;
  omniE_type(S, name, "atom", a);
  return 0;
}

/* Store v (owned) in a, returning the old value (owned); caller holds the lock. */
static OValue omniT_atom_store(OState *S, OAtom *a, OValue v) {
  OValue old = a->value;
  if (a->h.flags & OF_SHARED) omniO_share(S, v);
  a->value = v;
  return old;
}

OValue omniP_atom(OState *S, OValue v) {
  return omniT_atom(S, omni_dup(v));
}

OValue omniP_deref(OState *S, OValue a) {
  OValue v;
  if (!omniT_check_atom(S, "deref", a)) return OMNI_RAISED;
  pthread_mutex_lock(((OAtom *)a)->lock);
  v = omni_dup(((OAtom *)a)->value);
  pthread_mutex_unlock(((OAtom *)a)->lock);
  return v;
}

OValue omniP_reset_x(OState *S, OValue a, OValue v) {
  OValue old;
  if (!omniT_check_atom(S, "reset!", a)) return OMNI_RAISED;
  pthread_mutex_lock(((OAtom *)a)->lock);
  old = omniT_atom_store(S, (OAtom *)a, omni_dup(v));
  pthread_mutex_unlock(((OAtom *)a)->lock);
  omni_drop(S, old);
  return omni_dup(v);
}

/* (swap! a f x...): the lock is held while f runs, so f runs exactly once. */
OValue omniP_swap_x(OState *S, int argc, OValue *argv) {
  OAtom *a = (OAtom *)argv[0];
  OValue stack_args[8], *args = stack_args, r;
  int i;
  if (!omniT_check_atom(S, "swap!", argv[0])) return OMNI_RAISED;
  if (argc - 1 > 8) args = omniO_xmalloc(sizeof(OValue) * (size_t)(argc - 1));
  pthread_mutex_lock(a->lock);
  args[0] = omni_dup(a->value);
  for (i = 2; i < argc; i++) args[i - 1] = omni_dup(argv[i]);
  r = omniF_call(S, argv[1], argc - 1, args);
  if (r != OMNI_RAISED) omni_drop(S, omniT_atom_store(S, a, omni_dup(r)));
  pthread_mutex_unlock(a->lock);
  if (args != stack_args) free(args);
  return r;
}

OValue omniP_compare_and_set_x(OState *S, OValue a, OValue old, OValue v) {
  OAtom *at = (OAtom *)a;
  OValue prev = OMNI_UNINIT;
  if (!omniT_check_atom(S, "compare-and-set!", a)) return OMNI_RAISED;
  pthread_mutex_lock(at->lock);
  if (at->value == old) prev = omniT_atom_store(S, at, omni_dup(v));
  pthread_mutex_unlock(at->lock);
  if (prev == OMNI_UNINIT) return OMNI_NIL;
  omni_drop(S, prev);
  return OMNI_T;
}

/* ---------------------------------------------------------------- threads */

static void *omniT_thread_main(void *arg) {
  OThread *th = arg;
  OState S;
  char top;
  OValue r;
  omniR_state_init(&S, &top, omniR_thread_stack_size());
  S.thread = th;
  S.thread_id = th->id;
  r = omniF_call(&S, th->thunk, 0, NULL);
  if (r == OMNI_RAISED) r = omniE_take(&S), th->raised = 1, th->trace = omniE_trace(r);
  omniO_share(&S, r);
  pthread_mutex_lock(&th->mu);
  th->result = r;
  th->done = 1;
  pthread_cond_broadcast(&th->cv);
  pthread_mutex_unlock(&th->mu);
  omni_drop(&S, (OValue)th); /* the reference the running thread held */
  omniR_state_free(&S);
  __atomic_sub_fetch(&omniT_live, 1, __ATOMIC_ACQ_REL);
  return NULL;
}

/* One more live thread; reaching the run's limit (OMNI_MAX_THREADS) ends the run. */
static void omniT_count_thread(void) {
  long max = omniR_max_threads();
  char msg[96];
  if (__atomic_add_fetch(&omniT_live, 1, __ATOMIC_ACQ_REL) <= max || max == 0) return;
  snprintf(msg, sizeof msg, "spawn: cannot create a thread (limit of %ld threads reached)", max);
  omniR_limit_reached("threads", msg);
}

/* pthread_create, retried while the system is short of threads for a moment (EAGAIN: threads
   that finished may not have left the kernel yet). 0 or the last error. */
static int omniT_create(pthread_t *tid, pthread_attr_t *attr, OThread *th) {
  struct timespec ms = {0, 1000000};
  int i, err = 0;
  for (i = 0; i < OMNI_SPAWN_RETRIES; i++) {
    if ((err = pthread_create(tid, attr, omniT_thread_main, th)) != EAGAIN) return err;
    nanosleep(&ms, NULL);
  }
  return err;
}

OValue omniP_spawn(OState *S, OValue thunk) {
  OThread *th;
  pthread_attr_t attr;
  pthread_t tid;
  if (!omni_type_is(thunk, OT_CLOSURE) && !omni_type_is(thunk, OT_KEYWORD))
    return omniE_type(S, "spawn", "procedure", thunk);
  th = omniO_alloc(S, sizeof(OThread), OT_THREAD);
  pthread_mutex_init(&th->mu, NULL);
  pthread_cond_init(&th->cv, NULL);
  th->thunk = omni_dup(thunk);
  th->result = OMNI_NIL;
  th->id = __atomic_add_fetch(&omniT_spawned, 1, __ATOMIC_RELAXED);
  th->h.rc = 2; /* the caller's reference and the running thread's */
  if (!omniR_threaded) omniR_share_globals(S); /* only this thread exists: no one else sees globals */
  omniO_share(S, (OValue)th);
  omniT_count_thread();
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, omniR_thread_stack_size());
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (omniT_create(&tid, &attr, th) != 0) {
    pthread_attr_destroy(&attr);
    __atomic_sub_fetch(&omniT_live, 1, __ATOMIC_ACQ_REL);
    th->h.rc = 1;
    omni_drop(S, (OValue)th);
    return omniE_raisef(S, "spawn: cannot create a thread");
  }
  pthread_attr_destroy(&attr);
  return (OValue)th;
}

OValue omniP_join(OState *S, OValue t) {
  OThread *th = (OThread *)t;
  OValue r;
  if (!omni_type_is(t, OT_THREAD)) return omniE_type(S, "join", "thread", t);
  pthread_mutex_lock(&th->mu);
  while (!th->done) pthread_cond_wait(&th->cv, &th->mu);
  r = omni_dup(th->result);
  pthread_mutex_unlock(&th->mu);
  /* every join goes on from the thread's own frames, not from what other catchers added */
  return th->raised ? omniE_raise_from(S, r, th->trace) : r;
}

/* ---------------------------------------------------------------- channels */

OValue omniP_channel(OState *S, int argc, OValue *argv) {
  OChannel *ch;
  int64_t n = 0;
  if (argc == 1) {
    if (!omni_is_int(argv[0])) return omniE_type(S, "channel", "int", argv[0]);
    n = omni_int(argv[0]);
    if (n < 0) return omniE_raisef(S, "channel: expected non-negative int, got %lld", (long long)n);
  }
  ch = omniO_alloc(S, sizeof(OChannel), OT_CHANNEL);
  ch->capacity = (size_t)n;
  pthread_mutex_init(&ch->mu, NULL);
  pthread_cond_init(&ch->cv, NULL);
  return (OValue)ch;
}

static OChannel *omniT_channel_arg(OState *S, const char *name, OValue c) {
  if (omni_type_is(c, OT_CHANNEL)) return (OChannel *)c;
  omniE_type(S, name, "channel", c);
  return NULL;
}

static void omniT_enqueue(OChannel *ch, OValue v) {
  if (ch->count == ch->qcap) {
    size_t i, ncap = ch->qcap ? ch->qcap * 2 : 8;
    OValue *q = omniO_xmalloc(ncap * sizeof *q);
    for (i = 0; i < ch->count; i++) q[i] = ch->queue[(ch->head + i) % ch->qcap];
    free(ch->queue);
    ch->queue = q;
    ch->qcap = ncap;
    ch->head = 0;
  }
  ch->queue[(ch->head + ch->count++) % ch->qcap] = v;
  ch->sent++;
}

static OValue omniT_dequeue(OChannel *ch) {
  OValue v = ch->queue[ch->head];
  ch->head = (ch->head + 1) % ch->qcap;
  ch->count--;
  ch->taken++;
  return v;
}

OValue omniP_send_x(OState *S, OValue c, OValue v) {
  OChannel *ch = omniT_channel_arg(S, "send!", c);
  uint64_t mine;
  int withdrawn = 0;
  if (!ch) return OMNI_RAISED;
  pthread_mutex_lock(&ch->mu);
  while (ch->capacity > 0 && ch->count >= ch->capacity && !ch->closed) pthread_cond_wait(&ch->cv, &ch->mu);
  if (ch->closed) {
    pthread_mutex_unlock(&ch->mu);
    return omniE_raisef(S, "send!: channel is closed");
  }
  omniO_share(S, v);
  omniT_enqueue(ch, omni_dup(v));
  mine = ch->sent;
  pthread_cond_broadcast(&ch->cv);
  if (ch->capacity == 0) {
    while (ch->taken < mine && !ch->closed) pthread_cond_wait(&ch->cv, &ch->mu);
    withdrawn = ch->taken < mine; /* closed before a receiver took it (read under the lock) */
  }
  pthread_mutex_unlock(&ch->mu);
  return withdrawn ? omniE_raisef(S, "send!: channel is closed") : OMNI_NIL;
}

OValue omniP_recv_x(OState *S, OValue c) {
  OChannel *ch = omniT_channel_arg(S, "recv!", c);
  OValue v = OMNI_NIL;
  if (!ch) return OMNI_RAISED;
  pthread_mutex_lock(&ch->mu);
  while (ch->count == 0 && !ch->closed) pthread_cond_wait(&ch->cv, &ch->mu);
  if (ch->count > 0) v = omniT_dequeue(ch);
  pthread_cond_broadcast(&ch->cv);
  pthread_mutex_unlock(&ch->mu);
  return v;
}

/* Closing wakes blocked senders (an unbuffered send fails) and receivers (they get nil). */
OValue omniP_close_x(OState *S, OValue c) {
  OChannel *ch = omniT_channel_arg(S, "close!", c);
  OValue withdrawn = OMNI_NIL;
  if (!ch) return OMNI_RAISED;
  pthread_mutex_lock(&ch->mu);
  ch->closed = 1;
  if (ch->capacity == 0)
    while (ch->count > 0) {
      OValue v = ch->queue[ch->head];
      ch->head = (ch->head + 1) % ch->qcap;
      ch->count--;
      withdrawn = omniL_cons(S, v, withdrawn);
    }
  pthread_cond_broadcast(&ch->cv);
  pthread_mutex_unlock(&ch->mu);
  omni_drop(S, withdrawn);
  return OMNI_NIL;
}

/* ---------------------------------------------------------------- object.c hooks */

void omniT_children(OState *S, OObj *o, void (*visit)(OState *S, OValue child)) {
  if (o->type == OT_THREAD) {
    visit(S, ((OThread *)o)->thunk);
    visit(S, ((OThread *)o)->result);
  } else {
    OChannel *ch = (OChannel *)o;
    size_t i;
    for (i = 0; i < ch->count; i++) visit(S, ch->queue[(ch->head + i) % ch->qcap]);
  }
}

void omniT_free(OObj *o) {
  if (o->type == OT_ATOM) {
    pthread_mutex_destroy(((OAtom *)o)->lock);
    free(((OAtom *)o)->lock);
  } else if (o->type == OT_THREAD) {
    pthread_mutex_destroy(&((OThread *)o)->mu);
    pthread_cond_destroy(&((OThread *)o)->cv);
  } else {
    pthread_mutex_destroy(&((OChannel *)o)->mu);
    pthread_cond_destroy(&((OChannel *)o)->cv);
    free(((OChannel *)o)->queue);
  }
}
