/*
** number.c — ints (62-bit, overflow is an error), floats, the numeric primitives, float printing.
**
** Behaves like the reference interpreter (compiler/src/interp/numbers.ts and builtins.ts):
** variadic arithmetic is a left fold, comparisons between ints and floats are exact, and the
** random generator is the interpreter's splitmix64 so `(random-seed! k)` sequences match.
*/
#include "omnilisp.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A number taken out of a value: an int or a float. */
typedef struct ONum {
  int isf;   /* 1 for a float */
  int64_t i; /* the int (when !isf) */
  double d;  /* the float (when isf) */
} ONum;

/* Binary operations of omniN_arith. */
enum { OMNI_ADD, OMNI_SUB, OMNI_MUL, OMNI_DIV };

/* Variadic comparisons. */
enum { OMNI_CMP_EQ, OMNI_CMP_LT, OMNI_CMP_GT, OMNI_CMP_LE, OMNI_CMP_GE };

/* ---------------------------------------------------------------- helpers */

OValue omniN_float(OState *S, double d) {
  OFloat *f = omni_pool_take(S, OMNI_SIZE_CLASS(sizeof(OFloat)), OT_FLOAT);
  if (!f) f = omniO_alloc(S, sizeof(OFloat), OT_FLOAT);
  if (d != d) d = NAN; /* one NaN bit pattern, so eqv?/hashing of NaNs are predictable */
  f->d = d;
  return (OValue)f;
}

/*
** The rest of omni_add_reuse & co. (omnilisp.h), which handled two fixnums and a reusable float
** box inline: the plain operation, then the dead operand dropped.
*/
#define OMNI_DEFINE_REUSE(fname, base)                                                             \
  OValue fname(OState *S, OValue a, OValue b, OValue dead) {                                       \
    OValue r = base(S, a, b);                                                                      \
    omni_drop(S, dead);                                                                            \
    return r;                                                                                      \
  }
OMNI_DEFINE_REUSE(omniN_add_reuse, omni_add)
OMNI_DEFINE_REUSE(omniN_sub_reuse, omni_sub)
OMNI_DEFINE_REUSE(omniN_mul_reuse, omni_mul)
OMNI_DEFINE_REUSE(omniN_div_reuse, omni_div)
#undef OMNI_DEFINE_REUSE

/* Reads a number argument; 0, or -1 after raising `NAME: expected number, got V`. */
static int omniN_get(OState *S, const char *name, OValue v, ONum *n) {
  n->isf = 0;
  n->i = 0;
  n->d = 0.0;
  if (omni_is_int(v)) {
    n->isf = 0;
    n->i = omni_int(v);
    return 0;
  }
  if (omni_is_float(v)) {
    n->isf = 1;
    n->d = omni_flo(v);
    return 0;
  }
  omniE_type(S, name, "number", v);
  return -1;
}

static double omniN_tod(ONum n) {
  return n.isf ? n.d : (double)n.i;
}

static OValue omniN_box(OState *S, ONum n) {
  return n.isf ? omniN_float(S, n.d) : omni_mkint(n.i);
}

static int omniN_fits(int64_t i) {
  return i >= OMNI_INT_MIN && i <= OMNI_INT_MAX;
}

static int omniN_overflow(OState *S) {
  omniE_raisef(S, "integer overflow");
  return -1;
}

/* An owned int result, or the overflow error. */
static OValue omniN_checked(OState *S, int64_t i) {
  if (!omniN_fits(i)) {
    omniN_overflow(S);
    return OMNI_RAISED;
  }
  return omni_mkint(i);
}

