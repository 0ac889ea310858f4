/*
** test_printing.c — io.c: display and write forms of every value type (printer.ts byte for byte),
** a 1,000,000-element list printed without recursion, the buffered stdout behind display/write/
** print/newline, and read-line (\n and \r\n stripped, nil at end of input, invalid UTF-8 replaced).
** Runs under ASan/LSan: everything allocated is released.
*/
#include "omnilisp.h"
#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define INT(i) omni_mkint(i)
#define STR(s) omniS_cstring(S, s)
#define SYM(s) omniS_symbol(s, strlen(s))
#define KW(s) omniS_keyword(s, strlen(s))

/* Checks both printed forms of v (borrowed). */
static void check_both(OState *S, int line, OValue v, const char *display, const char *write) {
  int mode;
  for (mode = 0; mode < 2; mode++) {
    OBuf b = {0};
    const char *expected = mode ? write : display;
    if (omniIO_print(S, &b, v, mode) < 0) {
      fprintf(stderr, "%s:%d: printing raised\n", __FILE__, line);
      failures++;
    }
    omniIO_buf_put(&b, "", 1);
    if (strcmp(b.data, expected) != 0) {
      fprintf(stderr, "%s:%d: %s printed %s, expected %s\n", __FILE__, line, mode ? "write" : "display", b.data,
              expected);
      failures++;
    }
    free(b.data);
  }
}
#define CHECK_BOTH(S, v, d, w) check_both(S, __LINE__, v, d, w)

/* Same, consuming v. */
static void check_both_take(OState *S, int line, OValue v, const char *display, const char *write) {
  check_both(S, line, v, display, write);
  omni_drop(S, v);
}
#define CHECK_BOTH_TAKE(S, v, d, w) check_both_take(S, __LINE__, v, d, w)

static OValue list3(OState *S, OValue a, OValue b, OValue c) {
  return omniL_cons(S, a, omniL_cons(S, b, omniL_cons(S, c, OMNI_NIL)));
}

static void test_atoms(OState *S) {
  CHECK_BOTH(S, OMNI_NIL, "nil", "nil");
  CHECK_BOTH(S, OMNI_T, "t", "t");
  CHECK_BOTH(S, INT(-42), "-42", "-42");
  CHECK_BOTH(S, INT(OMNI_INT_MIN), "-2305843009213693952", "-2305843009213693952");
  CHECK_BOTH_TAKE(S, omniN_float(S, 2.5), "2.5", "2.5");
  CHECK_BOTH_TAKE(S, omniN_float(S, -0.0), "-0.0", "-0.0");
  CHECK_BOTH_TAKE(S, omniN_float(S, 1e16), "1e+16", "1e+16");
  CHECK_BOTH_TAKE(S, omniN_float(S, NAN), "nan", "nan");
  CHECK_BOTH(S, omni_mkchar('a'), "a", "#\\a");
  CHECK_BOTH(S, omni_mkchar(0x3BB), "λ", "#\\λ");
  CHECK_BOTH(S, omni_mkchar(' '), " ", "#\\space");
  CHECK_BOTH(S, omni_mkchar('\n'), "\n", "#\\newline");
  CHECK_BOTH(S, omni_mkchar('\t'), "\t", "#\\tab");
  CHECK_BOTH(S, omni_mkchar('\r'), "\r", "#\\return");
  CHECK_BOTH(S, omni_mkchar(0), "", "#\\nul"); /* display of NUL is one zero byte */
  CHECK_BOTH(S, omni_mkchar(1), "\x01", "#\\x1");
  CHECK_BOTH(S, omni_mkchar(0x1B), "\x1b", "#\\x1b");
  CHECK_BOTH(S, omni_mkchar(0x7F), "\x7f", "#\\x7f");
  CHECK_BOTH(S, omni_mkchar(0x85), "\xc2\x85", "#\\x85");
  CHECK_BOTH(S, omni_mkchar(0xA0), "\xc2\xa0", "#\\\xc2\xa0");
  CHECK_BOTH(S, omni_mkchar(0x1F600), "😀", "#\\😀");
  CHECK_BOTH(S, SYM("set-car!"), "set-car!", "set-car!");
  CHECK_BOTH(S, KW("keyword"), ":keyword", ":keyword");
  CHECK_BOTH_TAKE(S, STR("plain"), "plain", "\"plain\"");
  CHECK_BOTH_TAKE(S, STR(""), "", "\"\"");
  CHECK_BOTH_TAKE(S, STR("quote\" backslash\\ newline\n tab\t cr\r end"),
                  "quote\" backslash\\ newline\n tab\t cr\r end",
                  "\"quote\\\" backslash\\\\ newline\\n tab\\t cr\\r end\"");
  CHECK_BOTH_TAKE(S, omniS_string(S, "a\x1b" "b\0c\x7f\xc2\x85\xc2\xa0é", 12), "a\x1b" "b",
                  "\"a\\x1b;b\\x0;c\\x7f;\\x85;\xc2\xa0é\"");
}

