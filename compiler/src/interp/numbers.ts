// Numeric tower of the interpreter: 62-bit ints (number or bigint) and IEEE doubles (Flo).
import { formatFloat } from '../printer.js';
import { Flo, type Value, isInt, makeInt } from '../values.js';
import { raise, typeError } from './objects.js';

export type Num = number | bigint | Flo;

export function isNumber(v: Value): v is Num {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Flo;
}

export function num(name: string, v: Value): Num {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Flo) return v;
  return typeError(name, 'number', v);
}

export function int(name: string, v: Value): number | bigint {
  if (isInt(v)) return v;
  return typeError(name, 'int', v);
}

/** An int argument that must fit a JS number (indexes, counts). */
export function smallInt(name: string, v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return typeError(name, 'int', v);
}

export function toFloat(v: Num): number {
  return v instanceof Flo ? v.v : Number(v);
}

export function checkedInt(n: bigint): number | bigint {
  const r = makeInt(n);
  if (r === null) raise('integer overflow');
  return r;
}

type IntOp = (a: bigint, b: bigint) => bigint;
type FloatOp = (a: number, b: number) => number;

function arith(a: Num, b: Num, fast: FloatOp, big: IntOp): Num {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = fast(a, b);
    if (Number.isSafeInteger(r)) return r + 0; // + 0 turns an int -0 (e.g. -1 * 0) into 0
    return checkedInt(big(BigInt(a), BigInt(b)));
  }
  if (a instanceof Flo || b instanceof Flo) return new Flo(fast(toFloat(a), toFloat(b)));
  return checkedInt(big(BigInt(a), BigInt(b)));
}

export const add = (a: Num, b: Num): Num => arith(a, b, (x, y) => x + y, (x, y) => x + y);
export const sub = (a: Num, b: Num): Num => arith(a, b, (x, y) => x - y, (x, y) => x - y);
export const mul = (a: Num, b: Num): Num => arith(a, b, (x, y) => x * y, (x, y) => x * y);

export function div(a: Num, b: Num): Num {
  if (a instanceof Flo || b instanceof Flo) return new Flo(toFloat(a) / toFloat(b));
  if (b === 0 || b === 0n) raise('/: division by zero');
  if (typeof a === 'number' && typeof b === 'number') return truncDiv(a, b);
  return checkedInt(BigInt(a) / BigInt(b));
}

/** Exact truncating division of safe integers. */
function truncDiv(a: number, b: number): number {
  return (a - (a % b)) / b + 0;
}

/** quotient / remainder / modulo on ints, named for error messages. */
export function intDivision(name: 'quotient' | 'remainder' | 'modulo', av: Value, bv: Value): number | bigint {
  const a = int(name, av);
  const b = int(name, bv);
  if (b === 0 || b === 0n) raise(`${name}: division by zero`);
  if (typeof a === 'number' && typeof b === 'number') {
    if (name === 'quotient') return truncDiv(a, b);
    const r = (a % b) + 0;
    return name === 'modulo' && r !== 0 && r < 0 !== b < 0 ? r + b : r;
  }
  const x = BigInt(a);
  const y = BigInt(b);
  if (name === 'quotient') return checkedInt(x / y);
  const r = x % y;
  return checkedInt(name === 'modulo' && r !== 0n && r < 0n !== y < 0n ? r + y : r);
}

export function negate(a: Num): Num {
  if (a instanceof Flo) return new Flo(-a.v);
  return checkedInt(-BigInt(a));
}

/** Compares two numbers exactly (ints against floats by mathematical value); NaN compares unordered. */
export function compare(a: Num, b: Num): number {
  const x = a instanceof Flo ? a.v : a;
  const y = b instanceof Flo ? b.v : b;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x == y) return 0; // eslint-disable-line eqeqeq -- mixed bigint/number equality
  return NaN;
}

export function numberToString(n: Num, radix: number): string {
  if (n instanceof Flo) return formatFloat(n.v);
  return n.toString(radix);
}

/** Rounds half to even, keeping the sign of zero as Python does. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  const r = diff < 0.5 ? f : diff > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

export function expt(a: Num, b: Num): Num {
  if (isInt(a) && isInt(b) && b >= 0) {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a ** b;
      if (Number.isSafeInteger(r)) return r;
    }
    const base = BigInt(a);
    let e = BigInt(b);
    if (base === 0n || base === 1n) return Number(base);
    if (base === -1n) return e % 2n === 0n ? 1 : -1;
    if (e > 64n) raise('integer overflow');
    let r = 1n;
    while (e-- > 0n) {
      r *= base;
      if (r > 2n ** 62n || r < -(2n ** 62n)) raise('integer overflow');
    }
    return checkedInt(r);
  }
  return new Flo(Math.pow(toFloat(a), toFloat(b)));
}

export function toExact(name: string, v: Num): number | bigint {
  if (!(v instanceof Flo)) return v;
  if (!Number.isFinite(v.v)) raise(`${name}: cannot convert ${formatFloat(v.v)}`);
  return checkedInt(BigInt(Math.trunc(v.v)));
}

/** A small seedable generator (splitmix64) so `random-seed!` makes runs repeatable. */
export class Random {
  private state = BigInt(Date.now()) ^ 0x9e3779b97f4a7c15n;
  seed(k: bigint): void {
    this.state = BigInt.asUintN(64, k);
  }
  next64(): bigint {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
  /** Uniform in [0, n) for a positive n. */
  below(n: bigint): bigint {
    return this.next64() % n;
  }
}
