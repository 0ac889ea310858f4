/*
** cycle.c — synchronous trial-deletion cycle collector (Bacon & Rajan), started only from mutable
** containers (vectors, dicts, atoms, boxes) whose count dropped to a non-zero value. Purely
** functional code never buffers a candidate and so never pays for it. Shared objects are left to
** reference counting. All traversals use explicit work lists.
*/
#include "omnilisp.h"

#include <stdlib.h>

#define OMNI_BLACK 0x00
#define OMNI_GRAY 0x10
#define OMNI_WHITE 0x20

#define omniG_color(o) ((o)->flags & OF_COLOR)
#define omniG_paint(o, c) ((o)->flags = (uint8_t)(((o)->flags & ~OF_COLOR) | (c)))

static void omniG_push(OFreeStack *st, OObj *o) {
  if (st->len == st->cap) {
    st->cap = st->cap ? st->cap * 2 : 256;
    st->items = omniO_xrealloc(st->items, st->cap * sizeof *st->items);
  }
  st->items[st->len++] = o;
}

/* Objects the collector may examine: counted, thread-local heap objects. */
static OObj *omniG_local(OValue v) {
  if (!omni_is_ptr(v)) return NULL;
  if (omni_obj(v)->flags & (OF_IMMORTAL | OF_SHARED)) return NULL;
  return omni_obj(v);
}

void omniG_candidate(OState *S, OObj *o) {
  if (o->flags & OF_BUFFERED) return;
  o->flags |= OF_BUFFERED;
  omniG_push(&S->roots, o);
}

/* Each collector phase is a visitor over children, with its work list in S->pending. */
static void omniG_gray_child(OState *S, OValue v) {
  OObj *o = omniG_local(v);
  if (!o) return;
  o->rc--;
  if (omniG_color(o) != OMNI_GRAY) {
    omniG_paint(o, OMNI_GRAY);
    omniG_push(&S->pending, o);
  }
}

static void omniG_black_child(OState *S, OValue v) {
  OObj *o = omniG_local(v);
  if (!o) return;
  o->rc++;
  if (omniG_color(o) != OMNI_BLACK) {
    omniG_paint(o, OMNI_BLACK);
    omniG_push(&S->pending, o);
  }
}

static void omniG_scan_child(OState *S, OValue v) {
  OObj *o = omniG_local(v);
  if (o && omniG_color(o) == OMNI_GRAY) omniG_push(&S->pending, o);
}

/* Shared children of garbage still hold a real (atomic) reference. */
static void omniG_release_shared(OState *S, OValue v) {
  if (omni_is_ptr(v) && (omni_obj(v)->flags & OF_SHARED)) omni_drop(S, v);
}

/* Visit the children of everything pushed above base; returns how many objects were visited. */
static size_t omniG_drain(OState *S, size_t base, void (*visit)(OState *, OValue)) {
  size_t n = 0;
  for (; S->pending.len > base; n++) omniO_children(S, S->pending.items[--S->pending.len], visit);
  return n;
}

static size_t omniG_mark_gray(OState *S, OObj *root) {
  size_t base = S->pending.len;
  if (omniG_color(root) == OMNI_GRAY) return 0;
  omniG_paint(root, OMNI_GRAY);
  omniG_push(&S->pending, root);
  return omniG_drain(S, base, omniG_gray_child);
}

static void omniG_scan_black(OState *S, OObj *o) {
  size_t base = S->pending.len;
  omniG_paint(o, OMNI_BLACK);
  omniG_push(&S->pending, o);
  omniG_drain(S, base, omniG_black_child);
}

static void omniG_scan(OState *S, OObj *root) {
  size_t base = S->pending.len;
  omniG_push(&S->pending, root);
  while (S->pending.len > base) {
    OObj *o = S->pending.items[--S->pending.len];
    if (omniG_color(o) != OMNI_GRAY) continue;
    if (o->rc > 0) {
      omniG_scan_black(S, o);
    } else {
      omniG_paint(o, OMNI_WHITE);
      omniO_children(S, o, omniG_scan_child);
    }
  }
}


static void omniG_white_child(OState *S, OValue v) {
  OObj *o = omniG_local(v);
  if (o && omniG_color(o) == OMNI_WHITE) {
    omniG_paint(o, OMNI_BLACK);
    omniG_push(&S->pending, o);
  }
}

/* Gather the white objects reachable from root into garbage (painting them black). */
static void omniG_gather_white(OState *S, OObj *root, OFreeStack *garbage) {
  size_t base = S->pending.len;
  if (omniG_color(root) != OMNI_WHITE) return;
  omniG_paint(root, OMNI_BLACK);
  omniG_push(&S->pending, root);
  while (S->pending.len > base) {
    OObj *o = S->pending.items[--S->pending.len];
    omniG_push(garbage, o);
    omniO_children(S, o, omniG_white_child);
  }
}

void omniG_collect(OState *S) {
  OFreeStack roots = S->roots, garbage = {0};
  size_t i, kept = 0, visited = 0;
  S->roots = (OFreeStack){0};
  for (i = 0; i < roots.len; i++) {
    OObj *o = roots.items[i];
    if (o->flags & OF_DEAD) {
      omniO_free_memory(S, o);
    } else if (o->flags & OF_SHARED) {
      o->flags &= (uint8_t)~OF_BUFFERED;
    } else {
      roots.items[kept++] = o;
      visited += omniG_mark_gray(S, o);
    }
  }
  for (i = 0; i < kept; i++) omniG_scan(S, roots.items[i]);
  for (i = 0; i < kept; i++) {
    roots.items[i]->flags &= (uint8_t)~OF_BUFFERED;
    omniG_gather_white(S, roots.items[i], &garbage);
  }
  for (i = 0; i < garbage.len; i++) omniO_children(S, garbage.items[i], omniG_release_shared);
  for (i = 0; i < garbage.len; i++) {
    garbage.items[i]->flags &= (uint8_t)~OF_BUFFERED;
    omniO_free_memory(S, garbage.items[i]);
  }
  free(garbage.items);
  free(roots.items);
  /* the next collection waits until buffering has cost about as much as this one traversed */
  S->gc_threshold = visited * 2 > 10000 ? visited * 2 : 10000;
}
