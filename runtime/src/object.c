/*
** object.c — allocation, reference counting slow paths and freeing.
** Freeing is iterative (a work list in OState), so a million-element list dies without recursion.
*/
#include "omnilisp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

#define OMNI_MAX_OBJECT ((size_t)1 << 40) /* larger objects are refused (AddressSanitizer's bound) */
#define OMNI_SURELY_FITS ((size_t)64 << 20) /* sizes below this are not checked by omniO_can_hold */

/* Out of memory ends the run (reported like a limit: see omniR_limit_reached). */
#define omniO_out_of_memory() omniR_out_of_memory()

void *omniO_xmalloc(size_t size) {
  void *p = size <= OMNI_MAX_OBJECT ? malloc(size ? size : 1) : NULL;
  if (!p) omniO_out_of_memory();
  return p;
}

void *omniO_xrealloc(void *p, size_t size) {
  void *q = size <= OMNI_MAX_OBJECT ? realloc(p, size ? size : 1) : NULL;
  if (!q) omniO_out_of_memory();
  return q;
}

/* Small objects come from per-thread free lists (OMNI_POOLED, omnilisp.h). */
#define OMNI_SLAB_BYTES 65536

static size_t omniO_slabs_made; /* slabs carved since the process started (atomic) */

size_t omniO_slab_bytes(void) {
  return __atomic_load_n(&omniO_slabs_made, __ATOMIC_RELAXED) * OMNI_SLAB_BYTES;
}

/* Carve a new slab into free objects of size class cls. */
static void omniO_refill(OState *S, size_t cls) {
  size_t size = (cls + 1) * 8, n = (OMNI_SLAB_BYTES - 16) / size, i;
  char *slab = malloc(OMNI_SLAB_BYTES), *first;
  if (!slab) omniO_out_of_memory();
  __atomic_add_fetch(&omniO_slabs_made, 1, __ATOMIC_RELAXED);
  *(void **)slab = S->slabs;
  S->slabs = slab;
  first = slab + 16;
  for (i = 0; i < n; i++) *(void **)(first + i * size) = i + 1 < n ? first + (i + 1) * size : S->pool[cls];
  S->pool[cls] = first;
}

void *omniO_try_alloc(OState *S, size_t size, OType type) {
  size_t cls = (size + 7) / 8 - 1;
  OObj *o;
  if (OMNI_POOLED && S && cls < OMNI_POOL_CLASSES) {
    if (!S->pool[cls]) omniO_refill(S, cls);
    o = S->pool[cls];
    S->pool[cls] = *(void **)o;
    memset(o, 0, (cls + 1) * 8);
    o->aux = (uint16_t)(cls + 1);
  } else if (!omniO_can_hold((double)size) || !(o = calloc(1, size))) {
    return NULL;
  }
  o->rc = 1;
  o->type = (uint8_t)type;
  if (type >= OT_FIRST_MUTABLE && S && S->roots.len > (S->gc_threshold ? S->gc_threshold : 10000))
    omniG_collect(S);
  return o;
}

void *omniO_alloc(OState *S, size_t size, OType type) {
  void *o = omniO_try_alloc(S, size, type);
  if (!o) omniO_out_of_memory();
  return o;
}

size_t omniO_items_fit(size_t header, size_t item) {
  return (OMNI_MAX_OBJECT - header) / item;
}

/* Whether bytes more could ever be had: within the address-space limit and the machine's memory. */
int omniO_can_hold(double bytes) {
  struct rlimit rl;
  struct sysinfo si;
  if (bytes < (double)OMNI_SURELY_FITS) return 1;
  if (bytes > (double)OMNI_MAX_OBJECT) return 0;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && bytes > (double)rl.rlim_cur) return 0;
  if (sysinfo(&si) == 0 && bytes > ((double)si.totalram + (double)si.totalswap) * si.mem_unit) return 0;
  return 1;
}

/*
** Pooled objects migrate between threads (a value made by one thread is often freed by another),
** so slabs are never freed while the process runs: a finished thread hands its free lists and
** slabs to the next state that starts.
*/
static struct {
  pthread_mutex_t mu;             /* guards the fields below */
  void *pool[OMNI_POOL_CLASSES];  /* free objects left by finished threads */
  void *slabs;                    /* their slabs */
} omniO_orphans = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};

/* Append list b (linked through word 0) to the end of list *a. */
static void omniO_splice(void **a, void *b) {
  if (!b) return;
  while (*a) a = (void **)*a;
  *a = b;
}

