// JavaScript implementations of the first-order primitives. The machine checks arity from the
// primitive table before calling them; each checks its own argument types. Those whose work grows
// with the size of their data charge it to the work meter (work.ts: compile-time budgets), and
// those that allocate a size the program gives refuse sizes that cannot be had
// (`NAME: cannot allocate N elements`, as the native runtime says) instead of failing inside V8.
import { constants as bufferConstants } from 'node:buffer';
import v8 from 'node:v8';
import { backtraceLines } from '../backtrace.js';
import { printValue } from '../printer.js';
import { parseNumber } from '../reader.js';
import {
  Atom,
  Char,
  Dict,
  Flo,
  Keyword,
  OError,
  Pair,
  Procedure,
  Sym,
  type Value,
  arrayToList,
  codePointAt,
  codePointSlice,
  codePoints,
  isInt,
  isList,
  listToArray,
  strLength,
} from '../values.js';
import { chargeAllocation, chargeChars, chargeWork } from '../work.js';
import { isEq, isEqual, isEqv } from './equality.js';
import {
  type Num,
  Random,
  add,
  checkedInt,
  compare,
  div,
  expt,
  int,
  intDivision,
  isNumber,
  mul,
  negate,
  num,
  numberToString,
  roundHalfEven,
  smallInt,
  sub,
  toExact,
  toFloat,
} from './numbers.js';
import { type BuiltinImpl, Channel, ExitSignal, Raise, raise, typeError } from './objects.js';

/** What the primitives need from the outside world. */
export interface Host {
  write(text: string): void;
  /** The next line of standard input without its line ending, or null at end of input. */
  readLine(): string | null;
  readonly args: readonly string[];
  getenv(name: string): string | undefined;
}

const bool = (b: boolean): Value => (b ? true : null);

function str(name: string, v: Value): string {
  return typeof v === 'string' ? v : typeError(name, 'string', v);
}

function chr(name: string, v: Value): Char {
  return v instanceof Char ? v : typeError(name, 'char', v);
}

function pair(name: string, v: Value, original: Value = v): Pair {
  return v instanceof Pair ? v : typeError(name, 'pair', original);
}

function vec(name: string, v: Value): Value[] {
  return Array.isArray(v) ? v : typeError(name, 'vector', v);
}

function dict(name: string, v: Value): Dict {
  return v instanceof Dict ? v : typeError(name, 'dict', v);
}

function dictEntries(name: string, v: Value): [Value, Value][] {
  const d = dict(name, v);
  chargeWork(d.size);
  return [...d.entries.values()];
}

function atom(name: string, v: Value): Atom {
  return v instanceof Atom ? v : typeError(name, 'atom', v);
}

function errorValue(name: string, v: Value): OError {
  return v instanceof OError ? v : typeError(name, 'error', v);
}

export function listArg(name: string, v: Value): Value[] {
  const xs = listToArray(v);
  if (xs === null) return typeError(name, 'list', v);
  chargeWork(xs.length);
  return xs;
}

/**
 * Elements one builtin call may allocate (a vector, the pairs of a list): V8 arrays past this
 * length degrade to slow dictionaries, and that many pairs already take over a gigabyte.
 */
export const MAX_ALLOCATION = 2 ** 25;
/** Below this many bytes an allocation is not checked against the free heap. */
const SURELY_FITS = 64 * 2 ** 20;

/**
 * Checks that `n` elements of about `bytesEach` bytes can be allocated (at most `max`, and within
 * the heap V8 has left), else raises `NAME: cannot allocate N elements`; charges them to the meter.
 */
function allocation(name: string, n: number | bigint, bytesEach: number, max = MAX_ALLOCATION): number {
  const count = Number(n);
  const bytes = count * bytesEach;
  let fits = count <= max;
  if (fits && bytes >= SURELY_FITS) {
    const heap = v8.getHeapStatistics();
    fits = bytes < (heap.heap_size_limit - heap.used_heap_size) * 0.8;
  }
  if (!fits) raise(`${name}: cannot allocate ${n} elements`);
  chargeAllocation(count, bytesEach);
  return count;
}