static void test_lists(OState *S) {
  OValue l, inner, v, big;
  size_t i;
  l = list3(S, INT(1), STR("two"), omni_mkchar('3'));
  l = omniL_cons(S, SYM("sym"), l);
  CHECK_BOTH(S, l, "(sym 1 two 3)", "(sym 1 \"two\" #\\3)");
  omni_drop(S, l);
  CHECK_BOTH_TAKE(S, omniL_cons(S, INT(1), INT(2)), "(1 . 2)", "(1 . 2)");
  /* (a (b (c)) . d) */
  inner = omniL_cons(S, SYM("b"), omniL_cons(S, omniL_cons(S, SYM("c"), OMNI_NIL), OMNI_NIL));
  l = omniL_cons(S, SYM("a"), omniL_cons(S, inner, SYM("d")));
  CHECK_BOTH_TAKE(S, l, "(a (b (c)) . d)", "(a (b (c)) . d)");
  l = list3(S, SYM("quote"), SYM("x"), OMNI_NIL);
  CHECK_BOTH_TAKE(S, l, "(quote x nil)", "(quote x nil)");
  /* vectors nested in lists and lists in vectors */
  v = omniV_new(S, 3, OMNI_NIL);
  ((OVector *)v)->items[0] = STR("s");
  ((OVector *)v)->items[1] = omni_mkchar('c');
  ((OVector *)v)->items[2] = list3(S, INT(1), omniN_float(S, 0.1), STR("x\n"));
  CHECK_BOTH(S, v, "[s c (1 0.1 x\n)]", "[\"s\" #\\c (1 0.1 \"x\\n\")]");
  l = omniL_cons(S, v, omniL_cons(S, omniV_new(S, 0, OMNI_NIL), OMNI_NIL));
  CHECK_BOTH_TAKE(S, l, "([s c (1 0.1 x\n)] [])", "([\"s\" #\\c (1 0.1 \"x\\n\")] [])");
  /* a 1,000,000-element list prints by looping along cdr */
  big = OMNI_NIL;
  for (i = 0; i < 1000000; i++) big = omniL_cons(S, INT(7), big);
  {
    OBuf b = {0};
    CHECK(omniIO_print(S, &b, big, 1) == 0);
    CHECK(b.len == 2 * 1000000 + 1);
    CHECK(b.data[0] == '(' && b.data[b.len - 1] == ')');
    free(b.data);
  }
  omni_drop(S, big);
}

static void test_containers(OState *S) {
  OValue d = omniD_new(S), k2 = STR("k2"), v1 = STR("v"), l, a, e;
  CHECK_BOTH(S, d, "#{}", "#{}");
  CHECK(omniD_set(S, (ODict *)d, KW("k"), v1) == 0);
  CHECK(omniD_set(S, (ODict *)d, k2, omni_mkchar('c')) == 0);
  CHECK(omniD_set(S, (ODict *)d, INT(3), OMNI_NIL) == 0);
  CHECK_BOTH(S, d, "#{:k v k2 c 3 nil}", "#{:k \"v\" \"k2\" #\\c 3 nil}");
  omni_drop(S, omniP_dict_remove_x(S, d, k2));
  CHECK_BOTH(S, d, "#{:k v 3 nil}", "#{:k \"v\" 3 nil}");
  omni_drop(S, k2);
  omni_drop(S, v1);
  omni_drop(S, d);
  /* procedures, atoms, errors, channels */
  CHECK_BOTH(S, (OValue)&omniK_car, "#<procedure car>", "#<procedure car>");
  CHECK_BOTH(S, (OValue)&omniK_exact_to_inexact, "#<procedure exact->inexact>", "#<procedure exact->inexact>");
  {
    OClosure *c = omniF_closure(S, NULL, NULL, 0, 0, 0);
    CHECK_BOTH(S, (OValue)c, "#<procedure>", "#<procedure>");
    omni_drop(S, (OValue)c);
    c = omniF_closure(S, NULL, "named-fn", 0, 0, 0);
    CHECK_BOTH(S, (OValue)c, "#<procedure named-fn>", "#<procedure named-fn>");
    omni_drop(S, (OValue)c);
  }
  a = omniT_atom(S, STR("hi"));
  CHECK_BOTH(S, a, "#<atom \"hi\">", "#<atom \"hi\">");
  omni_drop(S, a);
  a = omniT_atom(S, list3(S, INT(1), omni_mkchar('c'), omniV_new(S, 1, INT(2))));
  CHECK_BOTH(S, a, "#<atom (1 #\\c [2])>", "#<atom (1 #\\c [2])>");
  omni_drop(S, a);
  e = omniE_make(S, STR("bad \"thing\""), omniL_cons(S, INT(1), OMNI_NIL));
  CHECK_BOTH(S, e, "#<error bad \"thing\">", "#<error \"bad \\\"thing\\\"\">");
  l = omniL_cons(S, e, OMNI_NIL);
  CHECK_BOTH_TAKE(S, l, "(#<error bad \"thing\">)", "(#<error \"bad \\\"thing\\\"\">)");
  a = omniP_channel(S, 0, NULL);
  CHECK_BOTH(S, a, "#<channel>", "#<channel>");
  omni_drop(S, a);
}

