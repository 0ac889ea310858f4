/*
** test_numbers_strings.c — number.c and string.c: float formatting (Python repr), 62-bit integer
** overflow, exact int/float comparison, string->number, the seeded generator, and the string and
** character primitives on UTF-8 text (indexing by code point, split/join, case mapping, symbols).
** Runs under ASan/LSan: everything allocated is released.
*/
#include "omnilisp.h"
#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define INT(i) omni_mkint(i)
#define STR(s) omniS_cstring(S, s)

/* Reports and clears an unexpected error; returns 1 when r is OMNI_RAISED. */


static void check_float(int line, double d, const char *expected) {
  char buf[64];
  int n = omniN_format_float(d, buf);
  if (strcmp(buf, expected) != 0 || n != (int)strlen(expected)) {
    fprintf(stderr, "%s:%d: float printed %s (%d), expected %s\n", __FILE__, line, buf, n, expected);
    failures++;
  }
}
#define CHECK_FLOAT(d, text) check_float(__LINE__, d, text)

static void test_float_format(void) {
  char buf[64];
  CHECK_FLOAT(0.1, "0.1");
  CHECK_FLOAT(0.5, "0.5");
  CHECK_FLOAT(1.5, "1.5");
  CHECK_FLOAT(3.14, "3.14");
  CHECK_FLOAT(2.0, "2.0");
  CHECK_FLOAT(0.0, "0.0");
  CHECK_FLOAT(-0.0, "-0.0");
  CHECK_FLOAT(-1.5, "-1.5");
  CHECK_FLOAT(100.0, "100.0");
  CHECK_FLOAT(123456789.0, "123456789.0");
  CHECK_FLOAT(1.0 / 3.0, "0.3333333333333333");
  CHECK_FLOAT(2.0 / 3.0, "0.6666666666666666");
  CHECK_FLOAT(0.1 + 0.2, "0.30000000000000004");
  CHECK_FLOAT(1e15, "1000000000000000.0");
  CHECK_FLOAT(9999999999999998.0, "9999999999999998.0");
  CHECK_FLOAT(9007199254740992.0, "9007199254740992.0");
  CHECK_FLOAT(1e16, "1e+16");
  CHECK_FLOAT(1.5e16, "1.5e+16");
  CHECK_FLOAT(12345678901234567890.0, "1.2345678901234567e+19");
  CHECK_FLOAT(0.001, "0.001");
  CHECK_FLOAT(0.0001, "0.0001");
  CHECK_FLOAT(0.00012, "0.00012");
  CHECK_FLOAT(1e-5, "1e-05");
  CHECK_FLOAT(1.5e-5, "1.5e-05");
  CHECK_FLOAT(1e-7, "1e-07");
  CHECK_FLOAT(1e21, "1e+21");
  CHECK_FLOAT(1e22, "1e+22");
  CHECK_FLOAT(1e100, "1e+100");
  CHECK_FLOAT(1.5e300, "1.5e+300");
  CHECK_FLOAT(5e-324, "5e-324");
  CHECK_FLOAT(1e-323, "1e-323");
  CHECK_FLOAT(1.7976931348623157e308, "1.7976931348623157e+308");
  CHECK_FLOAT(2.2250738585072014e-308, "2.2250738585072014e-308");
  CHECK_FLOAT(123456.789, "123456.789");
  CHECK_FLOAT(4e18, "4e+18");
  CHECK_FLOAT(2305843009213693951.0, "2.305843009213694e+18");
  CHECK_FLOAT(1.4142135623730951, "1.4142135623730951");
  CHECK_FLOAT(ldexp(1.0, -44), "5.684341886080802e-14"); /* lopsided interval at a power of two */
  CHECK_FLOAT(ldexp(1.0, 900), "8.452712498170644e+270");
  CHECK_FLOAT(INFINITY, "inf");
  CHECK_FLOAT(-INFINITY, "-inf");
  CHECK_FLOAT(NAN, "nan");
  CHECK(omniN_format_jsint(42, buf) == 2 && strcmp(buf, "42") == 0);
  omniN_format_jsint(OMNI_INT_MAX, buf);
  CHECK(strcmp(buf, "2305843009213694000") == 0);
  omniN_format_jsint(-((int64_t)1 << 60), buf);
  CHECK(strcmp(buf, "-1152921504606847000") == 0);
}

