// Property tests of the reader (fast-check):
//   (a) any text either reads or raises a CompileError `FILE:LINE:COL: message` at a position inside
//       the text, never another exception;
//   (b) the same for the conformance programs after random edits (brackets and quotes above all);
//   (c) `write` then read gives back a structurally equal datum.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR, caseFiles } from '../../test/src/conformance.js';
import { CompileError } from './errors.js';
import { printValue } from './printer.js';
import { elementLocs, readProgram } from './reader.js';
import { Char, Dict, Flo, Keyword, type Loc, Pair, Sym, type Value, arrayToList, makeInt } from './values.js';

const FILE = 'fuzz.omni';

// ---------------------------------------------------------------------------------------------
// The reader's contract on arbitrary input

/** Lines of `src` as the reader counts them (only `\n` ends a line), each as its code points. */
function sourceLines(src: string): string[][] {
  return src.split('\n').map((l) => [...l]);
}

function checkLocInside(l: Loc, lines: string[][], what: string): void {
  if (l.file !== FILE) throw new Error(`${what}: wrong file ${l.file}`);
  if (!Number.isInteger(l.line) || l.line < 1 || l.line > lines.length) throw new Error(`${what}: line ${l.line} outside the source`);
  const width = lines[l.line - 1].length;
  if (!Number.isInteger(l.col) || l.col < 1 || l.col > width + 1) throw new Error(`${what}: column ${l.col} outside line ${l.line} (${width} chars)`);
}

/** Every position recorded inside a datum (list cells, vector elements) lies inside the source. */
function checkDatumLocs(v: Value, lines: string[][]): void {
  const stack: Value[] = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x instanceof Pair) {
      if (x.loc) checkLocInside(x.loc, lines, 'list cell');
      stack.push(x.car, x.cdr);
    } else if (Array.isArray(x)) {
      for (const l of elementLocs.get(x) ?? []) checkLocInside(l, lines, 'vector element');
      stack.push(...x);
    } else if (x instanceof Dict) {
      for (const [k, y] of x.entries.values()) stack.push(k, y);
    }
  }
}

function before(a: Loc, b: Loc): boolean {
  return a.line < b.line || (a.line === b.line && a.col < b.col);
}

/**
 * Reads `src`; succeeds when the reader returns well-positioned datums or throws a CompileError
 * `FILE:LINE:COL: detail` whose position lies inside the source. Throws (failing the property)
 * on any other outcome.
 */
function checkReader(src: string): void {
  const lines = sourceLines(src);
  let datums;
  try {
    datums = readProgram(src, FILE);
  } catch (e) {
    if (!(e instanceof CompileError)) {
      throw new Error(`reader threw ${(e as Error)?.name ?? typeof e} (${String((e as Error)?.message ?? e)}) instead of a CompileError`);
    }
    const { line, col } = e.loc;
    if (!(line >= 1 && col >= 1)) throw new Error(`bad error position ${line}:${col}`);
    if (typeof e.detail !== 'string' || e.detail === '') throw new Error('empty error detail');
    if (e.message !== `${FILE}:${line}:${col}: ${e.detail}`) throw new Error(`bad error message ${JSON.stringify(e.message)}`);
    if (!e.message.startsWith(`${FILE}:${line}:${col}: `)) throw new Error('message does not start with FILE:LINE:COL: ');
    checkLocInside(e.loc, lines, `error "${e.message}"`);
    return;
  }
  let prev: Loc | null = null;
  for (const d of datums) {
    checkLocInside(d.loc, lines, 'top-level datum');
    if (prev && !before(prev, d.loc)) throw new Error('top-level datum positions are not increasing');
    prev = d.loc;
    checkDatumLocs(d.value, lines);
  }
}

/** Pieces of OmniLisp syntax, to build inputs that get deep into the reader. */
const SYNTAX_PIECES = [
  '(', ')', '[', ']', '{', '}', '#{', '"', '\\', '#\\', '#|', '|#', '#;', ';', '\n', ' ', '\t', '\r\n',
  '.', ' . ', "'", '`', ',', ',@', '#', '|', '#t', '#f', '#x', '#b', '#\\x', '\\x', ';', ':', ':k',
  'a', 'foo', 'nil', 't', '1', '42', '-', '+', '1e', 'e', '5', 'ff', '3bb', '2305843009213693952',
  'λ', '😀', 'space', 'newline', 'x41;', '\\n', '\\q', '\uD800', '\uDC00', '\u00A0', '\u2028', '\0',
];

