// Helpers for taking apart datums as syntax, with positions for error messages.
import { CompileError } from './errors.js';
import { elementLocs } from './reader.js';
import { type Loc, Pair, Sym, type Value } from './values.js';

/** A sub-form together with the best known position for it. */
export interface Form {
  readonly value: Value;
  readonly loc: Loc;
}

/** The elements of a proper list form, each with its own position (or `loc` when unknown). */
export function listItems(v: Value, loc: Loc, what = 'form'): Form[] {
  const out: Form[] = [];
  while (v instanceof Pair) {
    out.push({ value: v.car, loc: v.loc ?? loc });
    v = v.cdr;
  }
  if (v !== null) throw new CompileError(loc, `bad ${what}: not a proper list`);
  return out;
}

/** The elements of a vector datum with their positions. */
export function vectorItems(v: Value[], loc: Loc): Form[] {
  const locs = elementLocs.get(v);
  return v.map((value, i) => ({ value, loc: locs?.[i] ?? loc }));
}

export function isSym(v: Value, name?: string): v is Sym {
  return v instanceof Sym && (name === undefined || v.name === name);
}

/** The head symbol of a list form, if it has one. */
export function headSym(v: Value): Sym | null {
  return v instanceof Pair && v.car instanceof Sym ? v.car : null;
}

/** Checks that a binding position holds a symbol; `t`/`nil` are constants. */
export function bindingName(f: Form): Sym {
  if (f.value === true) throw new CompileError(f.loc, 'cannot bind constant t');
  if (f.value === null) throw new CompileError(f.loc, 'cannot bind constant nil');
  if (!(f.value instanceof Sym)) throw new CompileError(f.loc, 'expected a variable name');
  return f.value;
}

export function fail(loc: Loc, message: string): never {
  throw new CompileError(loc, message);
}

/** Requires a special form to have between min and max operands (max null: no limit). */
export function checkOperands(name: string, items: Form[], loc: Loc, min: number, max: number | null): void {
  const n = items.length - 1;
  if (n < min || (max !== null && n > max)) fail(loc, `bad ${name} form`);
}