/* *a = *a OP b; 0, or -1 raised (overflow, integer division by zero). */
static int omniN_arith(OState *S, int op, ONum *a, ONum b) {
  int64_t r = 0;
  if (a->isf || b.isf) {
    double x = omniN_tod(*a), y = omniN_tod(b);
    a->isf = 1;
    a->d = op == OMNI_ADD ? x + y : op == OMNI_SUB ? x - y : op == OMNI_MUL ? x * y : x / y;
    return 0;
  }
  switch (op) {
  case OMNI_ADD:
    r = a->i + b.i; /* 62-bit operands cannot overflow 64 bits */
    break;
  case OMNI_SUB:
    r = a->i - b.i;
    break;
  case OMNI_MUL:
    if (__builtin_mul_overflow(a->i, b.i, &r)) return omniN_overflow(S);
    break;
  default:
    if (b.i == 0) {
      omniE_raisef(S, "/: division by zero");
      return -1;
    }
    r = a->i / b.i; /* C truncates, like the interpreter */
    break;
  }
  if (!omniN_fits(r)) return omniN_overflow(S);
  a->i = r;
  return 0;
}

/* Exact comparison of an int with a float: -1/0/1, 2 when d is NaN. */
static int omniN_cmp_int_flo(int64_t i, double d) {
  double t, f;
  int64_t ti;
  if (d != d) return 2;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  t = trunc(d);
  ti = (int64_t)t;
  if (i != ti) return i < ti ? -1 : 1;
  f = d - t;
  return f > 0 ? -1 : f < 0 ? 1 : 0;
}

/* Compares two numbers by exact mathematical value: -1/0/1, 2 when unordered (NaN). */
static int omniN_compare(ONum a, ONum b) {
  int c;
  if (!a.isf && !b.isf) return (a.i > b.i) - (a.i < b.i);
  if (a.isf && b.isf) {
    if (a.d != a.d || b.d != b.d) return 2;
    return (a.d > b.d) - (a.d < b.d);
  }
  if (!a.isf) return omniN_cmp_int_flo(a.i, b.d);
  c = omniN_cmp_int_flo(b.i, a.d);
  return c == 2 ? 2 : -c;
}

/* Does comparison result c satisfy the relation `which`? */
static int omniN_holds(int c, int which) {
  if (c == 2) return 0;
  switch (which) {
  case OMNI_CMP_EQ:
    return c == 0;
  case OMNI_CMP_LT:
    return c < 0;
  case OMNI_CMP_GT:
    return c > 0;
  case OMNI_CMP_LE:
    return c <= 0;
  default:
    return c >= 0;
  }
}

/* Writes v's `write` form into a NUL-terminated malloc'd string (NULL if printing raised). */
static char *omniN_written(OState *S, OValue v) {
  OBuf b = {0, 0, 0};
  if (omniIO_print(S, &b, v, 1) < 0) {
    free(b.data);
    return NULL;
  }
  omniIO_buf_put(&b, "", 1);
  return b.data;
}

/* ---------------------------------------------------------------- float formatting */

/* Splits a "%.*e" rendering into its digits (no dot) and decimal exponent. */
static void omniN_split_e(const char *s, char *digits, int *nd, int *exp10) {
  int n = 0;
  for (; *s && *s != 'e'; s++)
    if (*s >= '0' && *s <= '9') digits[n++] = *s;
  digits[n] = 0;
  *nd = n;
  *exp10 = *s == 'e' ? atoi(s + 1) : 0;
}

/* Adds delta (+1 or -1) to a digit string in place; returns its new length (a carry may grow it). */
static int omniN_bump(char *digits, int nd, int delta) {
  int k = nd - 1;
  if (delta > 0) {
    while (k >= 0 && digits[k] == '9') digits[k--] = '0';
    if (k < 0) {
      memmove(digits + 1, digits, (size_t)nd + 1);
      digits[0] = '1';
      return nd + 1;
    }
    digits[k]++;
  } else {
    while (k >= 0 && digits[k] == '0') digits[k--] = '9';
    if (k < 0) return 0;
    digits[k]--;
  }
  return nd;
}

