// Unit tests of the reader against LANGUAGE.md §1 ("Reading") and §10 ("Reader"): every syntax,
// the positions it records, and every reader error with its exact FILE:LINE:COL.
import { describe, expect, it } from 'vitest';
import { CompileError } from './errors.js';
import { elementLocs, parseNumber, readProgram } from './reader.js';
import { Char, Dict, Flo, Keyword, type Loc, Pair, Sym, type Value } from './values.js';

const FILE = 'prog.omni';

// ---------------------------------------------------------------------------------------------
// Helpers

/** A plain, comparable picture of a datum (symbols, keywords, floats, chars... kept apart). */
type Plain =
  | null
  | true
  | number
  | bigint
  | string
  | { sym: string }
  | { kw: string }
  | { float: number }
  | { char: number }
  | { vector: Plain[] }
  | { dict: [Plain, Plain][] }
  | { dotted: Plain[]; tail: Plain }
  | Plain[];

function plain(v: Value): Plain {
  if (v === null || v === true || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  if (v instanceof Sym) return { sym: v.name };
  if (v instanceof Keyword) return { kw: v.name };
  if (v instanceof Flo) return { float: v.v };
  if (v instanceof Char) return { char: v.code };
  if (Array.isArray(v)) return { vector: v.map(plain) };
  if (v instanceof Dict) return { dict: [...v.entries.values()].map(([k, x]) => [plain(k), plain(x)] as [Plain, Plain]) };
  if (v instanceof Pair) {
    const items: Plain[] = [];
    let cur: Value = v;
    while (cur instanceof Pair) {
      items.push(plain(cur.car));
      cur = cur.cdr;
    }
    return cur === null ? items : { dotted: items, tail: plain(cur) };
  }
  throw new Error('plain: unexpected value');
}

const S = (name: string): Plain => ({ sym: name });
const K = (name: string): Plain => ({ kw: name });
const Fl = (x: number): Plain => ({ float: x });
const C = (code: number): Plain => ({ char: code });
const V = (...items: Plain[]): Plain => ({ vector: items });
const Q = (head: string, x: Plain): Plain => [S(head), x];

function read(src: string): Value[] {
  return readProgram(src, FILE).map((d) => d.value);
}

function read1(src: string): Value {
  const ds = readProgram(src, FILE);
  expect(ds).toHaveLength(1);
  return ds[0].value;
}

function readPlain(src: string): Plain {
  return plain(read1(src));
}

function loc(line: number, col: number): Loc {
  return { file: FILE, line, col };
}

/** The CompileError that reading `src` raises (fails the test when reading succeeds or throws anything else). */
function readError(src: string, file = FILE): CompileError {
  let caught: unknown;
  try {
    readProgram(src, file);
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) throw new Error(`expected a reader error for ${JSON.stringify(src)}`);
  expect(caught).toBeInstanceOf(CompileError);
  return caught as CompileError;
}

function expectError(src: string, line: number, col: number, detail: string): void {
  const e = readError(src);
  expect(e.message).toBe(`${FILE}:${line}:${col}: ${detail}`);
  expect(e.detail).toBe(detail);
  expect(e.loc).toEqual(loc(line, col));
}

/** The cells of a list, with their recorded positions. */
function cells(v: Value): Pair[] {
  const out: Pair[] = [];
  while (v instanceof Pair) {
    out.push(v);
    v = v.cdr;
  }
  return out;
}

function cellLocs(v: Value): (Loc | undefined)[] {
  return cells(v).map((p) => p.loc);
}

const INT_MAX = 2n ** 61n - 1n;
const INT_MIN = -(2n ** 61n);

// ---------------------------------------------------------------------------------------------
// Syntax

describe('reader: integers', () => {
  it('reads decimal integers with and without signs', () => {
    expect(read('42 -7 +3 0 -0 +0 007')).toEqual([42, -7, 3, 0, 0, 0, 7]);
    for (const v of read('42 -7 +3')) expect(typeof v).toBe('number');
  });

  it('reads #x hexadecimal and #b binary integers', () => {
    expect(read('#x1F #x1f #xff #X10 #x0')).toEqual([31, 31, 255, 16, 0]);
    expect(read('#b101 #b0 #B11 #b11111111')).toEqual([5, 0, 3, 255]);
  });

  it('reads signed radix integers', () => {
    expect(read('#x-1F #b-101 #x+10')).toEqual([-31, -5, 16]);
  });

  it('reads the limits of the 62-bit range', () => {
    expect(read1('2305843009213693951')).toBe(INT_MAX);
    expect(read1('-2305843009213693952')).toBe(INT_MIN);
    expect(read1('#x1FFFFFFFFFFFFFFF')).toBe(INT_MAX);
    expect(read1('#x-2000000000000000')).toBe(INT_MIN);
    expect(read1('#b' + '1'.repeat(61))).toBe(INT_MAX);
  });

  it('keeps integers in the safe range as JS numbers and larger ones as bigints', () => {
    expect(read1('9007199254740991')).toBe(9007199254740991);
    expect(read1('9007199254740992')).toBe(9007199254740992n);
    expect(read1('-9007199254740993')).toBe(-9007199254740993n);
  });

  it('rejects integer literals just beyond the range', () => {
    expectError('2305843009213693952', 1, 1, 'integer literal out of range');
    expectError('-2305843009213693953', 1, 1, 'integer literal out of range');
    expectError('+2305843009213693952', 1, 1, 'integer literal out of range');
    expectError('#x2000000000000000', 1, 1, 'integer literal out of range');
    expectError('#x-2000000000000001', 1, 1, 'integer literal out of range');
    expectError('#b1' + '0'.repeat(61), 1, 1, 'integer literal out of range');
    expectError('99999999999999999999999999999', 1, 1, 'integer literal out of range');
  });

  it('parseNumber agrees with the reader', () => {
    expect(parseNumber('42')).toBe(42);
    expect(parseNumber('+5')).toBe(5);
    expect(parseNumber('#x1F')).toBe(31);
    expect(parseNumber('#b101')).toBe(5);
    expect(parseNumber('2305843009213693951')).toBe(INT_MAX);
    expect(parseNumber('2305843009213693952')).toBeNull();
    expect(parseNumber('-1.5')).toEqual(new Flo(-1.5));
    expect(parseNumber('1e3')).toEqual(new Flo(1000));
    for (const text of ['abc', '', '-', '+', '.', '...', '1+', '#x', '#xG', '#b2', '1/2', '1e', 'e1', '--1', '1.5.2']) {
      expect(parseNumber(text)).toBeUndefined();
    }
  });
});

describe('reader: floats', () => {
  it('reads every float form of §1', () => {
    expect(read('3.14 -0.5 1e10 2.5e-3 .5 1.').map(plain)).toEqual([
      Fl(3.14),
      Fl(-0.5),
      Fl(1e10),
      Fl(2.5e-3),
      Fl(0.5),
      Fl(1),
    ]);
  });

  it('reads exponents, signs and upper-case E', () => {
    expect(read('1E3 1e+3 +1.5 -.5 +.5 1.5e-07 1e+16 5e-324').map(plain)).toEqual([
      Fl(1000),
      Fl(1000),
      Fl(1.5),
      Fl(-0.5),
      Fl(0.5),
      Fl(1.5e-7),
      Fl(1e16),
      Fl(5e-324),
    ]);
  });

  it('keeps floats that are integral as floats, and distinguishes -0.0', () => {
    const [a, b, c] = read('1.0 0.0 -0.0');
    expect(a).toBeInstanceOf(Flo);
    expect((a as Flo).v).toBe(1);
    expect(Object.is((b as Flo).v, 0)).toBe(true);
    expect(Object.is((c as Flo).v, -0)).toBe(true);
  });
});

describe('reader: strings', () => {
  it('reads the example of §1', () => {
    expect(read1('"a\\n\\t\\\\\\"\\x41;"')).toBe('a\n\t\\"A');
  });

  it('reads every escape', () => {
    expect(read1('"\\n"')).toBe('\n');
    expect(read1('"\\t"')).toBe('\t');
    expect(read1('"\\r"')).toBe('\r');
    expect(read1('"\\0"')).toBe('\0');
    expect(read1('"\\\\"')).toBe('\\');
    expect(read1('"\\""')).toBe('"');
  });

  it('reads \\xHEX; escapes of any length and case, including astral code points', () => {
    expect(read1('"\\x41;\\x3bb;\\x3BB;"')).toBe('Aλλ');
    expect(read1('"\\x1F600;"')).toBe('😀');
    expect(read1('"\\x0;"')).toBe('\0');
    expect(read1('"\\x00041;"')).toBe('A');
    expect(read1('"\\x10FFFF;"')).toBe('\u{10ffff}');
  });

  it('reads the empty string and non-ASCII text unchanged', () => {
    expect(read1('""')).toBe('');
    expect(read1('"λ 😀 é"')).toBe('λ 😀 é');
  });

  it('keeps a raw newline (and tab) inside a string', () => {
    expect(read1('"line1\nline2"')).toBe('line1\nline2');
    expect(read1('"a\tb"')).toBe('a\tb');
    expect(read1('"a\r\nb"')).toBe('a\r\nb');
  });

  it('does not treat comment or bracket characters inside strings specially', () => {
    expect(read('"; not a comment" "#| nor this" "(" "]"')).toEqual(['; not a comment', '#| nor this', '(', ']']);
  });
});

describe('reader: characters', () => {
  it('reads single characters', () => {
    expect(read('#\\a #\\Z #\\0 #\\λ #\\😀').map(plain)).toEqual([C(97), C(90), C(48), C(0x3bb), C(0x1f600)]);
  });

  it('reads every character name of §1 and §10', () => {
    const names: [string, number][] = [
      ['alarm', 7],
      ['backspace', 8],
      ['delete', 0x7f],
      ['escape', 0x1b],
      ['newline', 10],
      ['nul', 0],
      ['null', 0],
      ['return', 13],
      ['space', 32],
      ['tab', 9],
    ];
    for (const [name, code] of names) expect(readPlain('#\\' + name)).toEqual(C(code));
  });

  it('reads #\\xHEX', () => {
    expect(readPlain('#\\x3bb')).toEqual(C(0x3bb));
    expect(readPlain('#\\x3BB')).toEqual(C(0x3bb));
    expect(readPlain('#\\x41')).toEqual(C(0x41));
    expect(readPlain('#\\x1f600')).toEqual(C(0x1f600));
    expect(readPlain('#\\x7f')).toEqual(C(0x7f));
  });

  it('reads #\\x alone as the letter x', () => {
    expect(readPlain('#\\x')).toEqual(C(0x78));
  });

  it('reads delimiter characters', () => {
    expect(read('#\\( #\\) #\\[ #\\] #\\; #\\" #\\{').map(plain)).toEqual(
      ['(', ')', '[', ']', ';', '"', '{'].map((c) => C(c.codePointAt(0)!)),
    );
    expect(readPlain('(#\\( #\\))')).toEqual([C(40), C(41)]);
    expect(readPlain('(#\\))')).toEqual([C(41)]);
  });

  it('reads a whitespace character after #\\', () => {
    expect(readPlain('#\\ ')).toEqual(C(32));
  });
});

describe('reader: nil, t and booleans', () => {
  it('reads nil, () and #f as nil', () => {
    expect(read('nil () #f ( ) [ ]')).toEqual([null, null, null, null, []]);
  });

  it('reads t and #t as t', () => {
    expect(read('t #t')).toEqual([true, true]);
  });

  it('reads names that merely start like the constants as symbols', () => {
    expect(read('nil? tt nil-x').map(plain)).toEqual([S('nil?'), S('tt'), S('nil-x')]);
  });
});

describe('reader: keywords and symbols', () => {
  it('reads keywords, interned', () => {
    const [a, b, c] = read(':name :name :a.b');
    expect(a).toBeInstanceOf(Keyword);
    expect(a).toBe(b);
    expect((a as Keyword).name).toBe('name');
    expect((c as Keyword).name).toBe('a.b');
  });

  it('reads the symbols of §1 and §10, interned', () => {
    const src = 'foo set-car! -> a.b λ ... 1+ - + * / <= string->number x? 1.5.2 😀 .b';
    const names = src.split(' ');
    const vals = read(src);
    expect(vals.map(plain)).toEqual(names.map(S));
    for (let i = 0; i < names.length; i++) expect(vals[i]).toBe(Sym.of(names[i]));
  });

  it('reads symbols, keywords and numbers that touch brackets', () => {
    expect(readPlain('(a(b)c[d]:e"f")')).toEqual([S('a'), [S('b')], S('c'), V(S('d')), K('e'), 'f']);
  });
});

describe('reader: lists, vectors and dicts', () => {
  it('reads proper and nested lists', () => {
    expect(readPlain('(a b c)')).toEqual([S('a'), S('b'), S('c')]);
    expect(readPlain('(1 (2 (3)) ())')).toEqual([1, [2, [3]], null]);
  });

  it('reads dotted lists', () => {
    expect(readPlain('(a b . c)')).toEqual({ dotted: [S('a'), S('b')], tail: S('c') });
    expect(readPlain('(1 . 2)')).toEqual({ dotted: [1], tail: 2 });
    expect(readPlain('(a . (b c))')).toEqual([S('a'), S('b'), S('c')]);
    expect(readPlain('(a . ())')).toEqual([S('a')]);
    expect(readPlain('(a .\n b)')).toEqual({ dotted: [S('a')], tail: S('b') });
    expect(readPlain('(a . [1])')).toEqual({ dotted: [S('a')], tail: V(1) });
  });

  it('reads vectors as arrays', () => {
    const v = read1('[a 1 "s" [2] (3)]');
    expect(Array.isArray(v)).toBe(true);
    expect(plain(v)).toEqual(V(S('a'), 1, 's', V(2), [3]));
    expect(read1('[]')).toEqual([]);
  });

  it('reads dict literals in order', () => {
    const d = read1('#{:a 1 :b "x" 3 [4]}');
    expect(d).toBeInstanceOf(Dict);
    expect(plain(d)).toEqual({ dict: [[K('a'), 1], [K('b'), 'x'], [3, V(4)]] });
    expect(plain(read1('#{}'))).toEqual({ dict: [] });
  });

  it('keeps the first position and the last value of a duplicate dict key', () => {
    expect(plain(read1('#{:a 1 :b 2 :a 3}'))).toEqual({ dict: [[K('a'), 3], [K('b'), 2]] });
    expect(plain(read1('#{"k" 1 2 2 "k" 9 2 8}'))).toEqual({ dict: [['k', 9], [2, 8]] });
  });

  it('treats 1 and 1.0 as distinct dict keys', () => {
    expect(plain(read1('#{1 :int 1.0 :float}'))).toEqual({ dict: [[1, K('int')], [Fl(1), K('float')]] });
  });
});

describe('reader: quote sugar', () => {
  it("reads ' ` , ,@ as two-element lists", () => {
    expect(read("'x `x ,x ,@x").map(plain)).toEqual([
      Q('quote', S('x')),
      Q('quasiquote', S('x')),
      Q('unquote', S('x')),
      Q('unquote-splicing', S('x')),
    ]);
  });

  it('applies sugar to any datum, nested', () => {
    expect(readPlain("'(a b)")).toEqual(Q('quote', [S('a'), S('b')]));
    expect(readPlain("''a")).toEqual(Q('quote', Q('quote', S('a'))));
    expect(readPlain('`(a ,b ,@c)')).toEqual(Q('quasiquote', [S('a'), Q('unquote', S('b')), Q('unquote-splicing', S('c'))]));
    expect(readPlain('`[1 ,x ,@xs]')).toEqual(Q('quasiquote', V(1, Q('unquote', S('x')), Q('unquote-splicing', S('xs')))));
    expect(readPlain("' x")).toEqual(Q('quote', S('x')));
    expect(readPlain("'; c\n x")).toEqual(Q('quote', S('x')));
  });
});

describe('reader: comments', () => {
  it('skips line comments', () => {
    expect(read('; whole line\n1 ; trailing\n2;no space\n;last')).toEqual([1, 2]);
  });

  it('skips block comments, nested', () => {
    expect(read('#| a |# 1 #| x #| y |# z |# 2')).toEqual([1, 2]);
    expect(read('#||# 3')).toEqual([3]);
    expect(read('(a #| (b |# c)').map(plain)).toEqual([[S('a'), S('c')]]);
    expect(read('#|\nmulti\nline\n|#4')).toEqual([4]);
  });

  it('skips the next datum after #;', () => {
    expect(read('#; 1 2')).toEqual([2]);
    expect(read('#;(a (b c)) 3')).toEqual([3]);
    expect(readPlain('(a #;b c)')).toEqual([S('a'), S('c')]);
    expect(readPlain('(a #; #;b c d)')).toEqual([S('a'), S('d')]);
    expect(readPlain("(a #;'b c)")).toEqual([S('a'), S('c')]);
    expect(readPlain('[1 #;2 3]')).toEqual(V(1, 3));
    expect(read('#;#|comment|# x y').map(plain)).toEqual([S('y')]);
  });

  it('reads an empty or comment-only program as no datums', () => {
    expect(read('')).toEqual([]);
    expect(read('  \n\t ; x\n #| y |# ')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Positions

describe('reader: positions', () => {
  it('records the position of each top-level datum', () => {
    const ds = readProgram('a  (b)\n  "s" 42\n\n[1] #{}', FILE);
    expect(ds.map((d) => d.loc)).toEqual([loc(1, 1), loc(1, 4), loc(2, 3), loc(2, 7), loc(4, 1), loc(4, 5)]);
    for (const d of ds) expect(d.loc.file).toBe(FILE);
  });

  it('uses the file name it is given', () => {
    expect(readProgram('x', 'dir/other.omni')[0].loc).toEqual({ file: 'dir/other.omni', line: 1, col: 1 });
  });

  it('records each list cell at the position of its car', () => {
    const v = read1('(a  bb\n  (c d) . e)');
    expect(cellLocs(v)).toEqual([loc(1, 2), loc(1, 5), loc(2, 3)]);
    const inner = (cells(v)[2].car as Pair);
    expect(cellLocs(inner)).toEqual([loc(2, 4), loc(2, 6)]);
  });

  it('records positions of elements across several lines', () => {
    const v = read1('(define (f x)\n  (* x 2))');
    expect(cellLocs(v)).toEqual([loc(1, 2), loc(1, 9), loc(2, 3)]);
    expect(cellLocs(cells(v)[1].car)).toEqual([loc(1, 10), loc(1, 12)]);
    expect(cellLocs(cells(v)[2].car)).toEqual([loc(2, 4), loc(2, 6), loc(2, 8)]);
  });

  it('records the positions of vector elements', () => {
    const v = read1('[1  (a)\n x]') as Value[];
    expect(elementLocs.get(v)).toEqual([loc(1, 2), loc(1, 5), loc(2, 2)]);
  });

  it('counts columns in code points: λ is one column, an astral char too', () => {
    const ds = readProgram('λ x\n😀 y\n"😀λ" z\n:λ😀 w', FILE);
    expect(ds.map((d) => d.loc)).toEqual([loc(1, 1), loc(1, 3), loc(2, 1), loc(2, 3), loc(3, 1), loc(3, 6), loc(4, 1), loc(4, 5)]);
    expect(cellLocs(read1('(λ 😀 x #\\😀 y)'))).toEqual([loc(1, 2), loc(1, 4), loc(1, 6), loc(1, 8), loc(1, 12)]);
    expect(cellLocs(read1('(; λ😀\n 😀λ 1)'))).toEqual([loc(2, 2), loc(2, 5)]);
  });

  it('counts a tab as one column', () => {
    const ds = readProgram('\t(a\tb)\t\tc', FILE);
    expect(ds.map((d) => d.loc)).toEqual([loc(1, 2), loc(1, 9)]);
    expect(cellLocs(ds[0].value)).toEqual([loc(1, 3), loc(1, 5)]);
  });

  it('counts lines after raw newlines in strings and block comments, and after CRLF', () => {
    const ds = readProgram('"a\nb" x\n#| 1\n2 |# y\r\nz', FILE);
    expect(ds.map((d) => d.loc)).toEqual([loc(1, 1), loc(2, 4), loc(4, 6), loc(5, 1)]);
  });

  it('records quote sugar at the sugar, and the quoted datum at the datum', () => {
    for (const [src, col] of [["'x", 2], ['`x', 2], [',x', 2], [',@x', 3]] as const) {
      const ds = readProgram(src, FILE);
      expect(ds[0].loc).toEqual(loc(1, 1));
      const [, datumCell] = cells(ds[0].value);
      expect(datumCell.loc).toEqual(loc(1, col));
    }
    const v = read1("(a 'b)");
    expect(cellLocs(v)).toEqual([loc(1, 2), loc(1, 4)]);
    expect(cellLocs(cells(v)[1].car)[1]).toEqual(loc(1, 5));
  });

  // Every list cell records the position of its car; for a sugar form the car (quote, ...) is written
  // as the sugar itself, so its cell should point at the sugar's first character for all four forms.
  it('records the head cell of every quote sugar form at the first character of the sugar', () => {
    for (const src of ["'x", '`x', ',x', ',@x']) {
      expect({ src, loc: (read1(src) as Pair).loc }).toEqual({ src, loc: loc(1, 1) });
    }
  });

  it('reports a quote sugar form with nothing after it at the first character of the sugar', () => {
    for (const src of ["'", '`', ',', ',@']) {
      expect({ src, loc: readError(src).loc }).toEqual({ src, loc: loc(1, 1) });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe('reader errors', () => {
  it('formats errors as FILE:LINE:COL: message', () => {
    const e = readError('\n\n  )', 'dir/x.omni');
    expect(e.message).toBe("dir/x.omni:3:3: unexpected ')'");
    expect(e.loc).toEqual({ file: 'dir/x.omni', line: 3, col: 3 });
    expect(e.detail).toBe("unexpected ')'");
    expect(e.name).toBe('CompileError');
  });

  it('reproduces the examples of §1', () => {
    expectError('(define x 1)\n(print x)\n(print "a" 1 "oops)\n', 3, 14, 'unterminated string');
    expectError('1\n2\n3\n4\n5\n6\n)', 7, 1, "unexpected ')'");
  });

  it('unterminated string: at the opening quote', () => {
    expectError('"abc', 1, 1, 'unterminated string');
    expectError('(display "abc', 1, 10, 'unterminated string');
    expectError('x\n  "multi\nline', 2, 3, 'unterminated string');
    expectError('λ😀 "abc\\"', 1, 4, 'unterminated string');
    expectError('"abc\\', 1, 1, 'unterminated string');
  });

  it("unexpected ')' / ']' / '}' at top level", () => {
    expectError(')', 1, 1, "unexpected ')'");
    expectError('(a) )', 1, 5, "unexpected ')'");
    expectError(']', 1, 1, "unexpected ']'");
    expectError('(print 1)]', 1, 10, "unexpected ']'");
    expectError('\t😀 ]', 1, 4, "unexpected ']'");
    expectError('}', 1, 1, "unexpected '}'");
  });

  it('unterminated list: at its opening bracket', () => {
    expectError('(a b', 1, 1, 'unterminated list');
    expectError('x\n  (a\n b', 2, 3, 'unterminated list');
    expectError('[1 2', 1, 1, 'unterminated list');
    expectError(' #{:a 1', 1, 2, 'unterminated list');
    expectError('(a [b] (c) d', 1, 1, 'unterminated list');
    expectError('(a . b', 1, 1, 'unterminated list');
    expectError('(a ; comment )', 1, 1, 'unterminated list');
    expectError('λ (', 1, 3, 'unterminated list');
    expectError('(print "never printed")\n(define (f x)\n  (+ x 1)\n(print (f 2))\n', 2, 1, 'unterminated list');
  });

  it('unterminated block comment', () => {
    expectError('#| never closed', 1, 1, 'unterminated block comment');
    expectError('1 #| a #| b |# c', 1, 3, 'unterminated block comment');
    expectError('x\n (a #|', 2, 5, 'unterminated block comment');
  });

  it('unknown escape: at its backslash', () => {
    expectError('"ab\\q"', 1, 4, 'unknown escape \\q');
    expectError('x "\\a"', 1, 4, 'unknown escape \\a');
    expectError('"λ😀\\X41;"', 1, 4, 'unknown escape \\X');
    expectError('"line\nnext \\q"', 2, 6, 'unknown escape \\q');
    expectError('"\\λ"', 1, 2, 'unknown escape \\λ');
  });

  it('invalid \\x escape: at its backslash', () => {
    expectError('"\\xZZ;"', 1, 2, 'invalid \\x escape');
    expectError('"ab\\x41"', 1, 4, 'invalid \\x escape');
    expectError('"\\x;"', 1, 2, 'invalid \\x escape');
    expectError('"\\x41 ;"', 1, 2, 'invalid \\x escape');
    expectError('"\\xD800;"', 1, 2, 'invalid \\x escape');
    expectError('"\\x110000;"', 1, 2, 'invalid \\x escape');
    expectError('"😀\\x;"', 1, 3, 'invalid \\x escape');
  });

  it('unknown character name: at the #', () => {
    expectError('#\\foo', 1, 1, 'unknown character name #\\foo');
    expectError('(print (list #\\a #\\foo))', 1, 18, 'unknown character name #\\foo');
    expectError('#\\Space', 1, 1, 'unknown character name #\\Space');
    expectError('#\\xD800', 1, 1, 'unknown character name #\\xD800');
    expectError('#\\x110000', 1, 1, 'unknown character name #\\x110000');
    expectError('#\\xyz', 1, 1, 'unknown character name #\\xyz');
    expectError('#\\λλ', 1, 1, 'unknown character name #\\λλ');
  });

  it('mismatched closers: at the closer', () => {
    expectError('[a b)', 1, 5, "mismatched ')': expected ']'");
    expectError('(print [1 2 3)])', 1, 14, "mismatched ')': expected ']'");
    expectError('(a]', 1, 3, "mismatched ']': expected ')'");
    expectError('#{:a 1]', 1, 7, "mismatched ']': expected '}'");
    expectError('(a }', 1, 4, "mismatched '}': expected ')'");
    expectError('(a . b]', 1, 7, "mismatched ']': expected ')'");
  });

  it("misplaced '.'", () => {
    expectError('.', 1, 1, "misplaced '.'");
    expectError('(. a)', 1, 2, "misplaced '.'");
    expectError('(print (quote (. a)))', 1, 16, "misplaced '.'");
    expectError('[a . b]', 1, 4, "misplaced '.'");
    expectError('#{a . b}', 1, 5, "misplaced '.'");
    expectError('(a . b . c)', 1, 8, "misplaced '.'");
    expect(readError('(a . b c)').detail).toBe("misplaced '.'");
    expect(readError('(a . )').detail).toBe("misplaced '.'");
  });

  it('integer literal out of range: at the literal', () => {
    expectError('(print (+ 1 2305843009213693952))', 1, 13, 'integer literal out of range');
    expectError('[1\n -2305843009213693953]', 2, 2, 'integer literal out of range');
  });

  it('reports the first error in the source', () => {
    expectError('(a "b\\q" ]', 1, 6, 'unknown escape \\q');
    expectError('#\\foo "unterminated', 1, 1, 'unknown character name #\\foo');
  });

  it('never reports a position outside the source for other malformed input', () => {
    for (const src of ['#;', "'", '(a #;)', '#\\', '#{a}', '{', ',@', '#true', '#xZZ', '(a ,)']) {
      const e = readError(src);
      expect(e.message).toBe(`${FILE}:${e.loc.line}:${e.loc.col}: ${e.detail}`);
      expect(e.loc.line).toBe(1);
      expect(e.loc.col).toBeGreaterThanOrEqual(1);
      expect(e.loc.col).toBeLessThanOrEqual([...src].length + 1);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness: whatever the input, the reader returns datums or raises a CompileError
// (`FILE:LINE:COL: message`), never another exception such as a JS stack overflow.

describe('reader: deeply nested input', () => {
  function readsOrCompileError(src: string): void {
    let caught: unknown;
    try {
      readProgram(src, FILE);
    } catch (e) {
      caught = e;
    }
    if (caught !== undefined) {
      expect(caught).toBeInstanceOf(CompileError);
      expect((caught as Error).message).toMatch(/^prog\.omni:\d+:\d+: /);
    }
  }

  const depth = 10_000;
  it('nested lists', () => readsOrCompileError('('.repeat(depth) + ')'.repeat(depth)));
  it('nested vectors', () => readsOrCompileError('['.repeat(depth) + ']'.repeat(depth)));
  it('nested quotes', () => readsOrCompileError("'".repeat(depth) + 'a'));
  it('chained datum comments', () => readsOrCompileError('#;'.repeat(depth) + 'a '.repeat(depth + 1)));
  it('unterminated nested lists', () => readsOrCompileError('('.repeat(depth)));
});
