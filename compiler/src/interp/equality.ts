// eq?, eqv? and equal? (LANGUAGE.md §4 and §10).
import { Char, Dict, Flo, Pair, type Value, floatBits } from '../values.js';
import { chargeWork } from '../work.js';

export function isEq(a: Value, b: Value): boolean {
  if (a === b) return true;
  return a instanceof Char && b instanceof Char && a.code === b.code;
}

/** eq? plus numbers by value and type; floats by bit pattern. */
export function isEqv(a: Value, b: Value): boolean {
  if (a instanceof Flo && b instanceof Flo) return floatBits(a.v) === floatBits(b.v);
  return isEq(a, b);
}

/** Structural equality: pairs, vectors, dicts (order ignored) and strings; numbers as eqv?. */
export function isEqual(a: Value, b: Value): boolean {
  for (;;) {
    if (isEqv(a, b)) return true;
    // metered: structures with shared parts can take exponentially long to compare
    chargeWork(1);
    if (a instanceof Pair && b instanceof Pair) {
      if (!isEqual(a.car, b.car)) return false;
      a = a.cdr;
      b = b.cdr;
      continue;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const other = b;
      return a.length === other.length && a.every((x, i) => isEqual(x, other[i]));
    }
    if (a instanceof Dict && b instanceof Dict) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a.entries.values()) {
        const other = b.get(k);
        if (!other || !isEqual(v, other[1])) return false;
      }
      return true;
    }
    return false;
  }
}