static void test_int_arith(OState *S) {
  OValue args[4], f, r;
  /* overflow at the 62-bit limits */
  CHECK_ERROR(S, omniN_add2(S, INT(OMNI_INT_MAX), INT(1)), "integer overflow");
  CHECK_ERROR(S, omni_add(S, INT(OMNI_INT_MAX), INT(1)), "integer overflow");
  CHECK_ERROR(S, omniN_sub2(S, INT(OMNI_INT_MIN), INT(1)), "integer overflow");
  CHECK_ERROR(S, omni_sub(S, INT(OMNI_INT_MIN), INT(1)), "integer overflow");
  CHECK_ERROR(S, omniN_mul2(S, INT((int64_t)1 << 60), INT(2)), "integer overflow");
  CHECK_ERROR(S, omniN_mul2(S, INT(3037000500), INT(3037000500)), "integer overflow");
  CHECK_WRITE(S, omniN_mul2(S, INT(-((int64_t)1 << 60)), INT(2)), "-2305843009213693952");
  CHECK_WRITE(S, omniN_add2(S, INT(OMNI_INT_MAX), INT(OMNI_INT_MIN)), "-1");
  args[0] = INT(OMNI_INT_MIN);
  CHECK_ERROR(S, omniP_sub(S, 1, args), "integer overflow");
  CHECK_ERROR(S, omniP_abs(S, INT(OMNI_INT_MIN)), "integer overflow");
  args[1] = INT(-1);
  CHECK_ERROR(S, omniP_div(S, 2, args), "integer overflow");
  CHECK_ERROR(S, omniP_quotient(S, INT(OMNI_INT_MIN), INT(-1)), "integer overflow");
  CHECK_ERROR(S, omniP_expt(S, INT(2), INT(61)), "integer overflow");
  CHECK_ERROR(S, omniP_expt(S, INT(3), INT(40)), "integer overflow");
  CHECK_WRITE(S, omniP_expt(S, INT(-2), INT(61)), "-2305843009213693952");
  CHECK_WRITE(S, omniP_expt(S, INT(2), INT(60)), "1152921504606846976");
  CHECK_WRITE(S, omniP_expt(S, INT(0), INT(0)), "1");
  CHECK_WRITE(S, omniP_expt(S, INT(-1), INT(1000001)), "-1");
  CHECK_WRITE(S, omniP_expt(S, INT(2), INT(-2)), "0.25");
  /* overflow in the middle of a fold even when the end result would fit */
  args[0] = INT(OMNI_INT_MAX);
  args[1] = INT(1);
  args[2] = INT(-1);
  CHECK_ERROR(S, omniP_add(S, 3, args), "integer overflow");
  args[1] = INT(-1);
  args[2] = INT(1);
  CHECK_WRITE(S, omniP_add(S, 3, args), "2305843009213693951");
  /* the variadic forms */
  CHECK_WRITE(S, omniP_add(S, 0, args), "0");
  CHECK_WRITE(S, omniP_mul(S, 0, args), "1");
  args[0] = INT(5);
  CHECK_WRITE(S, omniP_div(S, 1, args), "0");
  CHECK_WRITE(S, omniP_sub(S, 1, args), "-5");
  f = omniN_float(S, 2.0);
  args[0] = INT(7);
  args[1] = INT(2);
  args[2] = f;
  CHECK_WRITE(S, omniP_div(S, 3, args), "1.5");
  args[0] = INT(-7);
  CHECK_WRITE(S, omniP_div(S, 2, args), "-3");
  args[1] = INT(0);
  CHECK_ERROR(S, omniP_div(S, 2, args), "/: division by zero");
  args[0] = f;
  CHECK_WRITE(S, omniP_div(S, 2, args), "inf");
  args[0] = INT(1);
  args[1] = STR("a");
  CHECK_ERROR(S, omniP_add(S, 2, args), "+: expected number, got \"a\"");
  CHECK_ERROR(S, omniN_cmp2(S, "<", args[1], INT(1)) == -2 ? OMNI_RAISED : OMNI_NIL, "<: expected number, got \"a\"");
  omni_drop(S, args[1]);
  /* quotient / remainder / modulo signs */
  CHECK_WRITE(S, omniP_quotient(S, INT(-17), INT(5)), "-3");
  CHECK_WRITE(S, omniP_remainder(S, INT(-17), INT(5)), "-2");
  CHECK_WRITE(S, omniP_modulo(S, INT(-17), INT(5)), "3");
  CHECK_WRITE(S, omniP_modulo(S, INT(17), INT(-5)), "-3");
  CHECK_ERROR(S, omniP_modulo(S, INT(7), INT(0)), "modulo: division by zero");
  CHECK_ERROR(S, omniP_quotient(S, f, INT(1)), "quotient: expected int, got 2.0");
  /* rounding */
  r = omniN_float(S, -2.5);
  CHECK_WRITE(S, omniP_round(S, r), "-2.0");
  CHECK_WRITE(S, omniP_floor(S, r), "-3.0");
  CHECK_WRITE(S, omniP_ceiling(S, r), "-2.0");
  CHECK_WRITE(S, omniP_truncate(S, r), "-2.0");
  CHECK_WRITE(S, omniP_inexact_to_exact(S, r), "-2");
  CHECK_WRITE(S, omniP_abs(S, r), "2.5");
  omni_drop(S, r);
  r = omniN_float(S, 3.5);
  CHECK_WRITE(S, omniP_round(S, r), "4.0");
  omni_drop(S, r);
  r = omniN_float(S, -0.4);
  CHECK_WRITE(S, omniP_round(S, r), "-0.0");
  omni_drop(S, r);
  CHECK_WRITE(S, omniP_round(S, INT(7)), "7");
  r = omniN_float(S, INFINITY);
  CHECK_ERROR(S, omniP_inexact_to_exact(S, r), "inexact->exact: cannot convert inf");
  omni_drop(S, r);
  r = omniN_float(S, 1e19);
  CHECK_ERROR(S, omniP_inexact_to_exact(S, r), "integer overflow");
  omni_drop(S, r);
  omni_drop(S, f);
}