const syntaxSoup = fc.array(fc.constantFrom(...SYNTAX_PIECES), { maxLength: 40 }).map((xs) => xs.join(''));
/** Single UTF-16 code units, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

describe('reader on arbitrary text: returns or raises a positioned CompileError', () => {
  it('ASCII text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 120 }), checkReader), { numRuns: 400 });
  });

  it('any Unicode code points', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), checkReader), { numRuns: 400 });
  });

  it('printable graphemes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), checkReader), { numRuns: 300 });
  });

  it('arbitrary UTF-16 code units, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: codeUnit, maxLength: 80 }), checkReader), { numRuns: 300 });
  });

  it('soups of syntax pieces', () => {
    fc.assert(fc.property(syntaxSoup, checkReader), { numRuns: 500 });
  });

  it('syntax pieces mixed with arbitrary code points', () => {
    const piece = fc.oneof(fc.constantFrom(...SYNTAX_PIECES), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }).map((xs) => xs.join('')), checkReader), { numRuns: 400 });
  });
});

// ---------------------------------------------------------------------------------------------
// Mutated conformance programs

// The corpus is the repository's own (test/conformance). Without it the tests below fail with the
// folder's name (caseFiles' error) instead of passing on no program.
let corpusError: Error | null = null;
const programs: { name: string; src: string }[] = (() => {
  try {
    return caseFiles().map((name) => ({ name, src: fs.readFileSync(path.join(CONFORMANCE_DIR, name), 'utf8') }));
  } catch (e) {
    corpusError = e as Error;
    return [];
  }
})();
const corpus = () => {
  if (corpusError) throw corpusError;
  return programs;
};

const BRACKETS_AND_QUOTES = new Set(['(', ')', '[', ']', '{', '}', '"', "'", '`', ',', '#', '|', ';', '\\', '.']);
const INSERTIONS = ['(', ')', '[', ']', '{', '}', '#{', '"', '\\', '#\\', '#|', '|#', '#;', ';', '.', ' . ', "'", ',@', '\n', 'λ', '😀', '#x', '9999999999999999999'];

type Mutation =
  | { kind: 'delete' | 'duplicate' | 'deleteSyntax' | 'swapSyntax'; pos: number; text: string }
  | { kind: 'insert'; pos: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'insert', 'duplicate', 'deleteSyntax', 'deleteSyntax', 'swapSyntax'),
  pos: fc.nat(),
  text: fc.oneof(fc.constantFrom(...INSERTIONS), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })),
}) as fc.Arbitrary<Mutation>;

function mutate(src: string, m: Mutation): string {
  if (m.kind === 'insert') {
    const i = m.pos % (src.length + 1);
    return src.slice(0, i) + m.text + src.slice(i);
  }
  if (src.length === 0) return src;
  if (m.kind === 'deleteSyntax' || m.kind === 'swapSyntax') {
    const spots: number[] = [];
    for (let i = 0; i < src.length; i++) if (BRACKETS_AND_QUOTES.has(src[i])) spots.push(i);
    if (spots.length === 0) return src;
    const i = spots[m.pos % spots.length];
    if (m.kind === 'deleteSyntax') return src.slice(0, i) + src.slice(i + 1);
    const replacement = INSERTIONS[m.pos % INSERTIONS.length];
    return src.slice(0, i) + replacement + src.slice(i + 1);
  }
  const i = m.pos % src.length;
  if (m.kind === 'delete') return src.slice(0, i) + src.slice(i + 1);
  return src.slice(0, i + 1) + src[i] + src.slice(i + 1); // duplicate
}

describe('reader on mutated conformance programs', () => {
  it('finds the conformance programs', () => {
    expect(corpus().length).toBeGreaterThan(10);
  });

  it('reads every conformance program, and reader-error cases fail with their expected message', () => {
    for (const { name, src } of corpus()) {
      const errFile = path.join(CONFORMANCE_DIR, name.replace(/\.omni$/, '.err'));
      if (name.startsWith('reader-error-') && fs.existsSync(errFile)) {
        const expected = fs.readFileSync(errFile, 'utf8').split('\n')[0];
        let message = '';
        try {
          readProgram(src, name);
        } catch (e) {
          expect(e).toBeInstanceOf(CompileError);
          message = (e as Error).message;
        }
        expect(message, name).toBe(expected);
      } else {
        expect(() => readProgram(src, name), name).not.toThrow();
      }
    }
  });

  it('after random edits, reads or raises a positioned CompileError', () => {
    corpus();
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (which, ms) => {
        let src = programs[which % programs.length].src;
        for (const m of ms) src = mutate(src, m);
        checkReader(src);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// write, then read back

/** Structural equality of datums: floats by Object.is, symbols and keywords by identity. */
function sameDatum(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === true || b === true) return false;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return typeof a === typeof b && a === b;
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof Flo) return b instanceof Flo && Object.is(a.v, b.v);
  if (a instanceof Char) return b instanceof Char && a.code === b.code;
  if (a instanceof Sym || a instanceof Keyword) return false; // interned: equal ones are identical
  if (a instanceof Pair) return b instanceof Pair && sameDatum(a.car, b.car) && sameDatum(a.cdr, b.cdr);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameDatum(x, b[i]));
  if (a instanceof Dict) {
    if (!(b instanceof Dict) || a.size !== b.size) return false;
    const ea = [...a.entries.values()];
    const eb = [...b.entries.values()];
    return ea.every(([k, v], i) => sameDatum(k, eb[i][0]) && sameDatum(v, eb[i][1]));
  }
  return false;
}

