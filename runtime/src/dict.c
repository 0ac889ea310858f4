/*
** dict.c — insertion-ordered hash maps keyed by equal? (LANGUAGE.md §2, §10).
**
** A dict keeps its entries in a dense array in insertion order; a removed entry keeps its place
** with the key OMNI_UNINIT until the next rebuild compacts the array. `slots` is an
** open-addressing index (linear probing) of entry numbers, -1 for an empty slot; a slot whose
** entry was removed acts as a tombstone. There are always at least twice as many slots as entry
** capacity, so a probe always reaches an empty slot. object.c frees `entries` and `slots`.
*/
#include "omnilisp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OMNI_D_MIN_CAP 8

OValue omniD_new(OState *S) {
  ODict *d = omniO_alloc(S, sizeof(ODict), OT_DICT);
  d->count = 0;
  d->used = 0;
  d->cap = 0;
  d->entries = NULL;
  d->nslots = 0;
  d->slots = NULL;
  return (OValue)d;
}

/*
** Finds key (whose hash is h). Returns its entry number, or -1 when it is missing; then *slot (if
** not NULL) is where a new entry for it goes: the first tombstone on its probe path, else the
** empty slot that ended the probe.
*/
static long omniD_find(const ODict *d, OValue key, uint64_t h, size_t *slot) {
  size_t mask, i;
  long avail = -1;
  if (d->nslots == 0) return -1;
  mask = d->nslots - 1;
  for (i = (size_t)h & mask;; i = (i + 1) & mask) {
    int32_t e = d->slots[i];
    const ODictEntry *en;
    if (e < 0) {
      if (slot) *slot = avail >= 0 ? (size_t)avail : i;
      return -1;
    }
    en = &d->entries[e];
    if (en->key == OMNI_UNINIT) {
      if (avail < 0) avail = (long)i;
    } else if (en->hash == h && omniH_equal(en->key, key)) {
      if (slot) *slot = i;
      return e;
    }
  }
}

/* Drops removed entries from the array, keeping the order of the live ones. */
static void omniD_compact(ODict *d) {
  size_t i, j = 0;
  for (i = 0; i < d->used; i++)
    if (d->entries[i].key != OMNI_UNINIT) d->entries[j++] = d->entries[i];
  d->used = j;
}

/* Compacts the entries, grows them when more than half are live, and rebuilds the index. */
static void omniD_rebuild(ODict *d) {
  size_t cap = d->cap < OMNI_D_MIN_CAP ? OMNI_D_MIN_CAP : d->cap;
  size_t nslots = 1, i;
  omniD_compact(d);
  if (d->count * 2 > cap) cap *= 2;
  if (cap != d->cap) {
    d->entries = omniO_xrealloc(d->entries, cap * sizeof(ODictEntry));
    d->cap = cap;
  }
  while (nslots < cap * 2) nslots *= 2;
  if (nslots != d->nslots) {
    free(d->slots);
    d->slots = omniO_xrealloc(NULL, nslots * sizeof(int32_t));
    d->nslots = nslots;
  }
  memset(d->slots, 0xff, nslots * sizeof(int32_t)); /* every slot -1 */
  for (i = 0; i < d->used; i++) {
    size_t s = (size_t)d->entries[i].hash & (nslots - 1);
    while (d->slots[s] >= 0) s = (s + 1) & (nslots - 1);
    d->slots[s] = (int32_t)i;
  }
}

int omniD_set(OState *S, ODict *d, OValue key, OValue value) {
  uint64_t h = omniH_hash(key);
  size_t slot = 0;
  long e = omniD_find(d, key, h, &slot);
  ODictEntry *en;
  if (e >= 0) {
    OValue old = d->entries[e].value;
    d->entries[e].value = omni_dup(value);
    omni_drop(S, old);
    return 0;
  }
  if (d->used == d->cap) {
    omniD_rebuild(d);
    omniD_find(d, key, h, &slot);
  }
  en = &d->entries[d->used];
  en->key = omni_dup(key);
  en->value = omni_dup(value);
  en->hash = h;
  d->slots[slot] = (int32_t)d->used;
  d->used++;
  d->count++;
  return 0;
}

OValue omniD_get(ODict *d, OValue key) {
  long e;
  if (d->count == 0) return OMNI_UNINIT;
  e = omniD_find(d, key, omniH_hash(key), NULL);
  return e >= 0 ? d->entries[e].value : OMNI_UNINIT;
}

