/*
** omnilisp.h — the whole public API of the OmniLisp runtime.
**
** Generated C code includes only this file. It must stay plain C99 that gcc, clang and tcc
** all compile: nothing inline here uses atomics, thread-local storage or __builtin_* helpers;
** those live in out-of-line functions of the runtime, which gcc builds.
**
** Function prefixes tell where a function lives:
**   omniO_  object.c   allocation, reference counting, freeing, immortal objects
**   omniG_  cycle.c    trial-deletion cycle collector for mutable containers
**   omniN_  number.c   numbers
**   omniS_  string.c   strings, chars, symbols, keywords
**   omniL_  list.c     pairs and lists
**   omniV_  vector.c   vectors
**   omniD_  dict.c     dicts (insertion-ordered hash maps)
**   omniH_  equal.c    eq?/eqv?/equal? and hashing
**   omniF_  closure.c  closures and calls
**   omniE_  error.c    errors, raising, stack depth
**   omniIO_ io.c       printing and input
**   omniT_  conc.c     threads, channels, atoms
**   omniR_  state.c    per-thread state, program start-up and exit
**   omniQ_  literal.c  the program's quoted data, built from the compiler's byte table
**   omniP_  the primitives (implemented in the file of their concern; declared from the table)
**   omniK_  primtab.c  the immortal procedure objects of the primitives (generated)
*/
#ifndef OMNILISP_H
#define OMNILISP_H

#include <stddef.h>
#include <stdint.h>

#define OMNI_RUNTIME_VERSION "1.0.0"

/* ---------------------------------------------------------------- values */

/*
** A value is one tagged word:
**   ..01  int: the 62-bit value shifted left by 2
**   ..10  char: the code point shifted left by 2
**   ..11  constants (nil, t, markers)
**   ..00  pointer to a heap object (OObj header first)
*/
typedef uintptr_t OValue;

#define OMNI_NIL ((OValue)0x3)    /* nil: the empty list and the only false value */
#define OMNI_T ((OValue)0x7)      /* t */
#define OMNI_UNINIT ((OValue)0xB) /* a letrec variable or global not yet initialised */
#define OMNI_RAISED ((OValue)0xF) /* returned while an error propagates (see OState.error) */

#define OMNI_INT_MIN (-((int64_t)1 << 61))
#define OMNI_INT_MAX (((int64_t)1 << 61) - 1)

#define omni_is_int(v) (((v) & 3) == 1)
#define omni_is_char(v) (((v) & 3) == 2)
#define omni_is_ptr(v) (((v) & 3) == 0)
#define omni_int(v) ((int64_t)(v) >> 2)
#define omni_mkint(i) ((OValue)(((uint64_t)(int64_t)(i) << 2) | 1))
#define omni_char(v) ((uint32_t)((v) >> 2))
#define omni_mkchar(c) ((OValue)(((uint64_t)(c) << 2) | 2))
#define omni_bool(b) ((b) ? OMNI_T : OMNI_NIL)
#define omni_truthy(v) ((v) != OMNI_NIL)

/* ---------------------------------------------------------------- heap objects */

typedef enum OType {
  OT_FLOAT,   /* OFloat */
  OT_STRING,  /* OString */
  OT_SYMBOL,  /* OSymbol (interned, immortal) */
  OT_KEYWORD, /* OSymbol (interned, immortal) */
  OT_PAIR,    /* OPair */
  OT_CLOSURE, /* OClosure */
  OT_ERROR,   /* OError */
  OT_CHANNEL, /* OChannel */
  OT_THREAD,  /* OThread */
  OT_ENV,     /* OVector used as a shared environment record of a letrec group */
  /* mutable containers: the only objects the cycle collector starts from */
  OT_VECTOR, /* OVector */
  OT_DICT,   /* ODict */
  OT_ATOM,   /* OAtom */
  OT_BOX     /* OBox: a captured variable that is assigned with set! */
} OType;

#define OT_FIRST_MUTABLE OT_VECTOR

/* OObj.flags */
#define OF_IMMORTAL 0x01 /* never counted, never freed */
#define OF_SHARED 0x02   /* reachable from several threads: counts are atomic */
#define OF_BUFFERED 0x04 /* in the cycle collector's candidate buffer */
#define OF_DEAD 0x08     /* released while buffered: memory freed by the collector */
#define OF_COLOR 0x30    /* cycle collector colour (black, gray, white) */

typedef struct OObj {
  uint32_t rc;   /* reference count (meaningless when OF_IMMORTAL) */
  uint8_t type;  /* OType */
  uint8_t flags; /* OF_* bits */
  uint16_t aux;  /* allocator size class + 1 (0: plain malloc block) */
} OObj;

typedef struct OState OState;
typedef struct OClosure OClosure;

/* The entry of every procedure: argv holds argc owned arguments, which the callee consumes. */
typedef OValue (*OCode)(OState *S, OClosure *self, int argc, OValue *argv);

typedef struct OFloat {
  OObj h;   /* header */
  double d; /* the value */
} OFloat;

typedef struct OString {
  OObj h;        /* header */
  size_t len;    /* length in bytes (UTF-8) */
  size_t nchars; /* length in code points */
  char data[];   /* the bytes, NUL-terminated */
} OString;

typedef struct OSymbol {
  OObj h;           /* header (always immortal) */
  size_t len;       /* length of name in bytes */
  const char *name; /* the name, NUL-terminated; keywords without the colon */
} OSymbol;

typedef struct OPair {
  OObj h;     /* header */
  OValue car; /* first */
  OValue cdr; /* rest */
} OPair;

typedef struct OVector {
  OObj h;       /* header */
  size_t len;   /* number of items */
  OValue *items; /* the items (owned references) */
} OVector;

typedef struct ODictEntry {
  OValue key;    /* key (OMNI_UNINIT marks a removed entry) */
  OValue value;  /* value */
  uint64_t hash; /* equal?-compatible hash of key */
} ODictEntry;

typedef struct ODict {
  OObj h;               /* header */
  size_t count;         /* live entries */
  size_t used;          /* entries used in `entries`, removed ones included */
  size_t cap;           /* capacity of `entries` */
  ODictEntry *entries;  /* entries in insertion order */
  size_t nslots;        /* size of `slots` (a power of two, or 0) */
  int32_t *slots;       /* open-addressing index into entries; -1 empty */
} ODict;

struct OClosure {
  OObj h;           /* header */
  OCode code;       /* entry point */
  const char *name; /* printed name, NULL for an anonymous lambda */
  int16_t min;      /* fewest arguments */
  int16_t max;      /* most arguments, -1 when variadic */
  uint32_t nenv;    /* number of captured values */
  OValue env[];     /* captured values (owned references) */
};