const INT_MIN = -(2n ** 61n);
const INT_MAX = 2n ** 61n - 1n;

const intArb: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.bigInt(INT_MIN, INT_MAX).map((n) => makeInt(n)!),
  fc.constantFrom(INT_MIN, INT_MAX, INT_MIN + 1n, INT_MAX - 1n, 2n ** 53n, -(2n ** 53n)).map((n) => makeInt(n)!),
);

// NaN and infinities print as `nan`/`inf`, which read back as symbols: excluded.
const floatArb: fc.Arbitrary<Value> = fc
  .oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 0.1, 1e16, 1e-5, 1e-4, 123456789.0, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE),
  )
  .map((x) => new Flo(x));

const STRING_PIECES = ['\\', '"', '\n', '\t', '\r', '\0', '\x1b', '\x7f', '\x85', '\x9f', ';', '(', ')', '#|', 'λ', '😀', 'a', ' ', '\u2028', '\uFEFF'];
const stringArb: fc.Arbitrary<Value> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...STRING_PIECES), maxLength: 12 }),
);

const scalarValue = fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff);
const charArb: fc.Arbitrary<Value> = fc
  .oneof(scalarValue, fc.constantFrom(0, 7, 8, 9, 10, 13, 27, 32, 0x7f, 0x85, 0xa0, 0x28, 0x29, 0x3b, 0x22, 0x5c, 0x78, 0x3bb, 0x1f600))
  .map((c) => Char.of(c));

const SYMBOL_FIRST = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 'λ', 'é', '中', '😀', '*', '/', '<', '>', '=', '!', '?', '_', '%', '&', '$', '~', '^'];
const SYMBOL_REST = [...SYMBOL_FIRST, ...'0123456789', '-', '+', '.', ':'];
const nameArb = (first: string[]) =>
  fc
    .tuple(fc.constantFrom(...first), fc.array(fc.constantFrom(...SYMBOL_REST), { maxLength: 8 }))
    .map(([f, rest]) => f + rest.join(''));
const symbolArb: fc.Arbitrary<Value> = fc
  .oneof(
    nameArb(SYMBOL_FIRST).filter((n) => n !== 't'),
    fc.constantFrom('...', '1+', '->', '-', '+', 'a.b', 'set-car!', 'string->number', 'inf', 'nan'),
  )
  .map((n) => Sym.of(n));