/* Removes key if present; its slot stays as a tombstone until the next rebuild. */
static void omniD_remove(OState *S, ODict *d, OValue key) {
  long e;
  OValue k, v;
  if (d->count == 0) return;
  e = omniD_find(d, key, omniH_hash(key), NULL);
  if (e < 0) return;
  k = d->entries[e].key;
  v = d->entries[e].value;
  d->entries[e].key = OMNI_UNINIT;
  d->entries[e].value = OMNI_NIL;
  d->count--;
  omni_drop(S, k);
  omni_drop(S, v);
}

/* ---------------------------------------------------------------- primitives */

#define OMNI_D_CHECK(name, v)                                                                      \
  do {                                                                                             \
    if (!omni_type_is(v, OT_DICT)) return omniE_type(S, name, "dict", v);                          \
  } while (0)

OValue omniP_dict(OState *S, int argc, OValue *argv) {
  OValue d;
  int i;
  if (argc % 2 != 0) return omniE_raisef(S, "dict: expected an even number of arguments, got %d", argc);
  d = omniD_new(S);
  for (i = 0; i < argc; i += 2) {
    if (omniD_set(S, (ODict *)d, argv[i], argv[i + 1]) < 0) {
      omni_drop(S, d);
      return OMNI_RAISED;
    }
  }
  return d;
}

/* The error for a missing key: `NAME: key not found: KEY` with KEY as write prints it. */
static OValue omniD_not_found(OState *S, const char *name, OValue key) {
  OBuf buf = {NULL, 0, 0};
  OValue r;
  if (omniIO_print(S, &buf, key, 1) < 0) {
    free(buf.data);
    return OMNI_RAISED;
  }
  r = omniE_raisef(S, "%s: key not found: %.*s", name, (int)buf.len, buf.len ? buf.data : "");
  free(buf.data);
  return r;
}

OValue omniP_dict_ref(OState *S, int argc, OValue *argv) {
  OValue v;
  OMNI_D_CHECK("dict-ref", argv[0]);
  v = omniD_get((ODict *)argv[0], argv[1]);
  if (v != OMNI_UNINIT) return omni_dup(v);
  if (argc >= 3) return omni_dup(argv[2]);
  return omniD_not_found(S, "dict-ref", argv[1]);
}

OValue omniP_dict_set_x(OState *S, OValue a0, OValue a1, OValue a2) {
  OMNI_D_CHECK("dict-set!", a0);
  if (omniD_set(S, (ODict *)a0, a1, a2) < 0) return OMNI_RAISED;
  return OMNI_NIL;
}

OValue omniP_dict_remove_x(OState *S, OValue a0, OValue a1) {
  OMNI_D_CHECK("dict-remove!", a0);
  omniD_remove(S, (ODict *)a0, a1);
  return OMNI_NIL;
}

OValue omniP_dict_has_p(OState *S, OValue a0, OValue a1) {
  OMNI_D_CHECK("dict-has?", a0);
  return omni_bool(omniD_get((ODict *)a0, a1) != OMNI_UNINIT);
}

OValue omniP_dict_count(OState *S, OValue a0) {
  OMNI_D_CHECK("dict-count", a0);
  return omni_mkint((int64_t)((ODict *)a0)->count);
}

/* What the listing primitives collect from each entry. */
typedef enum ODictPart { OD_KEYS, OD_VALUES, OD_PAIRS } ODictPart;

/* A fresh list of the keys, values or (key . value) pairs in insertion order. */
static OValue omniD_list(OState *S, ODict *d, ODictPart part) {
  OValue head = OMNI_NIL, *tail = &head;
  size_t i;
  for (i = 0; i < d->used; i++) {
    ODictEntry *e = &d->entries[i];
    OValue item, p;
    if (e->key == OMNI_UNINIT) continue;
    if (part == OD_KEYS) item = omni_dup(e->key);
    else if (part == OD_VALUES) item = omni_dup(e->value);
    else item = omniL_cons(S, omni_dup(e->key), omni_dup(e->value));
    p = omniL_cons(S, item, OMNI_NIL);
    *tail = p;
    tail = &((OPair *)p)->cdr;
  }
  return head;
}

OValue omniP_dict_keys(OState *S, OValue a0) {
  OMNI_D_CHECK("dict-keys", a0);
  return omniD_list(S, (ODict *)a0, OD_KEYS);
}

OValue omniP_dict_values(OState *S, OValue a0) {
  OMNI_D_CHECK("dict-values", a0);
  return omniD_list(S, (ODict *)a0, OD_VALUES);
}

OValue omniP_dict_to_list(OState *S, OValue a0) {
  OMNI_D_CHECK("dict->list", a0);
  return omniD_list(S, (ODict *)a0, OD_PAIRS);
}