/* Reads the whole file at path into a NUL-terminated malloc'd string. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *data = malloc(1 << 16);
  size_t n = f ? fread(data, 1, (1 << 16) - 1, f) : 0;
  if (f) fclose(f);
  data[n] = 0;
  *len = n;
  return data;
}

static void test_stdout(OState *S) {
  char path[] = "/tmp/omni_test_printing_XXXXXX";
  int fd = mkstemp(path), saved = dup(1);
  OValue args[3];
  size_t len;
  char *text;
  const char *expected = "a 1 b\n\n\"written\" displayed\n42!";
  CHECK(fd >= 0);
  omniIO_flush();
  fflush(stdout);
  dup2(fd, 1);
  args[0] = STR("a");
  args[1] = INT(1);
  args[2] = SYM("b");
  omniP_print(S, 3, args);
  omni_drop(S, args[0]);
  omni_drop(S, args[1]);
  args[0] = omniN_float(S, 2.5);
  omniIO_out("", 0);
  omniIO_flush();
  omniP_print(S, 0, args); /* a bare newline is printed after the line above */
  omni_drop(S, args[0]);
  args[0] = STR("written");
  CHECK(omniP_write(S, args[0]) == OMNI_NIL);
  CHECK(omniP_display(S, SYM(" displayed")) == OMNI_NIL);
  CHECK(omniP_newline(S) == OMNI_NIL);
  omni_drop(S, args[0]);
  omniP_display(S, INT(42));
  omniP_display(S, omni_mkchar('!'));
  omniIO_flush();
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  close(fd);
  text = slurp(path, &len);
  unlink(path);
  if (strcmp(text, expected) != 0) {
    fprintf(stderr, "%s:%d: stdout was [%s], expected [%s]\n", __FILE__, __LINE__, text, expected);
    failures++;
  }
  free(text);
}

static void check_line(OState *S, int line, const char *expected) {
  OValue r = omniP_read_line(S);
  if (expected == NULL) {
    if (r != OMNI_NIL) {
      fprintf(stderr, "%s:%d: read-line returned a value, expected nil\n", __FILE__, line);
      failures++;
    }
  } else if (!omni_is_string(r) || strcmp(omni_str(r)->data, expected) != 0) {
    fprintf(stderr, "%s:%d: read-line returned [%s], expected [%s]\n", __FILE__, line,
            omni_is_string(r) ? omni_str(r)->data : "?", expected);
    failures++;
  }
  omni_drop(S, r);
}
#define CHECK_LINE(S, text) check_line(S, __LINE__, text)

static void test_read_line(OState *S) {
  char path[] = "/tmp/omni_test_stdin_XXXXXX";
  int fd = mkstemp(path);
  static const char input[] = "first\r\nsecond\n\nünïcödé\nbad\xff\xfe\nlast without newline";
  OValue r;
  CHECK(fd >= 0);
  CHECK(write(fd, input, sizeof input - 1) == (ssize_t)(sizeof input - 1));
  close(fd);
  CHECK(freopen(path, "rb", stdin) != NULL);
  CHECK_LINE(S, "first");
  CHECK_LINE(S, "second");
  CHECK_LINE(S, "");
  r = omniP_read_line(S);
  CHECK(omni_is_string(r) && omni_str(r)->nchars == 7 && omni_str(r)->len == 11);
  omni_drop(S, r);
  CHECK_LINE(S, "bad\xef\xbf\xbd\xef\xbf\xbd");
  CHECK_LINE(S, "last without newline");
  CHECK_LINE(S, NULL);
  CHECK_LINE(S, NULL);
  unlink(path);
}

static OValue run(OState *S) {
  test_atoms(S);
  test_lists(S);
  test_containers(S);
  test_stdout(S);
  test_read_line(S);
  return OMNI_NIL;
}

int main(int argc, char **argv) {
  int status = omniR_main(argc, argv, run);
  if (status != 0 || failures != 0) {
    fprintf(stderr, "test_printing: %d failure(s), status %d\n", failures, status);
    return 1;
  }
  printf("test_printing: ok\n");
  return 0;
}
