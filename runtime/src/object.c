/*
** object.c — allocation, reference counting slow paths and freeing.
** Freeing is iterative (a work list in OState), so a million-element list dies without recursion.
*/
#include "omnilisp.h"

#include <stdio.h>
#include <stdlib.h>

static void omniO_out_of_memory(void) {
  fputs("error: out of memory\n", stderr);
  abort();
}

void *omniO_alloc(OState *S, size_t size, OType type) {
  OObj *o = calloc(1, size);
  if (!o) omniO_out_of_memory();
  o->rc = 1;
  o->type = (uint8_t)type;
  if (type >= OT_FIRST_MUTABLE && S && S->roots.len > 10000) omniG_collect(S);
  return o;
}

void omniO_inc_slow(OObj *o) {
  if (o->flags & OF_IMMORTAL) return;
  __atomic_add_fetch(&o->rc, 1, __ATOMIC_RELAXED);
}

void omniO_dec_slow(OState *S, OObj *o) {
  if (o->flags & OF_IMMORTAL) return;
  if (__atomic_sub_fetch(&o->rc, 1, __ATOMIC_ACQ_REL) == 0) omniO_release(S, o);
}

static void omniO_push(OFreeStack *st, OObj *o) {
  if (st->len == st->cap) {
    st->cap = st->cap ? st->cap * 2 : 256;
    st->items = realloc(st->items, st->cap * sizeof *st->items);
    if (!st->items) omniO_out_of_memory();
  }
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

/* Drop one reference held by an object being freed; a child that dies joins the work list. */
static void omniO_drop_child(OState *S, OValue v) {
  OObj *o;
  if (!omni_is_ptr(v)) return;
  o = omni_obj(v);
  if (o->flags & OF_IMMORTAL) return;
  if (o->flags & OF_SHARED) {
    if (__atomic_sub_fetch(&o->rc, 1, __ATOMIC_ACQ_REL) == 0) omniO_push(&S->pending, o);
  } else if (--o->rc == 0) {
    omniO_push(&S->pending, o);
  } else if (o->type >= OT_FIRST_MUTABLE) {
    omniG_candidate(S, o);
  }
}

void omniO_free_memory(OObj *o) {
  if (o->type == OT_DICT) {
    free(((ODict *)o)->entries);
    free(((ODict *)o)->slots);
  } else if (o->type == OT_CHANNEL || o->type == OT_THREAD || o->type == OT_ATOM) {
    omniT_free(o);
  }
  free(o);
}

void omniO_release(OState *S, OObj *o) {
  size_t base = S->pending.len;
  omniO_push(&S->pending, o);
  while (S->pending.len > base) {
    OObj *dead = S->pending.items[--S->pending.len];
    omniO_children(S, dead, omniO_drop_child);
    if (dead->flags & OF_BUFFERED) dead->flags |= OF_DEAD; /* the collector frees it */
    else omniO_free_memory(dead);
  }
}

static void omniO_visit_immortal(OState *S, OValue v) {
  if (omni_is_ptr(v) && !(omni_obj(v)->flags & OF_IMMORTAL)) {
    omni_obj(v)->flags |= OF_IMMORTAL;
    omniO_push(&S->pending, omni_obj(v));
  }
}

static void omniO_visit_share(OState *S, OValue v) {
  if (omni_is_ptr(v) && !(omni_obj(v)->flags & (OF_IMMORTAL | OF_SHARED))) {
    omni_obj(v)->flags |= OF_SHARED;
    omniO_push(&S->pending, omni_obj(v));
  }
}

/* Apply visit to v and, transitively, to everything it reaches that visit marks. */
static void omniO_walk(OValue v, void (*visit)(OState *S, OValue child)) {
  OState walker = {0};
  visit(&walker, v);
  while (walker.pending.len) omniO_children(&walker, walker.pending.items[--walker.pending.len], visit);
  free(walker.pending.items);
}

OValue omniO_immortal(OValue v) {
  omniO_walk(v, omniO_visit_immortal);
  return v;
}

void omniO_share(OValue v) {
  omniO_walk(v, omniO_visit_share);
}