static void test_compare(OState *S) {
  OValue a = omniN_float(S, 9007199254740992.0), n = omniN_float(S, NAN), args[3];
  CHECK(omniN_cmp2(S, "<", INT(9007199254740993), a) == 1);
  CHECK(omniN_cmp2(S, "<", a, INT(9007199254740993)) == -1);
  CHECK(omniN_cmp2(S, "=", INT(9007199254740992), a) == 0);
  CHECK(omniN_cmp2(S, "=", n, a) == 2);
  CHECK(omniN_cmp2(S, "=", INT(1), n) == 2);
  CHECK(omni_lt(S, INT(9007199254740993), a) == OMNI_NIL);
  CHECK(omni_gt(S, INT(9007199254740993), a) == OMNI_T);
  CHECK(omni_numeq(S, n, n) == OMNI_NIL);
  args[0] = INT(1);
  args[1] = INT(2);
  args[2] = INT(3);
  CHECK(omniP_lt(S, 3, args) == OMNI_T);
  CHECK(omniP_ge(S, 3, args) == OMNI_NIL);
  args[2] = n;
  CHECK(omniP_lt(S, 3, args) == OMNI_NIL);
  args[2] = OMNI_NIL;
  CHECK_ERROR(S, omniP_gt(S, 3, args), ">: expected number, got nil"); /* every argument checked first */
  args[0] = INT(3);
  args[1] = omniN_float(S, 2.0);
  CHECK_WRITE(S, omniP_max(S, 2, args), "3.0");
  CHECK_WRITE(S, omniP_min(S, 2, args), "2.0");
  omni_drop(S, args[1]);
  args[1] = n;
  CHECK_WRITE(S, omniP_max(S, 2, args), "nan");
  CHECK(omniP_zero_p(S, n) == OMNI_NIL);
  omni_drop(S, a);
  omni_drop(S, n);
}