typedef struct OAtom {
  OObj h;       /* header */
  OValue value; /* current value */
  void *lock;   /* mutex guarding value (conc.c) */
} OAtom;

typedef struct OBox {
  OObj h;       /* header */
  OValue value; /* current value of the variable */
} OBox;

typedef struct OBacktrace OBacktrace; /* error.c */

typedef struct OError {
  OObj h;           /* header */
  OValue message;   /* message string */
  OValue irritants; /* list of irritants */
  OBacktrace *trace; /* frames it unwound through before it was caught; NULL until then */
} OError;

typedef struct OChannel OChannel; /* conc.c */
typedef struct OThread OThread;   /* conc.c */
struct OState;
/* conc.c: the values a channel or thread holds, and the release of its OS resources. */
void omniT_children(struct OState *S, OObj *o, void (*visit)(struct OState *S, OValue child));
void omniT_free(OObj *o);

/* The double with the given IEEE-754 bits (how generated code spells float literals exactly). */
static inline double omni_bits_double(uint64_t bits) {
  union {
    uint64_t u;
    double d;
  } x;
  x.u = bits;
  return x.d;
}

#define omni_obj(v) ((OObj *)(v))
#define omni_type_is(v, t) (omni_is_ptr(v) && omni_obj(v)->type == (t))
#define omni_is_pair(v) omni_type_is(v, OT_PAIR)
#define omni_is_float(v) omni_type_is(v, OT_FLOAT)
#define omni_is_string(v) omni_type_is(v, OT_STRING)
#define omni_car(v) (((OPair *)(v))->car)
#define omni_cdr(v) (((OPair *)(v))->cdr)
#define omni_flo(v) (((OFloat *)(v))->d)
#define omni_str(v) ((OString *)(v))

/* ---------------------------------------------------------------- per-thread state */

#define OMNI_POOL_CLASSES 8 /* pooled sizes: 8, 16, ..., 64 bytes */

typedef struct OFreeStack {
  OObj **items; /* objects whose count reached zero, waiting to release their children */
  size_t len;   /* used */
  size_t cap;   /* allocated */
} OFreeStack;

/* ---------------------------------------------------------------- backtraces (error.c) */

/* A position generated code can fail at: one static table of them per program. */
typedef struct OSite {
  const char *fn;   /* Lisp name of the function: "(fn)" when anonymous, "<top level>" */
  const char *file; /* source file */
  int line;         /* 1-based line of the call or failing form */
  int col;          /* 1-based column */
} OSite;

typedef struct OFrame {
  const OSite *site; /* where the error passed */
  uint32_t thread;   /* OmniLisp thread number (0: the main thread) */
  uint64_t count;    /* consecutive passes through this site and thread (recursion) */
} OFrame;

#define OMNI_TRACE_KEEP 16 /* frames kept at each end of a long backtrace */

/* The backtrace of the error being raised, innermost frame first, folded as it grows. */
typedef struct OTrace {
  OFrame head[OMNI_TRACE_KEEP]; /* the innermost frames */
  OFrame tail[OMNI_TRACE_KEEP]; /* ring of the outermost frames, once head is full */
  uint32_t nhead;               /* entries of head in use */
  uint32_t ntail;               /* entries of tail in use */
  uint32_t tail_start;          /* index of the oldest entry of the ring */
  uint64_t omitted;             /* frames dropped between head and tail */
} OTrace;

struct OState {
  char *stack_limit;    /* generated code raises `stack overflow` below this address */
  OValue error;         /* the error being raised while OMNI_RAISED propagates */
  int exiting;          /* set by `exit`: the unwinding cannot be caught by try */
  int exit_code;        /* status passed to `exit` */
  OFreeStack pending;   /* work list of the iterative free */
  OFreeStack roots;     /* cycle collector: mutable containers whose count dropped to non-zero */
  size_t gc_threshold;  /* collect when this many candidates are buffered */
  void *pool[OMNI_POOL_CLASSES]; /* free lists of small objects, by 8-byte size class */
  void *slabs;          /* blocks the pooled objects are carved from (linked through word 0) */
  OThread *thread;      /* the OmniLisp thread running on this state (NULL for main) */
  uint32_t thread_id;   /* its number, in spawn order from 1 (0 for main) */
  OTrace trace;         /* frames the pending error has unwound through so far */
};

/* ---------------------------------------------------------------- reference counting */

void omniO_inc_slow(OObj *o);
void omniO_dec_slow(OState *S, OObj *o);
void omniO_release(OState *S, OObj *o); /* the count reached zero: free o and what it owns */
void omniG_candidate(OState *S, OObj *o); /* a mutable container's count dropped to non-zero */

static inline OValue omni_dup(OValue v) {
  if (omni_is_ptr(v)) {
    OObj *o = omni_obj(v);
    if (!(o->flags & (OF_IMMORTAL | OF_SHARED))) o->rc++;
    else omniO_inc_slow(o);
  }
  return v;
}

static inline void omni_drop(OState *S, OValue v) {
  if (omni_is_ptr(v)) {
    OObj *o = omni_obj(v);
    if (!(o->flags & (OF_IMMORTAL | OF_SHARED))) {
      if (--o->rc == 0) omniO_release(S, o);
      else if (o->type >= OT_FIRST_MUTABLE) omniG_candidate(S, o);
    } else {
      omniO_dec_slow(S, o);
    }
  }
}

void *omniO_alloc(OState *S, size_t size, OType type); /* rc 1, flags 0; never NULL (out of memory ends the run) */
void *omniO_try_alloc(OState *S, size_t size, OType type); /* the same, but NULL when size cannot be had */
size_t omniO_items_fit(size_t header, size_t item); /* most items an object of header + n * item can hold */
int omniO_can_hold(double bytes); /* 0 when that much could never be had (address-space limit, RAM + swap) */
void *omniO_xmalloc(size_t size);           /* malloc that never returns NULL (out of memory ends the run) */
void *omniO_xrealloc(void *p, size_t size); /* realloc, likewise */
void omniO_free_memory(OState *S, OObj *o);           /* return an object's memory */
void omniO_pool_release(OState *S); /* a finishing state hands its pooled memory on */
void omniO_pool_adopt(OState *S);   /* a starting state takes pooled memory left by others */
size_t omniO_slab_bytes(void);      /* memory carved into small-object slabs so far (kept for reuse) */
OValue omniO_immortal(OValue v); /* make v and everything it references immortal (literals) */
/* Mark v and everything it references shared (before it crosses to another thread); objects
** marked leave S's cycle-collector buffer, so no other thread ever sees S's collector touch them. */
void omniO_share(OState *S, OValue v);
/* Call visit(S, child) for every value o references. */
void omniO_children(OState *S, OObj *o, void (*visit)(OState *S, OValue child));
void omniG_collect(OState *S); /* run the cycle collector now */

