// Lowering of quasiquote templates (nested depth respected, vector templates included)
// to calls of the internal list primitives.
import { mk, type Node } from './ast.js';
import { type Form, fail, isSym, vectorItems } from './syntax.js';
import { type Loc, Pair, type Value, arrayToList, Sym } from './values.js';

type Expand = (f: Form) => Node;

/** `(NAME x)` for one of the quasiquote markers. */
function marker(v: Value, name: string): Value | undefined {
  if (v instanceof Pair && isSym(v.car, name) && v.cdr instanceof Pair && v.cdr.cdr === null) return v.cdr.car;
  return undefined;
}

function hasUnquote(v: Value): boolean {
  if (v instanceof Pair) {
    if (isSym(v.car, 'unquote') || isSym(v.car, 'unquote-splicing')) return true;
    return hasUnquote(v.car) || hasUnquote(v.cdr);
  }
  return Array.isArray(v) && v.some(hasUnquote);
}

export function expandQuasiquote(template: Form, expand: Expand): Node {
  return quasi(template.value, template.loc, 1, expand);
}

function quasi(v: Value, loc: Loc, depth: number, expand: Expand): Node {
  if (!hasUnquote(v)) return mk.const(v, loc);
  const unq = marker(v, 'unquote');
  if (unq !== undefined) {
    const inner = (v as Pair).cdr as Pair;
    if (depth === 1) return expand({ value: unq, loc: inner.loc ?? loc });
    return wrap('unquote', quasi(unq, loc, depth - 1, expand), loc);
  }
  const qq = marker(v, 'quasiquote');
  if (qq !== undefined) return wrap('quasiquote', quasi(qq, loc, depth + 1, expand), loc);
  if (Array.isArray(v)) {
    const asList = arrayToList(v);
    const items = vectorItems(v, loc);
    return mk.prim('list->vector', [quasiList(asList, loc, depth, expand, items)], loc);
  }
  if (v instanceof Pair) return quasiList(v, loc, depth, expand);
  return mk.const(v, loc);
}

function wrap(name: string, inner: Node, loc: Loc): Node {
  return mk.prim('list', [mk.const(Sym.of(name), loc), inner], loc);
}

/** A list template; `locs` gives element positions for vector templates. */
function quasiList(v: Value, loc: Loc, depth: number, expand: Expand, locs?: Form[]): Node {
  const elems: { value: Value; loc: Loc }[] = [];
  let tail: Value = v;
  let i = 0;
  // Stop at a tail that is itself an unquote form: `(a . ,b)` reads as (a unquote b).
  while (tail instanceof Pair && marker(tail, 'unquote') === undefined && marker(tail, 'unquote-splicing') === undefined) {
    elems.push({ value: tail.car, loc: tail.loc ?? locs?.[i]?.loc ?? loc });
    tail = tail.cdr;
    i++;
  }
  if (marker(tail, 'unquote-splicing') !== undefined) fail(loc, 'unquote-splicing in dotted position');
  let result = quasi(tail, loc, depth, expand);
  for (let j = elems.length - 1; j >= 0; j--) {
    const e = elems[j];
    const spliced = marker(e.value, 'unquote-splicing');
    if (spliced !== undefined && depth === 1) {
      const inner = (e.value as Pair).cdr as Pair;
      const part = expand({ value: spliced, loc: inner.loc ?? e.loc });
      result = isEmptyConst(result) ? mk.prim('append', [part], e.loc) : mk.prim('append', [part, result], e.loc);
    } else if (spliced !== undefined) {
      result = mk.prim('cons', [wrap('unquote-splicing', quasi(spliced, e.loc, depth - 1, expand), e.loc), result], e.loc);
    } else {
      result = mk.prim('cons', [quasi(e.value, e.loc, depth, expand), result], e.loc);
    }
  }
  return result;
}

function isEmptyConst(n: Node): boolean {
  return n.k === 'const' && n.value === null;
}