/** Sizes below this are neither checked nor charged. */
const SMALL = 4096;
/** About what a Pair takes on the heap. */
const PAIR_BYTES = 48;

/** Like `allocation`, for a string of `units` UTF-16 code units; `chars` counts its chars (for the message). */
function stringAllocation(name: string, units: number, chars: () => number | bigint): void {
  if (units <= SMALL) return;
  if (units > bufferConstants.MAX_STRING_LENGTH) raise(`${name}: cannot allocate ${chars()} elements`);
  if (units * 2 >= SURELY_FITS) {
    const heap = v8.getHeapStatistics();
    if (units * 2 >= (heap.heap_size_limit - heap.used_heap_size) * 0.8) raise(`${name}: cannot allocate ${chars()} elements`);
  }
  chargeAllocation(units, 2, true);
}

/** The number of elements of (range start end step). */
function rangeLength(start: number | bigint, end: number | bigint, step: number | bigint): bigint {
  const [s, e, d] = [BigInt(start), BigInt(end), BigInt(step)];
  if (d > 0n) return e > s ? (e - s + d - 1n) / d : 0n;
  return e < s ? (s - e - d - 1n) / -d : 0n;
}

function indexError(name: string, i: number | bigint, length: number): never {
  raise(`${name}: index ${i} out of range for length ${length}`);
}

/** Checks an index argument against a length (`end` allows index == length). */
function index(name: string, v: Value, length: number, end = false): number {
  const i = int(name, v);
  if (i < 0 || i > length || (!end && i === length)) indexError(name, i, length);
  return Number(i);
}

/**
 * Unicode simple case mappings that differ from JavaScript's full mapping, which turns these
 * characters into several (SpecialCasing.txt); every other multi-character result maps to itself.
 */
const SIMPLE_UPPER: Record<number, number> = { 0x1fb3: 0x1fbc, 0x1fc3: 0x1fcc, 0x1ff3: 0x1ffc };
for (const base of [0x1f80, 0x1f90, 0x1fa0]) for (let i = 0; i < 8; i++) SIMPLE_UPPER[base + i] = base + i + 8;
const SIMPLE_LOWER: Record<number, number> = { 0x130: 0x69 };

/** Unicode simple case mapping: one char to one char. */
export function mapCase(code: number, upper: boolean): number {
  const special = (upper ? SIMPLE_UPPER : SIMPLE_LOWER)[code];
  if (special !== undefined) return special;
  const ch = String.fromCodePoint(code);
  const m = upper ? ch.toUpperCase() : ch.toLowerCase();
  return m.length === 1 || (m.length === 2 && m.codePointAt(0)! > 0xffff) ? m.codePointAt(0)! : code;
}

function mapString(s: string, upper: boolean): string {
  chargeChars(s.length * 16);
  let out = '';
  for (const ch of s) out += String.fromCodePoint(mapCase(ch.codePointAt(0)!, upper));
  return out;
}

function foldNumbers(name: string, args: Value[], op: (a: Num, b: Num) => Num): Num {
  let acc = num(name, args[0]);
  for (let i = 1; i < args.length; i++) acc = op(acc, num(name, args[i]));
  return acc;
}

function compareChain(name: string, args: Value[], ok: (c: number) => boolean): Value {
  const nums = args.map((a) => num(name, a));
  for (let i = 0; i + 1 < nums.length; i++) if (!ok(compare(nums[i], nums[i + 1]))) return null;
  return true;
}

function stringChain(name: string, args: Value[], ok: (a: string, b: string) => boolean): Value {
  const ss = args.map((a) => str(name, a));
  for (let i = 0; i + 1 < ss.length; i++) if (!ok(ss[i], ss[i + 1])) return null;
  return true;
}

/** Compares strings by code point (JS `<` compares UTF-16 units). */
function codePointLess(a: string, b: string): boolean {
  const x = codePoints(a);
  const y = codePoints(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i];
  return x.length < y.length;
}

function floatFn(name: string, f: (x: number) => number): BuiltinImpl {
  return ([x]) => new Flo(f(toFloat(num(name, x))));
}

