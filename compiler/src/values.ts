// The OmniLisp value model as seen by the TypeScript tooling (reader, macro expander, interpreter).
//
//   nil        -> null            t        -> true
//   int        -> number (safe range) or bigint (beyond 2^53, up to the 62-bit limits)
//   float      -> Flo              char     -> Char
//   string     -> JS string (immutable; indexes count code points)
//   symbol     -> Sym (interned)   keyword  -> Keyword (interned)
//   pair       -> Pair             vector   -> JS array
//   dict       -> Dict             atom     -> Atom
//   error      -> OError           procedure, channel, thread -> classes in the interpreter

import type { Backtrace } from './backtrace.js';
import { chargeChars, chargeWork } from './work.js';

/** Source position of a datum: 1-based line and column (columns count code points). */
export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export class Sym {
  private static readonly table = new Map<string, Sym>();
  private constructor(readonly name: string, readonly interned: boolean) {}
  static of(name: string): Sym {
    let s = Sym.table.get(name);
    if (!s) Sym.table.set(name, (s = new Sym(name, true)));
    return s;
  }
  /** An uninterned symbol; prints as its name (gensyms are named `gN`). */
  static fresh(name: string): Sym {
    return new Sym(name, false);
  }
}

export class Keyword {
  private static readonly table = new Map<string, Keyword>();
  private constructor(readonly name: string) {}
  static of(name: string): Keyword {
    let k = Keyword.table.get(name);
    if (!k) Keyword.table.set(name, (k = new Keyword(name)));
    return k;
  }
}

export class Flo {
  constructor(readonly v: number) {}
}

export class Char {
  private static readonly small: Char[] = [];
  private constructor(readonly code: number) {}
  static of(code: number): Char {
    if (code < 256) return (Char.small[code] ??= new Char(code));
    return new Char(code);
  }
}

/** An immutable cons cell. `loc` is where the reader found the car (used for error positions). */
export class Pair {
  constructor(
    readonly car: Value,
    readonly cdr: Value,
    readonly loc?: Loc,
  ) {}
}

export class Atom {
  constructor(public value: Value) {}
}

/** A raised condition: a message and a list of irritants. */
export class OError {
  /** The frames it unwound through before it was caught (backtrace.ts); null until then. */
  trace: Backtrace | null = null;

  constructor(
    readonly message: string,
    readonly irritants: Value = null,
  ) {}
}

/** Anything callable; the interpreter defines the concrete classes. */
export abstract class Procedure {
  abstract readonly name: string | null;
}

/** Opaque runtime objects printed as `#<KIND>` (channels, threads). */
export abstract class Opaque {
  abstract readonly kind: string;
}

/** A mutable hash map keyed by `equal?`, iterating in insertion order. */
export class Dict {
  readonly entries = new Map<unknown, [Value, Value]>();
  get size(): number {
    return this.entries.size;
  }
  get(k: Value): [Value, Value] | undefined {
    return this.entries.get(hashKey(k));
  }
  set(k: Value, v: Value): void {
    const h = hashKey(k);
    const e = this.entries.get(h);
    if (e) e[1] = v;
    else this.entries.set(h, [k, v]);
  }
  delete(k: Value): void {
    this.entries.delete(hashKey(k));
  }
}

export type Value =
  | null
  | true
  | number
  | bigint
  | string
  | Flo
  | Char
  | Sym
  | Keyword
  | Pair
  | Value[]
  | Dict
  | Atom
  | OError
  | Procedure
  | Opaque;

export const INT_MIN = -(2n ** 61n);
export const INT_MAX = 2n ** 61n - 1n;

/** Normalises an exact integer: safe-range values are numbers, others bigints; null when out of range. */
export function makeInt(n: bigint): number | bigint | null {
  if (n < INT_MIN || n > INT_MAX) return null;
  const x = Number(n);
  return Number.isSafeInteger(x) ? x : n;
}

export function isInt(v: Value): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

export function isList(v: Value): boolean {
  while (v instanceof Pair) v = v.cdr;
  return v === null;
}

export function arrayToList(xs: readonly Value[], tail: Value = null): Value {
  let r = tail;
  for (let i = xs.length - 1; i >= 0; i--) r = new Pair(xs[i], r);
  return r;
}