/* ---------------------------------------------------------------- constructors */

OValue omniN_float(OState *S, double d);
OValue omniS_string(OState *S, const char *bytes, size_t len); /* copies; bytes are UTF-8 */
OValue omniS_cstring(OState *S, const char *s);
OValue omniS_symbol(const char *name, size_t len);  /* interned, immortal */
OValue omniS_keyword(const char *name, size_t len); /* interned, immortal; name without ':' */
OValue omniS_from_utf8(OState *S, const char *bytes, size_t len); /* invalid UTF-8 becomes U+FFFD */
size_t omniS_encode(uint32_t c, char *out); /* code point c as UTF-8 into out (4 bytes of room); bytes written */
OValue omniL_cons(OState *S, OValue car, OValue cdr); /* consumes car and cdr */
/* (reverse l), consuming l (its last reference, as the compiler's reuse passes it): the cells
** nothing else holds are relinked in place instead of copied. */
OValue omniL_reverse_owned(OState *S, OValue l);
OValue omniV_new(OState *S, size_t len, OValue fill); /* items are dups of fill */
OValue omniD_new(OState *S);
/* Build `count` literals, immortal, into slots from the byte table the compiler emitted (literal.c). */
void omniQ_load(OState *S, OValue *slots, size_t count, const unsigned char *data, size_t size);
int omniD_set(OState *S, ODict *d, OValue key, OValue value); /* borrows both; 0 or -1 raised */
OValue omniD_get(ODict *d, OValue key); /* borrowed value, or OMNI_UNINIT when key is missing */
OValue omniT_atom(OState *S, OValue v);                        /* consumes v */
OValue omniF_box(OState *S, OValue v);                         /* consumes v */
OClosure *omniF_closure(OState *S, OCode code, const char *name, int min, int max, uint32_t nenv);

/* ---------------------------------------------------------------- allocation fast paths */

/*
** Small objects come from per-thread free lists, one per 8-byte size class (object.c carves and
** refills them); the sanitized build allocates every object with malloc, so that AddressSanitizer
** sees each lifetime. Generated code and hot runtime paths pop a free cell inline, initialise
** only its fields (no memset) and fall back to the out-of-line constructor when the list is empty.
** (Floats stay out of line, in omniN_float: inlined into every `+` it made call-heavy code slower.)
*/
#if defined(OMNI_SANITIZE) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OMNI_POOLED 0
#else
#define OMNI_POOLED 1
#endif

#define OMNI_SIZE_CLASS(bytes) (((bytes) + 7) / 8 - 1) /* pool index of an object of that size */

/* A free object of size class cls from S's pool, with its header set (rc 1), or NULL. */
static inline void *omni_pool_take(OState *S, size_t cls, OType type) {
#if OMNI_POOLED
  OObj *o = (OObj *)S->pool[cls];
  if (!o) return NULL;
  S->pool[cls] = *(void **)o;
  o->rc = 1;
  o->type = (uint8_t)type;
  o->flags = 0;
  o->aux = (uint16_t)(cls + 1);
  return o;
#else
  (void)S, (void)cls, (void)type;
  return NULL;
#endif
}

/* cons, consuming car and cdr. */
static inline OValue omni_cons(OState *S, OValue car, OValue cdr) {
  OPair *p = (OPair *)omni_pool_take(S, OMNI_SIZE_CLASS(sizeof(OPair)), OT_PAIR);
  if (!p) return omniL_cons(S, car, cdr);
  p->car = car;
  p->cdr = cdr;
  return (OValue)p;
}

/* ---------------------------------------------------------------- errors and stack */

OValue omniE_raise(OState *S, OValue error);             /* consumes error; returns OMNI_RAISED */
/* omniE_raise, its backtrace going on from `from` (join: the thread's own frames) */
OValue omniE_raise_from(OState *S, OValue error, const OBacktrace *from);
const OBacktrace *omniE_trace(OValue error); /* the backtrace an error carries now, or NULL */
/* Raising is the unlikely path: gcc and clang move the code that calls these out of the hot path. */
#if defined(__GNUC__) && !defined(__TINYC__)
#define OMNI_COLD __attribute__((cold))
#else
#define OMNI_COLD
#endif
OMNI_COLD OValue omniE_raisef(OState *S, const char *fmt, ...); /* a primitive's error: message only */
OMNI_COLD OValue omniE_type(OState *S, const char *name, const char *expected, OValue got);
OMNI_COLD OValue omniE_arity(OState *S, const char *name, int min, int max, int got);
OMNI_COLD OValue omniE_unbound(OState *S, const char *name);
OMNI_COLD OValue omniE_uninit(OState *S, const char *name); /* variable used before its definition */
OMNI_COLD OValue omniE_stack_overflow(OState *S);
OMNI_COLD OValue omniE_not_procedure(OState *S, OValue v);
OValue omniE_take(OState *S); /* the pending error, owned; clears S->error */
OValue omniE_make(OState *S, OValue message, OValue irritants); /* consumes both */
/* Generated code calls this where an operation failed or a callee raised: one frame more. */
OMNI_COLD void omniE_at(OState *S, const OSite *site);
/* The backtrace lines of an error (`at NAME (FILE:LINE:COL)`, folded runs): a list of strings. */
OValue omniE_backtrace_lines(OState *S, OValue error);
void omniE_free_trace(OError *e); /* error.c: frees a dead error's backtrace */

/* Generated functions start with this: deep recursion becomes the error `stack overflow`. */
#define OMNI_STACK_CHECK(S)                                                                        \
  do {                                                                                             \
    char omni_probe_;                                                                              \
    if (&omni_probe_ < (S)->stack_limit) return omniE_stack_overflow(S);                           \
  } while (0)

/* ---------------------------------------------------------------- calls */