/* Tries the digit string next to D (one unit in the last place up or down) for x. */
static int omniN_try_neighbour(double x, const char *d0, int nd, int exp10, int delta, char *digits,
                               int *ndo, int *expo) {
  char cand[48], text[64];
  int n, lead;
  memcpy(cand, d0, (size_t)nd + 1);
  n = omniN_bump(cand, nd, delta);
  if (n == 0) return 0;
  lead = 0;
  while (lead < n - 1 && cand[lead] == '0') lead++;
  snprintf(text, sizeof text, "%se%d", cand + lead, exp10 - (nd - 1));
  if (strtod(text, NULL) != x) return 0;
  /* normalise: the exponent of the leading digit, trailing zeros dropped */
  *expo = exp10 - (nd - 1) + (n - lead - 1);
  n -= lead;
  while (n > 1 && cand[lead + n - 1] == '0') n--;
  memcpy(digits, cand + lead, (size_t)n);
  digits[n] = 0;
  *ndo = n;
  return 1;
}

/* The shortest decimal digits that read back as x (x finite, > 0), and the decimal exponent. */
static void omniN_shortest(double x, char *digits, int *nd, int *exp10) {
  char text[48];
  int p;
  for (p = 0; p <= 16; p++) {
    snprintf(text, sizeof text, "%.*e", p, x);
    omniN_split_e(text, digits, nd, exp10);
    if (strtod(text, NULL) == x) break;
    /* near a power of two the rounding interval is lopsided: a neighbour may read back */
    {
      char d0[24];
      int first = strtod(text, NULL) < x ? 1 : -1;
      memcpy(d0, digits, (size_t)*nd + 1);
      if (omniN_try_neighbour(x, d0, *nd, *exp10, first, digits, nd, exp10)) return;
      if (omniN_try_neighbour(x, d0, *nd, *exp10, -first, digits, nd, exp10)) return;
    }
  }
  if (p > 16) {
    snprintf(text, sizeof text, "%.16e", x);
    omniN_split_e(text, digits, nd, exp10);
  }
  while (*nd > 1 && digits[*nd - 1] == '0') digits[--*nd] = 0;
}