/** The elements of a proper list, or null when `v` is not one. */
export function listToArray(v: Value): Value[] | null {
  const out: Value[] = [];
  while (v instanceof Pair) {
    out.push(v.car);
    v = v.cdr;
  }
  return v === null ? out : null;
}

/** Map key that identifies a value up to `equal?` (floats by bit pattern, ints by value). */
export function hashKey(v: Value): unknown {
  if (v === null || v === true || typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'string') return 's' + v;
  if (v instanceof Flo) return 'f' + floatBits(v.v);
  if (v instanceof Char) return 'c' + v.code;
  if (v instanceof Pair || Array.isArray(v) || v instanceof Dict) return 'p' + structuralKey(v);
  return v; // symbols, keywords (interned) and identity objects
}

function structuralKey(v: Value): string {
  // metered: a key with shared parts can be exponentially long (a step per node: building and
  // hashing the key string costs about a procedure call per node)
  chargeWork(16);
  if (v instanceof Pair) return '(' + structuralKey(v.car) + '.' + structuralKey(v.cdr) + ')';
  if (Array.isArray(v)) return '[' + v.map(structuralKey).join(' ') + ']';
  if (v instanceof Dict) {
    const parts = [...v.entries.values()].map(([k, x]) => structuralKey(k) + '=' + structuralKey(x));
    return '{' + parts.sort().join(' ') + '}';
  }
  const k = hashKey(v);
  if (typeof k === 'object' && k !== null) return '#' + identityId(k);
  return typeof k + ':' + String(k);
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function identityId(o: object): number {
  let id = identities.get(o);
  if (id === undefined) identities.set(o, (id = ++nextIdentity));
  return id;
}

const bitsView = new DataView(new ArrayBuffer(8));
export function floatBits(x: number): bigint {
  bitsView.setFloat64(0, x);
  return bitsView.getBigUint64(0);
}

/**
 * How a string is indexed by code point. `offsets` is null when every code point is one UTF-16
 * unit (code point i is unit i); otherwise it holds the unit offset of each code point.
 */
interface StringIndex {
  readonly s: string;
  readonly length: number;
  readonly offsets: Uint32Array | null;
}

/** Strings at least this long have their index kept (in `recent`); shorter ones are scanned each time. */
const INDEXED_LENGTH = 64;
/** The index of the last few long strings used, most recent first: a loop over a string scans it once. */
const recent: StringIndex[] = [];

function stringIndex(s: string): StringIndex {
  if (s.length >= INDEXED_LENGTH) for (const r of recent) if (r.s === s) return r;
  chargeChars(s.length);
  let surrogate = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      surrogate = i;
      break;
    }
  }
  let offsets: Uint32Array | null = null;
  let length = s.length;
  if (surrogate < s.length) {
    const at: number[] = Array.from({ length: surrogate }, (_, i) => i);
    for (let i = surrogate; i < s.length; i++) {
      at.push(i);
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
    offsets = Uint32Array.from(at);
    length = at.length;
  }
  const index = { s, length, offsets };
  if (s.length >= INDEXED_LENGTH) {
    recent.unshift(index);
    if (recent.length > 4) recent.pop();
  }
  return index;
}

/** Number of code points in a string (O(1) for a long string used again). */
export function strLength(s: string): number {
  return stringIndex(s).length;
}

/** The code point at code-point index i (0 <= i < strLength(s)). */
export function codePointAt(s: string, i: number): number {
  const { offsets } = stringIndex(s);
  return offsets ? s.codePointAt(offsets[i])! : s.charCodeAt(i);
}

/** The code points [start, end) of s as a string (0 <= start <= end <= strLength(s)). */
export function codePointSlice(s: string, start: number, end: number): string {
  const { offsets } = stringIndex(s);
  if (!offsets) return s.slice(start, end);
  const unit = (i: number) => (i === offsets.length ? s.length : offsets[i]);
  return s.slice(unit(start), unit(end));
}

/** Code points of a string. */
export function codePoints(s: string): number[] {
  chargeChars(s.length * 4);
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}