static void test_conversions(OState *S) {
  static const struct {
    const char *text;
    const char *printed;
  } cases[] = {
      {"42", "42"},        {"-17", "-17"},    {"+5", "5"},         {"2.5", "2.5"},     {".5", "0.5"},
      {"1.", "1.0"},       {"1e3", "1000.0"}, {"-1.5", "-1.5"},    {"#x1F", "31"},     {"#b101", "5"},
      {"#X-ff", "-255"},   {"abc", "nil"},    {"12abc", "nil"},    {"", "nil"},        {" 42", "nil"},
      {"1/2", "nil"},      {"inf", "nil"},    {"nan", "nil"},      {"0x1F", "nil"},    {".", "nil"},
      {"1e", "nil"},       {"#b102", "nil"},  {"-", "nil"},        {"1e400", "inf"},   {"-0.0", "-0.0"},
      {"2305843009213693951", "2305843009213693951"},                {"2305843009213693952", "nil"},
      {"-2305843009213693952", "-2305843009213693952"},              {"99999999999999999999999", "nil"},
  };
  size_t k;
  OValue args[2], s;
  for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    s = STR(cases[k].text);
    CHECK_WRITE(S, omniP_string_to_number(S, s), cases[k].printed);
    omni_drop(S, s);
  }
  CHECK_ERROR(S, omniP_string_to_number(S, INT(1)), "string->number: expected string, got 1");
  args[0] = INT(-255);
  args[1] = INT(16);
  CHECK_WRITE(S, omniP_number_to_string(S, 2, args), "\"-ff\"");
  args[0] = INT(10);
  args[1] = INT(2);
  CHECK_WRITE(S, omniP_number_to_string(S, 2, args), "\"1010\"");
  args[1] = INT(3);
  CHECK_ERROR(S, omniP_number_to_string(S, 2, args), "number->string: invalid radix 3");
  args[0] = omniN_float(S, 1e-5);
  CHECK_WRITE(S, omniP_number_to_string(S, 1, args), "\"1e-05\"");
  CHECK_WRITE(S, omniP_exact_to_inexact(S, INT(OMNI_INT_MAX)), "2.305843009213694e+18");
  omni_drop(S, args[0]);
}

static void test_random(OState *S) {
  int i;
  static const char *expected[] = {"275413", "892291", "763858", "255764", "963250"};
  CHECK(omniP_random_seed_x(S, INT(42)) == OMNI_NIL);
  for (i = 0; i < 5; i++) CHECK_WRITE(S, omniP_random(S, INT(1000000)), expected[i]);
  omniP_random_seed_x(S, INT(-7));
  CHECK_WRITE(S, omniP_random(S, INT(OMNI_INT_MAX)), "873162196664854899");
  CHECK_WRITE(S, omniP_random(S, INT(OMNI_INT_MAX)), "1911765787152061101");
  for (i = 0; i < 100; i++) CHECK(omniP_random(S, INT(1)) == INT(0));
  CHECK_ERROR(S, omniP_random(S, INT(0)), "random: expected positive int, got 0");
  {
    OValue s = STR("x");
    CHECK_ERROR(S, omniP_random(S, s), "random: expected positive int, got \"x\"");
    omni_drop(S, s);
  }
}