const keywordArb: fc.Arbitrary<Value> = nameArb(SYMBOL_REST).map((n) => Keyword.of(n));

const atomArb: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(null, true),
  intArb,
  floatArb,
  stringArb,
  charArb,
  symbolArb,
  keywordArb,
);

const { datum: datumArb } = fc.letrec<{ datum: Value; list: Value; dotted: Value; vector: Value; dict: Value }>((tie) => ({
  datum: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atomArb, tie('list'), tie('dotted'), tie('vector'), tie('dict')),
  list: fc.array(tie('datum'), { maxLength: 5 }).map((xs) => arrayToList(xs)),
  dotted: fc
    .tuple(fc.array(tie('datum'), { minLength: 1, maxLength: 4 }), tie('datum'))
    .map(([xs, tail]) => arrayToList(xs, tail)),
  vector: fc.array(tie('datum'), { maxLength: 5 }),
  dict: fc.array(fc.tuple(tie('datum'), tie('datum')), { maxLength: 4 }).map((entries) => {
    const d = new Dict();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }),
}));

function roundTrip(v: Value): void {
  const text = printValue(v, true);
  const ds = readProgram(text, FILE);
  if (ds.length !== 1) throw new Error(`${JSON.stringify(text)} read as ${ds.length} datums`);
  if (!sameDatum(v, ds[0].value)) throw new Error(`${JSON.stringify(text)} read back as ${JSON.stringify(printValue(ds[0].value, true))}`);
  const again = printValue(ds[0].value, true);
  if (again !== text) throw new Error(`${JSON.stringify(text)} printed again as ${JSON.stringify(again)}`);
}

describe('write then read gives back the same datum', () => {
  it('sameDatum tells datums apart', () => {
    expect(sameDatum(new Flo(0), new Flo(-0))).toBe(false);
    expect(sameDatum(1, new Flo(1))).toBe(false);
    expect(sameDatum(Sym.of('a'), Keyword.of('a'))).toBe(false);
    expect(sameDatum('a', Sym.of('a'))).toBe(false);
    expect(sameDatum(Char.of(97), 'a')).toBe(false);
    expect(sameDatum(arrayToList([1, 2]), [1, 2])).toBe(false);
    expect(sameDatum(arrayToList([1], 2), arrayToList([1, 2]))).toBe(false);
    expect(sameDatum(arrayToList([1, [Char.of(0x3bb)]]), arrayToList([1, [Char.of(0x3bb)]]))).toBe(true);
    expect(sameDatum(null, [])).toBe(false);
    expect(sameDatum(true, Sym.of('t'))).toBe(false);
  });

  it('atoms', () => {
    fc.assert(fc.property(atomArb, roundTrip), { numRuns: 500 });
  });

  it('strings with arbitrary code points', () => {
    fc.assert(fc.property(stringArb, roundTrip), { numRuns: 300 });
  });

  it('chars', () => {
    fc.assert(fc.property(charArb, roundTrip), { numRuns: 300 });
  });

  it('nested lists, dotted lists, vectors and dicts', () => {
    fc.assert(fc.property(datumArb, roundTrip), { numRuns: 400 });
  });

  it('several datums in one text, each at its position', () => {
    fc.assert(
      fc.property(fc.array(datumArb, { minLength: 1, maxLength: 6 }), fc.constantFrom(' ', '\n', '\t', ' ; c\n', ' #| c |# '), (vs, sep) => {
        const texts = vs.map((v) => printValue(v, true));
        const ds = readProgram(texts.join(sep), FILE);
        expect(ds).toHaveLength(vs.length);
        let line = 1;
        let col = 1;
        vs.forEach((v, i) => {
          expect(sameDatum(v, ds[i].value)).toBe(true);
          expect(ds[i].loc).toEqual({ file: FILE, line, col });
          // Printed forms never contain a raw newline: strings and chars escape or name it.
          expect(texts[i]).not.toContain('\n');
          col += [...texts[i]].length;
          for (const ch of sep) {
            if (ch === '\n') {
              line++;
              col = 1;
            } else col++;
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});