/* Call any value: f is borrowed, the argc arguments in argv are consumed. */
OValue omniF_call(OState *S, OValue f, int argc, OValue *argv);
/* omniF_call with a closure's entry called inline (generated code and the list primitives). */
static inline OValue omni_call(OState *S, OValue f, int argc, OValue *argv) {
  if (omni_type_is(f, OT_CLOSURE)) return ((OClosure *)f)->code(S, (OClosure *)f, argc, argv);
  return omniF_call(S, f, argc, argv);
}
/* Pack argv[from..argc) into a fresh list (consuming them): the rest parameter. */
OValue omniF_rest(OState *S, int from, int argc, OValue *argv);
/* Drop argc owned arguments (used when an entry rejects its arguments). */
void omniF_drop_args(OState *S, int argc, OValue *argv);

/* ---------------------------------------------------------------- fast paths for generated code */

/* Both operands fixnums: the case gcc and clang lay out as the straight-line path. */
#if defined(__GNUC__) && !defined(__TINYC__)
#define omni_both_ints(a, b) __builtin_expect(omni_is_int(a) && omni_is_int(b), 1)
#else
#define omni_both_ints(a, b) (omni_is_int(a) && omni_is_int(b))
#endif

OValue omniN_add2(OState *S, OValue a, OValue b); /* generic +, - , <: any numbers */
OValue omniN_sub2(OState *S, OValue a, OValue b);
OValue omniN_mul2(OState *S, OValue a, OValue b);
int omniN_cmp2(OState *S, const char *name, OValue a, OValue b); /* -1/0/1; 2 unordered; -2 raised */
/* Python's repr of a double into buf (at least 32 bytes); returns the length. */
int omniN_format_float(double d, char *buf);
/* An int as the interpreter prints Number(i) (exact up to 2^53, else rounded); buf >= 32 bytes. */
int omniN_format_jsint(int64_t i, char *buf);

/*
** Fixnum arithmetic on the tagged words: x<<2|1 + (y<<2|1) - 1 is (x+y)<<2|1, and the 64-bit
** operation overflows exactly when the 62-bit result would. gcc and clang check the overflow
** flag (__builtin_*_overflow); tcc computes it (and leaves large products to the primitive).
*/
#if defined(__GNUC__) && !defined(__TINYC__)
#define omni_add_overflows(x, y, r) __builtin_add_overflow(x, y, r)
#define omni_sub_overflows(x, y, r) __builtin_sub_overflow(x, y, r)
#define omni_mul_overflows(x, y, r) __builtin_mul_overflow(x, y, r)
#else /* tcc inlines nothing: macros, so a + costs no extra call (x and y are plain operands) */
#define omni_add_overflows(x, y, r)                                                                \
  (*(r) = (int64_t)((uint64_t)(x) + (uint64_t)(y)), (((x) ^ *(r)) & ((y) ^ *(r))) < 0)
#define omni_sub_overflows(x, y, r)                                                                \
  (*(r) = (int64_t)((uint64_t)(x) - (uint64_t)(y)), (((x) ^ (y)) & ((x) ^ *(r))) < 0)
#define omni_mul_overflows(x, y, r)                                                                \
  ((x) <= -(INT64_C(1) << 31) || (x) >= INT64_C(1) << 31 || (y) <= -(INT64_C(1) << 31) ||         \
           (y) >= INT64_C(1) << 31                                                                 \
       ? 1                                                                                         \
       : (*(r) = (x) * (y), 0))
#endif

/*
** The fixnum case alone of +, - and *: 1 with the result in *r (never OMNI_RAISED), or 0 for
** anything else (other numbers, overflow, errors). Generated code tries it first and calls the
** full operation, and checks for an error, only when it returns 0. The full operations below
** test the fixnum case again inline rather than call these: tcc inlines nothing, and a call
** there would cost every float operation of JIT code one more call (floats: +5 % instructions).
*/
static inline int omni_add_fix(OValue a, OValue b, OValue *r) {
  int64_t x;
  if (!omni_both_ints(a, b) || omni_add_overflows((int64_t)a, (int64_t)(b - 1), &x)) return 0;
  *r = (OValue)x;
  return 1;
}
static inline int omni_sub_fix(OValue a, OValue b, OValue *r) {
  int64_t x;
  if (!omni_both_ints(a, b) || omni_sub_overflows((int64_t)a, (int64_t)(b - 1), &x)) return 0;
  *r = (OValue)x;
  return 1;
}
/* (x<<2) * y is (x*y)<<2: the tag goes back on after the checked multiplication. */
static inline int omni_mul_fix(OValue a, OValue b, OValue *r) {
  int64_t x;
  if (!omni_both_ints(a, b) || omni_mul_overflows((int64_t)(a - 1), omni_int(b), &x)) return 0;
  *r = (OValue)x + 1;
  return 1;
}

static inline OValue omni_add(OState *S, OValue a, OValue b) {
  int64_t r;
  if (omni_both_ints(a, b) && !omni_add_overflows((int64_t)a, (int64_t)(b - 1), &r)) return (OValue)r;
  if (omni_is_float(a) && omni_is_float(b)) return omniN_float(S, omni_flo(a) + omni_flo(b));
  return omniN_add2(S, a, b);
}

static inline OValue omni_sub(OState *S, OValue a, OValue b) {
  int64_t r;
  if (omni_both_ints(a, b) && !omni_sub_overflows((int64_t)a, (int64_t)(b - 1), &r)) return (OValue)r;
  if (omni_is_float(a) && omni_is_float(b)) return omniN_float(S, omni_flo(a) - omni_flo(b));
  return omniN_sub2(S, a, b);
}

static inline OValue omni_mul(OState *S, OValue a, OValue b) {
  int64_t r;
  if (omni_both_ints(a, b) && !omni_mul_overflows((int64_t)(a - 1), omni_int(b), &r)) return (OValue)r + 1;
  if (omni_is_float(a) && omni_is_float(b)) return omniN_float(S, omni_flo(a) * omni_flo(b));
  return omniN_mul2(S, a, b);
}

/* `/` of two floats (IEEE: by zero gives inf or nan); ints and mixed operands go to the primitive. */
OValue omniP_div(OState *S, int argc, OValue *argv);
static inline OValue omni_div(OState *S, OValue a, OValue b) {
  OValue args[2];
  if (omni_is_float(a) && omni_is_float(b)) return omniN_float(S, omni_flo(a) / omni_flo(b));
  args[0] = a;
  args[1] = b;
  return omniP_div(S, 2, args);
}

/* Integer division fast paths; anything else (zero, -1, non-ints) goes to the primitive. */
OValue omniP_quotient(OState *S, OValue a0, OValue a1);
OValue omniP_remainder(OState *S, OValue a0, OValue a1);
static inline OValue omni_quotient(OState *S, OValue a, OValue b) {
  if (omni_both_ints(a, b) && omni_int(b) > 0) return omni_mkint(omni_int(a) / omni_int(b));
  return omniP_quotient(S, a, b);
}
static inline OValue omni_remainder(OState *S, OValue a, OValue b) {
  if (omni_both_ints(a, b) && omni_int(b) > 0) return omni_mkint(omni_int(a) % omni_int(b));
  return omniP_remainder(S, a, b);
}