static void test_strings(OState *S) {
  OValue s = STR("héllo wörld"), j = STR("日本語テキスト"), args[3], r, sep, l;
  CHECK_WRITE(S, omniP_string_length(S, s), "11");
  CHECK_WRITE(S, omniP_string_ref(S, s, INT(1)), "#\\é");
  CHECK_WRITE(S, omniP_string_ref(S, j, INT(2)), "#\\語");
  CHECK_ERROR(S, omniP_string_ref(S, j, INT(7)), "string-ref: index 7 out of range for length 7");
  CHECK_ERROR(S, omniP_string_ref(S, j, INT(-1)), "string-ref: index -1 out of range for length 7");
  args[0] = s;
  args[1] = INT(6);
  args[2] = INT(11);
  CHECK_WRITE(S, omniP_substring(S, 3, args), "\"wörld\"");
  CHECK_WRITE(S, omniP_substring(S, 2, args), "\"wörld\"");
  args[0] = j;
  args[1] = INT(2);
  args[2] = INT(4);
  CHECK_WRITE(S, omniP_substring(S, 3, args), "\"語テ\"");
  args[1] = INT(3);
  args[2] = INT(1);
  CHECK_ERROR(S, omniP_substring(S, 3, args), "substring: start 3 is greater than end 1");
  args[2] = INT(8);
  CHECK_ERROR(S, omniP_substring(S, 3, args), "substring: index 8 out of range for length 7");
  r = STR("テキ");
  CHECK_WRITE(S, omniP_string_index(S, j, r), "3");
  CHECK(omniP_string_contains_p(S, j, r) == OMNI_T);
  CHECK(omniP_string_contains_p(S, r, j) == OMNI_NIL);
  omni_drop(S, r);
  CHECK_WRITE(S, omniP_string_to_list(S, j), "(#\\日 #\\本 #\\語 #\\テ #\\キ #\\ス #\\ト)");
  l = omniP_string_to_list(S, s);
  CHECK_WRITE(S, omniP_list_to_string(S, l), "\"héllo wörld\"");
  omni_drop(S, l);
  l = omniL_cons(S, omni_mkchar('a'), INT(1));
  CHECK_ERROR(S, omniP_list_to_string(S, l), "list->string: expected list, got (#\\a . 1)");
  omni_drop(S, l);
  l = omniL_cons(S, omni_mkchar('a'), omniL_cons(S, INT(2), OMNI_NIL));
  CHECK_ERROR(S, omniP_list_to_string(S, l), "list->string: expected char, got 2");
  omni_drop(S, l);
  /* split and join */
  sep = STR(",");
  r = STR(",a,,b,");
  CHECK_WRITE(S, omniP_string_split(S, r, sep), "(\"\" \"a\" \"\" \"b\" \"\")");
  l = omniP_string_split(S, r, sep);
  args[0] = l;
  args[1] = sep;
  CHECK_WRITE(S, omniP_string_join(S, 2, args), "\",a,,b,\"");
  CHECK_WRITE(S, omniP_string_join(S, 1, args), "\"ab\"");
  omni_drop(S, l);
  omni_drop(S, r);
  r = STR("");
  CHECK_WRITE(S, omniP_string_split(S, r, sep), "(\"\")");
  CHECK_WRITE(S, omniP_string_split(S, sep, r), "(\",\")");
  CHECK_WRITE(S, omniP_string_split(S, j, r), "(\"日\" \"本\" \"語\" \"テ\" \"キ\" \"ス\" \"ト\")");
  args[0] = OMNI_NIL;
  CHECK_WRITE(S, omniP_string_join(S, 2, args), "\"\"");
  omni_drop(S, r);
  r = STR("a--b----c");
  omni_drop(S, sep);
  sep = STR("--");
  CHECK_WRITE(S, omniP_string_split(S, r, sep), "(\"a\" \"b\" \"\" \"c\")");
  omni_drop(S, r);
  r = STR("α,β,γ");
  omni_drop(S, sep);
  sep = STR(",");
  CHECK_DISPLAY(S, omniP_string_split(S, r, sep), "(α β γ)");
  args[0] = INT(5);
  args[1] = sep;
  CHECK_ERROR(S, omniP_string_join(S, 2, args), "string-join: expected list, got 5");
  args[1] = INT(5);
  CHECK_ERROR(S, omniP_string_join(S, 2, args), "string-join: expected string, got 5");
  CHECK_ERROR(S, omniP_string_split(S, r, INT(1)), "string-split: expected string, got 1");
  omni_drop(S, r);
  omni_drop(S, sep);
  /* append, compare, repeat, case */
  args[0] = s;
  args[1] = j;
  r = omniP_string_append(S, 2, args);
  CHECK_WRITE(S, omniP_string_length(S, r), "18");
  omni_drop(S, r);
  CHECK_WRITE(S, omniP_string_append(S, 0, args), "\"\"");
  CHECK(omniP_string_3c__p(S, 2, args) == OMNI_T); /* 'h' < '日' by code point */
  CHECK(omniP_string_3d__p(S, 2, args) == OMNI_NIL);
  args[1] = s;
  CHECK(omniP_string_3d__p(S, 2, args) == OMNI_T);
  r = STR("λ");
  CHECK_WRITE(S, omniP_string_repeat(S, r, INT(3)), "\"λλλ\"");
  CHECK_WRITE(S, omniP_string_repeat(S, r, INT(0)), "\"\"");
  CHECK_ERROR(S, omniP_string_repeat(S, r, INT(-1)), "string-repeat: expected non-negative int, got -1");
  omni_drop(S, r);
  r = STR("straße façade ÀÉÎ Ωλ Жж ǅ");
  CHECK_WRITE(S, omniP_string_upcase(S, r), "\"STRAßE FAÇADE ÀÉÎ ΩΛ ЖЖ Ǆ\"");
  CHECK_WRITE(S, omniP_string_downcase(S, r), "\"straße façade àéî ωλ жж ǆ\"");
  omni_drop(S, r);
  r = STR("Hello, World");
  CHECK_WRITE(S, omniP_string_upcase(S, r), "\"HELLO, WORLD\"");
  omni_drop(S, r);
  CHECK_ERROR(S, omniP_string_length(S, INT(3)), "string-length: expected string, got 3");
  omni_drop(S, s);
  omni_drop(S, j);
}