void omniO_pool_release(OState *S) {
  int cls;
  pthread_mutex_lock(&omniO_orphans.mu);
  for (cls = 0; cls < OMNI_POOL_CLASSES; cls++) omniO_splice(&omniO_orphans.pool[cls], S->pool[cls]);
  omniO_splice(&omniO_orphans.slabs, S->slabs);
  pthread_mutex_unlock(&omniO_orphans.mu);
  memset(S->pool, 0, sizeof S->pool);
  S->slabs = NULL;
}

void omniO_pool_adopt(OState *S) {
  pthread_mutex_lock(&omniO_orphans.mu);
  memcpy(S->pool, omniO_orphans.pool, sizeof S->pool);
  S->slabs = omniO_orphans.slabs;
  memset(omniO_orphans.pool, 0, sizeof omniO_orphans.pool);
  omniO_orphans.slabs = NULL;
  pthread_mutex_unlock(&omniO_orphans.mu);
}

void omniO_inc_slow(OObj *o) {
  if (o->flags & OF_IMMORTAL) return;
  __atomic_add_fetch(&o->rc, 1, __ATOMIC_RELAXED);
}

void omniO_dec_slow(OState *S, OObj *o) {
  if (o->flags & OF_IMMORTAL) return;
  if (__atomic_sub_fetch(&o->rc, 1, __ATOMIC_ACQ_REL) == 0) omniO_release(S, o);
}

/* The freeing loop's helpers are small and hot: always inlined into it. */
#define OMNI_HOT static inline __attribute__((always_inline))

static void omniO_grow(OFreeStack *st) {
  st->cap = st->cap ? st->cap * 2 : 256;
  st->items = omniO_xrealloc(st->items, st->cap * sizeof *st->items);
}

OMNI_HOT void omniO_push(OFreeStack *st, OObj *o) {
  if (st->len == st->cap) omniO_grow(st);
  st->items[st->len++] = o;
}

void omniO_children(OState *S, OObj *o, void (*visit)(OState *S, OValue child)) {
  size_t i;
  switch ((OType)o->type) {
  case OT_PAIR:
    visit(S, ((OPair *)o)->car);
    visit(S, ((OPair *)o)->cdr);
    break;
  case OT_CLOSURE:
    for (i = 0; i < ((OClosure *)o)->nenv; i++) visit(S, ((OClosure *)o)->env[i]);
    break;
  case OT_ERROR:
    visit(S, ((OError *)o)->message);
    visit(S, ((OError *)o)->irritants);
    break;
  case OT_ENV:
  case OT_VECTOR:
    for (i = 0; i < ((OVector *)o)->len; i++) visit(S, ((OVector *)o)->items[i]);
    break;
  case OT_DICT: {
    ODict *d = (ODict *)o;
    for (i = 0; i < d->used; i++) {
      if (d->entries[i].key == OMNI_UNINIT) continue;
      visit(S, d->entries[i].key);
      visit(S, d->entries[i].value);
    }
    break;
  }
  case OT_ATOM:
    visit(S, ((OAtom *)o)->value);
    break;
  case OT_BOX:
    visit(S, ((OBox *)o)->value);
    break;
  case OT_CHANNEL:
  case OT_THREAD:
    omniT_children(S, o, visit);
    break;
  default:
    break;
  }
}

/* Return the block of an object that holds no other resource (its pool, or malloc's). */
OMNI_HOT void omniO_free_block(OState *S, OObj *o) {
  if (o->aux) {
    *(void **)o = S->pool[o->aux - 1];
    S->pool[o->aux - 1] = o;
  } else {
    free(o);
  }
}

/* Drop one reference held by an object being freed; the child, when that was its last one. */
OMNI_HOT OObj *omniO_drop_last(OState *S, OValue v) {
  OObj *o;
  if (!omni_is_ptr(v)) return NULL;
  o = omni_obj(v);
  if (o->flags & OF_IMMORTAL) return NULL;
  if (o->flags & OF_SHARED) return __atomic_sub_fetch(&o->rc, 1, __ATOMIC_ACQ_REL) == 0 ? o : NULL;
  if (--o->rc == 0) return o;
  if (o->type >= OT_FIRST_MUTABLE) omniG_candidate(S, o);
  return NULL;
}

/*
** Drop one reference held by an object being freed. A child that dies is freed at once when it
** owns nothing (a float or a string), else it joins the work list.
*/
OMNI_HOT void omniO_drop_child(OState *S, OValue v) {
  OObj *o = omniO_drop_last(S, v);
  if (!o) return;
  if (o->type == OT_FLOAT || o->type == OT_STRING) omniO_free_block(S, o);
  else omniO_push(&S->pending, o);
}

/* The same, as a visitor for omniO_children. */
static void omniO_drop_child_visit(OState *S, OValue v) { omniO_drop_child(S, v); }