/*
** a OP b where `dead` (one of a, b) is consumed. Two ints take OP's inline path (dead is an int
** then: nothing to drop); two floats write the result into dead's box when nothing else holds it
** (Perceus-style reuse: no allocation, no free); the rest goes out of line to omniN_*_reuse
** (number.c). Small enough that gcc inlines it into call-heavy functions.
*/
OValue omniN_add_reuse(OState *S, OValue a, OValue b, OValue dead);
OValue omniN_sub_reuse(OState *S, OValue a, OValue b, OValue dead);
OValue omniN_mul_reuse(OState *S, OValue a, OValue b, OValue dead);
OValue omniN_div_reuse(OState *S, OValue a, OValue b, OValue dead);
#define OMNI_DEFINE_REUSE(fname, base, op, other)                                                  \
  static inline OValue fname(OState *S, OValue a, OValue b, OValue dead) {                        \
    if (omni_both_ints(a, b)) return base(S, a, b);                                                \
    if (omni_is_float(a) && omni_is_float(b) && omni_obj(dead)->rc == 1 && !omni_obj(dead)->flags) {\
      double d = omni_flo(a) op omni_flo(b);                                                       \
      ((OFloat *)dead)->d = d == d ? d : omni_bits_double(UINT64_C(0x7ff8000000000000));          \
      return dead;                                                                                 \
    }                                                                                              \
    return other(S, a, b, dead);                                                                   \
  }
OMNI_DEFINE_REUSE(omni_add_reuse, omni_add, +, omniN_add_reuse)
OMNI_DEFINE_REUSE(omni_sub_reuse, omni_sub, -, omniN_sub_reuse)
OMNI_DEFINE_REUSE(omni_mul_reuse, omni_mul, *, omniN_mul_reuse)
OMNI_DEFINE_REUSE(omni_div_reuse, omni_div, /, omniN_div_reuse)
#undef OMNI_DEFINE_REUSE

/* Comparisons return t, nil or OMNI_RAISED; NAME_fix is the fixnum case alone (as omni_add_fix). */
#define OMNI_DEFINE_CMP(fname, op, pname)                                                          \
  static inline int fname##_fix(OValue a, OValue b, OValue *r) {                                   \
    if (!omni_both_ints(a, b)) return 0;                                                           \
    *r = omni_bool((int64_t)a op(int64_t) b);                                                      \
    return 1;                                                                                      \
  }                                                                                                \
  static inline OValue fname(OState *S, OValue a, OValue b) {                                      \
    int c;                                                                                         \
    if (omni_both_ints(a, b)) return omni_bool((int64_t)a op(int64_t) b);                          \
    if (omni_is_float(a) && omni_is_float(b)) return omni_bool(omni_flo(a) op omni_flo(b));        \
    c = omniN_cmp2(S, pname, a, b);                                                                \
    if (c == -2) return OMNI_RAISED;                                                               \
    return omni_bool(c != 2 && c op 0);                                                            \
  }
OMNI_DEFINE_CMP(omni_lt, <, "<")
OMNI_DEFINE_CMP(omni_gt, >, ">")
OMNI_DEFINE_CMP(omni_le, <=, "<=")
OMNI_DEFINE_CMP(omni_ge, >=, ">=")
OMNI_DEFINE_CMP(omni_numeq, ==, "=")
#undef OMNI_DEFINE_CMP

/* car/cdr return a borrowed value (the caller dups it if it keeps it), or OMNI_RAISED. */
static inline OValue omni_car_b(OState *S, OValue p) {
  return omni_is_pair(p) ? omni_car(p) : omniE_type(S, "car", "pair", p);
}
static inline OValue omni_cdr_b(OState *S, OValue p) {
  return omni_is_pair(p) ? omni_cdr(p) : omniE_type(S, "cdr", "pair", p);
}

/* vector-ref, vector-set!, vector-length: in range on a vector here, anything else in the primitive. */
OValue omniP_vector_ref(OState *S, OValue a0, OValue a1);
OValue omniP_vector_set_x(OState *S, OValue a0, OValue a1, OValue a2);
OValue omniP_vector_length(OState *S, OValue a0);
static inline OValue omni_vector_ref(OState *S, OValue v, OValue i) {
  if (omni_type_is(v, OT_VECTOR) && omni_is_int(i) && (uint64_t)omni_int(i) < ((OVector *)v)->len)
    return omni_dup(((OVector *)v)->items[omni_int(i)]);
  return omniP_vector_ref(S, v, i);
}
static inline OValue omni_vector_set(OState *S, OValue v, OValue i, OValue x) {
  if (omni_type_is(v, OT_VECTOR) && omni_is_int(i) && (uint64_t)omni_int(i) < ((OVector *)v)->len) {
    OValue *slot = &((OVector *)v)->items[omni_int(i)], old = *slot;
    *slot = omni_dup(x);
    omni_drop(S, old);
    return OMNI_NIL;
  }
  return omniP_vector_set_x(S, v, i, x);
}
static inline OValue omni_vector_length(OState *S, OValue v) {
  if (omni_type_is(v, OT_VECTOR)) return omni_mkint((int64_t)((OVector *)v)->len);
  return omniP_vector_length(S, v);
}

/* ---------------------------------------------------------------- printing and I/O */

typedef struct OBuf {
  char *data; /* bytes */
  size_t len; /* used */
  size_t cap; /* allocated */
} OBuf;

void omniIO_buf_put(OBuf *b, const char *s, size_t n);
int omniIO_print(OState *S, OBuf *b, OValue v, int write); /* 0, or -1 with an error raised */
void omniIO_out(const char *s, size_t n);                  /* buffered stdout */
void omniIO_flush(void);
int omniIO_try_flush(void); /* flush unless another thread holds stdout's lock; 1 if flushed */
void omniIO_echo(OState *S, OValue v); /* a session's result: v as write prints it, then a newline */

/* ---------------------------------------------------------------- equality and hashing */

int omniH_eqv(OValue a, OValue b);
int omniH_equal(OValue a, OValue b);
uint64_t omniH_hash(OValue v);

/* ---------------------------------------------------------------- program start-up */