int omniN_format_float(double d, char *buf) {
  char digits[24];
  int nd, e, n = 0, k;
  if (d != d) return sprintf(buf, "nan");
  if (isinf(d)) return sprintf(buf, d < 0 ? "-inf" : "inf");
  if (d == 0) return sprintf(buf, signbit(d) ? "-0.0" : "0.0");
  omniN_shortest(fabs(d), digits, &nd, &e);
  if (d < 0) buf[n++] = '-';
  if (e >= -4 && e < 16) {
    if (e < 0) {
      buf[n++] = '0';
      buf[n++] = '.';
      for (k = 0; k < -e - 1; k++) buf[n++] = '0';
      memcpy(buf + n, digits, (size_t)nd);
      n += nd;
    } else if (nd <= e + 1) {
      memcpy(buf + n, digits, (size_t)nd);
      n += nd;
      for (k = nd; k < e + 1; k++) buf[n++] = '0';
      buf[n++] = '.';
      buf[n++] = '0';
    } else {
      memcpy(buf + n, digits, (size_t)e + 1);
      n += e + 1;
      buf[n++] = '.';
      memcpy(buf + n, digits + e + 1, (size_t)(nd - e - 1));
      n += nd - e - 1;
    }
    buf[n] = 0;
    return n;
  }
  buf[n++] = digits[0];
  if (nd > 1) {
    buf[n++] = '.';
    memcpy(buf + n, digits + 1, (size_t)nd - 1);
    n += nd - 1;
  }
  n += sprintf(buf + n, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
  return n;
}

int omniN_format_jsint(int64_t i, char *buf) {
  char digits[24];
  int nd, e, n = 0, k;
  double d;
  if (i >= -((int64_t)1 << 53) && i <= ((int64_t)1 << 53)) return sprintf(buf, "%lld", (long long)i);
  d = (double)i;
  omniN_shortest(fabs(d), digits, &nd, &e);
  if (d < 0) buf[n++] = '-';
  memcpy(buf + n, digits, (size_t)nd);
  n += nd;
  for (k = nd; k < e + 1; k++) buf[n++] = '0';
  buf[n] = 0;
  return n;
}

/* ---------------------------------------------------------------- fast paths */

static OValue omniN_binary(OState *S, const char *name, int op, OValue a, OValue b) {
  ONum x, y;
  if (omniN_get(S, name, a, &x) || omniN_get(S, name, b, &y)) return OMNI_RAISED;
  if (omniN_arith(S, op, &x, y)) return OMNI_RAISED;
  return omniN_box(S, x);
}

OValue omniN_add2(OState *S, OValue a, OValue b) {
  return omniN_binary(S, "+", OMNI_ADD, a, b);
}

OValue omniN_sub2(OState *S, OValue a, OValue b) {
  return omniN_binary(S, "-", OMNI_SUB, a, b);
}

OValue omniN_mul2(OState *S, OValue a, OValue b) {
  return omniN_binary(S, "*", OMNI_MUL, a, b);
}

int omniN_cmp2(OState *S, const char *name, OValue a, OValue b) {
  ONum x, y;
  if (omniN_get(S, name, a, &x) || omniN_get(S, name, b, &y)) return -2;
  return omniN_compare(x, y);
}

/* ---------------------------------------------------------------- arithmetic primitives */

/* Left fold of a binary operation over argv[from..argc), starting from acc. */
static OValue omniN_fold(OState *S, const char *name, int op, ONum acc, int from, int argc,
                         OValue *argv) {
  ONum x;
  int i;
  for (i = from; i < argc; i++)
    if (omniN_get(S, name, argv[i], &x) || omniN_arith(S, op, &acc, x)) return OMNI_RAISED;
  return omniN_box(S, acc);
}

static OValue omniN_fold_all(OState *S, const char *name, int op, int argc, OValue *argv) {
  ONum acc;
  if (omniN_get(S, name, argv[0], &acc)) return OMNI_RAISED;
  return omniN_fold(S, name, op, acc, 1, argc, argv);
}

OValue omniP_add(OState *S, int argc, OValue *argv) {
  if (argc == 0) return omni_mkint(0);
  return omniN_fold_all(S, "+", OMNI_ADD, argc, argv);
}

OValue omniP_mul(OState *S, int argc, OValue *argv) {
  if (argc == 0) return omni_mkint(1);
  return omniN_fold_all(S, "*", OMNI_MUL, argc, argv);
}

OValue omniP_sub(OState *S, int argc, OValue *argv) {
  ONum x;
  if (argc < 1) return omniE_arity(S, "-", 1, -1, argc);
  if (argc > 1) return omniN_fold_all(S, "-", OMNI_SUB, argc, argv);
  if (omniN_get(S, "-", argv[0], &x)) return OMNI_RAISED;
  if (x.isf) return omniN_float(S, -x.d);
  return omniN_checked(S, -x.i);
}

OValue omniP_div(OState *S, int argc, OValue *argv) {
  ONum one = {0, 1, 0.0};
  if (argc < 1) return omniE_arity(S, "/", 1, -1, argc);
  if (argc > 1) return omniN_fold_all(S, "/", OMNI_DIV, argc, argv);
  return omniN_fold(S, "/", OMNI_DIV, one, 0, argc, argv);
}

/* quotient / remainder / modulo on ints. */
static OValue omniN_intdiv(OState *S, const char *name, OValue av, OValue bv) {
  int64_t a, b, r;
  if (!omni_is_int(av)) return omniE_type(S, name, "int", av);
  if (!omni_is_int(bv)) return omniE_type(S, name, "int", bv);
  a = omni_int(av);
  b = omni_int(bv);
  if (b == 0) return omniE_raisef(S, "%s: division by zero", name);
  if (name[0] == 'q') return omniN_checked(S, a / b);
  r = a % b;
  if (name[0] == 'm' && r != 0 && (r < 0) != (b < 0)) r += b;
  return omni_mkint(r);
}

OValue omniP_quotient(OState *S, OValue a0, OValue a1) {
  return omniN_intdiv(S, "quotient", a0, a1);
}

OValue omniP_remainder(OState *S, OValue a0, OValue a1) {
  return omniN_intdiv(S, "remainder", a0, a1);
}

OValue omniP_modulo(OState *S, OValue a0, OValue a1) {
  return omniN_intdiv(S, "modulo", a0, a1);
}

/* ---------------------------------------------------------------- comparisons */

static OValue omniN_chain(OState *S, const char *name, int which, int argc, OValue *argv) {
  ONum x, y;
  int i;
  for (i = 0; i < argc; i++)
    if (omniN_get(S, name, argv[i], &x)) return OMNI_RAISED;
  for (i = 0; i + 1 < argc; i++) {
    omniN_get(S, name, argv[i], &x);
    omniN_get(S, name, argv[i + 1], &y);
    if (!omniN_holds(omniN_compare(x, y), which)) return OMNI_NIL;
  }
  return OMNI_T;
}

OValue omniP_num_eq(OState *S, int argc, OValue *argv) {
  return omniN_chain(S, "=", OMNI_CMP_EQ, argc, argv);
}

OValue omniP_lt(OState *S, int argc, OValue *argv) {
  return omniN_chain(S, "<", OMNI_CMP_LT, argc, argv);
}

OValue omniP_gt(OState *S, int argc, OValue *argv) {
  return omniN_chain(S, ">", OMNI_CMP_GT, argc, argv);
}

OValue omniP_le(OState *S, int argc, OValue *argv) {
  return omniN_chain(S, "<=", OMNI_CMP_LE, argc, argv);
}

OValue omniP_ge(OState *S, int argc, OValue *argv) {
  return omniN_chain(S, ">=", OMNI_CMP_GE, argc, argv);
}

/* ---------------------------------------------------------------- abs, min, max, rounding */

OValue omniP_abs(OState *S, OValue a0) {
  ONum x;
  if (omniN_get(S, "abs", a0, &x)) return OMNI_RAISED;
  if (x.isf) return omniN_float(S, fabs(x.d));
  return x.i < 0 ? omniN_checked(S, -x.i) : a0;
}

/* min (sign -1) or max (sign 1): a float when any argument is a float. */
static OValue omniN_extremum(OState *S, const char *name, int sign, int argc, OValue *argv) {
  ONum best, x;
  int i, anyf = 0, c;
  for (i = 0; i < argc; i++) {
    if (omniN_get(S, name, argv[i], &x)) return OMNI_RAISED;
    anyf |= x.isf;
  }
  if (argc < 1) return omniE_arity(S, name, 1, -1, argc);
  omniN_get(S, name, argv[0], &best);
  for (i = 1; i < argc; i++) {
    omniN_get(S, name, argv[i], &x);
    c = omniN_compare(x, best);
    if ((c != 2 && c * sign > 0) || (x.isf && x.d != x.d)) best = x;
  }
  if (anyf) return omniN_float(S, omniN_tod(best));
  return omni_mkint(best.i);
}

OValue omniP_min(OState *S, int argc, OValue *argv) {
  return omniN_extremum(S, "min", -1, argc, argv);
}

OValue omniP_max(OState *S, int argc, OValue *argv) {
  return omniN_extremum(S, "max", 1, argc, argv);
}

/* Rounds half to even, keeping the sign of zero as Python does. */
static double omniN_round_half_even(double x) {
  double f, diff, r;
  if (!isfinite(x)) return x;
  f = floor(x);
  diff = x - f;
  r = diff < 0.5 ? f : diff > 0.5 ? f + 1 : fmod(f, 2.0) == 0 ? f : f + 1;
  return r == 0 && (x < 0 || signbit(x)) ? -0.0 : r;
}

/* floor / ceiling / round / truncate: ints unchanged, floats to floats. */
static OValue omniN_rounding(OState *S, const char *name, double (*f)(double), OValue a0) {
  ONum x;
  if (omniN_get(S, name, a0, &x)) return OMNI_RAISED;
  return x.isf ? omniN_float(S, f(x.d)) : a0;
}

OValue omniP_floor(OState *S, OValue a0) {
  return omniN_rounding(S, "floor", floor, a0);
}

OValue omniP_ceiling(OState *S, OValue a0) {
  return omniN_rounding(S, "ceiling", ceil, a0);
}

OValue omniP_round(OState *S, OValue a0) {
  return omniN_rounding(S, "round", omniN_round_half_even, a0);
}

OValue omniP_truncate(OState *S, OValue a0) {
  return omniN_rounding(S, "truncate", trunc, a0);
}

/* ---------------------------------------------------------------- transcendental functions */

static OValue omniN_floatfn(OState *S, const char *name, double (*f)(double), OValue a0) {
  ONum x;
  if (omniN_get(S, name, a0, &x)) return OMNI_RAISED;
  return omniN_float(S, f(omniN_tod(x)));
}

OValue omniP_sqrt(OState *S, OValue a0) {
  return omniN_floatfn(S, "sqrt", sqrt, a0);
}

OValue omniP_exp(OState *S, OValue a0) {
  return omniN_floatfn(S, "exp", exp, a0);
}

OValue omniP_log(OState *S, OValue a0) {
  return omniN_floatfn(S, "log", log, a0);
}

OValue omniP_sin(OState *S, OValue a0) {
  return omniN_floatfn(S, "sin", sin, a0);
}

OValue omniP_cos(OState *S, OValue a0) {
  return omniN_floatfn(S, "cos", cos, a0);
}

OValue omniP_tan(OState *S, OValue a0) {
  return omniN_floatfn(S, "tan", tan, a0);
}

OValue omniP_atan(OState *S, int argc, OValue *argv) {
  ONum y, x;
  if (argc < 1 || argc > 2) return omniE_arity(S, "atan", 1, 2, argc);
  if (omniN_get(S, "atan", argv[0], &y)) return OMNI_RAISED;
  if (argc == 1) return omniN_float(S, atan(omniN_tod(y)));
  if (omniN_get(S, "atan", argv[1], &x)) return OMNI_RAISED;
  return omniN_float(S, atan2(omniN_tod(y), omniN_tod(x)));
}

/* JavaScript's Math.pow, which differs from C's pow for a NaN exponent and for ±1 to ±inf. */
static double omniN_js_pow(double x, double y) {
  if (y != y) return NAN;
  if (fabs(x) == 1.0 && isinf(y)) return NAN;
  return pow(x, y);
}

OValue omniP_expt(OState *S, OValue a0, OValue a1) {
  ONum a, b;
  int64_t r = 1, e;
  if (omniN_get(S, "expt", a0, &a) || omniN_get(S, "expt", a1, &b)) return OMNI_RAISED;
  if (a.isf || b.isf || b.i < 0) return omniN_float(S, omniN_js_pow(omniN_tod(a), omniN_tod(b)));
  e = b.i;
  if (e == 0) return omni_mkint(1);
  if (a.i == 0 || a.i == 1) return omni_mkint(a.i);
  if (a.i == -1) return omni_mkint(e % 2 == 0 ? 1 : -1);
  if (e > 64) return omniE_raisef(S, "integer overflow");
  while (e-- > 0)
    if (__builtin_mul_overflow(r, a.i, &r) || !omniN_fits(r)) return omniE_raisef(S, "integer overflow");
  return omni_mkint(r);
}

/* ---------------------------------------------------------------- conversions */

OValue omniP_exact_to_inexact(OState *S, OValue a0) {
  ONum x;
  if (omniN_get(S, "exact->inexact", a0, &x)) return OMNI_RAISED;
  return omniN_float(S, omniN_tod(x));
}

OValue omniP_inexact_to_exact(OState *S, OValue a0) {
  ONum x;
  char buf[32];
  double t;
  if (omniN_get(S, "inexact->exact", a0, &x)) return OMNI_RAISED;
  if (!x.isf) return a0;
  if (!isfinite(x.d)) {
    omniN_format_float(x.d, buf);
    return omniE_raisef(S, "inexact->exact: cannot convert %s", buf);
  }
  t = trunc(x.d);
  if (t < -2305843009213693952.0 || t >= 2305843009213693952.0) return omniE_raisef(S, "integer overflow");
  return omni_mkint((int64_t)t);
}

/* An int in radix 2, 8, 10 or 16: lowercase digits, a leading '-' for negatives. */
static int omniN_int_radix(int64_t i, int radix, char *buf) {
  char tmp[72];
  uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  int n = 0, k = 0;
  do {
    tmp[n++] = "0123456789abcdef"[u % (uint64_t)radix];
    u /= (uint64_t)radix;
  } while (u);
  if (i < 0) buf[k++] = '-';
  while (n > 0) buf[k++] = tmp[--n];
  buf[k] = 0;
  return k;
}

OValue omniP_number_to_string(OState *S, int argc, OValue *argv) {
  ONum x;
  char buf[80];
  int radix = 10, n;
  if (argc < 1 || argc > 2) return omniE_arity(S, "number->string", 1, 2, argc);
  if (omniN_get(S, "number->string", argv[0], &x)) return OMNI_RAISED;
  if (argc == 2) {
    int64_t r;
    if (!omni_is_int(argv[1])) return omniE_type(S, "number->string", "int", argv[1]);
    r = omni_int(argv[1]);
    if (r != 2 && r != 8 && r != 10 && r != 16) {
      omniN_format_jsint(r, buf);
      return omniE_raisef(S, "number->string: invalid radix %s", buf);
    }
    radix = (int)r;
  }
  n = x.isf ? omniN_format_float(x.d, buf) : omniN_int_radix(x.i, radix, buf);
  return omniS_string(S, buf, (size_t)n);
}

static int omniN_is_digit(char c, int radix) {
  if (c >= '0' && c <= '9') return c - '0' < radix;
  if (radix == 16) return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  return 0;
}

static int omniN_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

/* An int in the reader's syntax: [+-]?DIGITS. 1 number, 0 not a number, -1 out of range. */
static int omniN_parse_int(const char *s, size_t n, int radix, int64_t *out) {
  size_t k = 0;
  int neg = 0, big = 0;
  uint64_t mag = 0;
  if (k < n && (s[k] == '+' || s[k] == '-')) neg = s[k++] == '-';
  if (k == n) return 0;
  for (; k < n; k++) {
    if (!omniN_is_digit(s[k], radix)) return 0;
    if (!big) {
      mag = mag * (uint64_t)radix + (uint64_t)omniN_digit_value(s[k]);
      if (mag > ((uint64_t)1 << 62)) big = 1;
    }
  }
  if (big || (neg ? mag > ((uint64_t)1 << 61) : mag > (uint64_t)OMNI_INT_MAX)) return -1;
  *out = neg ? -(int64_t)mag : (int64_t)mag;
  return 1;
}

/* The reader's float syntax: [+-]?(D+.D*|.D+|D+)([eE][+-]?D+)? */
static int omniN_float_syntax(const char *s, size_t n) {
  size_t k = 0, d1 = 0, d2 = 0;
  if (k < n && (s[k] == '+' || s[k] == '-')) k++;
  while (k < n && s[k] >= '0' && s[k] <= '9') k++, d1++;
  if (k < n && s[k] == '.') {
    k++;
    while (k < n && s[k] >= '0' && s[k] <= '9') k++, d2++;
  }
  if (d1 + d2 == 0) return 0;
  if (k < n && (s[k] == 'e' || s[k] == 'E')) {
    size_t de = 0;
    k++;
    if (k < n && (s[k] == '+' || s[k] == '-')) k++;
    while (k < n && s[k] >= '0' && s[k] <= '9') k++, de++;
    if (de == 0) return 0;
  }
  return k == n;
}

OValue omniP_string_to_number(OState *S, OValue a0) {
  OString *str;
  int64_t i;
  int r;
  char small[64], *copy;
  double d;
  if (!omni_is_string(a0)) return omniE_type(S, "string->number", "string", a0);
  str = omni_str(a0);
  if (str->len >= 2 && str->data[0] == '#' && str->data[1] && strchr("xXbB", str->data[1])) {
    r = omniN_parse_int(str->data + 2, str->len - 2, (str->data[1] | 0x20) == 'x' ? 16 : 2, &i);
    return r == 1 ? omni_mkint(i) : OMNI_NIL;
  }
  r = omniN_parse_int(str->data, str->len, 10, &i);
  if (r == 1) return omni_mkint(i);
  if (r == -1) return OMNI_NIL;
  if (!omniN_float_syntax(str->data, str->len)) return OMNI_NIL;
  copy = str->len < sizeof small ? small : omniO_xmalloc(str->len + 1);
  memcpy(copy, str->data, str->len);
  copy[str->len] = 0;
  d = strtod(copy, NULL);
  if (copy != small) free(copy);
  return omniN_float(S, d);
}

/* ---------------------------------------------------------------- predicates */

static OValue omniN_sign_test(OState *S, const char *name, OValue a0, int which) {
  ONum x, zero = {0, 0, 0.0};
  if (omniN_get(S, name, a0, &x)) return OMNI_RAISED;
  return omni_bool(omniN_holds(omniN_compare(x, zero), which));
}

OValue omniP_zero_p(OState *S, OValue a0) {
  return omniN_sign_test(S, "zero?", a0, OMNI_CMP_EQ);
}

OValue omniP_positive_p(OState *S, OValue a0) {
  return omniN_sign_test(S, "positive?", a0, OMNI_CMP_GT);
}

OValue omniP_negative_p(OState *S, OValue a0) {
  return omniN_sign_test(S, "negative?", a0, OMNI_CMP_LT);
}

OValue omniP_even_p(OState *S, OValue a0) {
  if (!omni_is_int(a0)) return omniE_type(S, "even?", "int", a0);
  return omni_bool(omni_int(a0) % 2 == 0);
}

OValue omniP_odd_p(OState *S, OValue a0) {
  if (!omni_is_int(a0)) return omniE_type(S, "odd?", "int", a0);
  return omni_bool(omni_int(a0) % 2 != 0);
}

OValue omniP_number_p(OState *S, OValue a0) {
  return omni_bool(omni_is_int(a0) || omni_is_float(a0));
}

OValue omniP_int_p(OState *S, OValue a0) {
  return omni_bool(omni_is_int(a0));
}

OValue omniP_float_p(OState *S, OValue a0) {
  return omni_bool(omni_is_float(a0));
}

/* ---------------------------------------------------------------- random (splitmix64) */

static pthread_mutex_t omniN_random_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t omniN_random_state;  /* the generator's state */
static int omniN_random_seeded;      /* state initialised (from the clock or random-seed!) */

static uint64_t omniN_next64(void) {
  uint64_t z;
  if (!omniN_random_seeded) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    omniN_random_state = ((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u) ^ 0x9e3779b97f4a7c15ull;
    omniN_random_seeded = 1;
  }
  omniN_random_state += 0x9e3779b97f4a7c15ull;
  z = omniN_random_state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

OValue omniP_random(OState *S, OValue a0) {
  uint64_t r;
  if (!omni_is_int(a0) || omni_int(a0) <= 0) {
    char *w = omniN_written(S, a0);
    OValue e;
    if (!w) return OMNI_RAISED;
    e = omniE_raisef(S, "random: expected positive int, got %s", w);
    free(w);
    return e;
  }
  pthread_mutex_lock(&omniN_random_lock);
  r = omniN_next64() % (uint64_t)omni_int(a0);
  pthread_mutex_unlock(&omniN_random_lock);
  return omni_mkint((int64_t)r);
}

OValue omniP_random_seed_x(OState *S, OValue a0) {
  if (!omni_is_int(a0)) return omniE_type(S, "random-seed!", "int", a0);
  pthread_mutex_lock(&omniN_random_lock);
  omniN_random_state = (uint64_t)omni_int(a0);
  omniN_random_seeded = 1;
  pthread_mutex_unlock(&omniN_random_lock);
  return OMNI_NIL;
}