static void test_chars(OState *S) {
  CHECK_WRITE(S, omniP_char_upcase(S, omni_mkchar(0x3BB)), "#\\Λ");
  CHECK_WRITE(S, omniP_char_downcase(S, omni_mkchar(0x416)), "#\\ж");
  CHECK_WRITE(S, omniP_char_upcase(S, omni_mkchar(0xDF)), "#\\ß");
  CHECK_WRITE(S, omniP_char_upcase(S, omni_mkchar(0xFF)), "#\\Ÿ");
  CHECK_WRITE(S, omniP_char_upcase(S, omni_mkchar(0x17F)), "#\\S"); /* long s */
  CHECK_WRITE(S, omniP_char_downcase(S, omni_mkchar(0x130)), "#\\i");
  CHECK_WRITE(S, omniP_char_upcase(S, omni_mkchar(0x1F80)), "#\\ᾈ");
  CHECK_WRITE(S, omniP_char_upcase(S, omni_mkchar('1')), "#\\1");
  CHECK(omniP_char_alphabetic_p(S, omni_mkchar(0xE9)) == OMNI_T);
  CHECK(omniP_char_alphabetic_p(S, omni_mkchar(0x3BB)) == OMNI_T);
  CHECK(omniP_char_alphabetic_p(S, omni_mkchar('8')) == OMNI_NIL);
  CHECK(omniP_char_alphabetic_p(S, omni_mkchar('!')) == OMNI_NIL);
  CHECK(omniP_char_numeric_p(S, omni_mkchar(0x663)) == OMNI_T);
  CHECK(omniP_char_numeric_p(S, omni_mkchar('7')) == OMNI_T);
  CHECK(omniP_char_numeric_p(S, omni_mkchar(0xB2)) == OMNI_NIL); /* superscript two is No */
  CHECK(omniP_char_whitespace_p(S, omni_mkchar(0x3000)) == OMNI_T);
  CHECK(omniP_char_whitespace_p(S, omni_mkchar(0xA0)) == OMNI_T);
  CHECK(omniP_char_whitespace_p(S, omni_mkchar('_')) == OMNI_NIL);
  CHECK_WRITE(S, omniP_char_to_integer(S, omni_mkchar(0x1F600)), "128512");
  CHECK_WRITE(S, omniP_integer_to_char(S, INT(8364)), "#\\€");
  CHECK_ERROR(S, omniP_integer_to_char(S, INT(0xD800)), "integer->char: invalid code point 55296");
  CHECK_ERROR(S, omniP_integer_to_char(S, INT(0x110000)), "integer->char: invalid code point 1114112");
  CHECK_ERROR(S, omniP_char_to_integer(S, INT(1)), "char->integer: expected char, got 1");
}