typedef OValue (*OProgram)(OState *S);
/* Runs a whole program on a large-stack thread; returns the process exit status. */
int omniR_main(int argc, char **argv, OProgram program);
void omniR_state_init(OState *S, char *stack_top, size_t stack_size);
void omniR_state_free(OState *S);
void omniR_set_args(int argc, char **argv);
/* The program's global variables: shared with every thread once the program spawns one. */
void omniR_globals(OValue **cells, size_t n);
void omniR_share_globals(OState *S); /* at the first spawn: every global's value becomes shared */
/* The cell of a named global (created holding OMNI_UNINIT): globals of JIT session units. */
OValue *omniR_cell(const char *name, size_t len);
/* A host that recovers from faults in user code (the JIT session) sets this; it must not return. */
extern void (*omniR_fault_hook)(int sig);
extern int omniR_threaded; /* set by the first spawn: values stored in globals become shared */ /* what `command-line` returns: argv[0] is skipped */
/* Report an uncaught error on stderr: `error: MESSAGE IRRITANT...`, then its backtrace, one
** `  at ...` line a frame (flushes stdout first). */
void omniR_report(OState *S, OValue error);
/* Limits a launcher sets in the environment (read once; see state.c). */
size_t omniR_stack_size(void);        /* the program's stack: $OMNI_STACK_MB, default 1 GiB */
size_t omniR_thread_stack_size(void); /* a spawned thread's: $OMNI_THREAD_STACK_MB, default 256 MiB */
long omniR_max_threads(void);         /* live spawned threads allowed: $OMNI_MAX_THREADS, 0: no limit */
/* End the run at a limit of the run: stdout flushed, `error: MESSAGE` on stderr, "LIMIT\n" on
** $OMNI_LIMIT_FD (how the sandbox learns which limit), exit status 1. Never returns. */
void omniR_limit_reached(const char *limit, const char *message);
void omniR_out_of_memory(void); /* malloc failed: the limit "memory", `error: out of memory` */