void omniO_free_memory(OState *S, OObj *o) {
  if (o->type == OT_DICT) {
    free(((ODict *)o)->entries);
    free(((ODict *)o)->slots);
  } else if (o->type == OT_CHANNEL || o->type == OT_THREAD || o->type == OT_ATOM) {
    omniT_free(o);
  } else if (o->type == OT_ERROR) {
    omniE_free_trace((OError *)o);
  }
  omniO_free_block(S, o);
}

/*
** A dead object still in the cycle collector's buffer normally waits there for the next
** collection. A big one (whose size outweighs a scan of the buffer) is taken out at once, so dead
** large vectors and dicts never pile up between collections.
*/
static int omniO_unbuffer(OState *S, OObj *o) {
  size_t size = o->type == OT_VECTOR ? ((OVector *)o)->len : o->type == OT_DICT ? ((ODict *)o)->cap : 0, i;
  if (size < 64 || size < S->roots.len) return 0;
  for (i = S->roots.len; i-- > 0;) {
    if (S->roots.items[i] == o) {
      S->roots.items[i] = S->roots.items[--S->roots.len];
      o->flags &= (uint8_t)~OF_BUFFERED;
      return 1;
    }
  }
  return 0;
}

/* Free one dead object that is not a pair, its children dropped (the dying ones pushed). */
static void omniO_free_object(OState *S, OObj *dead) {
  size_t i;
  if (dead->type == OT_FLOAT || dead->type == OT_STRING) { /* the common leaves: they own nothing */
    omniO_free_block(S, dead);
    return;
  }
  if (dead->type == OT_VECTOR || dead->type == OT_ENV) {
    OVector *v = (OVector *)dead;
    for (i = 0; i < v->len; i++) omniO_drop_child(S, v->items[i]);
  } else {
    omniO_children(S, dead, omniO_drop_child_visit);
  }
  if ((dead->flags & OF_BUFFERED) && !omniO_unbuffer(S, dead)) dead->flags |= OF_DEAD; /* collector frees it */
  else omniO_free_memory(S, dead);
}

void omniO_release(OState *S, OObj *o) {
  size_t base = S->pending.len;
  for (;;) {
    /* a list: its spine is freed in a loop, cell after cell, as long as the next cell dies too */
    while (o && o->type == OT_PAIR) {
      OObj *next = omniO_drop_last(S, ((OPair *)o)->cdr);
      omniO_drop_child(S, ((OPair *)o)->car);
      omniO_free_block(S, o);
      o = next;
    }
    if (o) omniO_free_object(S, o);
    if (S->pending.len == base) return;
    o = S->pending.items[--S->pending.len];
  }
}

static void omniO_visit_immortal(OState *S, OValue v) {
  if (omni_is_ptr(v) && !(omni_obj(v)->flags & OF_IMMORTAL)) {
    omni_obj(v)->flags |= OF_IMMORTAL;
    omniO_push(&S->pending, omni_obj(v));
  }
}

/* Marks shared; a marked object in a cycle-collector buffer is noted in the walker's roots. */
static void omniO_visit_share(OState *S, OValue v) {
  if (omni_is_ptr(v) && !(omni_obj(v)->flags & (OF_IMMORTAL | OF_SHARED))) {
    omni_obj(v)->flags |= OF_SHARED;
    omniO_push(&S->pending, omni_obj(v));
    if (omni_obj(v)->flags & OF_BUFFERED) omniO_push(&S->roots, omni_obj(v));
  }
}

/*
** Apply visit to v and, transitively, to everything it reaches that visit marks. Returns how many
** objects the visitor noted in the walker's roots.
*/
static size_t omniO_walk(OValue v, void (*visit)(OState *S, OValue child)) {
  OState walker = {0};
  size_t noted;
  visit(&walker, v);
  while (walker.pending.len) omniO_children(&walker, walker.pending.items[--walker.pending.len], visit);
  noted = walker.roots.len;
  free(walker.pending.items);
  free(walker.roots.items);
  return noted;
}

OValue omniO_immortal(OValue v) {
  omniO_walk(v, omniO_visit_immortal);
  return v;
}

void omniO_share(OState *S, OValue v) {
  size_t i, kept = 0;
  if (omniO_walk(v, omniO_visit_share) == 0) return; /* nothing newly shared was buffered */
  for (i = 0; i < S->roots.len; i++) {
    OObj *o = S->roots.items[i];
    if (o->flags & OF_SHARED) o->flags &= (uint8_t)~OF_BUFFERED;
    else S->roots.items[kept++] = o;
  }
  S->roots.len = kept;
}