static void test_symbols(OState *S) {
  OValue a = omniS_symbol("abc", 3), b, s, g1, g2, args[1];
  CHECK(a == omniS_symbol("abc", 3));
  CHECK(a != omniS_keyword("abc", 3));
  CHECK(omniS_keyword("k", 1) == omniS_keyword("k", 1));
  CHECK(omni_obj(a)->flags & OF_IMMORTAL);
  s = STR("abc");
  b = omniP_string_to_symbol(S, s);
  CHECK(a == b);
  omni_drop(S, s);
  CHECK_WRITE(S, omniP_symbol_to_string(S, a), "\"abc\"");
  CHECK_WRITE(S, omniP_keyword_to_string(S, omniS_keyword("foo", 3)), "\"foo\"");
  CHECK_ERROR(S, omniP_symbol_to_string(S, omniS_keyword("foo", 3)), "symbol->string: expected symbol, got :foo");
  CHECK(omniP_symbol_p(S, a) == OMNI_T && omniP_keyword_p(S, a) == OMNI_NIL);
  /* many symbols: the table grows */
  {
    char name[32];
    int i;
    OValue first = omniS_symbol("sym0", 4);
    for (i = 0; i < 5000; i++) {
      int n = snprintf(name, sizeof name, "sym%d", i);
      CHECK(omni_type_is(omniS_symbol(name, (size_t)n), OT_SYMBOL));
    }
    CHECK(first == omniS_symbol("sym0", 4));
  }
  g1 = omniP_gensym(S, 0, args);
  g2 = omniP_gensym(S, 0, args);
  CHECK(g1 != g2 && omni_type_is(g1, OT_SYMBOL));
  CHECK(((OSymbol *)g1)->name[0] == 'g' && ((OSymbol *)g1)->len > 1);
  CHECK(strspn(((OSymbol *)g1)->name + 1, "0123456789") == ((OSymbol *)g1)->len - 1);
  CHECK(g1 != omniS_symbol(((OSymbol *)g1)->name, ((OSymbol *)g1)->len)); /* uninterned */
  args[0] = STR("tmp");
  g1 = omniP_gensym(S, 1, args);
  CHECK(strncmp(((OSymbol *)g1)->name, "tmp", 3) == 0);
  omni_drop(S, args[0]);
}

static void test_str(OState *S) {
  OValue args[4], l;
  args[0] = STR("x=");
  args[1] = INT(42);
  args[2] = omniN_float(S, 2.5);
  args[3] = omni_mkchar('c');
  CHECK_WRITE(S, omniP_str(S, 4, args), "\"x=422.5c\"");
  CHECK_WRITE(S, omniP_str(S, 0, args), "\"\"");
  omni_drop(S, args[0]);
  omni_drop(S, args[2]);
  l = omniL_cons(S, INT(1), omniL_cons(S, STR("two"), omniL_cons(S, omni_mkchar('3'), OMNI_NIL)));
  args[0] = l;
  args[1] = OMNI_NIL;
  args[2] = OMNI_T;
  CHECK_WRITE(S, omniP_str(S, 3, args), "\"(1 two 3)nilt\"");
  omni_drop(S, l);
  {
    OValue r = omniS_from_utf8(S, "a\xff" "b\xe2\x82" "c\xf0\x9f\x98\x80", 10);
    CHECK_WRITE(S, r, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xf0\x9f\x98\x80\"");
  }
}

static OValue run(OState *S) {
  test_float_format();
  test_int_arith(S);
  test_compare(S);
  test_conversions(S);
  test_random(S);
  test_strings(S);
  test_chars(S);
  test_symbols(S);
  test_str(S);
  return OMNI_NIL;
}

int main(int argc, char **argv) {
  int status = omniR_main(argc, argv, run);
  if (status != 0 || failures != 0) {
    fprintf(stderr, "test_numbers_strings: %d failure(s), status %d\n", failures, status);
    return 1;
  }
  printf("test_numbers_strings: ok\n");
  return 0;
}