/* ---------------------------------------------------------------- primitives (generated) */
/* BEGIN GENERATED PRIMITIVES */
/* Every primitive borrows its arguments and returns an owned value or OMNI_RAISED. */
OValue omniP_add(OState *S, int argc, OValue *argv);
OValue omniP_sub(OState *S, int argc, OValue *argv);
OValue omniP_mul(OState *S, int argc, OValue *argv);
OValue omniP_div(OState *S, int argc, OValue *argv);
OValue omniP_quotient(OState *S, OValue a0, OValue a1);
OValue omniP_remainder(OState *S, OValue a0, OValue a1);
OValue omniP_modulo(OState *S, OValue a0, OValue a1);
OValue omniP_num_eq(OState *S, int argc, OValue *argv);
OValue omniP_lt(OState *S, int argc, OValue *argv);
OValue omniP_gt(OState *S, int argc, OValue *argv);
OValue omniP_le(OState *S, int argc, OValue *argv);
OValue omniP_ge(OState *S, int argc, OValue *argv);
OValue omniP_abs(OState *S, OValue a0);
OValue omniP_min(OState *S, int argc, OValue *argv);
OValue omniP_max(OState *S, int argc, OValue *argv);
OValue omniP_floor(OState *S, OValue a0);
OValue omniP_ceiling(OState *S, OValue a0);
OValue omniP_round(OState *S, OValue a0);
OValue omniP_truncate(OState *S, OValue a0);
OValue omniP_sqrt(OState *S, OValue a0);
OValue omniP_exp(OState *S, OValue a0);
OValue omniP_log(OState *S, OValue a0);
OValue omniP_sin(OState *S, OValue a0);
OValue omniP_cos(OState *S, OValue a0);
OValue omniP_tan(OState *S, OValue a0);
OValue omniP_atan(OState *S, int argc, OValue *argv);
OValue omniP_expt(OState *S, OValue a0, OValue a1);
OValue omniP_exact_to_inexact(OState *S, OValue a0);
OValue omniP_inexact_to_exact(OState *S, OValue a0);
OValue omniP_number_to_string(OState *S, int argc, OValue *argv);
OValue omniP_string_to_number(OState *S, OValue a0);
OValue omniP_zero_p(OState *S, OValue a0);
OValue omniP_positive_p(OState *S, OValue a0);
OValue omniP_negative_p(OState *S, OValue a0);
OValue omniP_even_p(OState *S, OValue a0);
OValue omniP_odd_p(OState *S, OValue a0);
OValue omniP_number_p(OState *S, OValue a0);
OValue omniP_int_p(OState *S, OValue a0);
OValue omniP_float_p(OState *S, OValue a0);
OValue omniP_random(OState *S, OValue a0);
OValue omniP_random_seed_x(OState *S, OValue a0);
OValue omniP_eq_p(OState *S, OValue a0, OValue a1);
OValue omniP_eqv_p(OState *S, OValue a0, OValue a1);
OValue omniP_equal_p(OState *S, OValue a0, OValue a1);
OValue omniP_not(OState *S, OValue a0);
OValue omniP_cons(OState *S, OValue a0, OValue a1);
OValue omniP_car(OState *S, OValue a0);
OValue omniP_cdr(OState *S, OValue a0);
OValue omniP_caar(OState *S, OValue a0);
OValue omniP_cadr(OState *S, OValue a0);
OValue omniP_cdar(OState *S, OValue a0);
OValue omniP_cddr(OState *S, OValue a0);
OValue omniP_caddr(OState *S, OValue a0);
OValue omniP_first(OState *S, OValue a0);
OValue omniP_second(OState *S, OValue a0);
OValue omniP_third(OState *S, OValue a0);
OValue omniP_rest(OState *S, OValue a0);
OValue omniP_list(OState *S, int argc, OValue *argv);
OValue omniP_list_p(OState *S, OValue a0);
OValue omniP_pair_p(OState *S, OValue a0);
OValue omniP_null_p(OState *S, OValue a0);
OValue omniP_nil_p(OState *S, OValue a0);
OValue omniP_length(OState *S, OValue a0);
OValue omniP_append(OState *S, int argc, OValue *argv);
OValue omniP_reverse(OState *S, OValue a0);
OValue omniP_list_ref(OState *S, OValue a0, OValue a1);
OValue omniP_list_tail(OState *S, OValue a0, OValue a1);
OValue omniP_last(OState *S, OValue a0);
OValue omniP_member(OState *S, OValue a0, OValue a1);
OValue omniP_memq(OState *S, OValue a0, OValue a1);
OValue omniP_assoc(OState *S, OValue a0, OValue a1);
OValue omniP_assq(OState *S, OValue a0, OValue a1);
OValue omniP_map(OState *S, int argc, OValue *argv);
OValue omniP_for_each(OState *S, int argc, OValue *argv);
OValue omniP_filter(OState *S, OValue a0, OValue a1);
OValue omniP_remove(OState *S, OValue a0, OValue a1);
OValue omniP_reduce(OState *S, OValue a0, OValue a1);
OValue omniP_fold(OState *S, OValue a0, OValue a1, OValue a2);
OValue omniP_foldr(OState *S, OValue a0, OValue a1, OValue a2);
OValue omniP_range(OState *S, int argc, OValue *argv);
OValue omniP_take(OState *S, OValue a0, OValue a1);
OValue omniP_drop(OState *S, OValue a0, OValue a1);
OValue omniP_zip(OState *S, int argc, OValue *argv);
OValue omniP_apply(OState *S, int argc, OValue *argv);
OValue omniP_sort(OState *S, OValue a0, OValue a1);
OValue omniP_char_p(OState *S, OValue a0);
OValue omniP_string_p(OState *S, OValue a0);
OValue omniP_symbol_p(OState *S, OValue a0);
OValue omniP_keyword_p(OState *S, OValue a0);
OValue omniP_procedure_p(OState *S, OValue a0);
OValue omniP_vector_p(OState *S, OValue a0);
OValue omniP_dict_p(OState *S, OValue a0);
OValue omniP_atom_p(OState *S, OValue a0);
OValue omniP_error_p(OState *S, OValue a0);
OValue omniP_char_to_integer(OState *S, OValue a0);
OValue omniP_integer_to_char(OState *S, OValue a0);
OValue omniP_char_upcase(OState *S, OValue a0);
OValue omniP_char_downcase(OState *S, OValue a0);
OValue omniP_char_alphabetic_p(OState *S, OValue a0);
OValue omniP_char_numeric_p(OState *S, OValue a0);
OValue omniP_char_whitespace_p(OState *S, OValue a0);
OValue omniP_string_length(OState *S, OValue a0);
OValue omniP_string_ref(OState *S, OValue a0, OValue a1);
OValue omniP_substring(OState *S, int argc, OValue *argv);
OValue omniP_string_append(OState *S, int argc, OValue *argv);
OValue omniP_string_3d__p(OState *S, int argc, OValue *argv);
OValue omniP_string_3c__p(OState *S, int argc, OValue *argv);
OValue omniP_string_to_list(OState *S, OValue a0);
OValue omniP_list_to_string(OState *S, OValue a0);
OValue omniP_string_to_symbol(OState *S, OValue a0);
OValue omniP_symbol_to_string(OState *S, OValue a0);
OValue omniP_keyword_to_string(OState *S, OValue a0);
OValue omniP_string_upcase(OState *S, OValue a0);
OValue omniP_string_downcase(OState *S, OValue a0);
OValue omniP_string_split(OState *S, OValue a0, OValue a1);
OValue omniP_string_join(OState *S, int argc, OValue *argv);
OValue omniP_string_index(OState *S, OValue a0, OValue a1);
OValue omniP_string_contains_p(OState *S, OValue a0, OValue a1);
OValue omniP_string_repeat(OState *S, OValue a0, OValue a1);
OValue omniP_str(OState *S, int argc, OValue *argv);
OValue omniP_type_of(OState *S, OValue a0);
OValue omniP_vector(OState *S, int argc, OValue *argv);
OValue omniP_make_vector(OState *S, int argc, OValue *argv);
OValue omniP_vector_ref(OState *S, OValue a0, OValue a1);
OValue omniP_vector_set_x(OState *S, OValue a0, OValue a1, OValue a2);
OValue omniP_vector_length(OState *S, OValue a0);
OValue omniP_vector_to_list(OState *S, OValue a0);
OValue omniP_list_to_vector(OState *S, OValue a0);
OValue omniP_vector_fill_x(OState *S, OValue a0, OValue a1);
OValue omniP_vector_map(OState *S, int argc, OValue *argv);
OValue omniP_vector_copy(OState *S, int argc, OValue *argv);
OValue omniP_dict(OState *S, int argc, OValue *argv);
OValue omniP_dict_ref(OState *S, int argc, OValue *argv);
OValue omniP_dict_set_x(OState *S, OValue a0, OValue a1, OValue a2);
OValue omniP_dict_remove_x(OState *S, OValue a0, OValue a1);
OValue omniP_dict_has_p(OState *S, OValue a0, OValue a1);
OValue omniP_dict_keys(OState *S, OValue a0);
OValue omniP_dict_values(OState *S, OValue a0);
OValue omniP_dict_count(OState *S, OValue a0);
OValue omniP_dict_to_list(OState *S, OValue a0);
OValue omniP_atom(OState *S, OValue a0);
OValue omniP_deref(OState *S, OValue a0);
OValue omniP_reset_x(OState *S, OValue a0, OValue a1);
OValue omniP_swap_x(OState *S, int argc, OValue *argv);
OValue omniP_compare_and_set_x(OState *S, OValue a0, OValue a1, OValue a2);
OValue omniP_error(OState *S, int argc, OValue *argv);
OValue omniP_error_message(OState *S, OValue a0);
OValue omniP_error_irritants(OState *S, OValue a0);
OValue omniP_error_backtrace(OState *S, OValue a0);
OValue omniP_raise_error(OState *S, OValue a0);
OValue omniP_spawn(OState *S, OValue a0);
OValue omniP_join(OState *S, OValue a0);
OValue omniP_channel(OState *S, int argc, OValue *argv);
OValue omniP_send_x(OState *S, OValue a0, OValue a1);
OValue omniP_recv_x(OState *S, OValue a0);
OValue omniP_close_x(OState *S, OValue a0);
OValue omniP_display(OState *S, OValue a0);
OValue omniP_write(OState *S, OValue a0);
OValue omniP_newline(OState *S);
OValue omniP_print(OState *S, int argc, OValue *argv);
OValue omniP_read_line(OState *S);
OValue omniP_gensym(OState *S, int argc, OValue *argv);
OValue omniP_exit(OState *S, int argc, OValue *argv);
OValue omniP_command_line(OState *S);
OValue omniP_getenv(OState *S, OValue a0);
OValue omniP_current_time_ms(OState *S);
OValue omniP_identity(OState *S, OValue a0);
OValue omniP_compose(OState *S, int argc, OValue *argv);
OValue omniP_x_match_fail(OState *S, OValue a0);
OValue omniP_x_assert_fail(OState *S, OValue a0);