function rounding(name: string, f: (x: number) => number): BuiltinImpl {
  return ([x]) => {
    const n = num(name, x);
    return n instanceof Flo ? new Flo(f(n.v)) : n;
  };
}

function cxr(name: string, path: string): BuiltinImpl {
  return ([x]) => {
    let v = x;
    for (let i = path.length - 1; i >= 0; i--) {
      const p = pair(name, v, x);
      v = path[i] === 'a' ? p.car : p.cdr;
    }
    return v;
  };
}

function nth(n: number): BuiltinImpl {
  return ([x]) => {
    let v = x;
    for (let i = 0; i < n && v instanceof Pair; i++) v = v.cdr;
    return v instanceof Pair ? v.car : null;
  };
}

function memberOf(eq: (a: Value, b: Value) => boolean, name: string): BuiltinImpl {
  return ([x, l]) => {
    let v = l;
    let n = 0;
    for (; v instanceof Pair; v = v.cdr, n++) if (eq(x, v.car)) return (chargeWork(n), v);
    chargeWork(n);
    if (v !== null) typeError(name, 'list', l);
    return null;
  };
}

function assocOf(eq: (a: Value, b: Value) => boolean, name: string): BuiltinImpl {
  return ([x, l]) => {
    for (const entry of listArg(name, l)) if (entry instanceof Pair && eq(x, entry.car)) return entry;
    return null;
  };
}

function typeOf(v: Value): string {
  if (v === null) return 'nil';
  if (v === true) return 'bool';
  if (isInt(v)) return 'int';
  if (typeof v === 'string') return 'string';
  if (v instanceof Flo) return 'float';
  if (v instanceof Char) return 'char';
  if (v instanceof Sym) return 'symbol';
  if (v instanceof Keyword) return 'keyword';
  if (v instanceof Pair) return 'pair';
  if (Array.isArray(v)) return 'vector';
  if (v instanceof Dict) return 'dict';
  if (v instanceof Procedure) return 'procedure';
  if (v instanceof Atom) return 'atom';
  if (v instanceof OError) return 'error';
  return v.kind;
}

function makeRange(args: Value[]): Value {
  const [a, b, c] = args.map((x) => int('range', x));
  const [start, end, step] = args.length === 1 ? [0, a, 1] : [a, b, args.length === 3 ? c : 1];
  if (step === 0 || step === 0n) raise('range: step must not be zero');
  // about the length (floats); exact when it matters
  const approx = (Number(end) - Number(start)) / Number(step);
  if (approx > SMALL) allocation('range', rangeLength(start, end, step), PAIR_BYTES + 8);
  const out: Value[] = [];
  if (typeof start === 'number' && typeof end === 'number' && typeof step === 'number') {
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
  } else {
    const [s, e, d] = [BigInt(start), BigInt(end), BigInt(step)];
    for (let i = s; d > 0n ? i < e : i > e; i += d) out.push(checkedInt(i));
  }
  return arrayToList(out);
}

/** The string of code points cps[start..end), built in chunks (spreading a long array overflows the JS stack). */
function splitString(s: string, sep: string): Value {
  chargeChars(s.length);
  if (sep === '') return arrayToList([...s]);
  return arrayToList(s.split(sep));
}

function codePointIndex(s: string, sub: string): Value {
  chargeChars(s.length + sub.length);
  const i = s.indexOf(sub);
  return i < 0 ? null : strLength(s.slice(0, i));
}

let gensymCounter = 0;

/** The table of first-order primitive implementations, keyed by primitive name. */
export function makeBuiltins(host: Host): Record<string, BuiltinImpl> {
  const random = new Random();
  const display = (v: Value) => printValue(v, false);
  return {
    // numbers
    '+': (a) => (a.length === 0 ? 0 : foldNumbers('+', a, add)),
    '-': (a) => (a.length === 1 ? negate(num('-', a[0])) : foldNumbers('-', a, sub)),
    '*': (a) => (a.length === 0 ? 1 : foldNumbers('*', a, mul)),
    '/': (a) => (a.length === 1 ? div(1, num('/', a[0])) : foldNumbers('/', a, div)),
    quotient: ([a, b]) => intDivision('quotient', a, b),
    remainder: ([a, b]) => intDivision('remainder', a, b),
    modulo: ([a, b]) => intDivision('modulo', a, b),
    '=': (a) => compareChain('=', a, (c) => c === 0),
    '<': (a) => compareChain('<', a, (c) => c < 0),
    '>': (a) => compareChain('>', a, (c) => c > 0),
    '<=': (a) => compareChain('<=', a, (c) => c <= 0),
    '>=': (a) => compareChain('>=', a, (c) => c >= 0),
    abs: ([x]) => {
      const n = num('abs', x);
      return n instanceof Flo ? new Flo(Math.abs(n.v)) : n < 0 ? negate(n) : n;
    },
    min: (a) => extremum('min', a, (c) => c < 0),
    max: (a) => extremum('max', a, (c) => c > 0),
    floor: rounding('floor', Math.floor),
    ceiling: rounding('ceiling', Math.ceil),
    round: rounding('round', roundHalfEven),
    truncate: rounding('truncate', Math.trunc),
    sqrt: floatFn('sqrt', Math.sqrt),
    exp: floatFn('exp', Math.exp),
    log: floatFn('log', Math.log),
    sin: floatFn('sin', Math.sin),
    cos: floatFn('cos', Math.cos),
    tan: floatFn('tan', Math.tan),
    atan: (a) => new Flo(a.length === 2 ? Math.atan2(toFloat(num('atan', a[0])), toFloat(num('atan', a[1]))) : Math.atan(toFloat(num('atan', a[0])))),
    expt: ([a, b]) => expt(num('expt', a), num('expt', b)),
    'exact->inexact': ([x]) => new Flo(toFloat(num('exact->inexact', x))),
    'inexact->exact': ([x]) => toExact('inexact->exact', num('inexact->exact', x)),
    'number->string': (a) => {
      const n = num('number->string', a[0]);
      const radix = a.length === 2 ? smallInt('number->string', a[1]) : 10;
      if (![2, 8, 10, 16].includes(radix)) raise(`number->string: invalid radix ${radix}`);
      return numberToString(n, n instanceof Flo ? 10 : radix);
    },
    'string->number': ([s]) => {
      const n = parseNumber(str('string->number', s));
      return n === undefined ? null : n;
    },
    'zero?': ([x]) => bool(compare(num('zero?', x), 0) === 0),
    'positive?': ([x]) => bool(compare(num('positive?', x), 0) > 0),
    'negative?': ([x]) => bool(compare(num('negative?', x), 0) < 0),
    'even?': ([x]) => bool(BigInt(int('even?', x)) % 2n === 0n),
    'odd?': ([x]) => bool(BigInt(int('odd?', x)) % 2n !== 0n),
    'number?': ([x]) => bool(isNumber(x)),
    'int?': ([x]) => bool(isInt(x)),
    'float?': ([x]) => bool(x instanceof Flo),
    random: ([x]) => {
      if (!isInt(x) || x <= 0) raise(`random: expected positive int, got ${printValue(x, true)}`);
      return checkedInt(random.below(BigInt(x)));
    },
    'random-seed!': ([x]) => (random.seed(BigInt(int('random-seed!', x))), null),
    // equality
    'eq?': ([a, b]) => bool(isEq(a, b)),
    'eqv?': ([a, b]) => bool(isEqv(a, b)),
    'equal?': ([a, b]) => bool(isEqual(a, b)),
    not: ([x]) => bool(x === null),
    // lists
    cons: ([a, b]) => new Pair(a, b),
    car: ([x]) => pair('car', x).car,
    cdr: ([x]) => pair('cdr', x).cdr,
    caar: cxr('caar', 'aa'),
    cadr: cxr('cadr', 'ad'),
    cdar: cxr('cdar', 'da'),
    cddr: cxr('cddr', 'dd'),
    caddr: cxr('caddr', 'add'),
    first: nth(0),
    second: nth(1),
    third: nth(2),
    rest: ([x]) => (x instanceof Pair ? x.cdr : null),
    list: (a) => arrayToList(a),
    'list?': ([x]) => bool(isList(x)),
    'pair?': ([x]) => bool(x instanceof Pair),
    'null?': ([x]) => bool(x === null),
    'nil?': ([x]) => bool(x === null),
    length: ([x]) => listArg('length', x).length,
    append: (a) => {
      if (a.length === 0) return null;
      let result = a[a.length - 1];
      for (let i = a.length - 2; i >= 0; i--) result = arrayToList(listArg('append', a[i]), result);
      return result;
    },
    reverse: ([x]) => {
      let r: Value = null;
      for (const v of listArg('reverse', x)) r = new Pair(v, r);
      return r;
    },
    'list-ref': ([l, i]) => {
      const xs = listArg('list-ref', l);
      return xs[index('list-ref', i, xs.length)];
    },
    'list-tail': ([l, i]) => {
      const n = index('list-tail', i, listArg('list-tail', l).length, true);
      let v = l;
      for (let k = 0; k < n; k++) v = (v as Pair).cdr;
      return v;
    },
    last: ([l]) => {
      let p = pair('last', l);
      while (p.cdr instanceof Pair) p = p.cdr;
      return p.car;
    },
    member: memberOf(isEqual, 'member'),
    memq: memberOf(isEq, 'memq'),
    assoc: assocOf(isEqual, 'assoc'),
    assq: assocOf(isEq, 'assq'),
    range: makeRange,
    take: ([n, l]) => {
      const k = Math.max(0, smallInt('take', n));
      return arrayToList(listArg('take', l).slice(0, k));
    },
    drop: ([n, l]) => {
      const k = Math.max(0, smallInt('drop', n));
      listArg('drop', l);
      let v = l;
      for (let i = 0; i < k && v instanceof Pair; i++) v = v.cdr;
      return v;
    },
    zip: (a) => {
      const lists = a.map((l) => listArg('zip', l));
      const n = lists.reduce((m, l) => Math.min(m, l.length), Infinity);
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(arrayToList(lists.map((l) => l[i])));
      return arrayToList(out);
    },
    // characters and strings
    'char?': ([x]) => bool(x instanceof Char),
    'string?': ([x]) => bool(typeof x === 'string'),
    'symbol?': ([x]) => bool(x instanceof Sym),
    'keyword?': ([x]) => bool(x instanceof Keyword),
    'procedure?': ([x]) => bool(x instanceof Procedure),
    'vector?': ([x]) => bool(Array.isArray(x)),
    'dict?': ([x]) => bool(x instanceof Dict),
    'atom?': ([x]) => bool(x instanceof Atom),
    'error?': ([x]) => bool(x instanceof OError),
    'char->integer': ([c]) => chr('char->integer', c).code,
    'integer->char': ([n]) => {
      const i = int('integer->char', n);
      if (i < 0 || i > 0x10ffff || (i >= 0xd800 && i <= 0xdfff)) raise(`integer->char: invalid code point ${i}`);
      return Char.of(Number(i));
    },
    'char-upcase': ([c]) => Char.of(mapCase(chr('char-upcase', c).code, true)),
    'char-downcase': ([c]) => Char.of(mapCase(chr('char-downcase', c).code, false)),
    'char-alphabetic?': ([c]) => bool(/\p{Alphabetic}/u.test(String.fromCodePoint(chr('char-alphabetic?', c).code))),
    'char-numeric?': ([c]) => bool(/\p{Nd}/u.test(String.fromCodePoint(chr('char-numeric?', c).code))),
    'char-whitespace?': ([c]) => bool(/\p{White_Space}/u.test(String.fromCodePoint(chr('char-whitespace?', c).code))),
    'string-length': ([s]) => strLength(str('string-length', s)),
    'string-ref': ([s, i]) => {
      const text = str('string-ref', s);
      return Char.of(codePointAt(text, index('string-ref', i, strLength(text))));
    },
    substring: (a) => {
      const text = str('substring', a[0]);
      const length = strLength(text);
      const start = index('substring', a[1], length, true);
      const end = a.length === 3 ? index('substring', a[2], length, true) : length;
      if (start > end) raise(`substring: start ${start} is greater than end ${end}`);
      chargeChars(end - start);
      return codePointSlice(text, start, end);
    },
    'string-append': (a) => {
      const parts = a.map((s) => str('string-append', s));
      let length = 0;
      for (const p of parts) length += p.length;
      stringAllocation('string-append', length, () => parts.reduce((n, p) => n + strLength(p), 0));
      return parts.join('');
    },
    'string=?': (a) => stringChain('string=?', a, (x, y) => x === y),
    'string<?': (a) => stringChain('string<?', a, codePointLess),
    'string->list': ([s]) => arrayToList(codePoints(str('string->list', s)).map((c) => Char.of(c))),
    'list->string': ([l]) => listArg('list->string', l).map((c) => String.fromCodePoint(chr('list->string', c).code)).join(''),
    'string->symbol': ([s]) => Sym.of(str('string->symbol', s)),
    'symbol->string': ([s]) => (s instanceof Sym ? s.name : typeError('symbol->string', 'symbol', s)),
    'keyword->string': ([k]) => (k instanceof Keyword ? k.name : typeError('keyword->string', 'keyword', k)),
    'string-upcase': ([s]) => mapString(str('string-upcase', s), true),
    'string-downcase': ([s]) => mapString(str('string-downcase', s), false),
    'string-split': ([s, sep]) => splitString(str('string-split', s), str('string-split', sep)),
    'string-join': (a) => {
      const sep = a.length === 2 ? str('string-join', a[1]) : '';
      return listArg('string-join', a[0]).map((s) => str('string-join', s)).join(sep);
    },
    'string-index': ([s, sub]) => codePointIndex(str('string-index', s), str('string-index', sub)),
    'string-contains?': ([s, sub]) => {
      const text = str('string-contains?', s);
      const part = str('string-contains?', sub);
      chargeChars(text.length + part.length);
      return bool(text.includes(part));
    },
    'string-repeat': ([s, n]) => {
      const text = str('string-repeat', s);
      const k = smallInt('string-repeat', n);
      if (k < 0) raise(`string-repeat: expected non-negative int, got ${k}`);
      if (text.length === 0 || k === 0) return '';
      stringAllocation('string-repeat', text.length * k, () => BigInt(strLength(text)) * BigInt(n as number | bigint));
      return text.repeat(k);
    },
    str: (a) => a.map(display).join(''),
    'type-of': ([x]) => Sym.of(typeOf(x)),
    // vectors
    vector: (a) => a.slice(),
    'make-vector': (a) => {
      const n = smallInt('make-vector', a[0]);
      if (n < 0) raise(`make-vector: expected non-negative int, got ${n}`);
      if (n > SMALL) allocation('make-vector', a[0] as number | bigint, 8);
      return new Array<Value>(n).fill(a.length === 2 ? a[1] : null);
    },
    'vector-ref': ([v, i]) => {
      const xs = vec('vector-ref', v);
      return xs[index('vector-ref', i, xs.length)];
    },
    'vector-set!': ([v, i, x]) => {
      const xs = vec('vector-set!', v);
      xs[index('vector-set!', i, xs.length)] = x;
      return null;
    },
    'vector-length': ([v]) => vec('vector-length', v).length,
    'vector->list': ([v]) => {
      const xs = vec('vector->list', v);
      chargeWork(xs.length);
      return arrayToList(xs);
    },
    'list->vector': ([l]) => listArg('list->vector', l),
    'vector-fill!': ([v, x]) => {
      const xs = vec('vector-fill!', v);
      chargeWork(xs.length);
      xs.fill(x);
      return null;
    },
    'vector-copy': (a) => {
      const xs = vec('vector-copy', a[0]);
      const start = a.length > 1 ? index('vector-copy', a[1], xs.length, true) : 0;
      const end = a.length > 2 ? index('vector-copy', a[2], xs.length, true) : xs.length;
      if (start > end) raise(`vector-copy: start ${start} is greater than end ${end}`);
      chargeWork(end - start);
      return xs.slice(start, end);
    },
    // dicts
    dict: (a) => {
      if (a.length % 2 !== 0) raise(`dict: expected an even number of arguments, got ${a.length}`);
      const d = new Dict();
      for (let i = 0; i < a.length; i += 2) d.set(a[i], a[i + 1]);
      return d;
    },
    'dict-ref': (a) => dictRef('dict-ref', a[0], a[1], a.length === 3, a[2]),
    'dict-set!': ([d, k, v]) => (dict('dict-set!', d).set(k, v), null),
    'dict-remove!': ([d, k]) => (dict('dict-remove!', d).delete(k), null),
    'dict-has?': ([d, k]) => bool(dict('dict-has?', d).get(k) !== undefined),
    'dict-keys': ([d]) => arrayToList(dictEntries('dict-keys', d).map((e) => e[0])),
    'dict-values': ([d]) => arrayToList(dictEntries('dict-values', d).map((e) => e[1])),
    'dict-count': ([d]) => dict('dict-count', d).size,
    'dict->list': ([d]) => arrayToList(dictEntries('dict->list', d).map(([k, v]) => new Pair(k, v))),
    // atoms
    atom: ([x]) => new Atom(x),
    deref: ([a]) => atom('deref', a).value,
    'reset!': ([a, x]) => (atom('reset!', a).value = x),
    'compare-and-set!': ([a, old, x]) => {
      const at = atom('compare-and-set!', a);
      if (!isEq(at.value, old)) return null;
      at.value = x;
      return true;
    },
    // errors
    error: ([msg, ...irritants]) => {
      throw new Raise(new OError(typeof msg === 'string' ? msg : display(msg), arrayToList(irritants)));
    },
    'error-message': ([e]) => errorValue('error-message', e).message,
    'error-irritants': ([e]) => errorValue('error-irritants', e).irritants,
    'error-backtrace': ([e]) => arrayToList(backtraceLines(errorValue('error-backtrace', e).trace)),
    'raise-error': ([e]) => {
      throw new Raise(errorValue('raise-error', e));
    },
    // concurrency (the blocking and higher-order ones are performed by the machine)
    channel: (a) => {
      const n = a.length === 1 ? smallInt('channel', a[0]) : 0;
      if (n < 0) raise(`channel: expected non-negative int, got ${n}`);
      return new Channel(n);
    },
    'close!': ([c]) => {
      const ch = c instanceof Channel ? c : typeError('close!', 'channel', c);
      ch.closed = true;
      for (const item of ch.items) if (ch.capacity === 0) item.failed = true;
      if (ch.capacity === 0) ch.items.length = 0;
      return null;
    },
    // input and output
    display: ([x]) => (host.write(display(x)), null),
    write: ([x]) => (host.write(printValue(x, true)), null),
    newline: () => (host.write('\n'), null),
    print: (a) => (host.write(a.map(display).join(' ') + '\n'), null),
    'read-line': () => host.readLine(),
    // other
    gensym: (a) => Sym.fresh((a.length === 1 ? display(a[0]) : 'g') + ++gensymCounter),
    exit: (a) => {
      const code = a.length === 1 ? int('exit', a[0]) : 0;
      throw new ExitSignal(Number(BigInt.asUintN(8, BigInt(code))));
    },
    'command-line': () => arrayToList([...host.args]),
    getenv: ([n]) => host.getenv(str('getenv', n)) ?? null,
    'current-time-ms': () => Date.now(),
    identity: ([x]) => x,
    // internal
    '%match-fail': ([v]) => raise(`match: no clause matched ${printValue(v, true)}`),
    '%assert-fail': ([m]) => raise(typeof m === 'string' ? m : display(m)),
  };
}

function extremum(name: string, args: Value[], better: (c: number) => boolean): Num {
  const nums = args.map((a) => num(name, a));
  let best = nums[0];
  for (const n of nums.slice(1)) if (better(compare(n, best)) || Number.isNaN(toFloat(n))) best = n;
  return nums.some((n) => n instanceof Flo) ? new Flo(toFloat(best)) : best;
}

/** `dict-ref` and keyword calls: a missing key without a default raises. */
export function dictRef(name: string, d: Value, key: Value, hasDefault: boolean, fallback: Value): Value {
  const dv = d instanceof Dict ? d : typeError(name, 'dict', d);
  const e = dv.get(key);
  if (e) return e[1];
  if (!hasDefault) raise(`${name}: key not found: ${printValue(key, true)}`);
  return fallback;
}