/* The primitives as first-class procedures (immortal). */
extern OClosure omniK_add;
extern OClosure omniK_sub;
extern OClosure omniK_mul;
extern OClosure omniK_div;
extern OClosure omniK_quotient;
extern OClosure omniK_remainder;
extern OClosure omniK_modulo;
extern OClosure omniK_num_eq;
extern OClosure omniK_lt;
extern OClosure omniK_gt;
extern OClosure omniK_le;
extern OClosure omniK_ge;
extern OClosure omniK_abs;
extern OClosure omniK_min;
extern OClosure omniK_max;
extern OClosure omniK_floor;
extern OClosure omniK_ceiling;
extern OClosure omniK_round;
extern OClosure omniK_truncate;
extern OClosure omniK_sqrt;
extern OClosure omniK_exp;
extern OClosure omniK_log;
extern OClosure omniK_sin;
extern OClosure omniK_cos;
extern OClosure omniK_tan;
extern OClosure omniK_atan;
extern OClosure omniK_expt;
extern OClosure omniK_exact_to_inexact;
extern OClosure omniK_inexact_to_exact;
extern OClosure omniK_number_to_string;
extern OClosure omniK_string_to_number;
extern OClosure omniK_zero_p;
extern OClosure omniK_positive_p;
extern OClosure omniK_negative_p;
extern OClosure omniK_even_p;
extern OClosure omniK_odd_p;
extern OClosure omniK_number_p;
extern OClosure omniK_int_p;
extern OClosure omniK_float_p;
extern OClosure omniK_random;
extern OClosure omniK_random_seed_x;
extern OClosure omniK_eq_p;
extern OClosure omniK_eqv_p;
extern OClosure omniK_equal_p;
extern OClosure omniK_not;
extern OClosure omniK_cons;
extern OClosure omniK_car;
extern OClosure omniK_cdr;
extern OClosure omniK_caar;
extern OClosure omniK_cadr;
extern OClosure omniK_cdar;
extern OClosure omniK_cddr;
extern OClosure omniK_caddr;
extern OClosure omniK_first;
extern OClosure omniK_second;
extern OClosure omniK_third;
extern OClosure omniK_rest;
extern OClosure omniK_list;
extern OClosure omniK_list_p;
extern OClosure omniK_pair_p;
extern OClosure omniK_null_p;
extern OClosure omniK_nil_p;
extern OClosure omniK_length;
extern OClosure omniK_append;
extern OClosure omniK_reverse;
extern OClosure omniK_list_ref;
extern OClosure omniK_list_tail;
extern OClosure omniK_last;
extern OClosure omniK_member;
extern OClosure omniK_memq;
extern OClosure omniK_assoc;
extern OClosure omniK_assq;
extern OClosure omniK_map;
extern OClosure omniK_for_each;
extern OClosure omniK_filter;
extern OClosure omniK_remove;
extern OClosure omniK_reduce;
extern OClosure omniK_fold;
extern OClosure omniK_foldr;
extern OClosure omniK_range;
extern OClosure omniK_take;
extern OClosure omniK_drop;
extern OClosure omniK_zip;
extern OClosure omniK_apply;
extern OClosure omniK_sort;
extern OClosure omniK_char_p;
extern OClosure omniK_string_p;
extern OClosure omniK_symbol_p;
extern OClosure omniK_keyword_p;
extern OClosure omniK_procedure_p;
extern OClosure omniK_vector_p;
extern OClosure omniK_dict_p;
extern OClosure omniK_atom_p;
extern OClosure omniK_error_p;
extern OClosure omniK_char_to_integer;
extern OClosure omniK_integer_to_char;
extern OClosure omniK_char_upcase;
extern OClosure omniK_char_downcase;
extern OClosure omniK_char_alphabetic_p;
extern OClosure omniK_char_numeric_p;
extern OClosure omniK_char_whitespace_p;
extern OClosure omniK_string_length;
extern OClosure omniK_string_ref;
extern OClosure omniK_substring;
extern OClosure omniK_string_append;
extern OClosure omniK_string_3d__p;
extern OClosure omniK_string_3c__p;
extern OClosure omniK_string_to_list;
extern OClosure omniK_list_to_string;
extern OClosure omniK_string_to_symbol;
extern OClosure omniK_symbol_to_string;
extern OClosure omniK_keyword_to_string;
extern OClosure omniK_string_upcase;
extern OClosure omniK_string_downcase;
extern OClosure omniK_string_split;
extern OClosure omniK_string_join;
extern OClosure omniK_string_index;
extern OClosure omniK_string_contains_p;
extern OClosure omniK_string_repeat;
extern OClosure omniK_str;
extern OClosure omniK_type_of;
extern OClosure omniK_vector;
extern OClosure omniK_make_vector;
extern OClosure omniK_vector_ref;
extern OClosure omniK_vector_set_x;
extern OClosure omniK_vector_length;
extern OClosure omniK_vector_to_list;
extern OClosure omniK_list_to_vector;
extern OClosure omniK_vector_fill_x;
extern OClosure omniK_vector_map;
extern OClosure omniK_vector_copy;
extern OClosure omniK_dict;
extern OClosure omniK_dict_ref;
extern OClosure omniK_dict_set_x;
extern OClosure omniK_dict_remove_x;
extern OClosure omniK_dict_has_p;
extern OClosure omniK_dict_keys;
extern OClosure omniK_dict_values;
extern OClosure omniK_dict_count;
extern OClosure omniK_dict_to_list;
extern OClosure omniK_atom;
extern OClosure omniK_deref;
extern OClosure omniK_reset_x;
extern OClosure omniK_swap_x;
extern OClosure omniK_compare_and_set_x;
extern OClosure omniK_error;
extern OClosure omniK_error_message;
extern OClosure omniK_error_irritants;
extern OClosure omniK_error_backtrace;
extern OClosure omniK_raise_error;
extern OClosure omniK_spawn;
extern OClosure omniK_join;
extern OClosure omniK_channel;
extern OClosure omniK_send_x;
extern OClosure omniK_recv_x;
extern OClosure omniK_close_x;
extern OClosure omniK_display;
extern OClosure omniK_write;
extern OClosure omniK_newline;
extern OClosure omniK_print;
extern OClosure omniK_read_line;
extern OClosure omniK_gensym;
extern OClosure omniK_exit;
extern OClosure omniK_command_line;
extern OClosure omniK_getenv;
extern OClosure omniK_current_time_ms;
extern OClosure omniK_identity;
extern OClosure omniK_compose;
/* END GENERATED PRIMITIVES */

#endif
