// Lowering of `match` to core forms. Each clause tests the scrutinee and binds pattern variables;
// a failing clause tail-calls a local "next clause" procedure, and `or` patterns call a shared
// local "success" procedure with the bound names, so no code is duplicated.
import { mk, type Node } from './ast.js';
import { type Form, bindingName, fail, isSym, listItems, vectorItems } from './syntax.js';
import { Char, Flo, Keyword, type Loc, Pair, Sym, type Value } from './values.js';

export interface MatchClause {
  pattern: Form;
  guard: Form | null;
  body: Form[];
  loc: Loc;
}

/** Callbacks into the expander: expressions and bodies in a scope extended by the given names. */
export interface MatchContext {
  expr(f: Form, bound: Sym[]): Node;
  body(forms: Form[], loc: Loc, bound: Sym[]): Node;
}

let counter = 0;
const temp = (hint: string): Sym => Sym.fresh(`${hint}${++counter}`);

/** Parses `(pattern body...)` / `(pattern :when guard body...)`. */
export function parseClause(f: Form): MatchClause {
  const items = listItems(f.value, f.loc, 'match clause');
  if (items.length === 0) fail(f.loc, 'bad match clause');
  const [pattern, ...rest] = items;
  if (rest.length >= 2 && rest[0].value === Keyword.of('when')) {
    return { pattern, guard: rest[1], body: rest.slice(2), loc: f.loc };
  }
  return { pattern, guard: null, body: rest, loc: f.loc };
}

export function lowerMatch(scrutinee: Node, clauses: MatchClause[], loc: Loc, ctx: MatchContext): Node {
  const v = temp('match-value');
  let chain: Node = mk.prim('%match-fail', [mk.ref(v, loc)], loc);
  for (let i = clauses.length - 1; i >= 0; i--) {
    const next = temp('match-next');
    const failNext = () => mk.call(mk.ref(next, loc), [], loc);
    const clause = lowerClause(clauses[i], v, failNext, ctx);
    chain = mk.let([next], [mk.lambda([], null, chain, null, loc)], clause, loc);
  }
  return mk.let([v], [scrutinee], chain, loc);
}

function lowerClause(c: MatchClause, v: Sym, failNext: () => Node, ctx: MatchContext): Node {
  patternNames(c.pattern, new Set()); // reports names bound twice
  return compilePattern(c.pattern, v, [], failNext, ctx, (bound) => {
    const body = ctx.body(c.body, c.loc, bound);
    if (!c.guard) return body;
    return mk.if(ctx.expr(c.guard, bound), body, failNext(), c.guard.loc);
  });
}

/** The variables a pattern binds, in order; reports names bound twice. */
function patternNames(p: Form, seen: Set<Sym>): Sym[] {
  const out: Sym[] = [];
  const add = (s: Sym, loc: Loc) => {
    if (seen.has(s)) fail(loc, `match: ${s.name} bound twice in one pattern`);
    seen.add(s);
    out.push(s);
  };
  const walk = (f: Form): void => {
    const x = f.value;
    if (x instanceof Sym) {
      if (x.name !== '_') add(x, f.loc);
    } else if (Array.isArray(x)) vectorItems(x, f.loc).forEach(walk);
    else if (x instanceof Pair && x.car instanceof Sym) {
      if (x.car.name === 'list') return listPatternParts(f).forEach(walk);
      const items = operatorItems(f);
      switch (x.car.name) {
        case 'quote':
          return;
        case 'cons':
        case 'and':
          items.forEach(walk);
          return;
        case '?':
          items.slice(1).forEach(walk);
          return;
        case '@':
          if (items.length !== 2) fail(f.loc, 'bad @ pattern');
          add(bindingName(items[0]), items[0].loc);
          walk(items[1]);
          return;
        case 'or': {
          const alternatives = items.map((a) => patternNames(a, new Set()));
          const key = (names: Sym[]) => names.map((n) => n.name).sort().join(' ');
          if (alternatives.some((a) => key(a) !== key(alternatives[0]))) fail(f.loc, 'match: or alternatives bind different names');
          for (const s of alternatives[0] ?? []) add(s, f.loc);
          return;
        }
      }
      fail(f.loc, `bad pattern`);
    } else if (x instanceof Pair) fail(f.loc, 'bad pattern');
  };
  walk(p);
  return out;
}

/** The operands of a `(op ...)` pattern. */
function operatorItems(f: Form): Form[] {
  return listItems((f.value as Pair).cdr, f.loc, 'pattern');
}

/** Sub-patterns of `(list p... [. rest])`, the rest pattern last when present. */
function listPatternParts(f: Form): Form[] {
  const out: Form[] = [];
  let v = (f.value as Pair).cdr;
  while (v instanceof Pair) {
    out.push({ value: v.car, loc: v.loc ?? f.loc });
    v = v.cdr;
  }
  if (v !== null) out.push({ value: v, loc: f.loc });
  return out;
}

type Success = (bound: Sym[]) => Node;

/**
 * Code that matches the value in variable `v` against pattern `p`: on success it evaluates
 * `success` with the bound names in scope, otherwise it evaluates `failNext()`.
 */
function compilePattern(p: Form, v: Sym, bound: Sym[], failNext: () => Node, ctx: MatchContext, success: Success): Node {
  const loc = p.loc;
  const val = () => mk.ref(v, loc);
  const test = (cond: Node, then: Node) => mk.if(cond, then, failNext(), loc);
  const x = p.value;
  if (x instanceof Sym) {
    if (x.name === '_') return success(bound);
    return mk.let([x], [val()], success([...bound, x]), loc);
  }
  if (x === null) return test(mk.prim('null?', [val()], loc), success(bound));
  if (x === true) return test(mk.prim('eq?', [val(), mk.const(true, loc)], loc), success(bound));
  if (typeof x === 'number' || typeof x === 'bigint' || x instanceof Flo || x instanceof Char || x instanceof Keyword) {
    return test(mk.prim('eqv?', [val(), mk.const(x, loc)], loc), success(bound));
  }
  if (typeof x === 'string') return test(mk.prim('equal?', [val(), mk.const(x, loc)], loc), success(bound));
  if (Array.isArray(x)) return compileVector(vectorItems(x, loc), v, bound, failNext, ctx, success, loc);
  if (!(x instanceof Pair) || !(x.car instanceof Sym)) fail(loc, 'bad pattern');
  if (x.car.name === 'list') return compileList(listPatternParts(p), isDotted(x.cdr), v, bound, failNext, ctx, success, loc);
  const items = operatorItems(p);
  switch (x.car.name) {
    case 'quote':
      return test(mk.prim('equal?', [val(), mk.const(items[0].value, loc)], loc), success(bound));
    case 'cons':
      if (items.length !== 2) fail(loc, 'bad cons pattern');
      return compileCons(items[0], items[1], v, bound, failNext, ctx, success, loc);
    case '?': {
      if (items.length < 1 || items.length > 2) fail(loc, 'bad ? pattern');
      const check = mk.call(ctx.expr(items[0], bound), [val()], loc);
      const inner = items.length === 2 ? compilePattern(items[1], v, bound, failNext, ctx, success) : success(bound);
      return test(check, inner);
    }
    case 'and':
      return compileAnd(items, 0, v, bound, failNext, ctx, success);
    case '@': {
      const name = bindingName(items[0]);
      return mk.let([name], [val()], compilePattern(items[1], v, [...bound, name], failNext, ctx, success), loc);
    }
    case 'or':
      return compileOr(p, items, v, bound, failNext, ctx, success, loc);
  }
  return fail(loc, 'bad pattern');
}

function isDotted(v: Value): boolean {
  while (v instanceof Pair) v = v.cdr;
  return v !== null;
}

function compileAnd(items: Form[], i: number, v: Sym, bound: Sym[], failNext: () => Node, ctx: MatchContext, success: Success): Node {
  if (i === items.length) return success(bound);
  return compilePattern(items[i], v, bound, failNext, ctx, (b) => compileAnd(items, i + 1, v, b, failNext, ctx, success));
}

function compileCons(car: Form, cdr: Form, v: Sym, bound: Sym[], failNext: () => Node, ctx: MatchContext, success: Success, loc: Loc): Node {
  const a = temp('car');
  const d = temp('cdr');
  const inner = compilePattern(car, a, bound, failNext, ctx, (b) => compilePattern(cdr, d, b, failNext, ctx, success));
  const bind = mk.let([a, d], [mk.prim('car', [mk.ref(v, loc)], loc), mk.prim('cdr', [mk.ref(v, loc)], loc)], inner, loc);
  return mk.if(mk.prim('pair?', [mk.ref(v, loc)], loc), bind, failNext(), loc);
}

/** The list pattern `parts` from index `i` on (an index, not copies: n elements are O(n)). */
function compileList(parts: Form[], dotted: boolean, v: Sym, bound: Sym[], failNext: () => Node, ctx: MatchContext, success: Success, loc: Loc, i = 0): Node {
  const left = parts.length - i;
  if (left === 0 || (dotted && left === 1)) {
    if (dotted) return compilePattern(parts[i], v, bound, failNext, ctx, success);
    return mk.if(mk.prim('null?', [mk.ref(v, loc)], loc), success(bound), failNext(), loc);
  }
  const a = temp('car');
  const d = temp('cdr');
  const inner = compilePattern(parts[i], a, bound, failNext, ctx, (b) => compileList(parts, dotted, d, b, failNext, ctx, success, loc, i + 1));
  const bind = mk.let([a, d], [mk.prim('car', [mk.ref(v, loc)], loc), mk.prim('cdr', [mk.ref(v, loc)], loc)], inner, loc);
  return mk.if(mk.prim('pair?', [mk.ref(v, loc)], loc), bind, failNext(), loc);
}

function compileVector(items: Form[], v: Sym, bound: Sym[], failNext: () => Node, ctx: MatchContext, success: Success, loc: Loc): Node {
  const elems = items.map(() => temp('elem'));
  const matchFrom = (i: number, b: Sym[]): Node =>
    i === items.length ? success(b) : compilePattern(items[i], elems[i], b, failNext, ctx, (b2) => matchFrom(i + 1, b2));
  const inits = elems.map((_, i) => mk.prim('vector-ref', [mk.ref(v, loc), mk.const(i, loc)], loc));
  const shape = mk.if(
    mk.prim('vector?', [mk.ref(v, loc)], loc),
    mk.prim('=', [mk.prim('vector-length', [mk.ref(v, loc)], loc), mk.const(items.length, loc)], loc),
    mk.const(null, loc),
    loc,
  );
  return mk.if(shape, mk.let(elems, inits, matchFrom(0, bound), loc), failNext(), loc);
}

/** `(or p...)`: each alternative calls one shared success procedure with the names it bound. */
function compileOr(p: Form, alternatives: Form[], v: Sym, bound: Sym[], failNext: () => Node, ctx: MatchContext, success: Success, loc: Loc): Node {
  const names = patternNames(p, new Set());
  const join = temp('match-success');
  const joinLambda = mk.lambda(names, null, success([...bound, ...names]), null, loc);
  let chain = failNext();
  for (let i = alternatives.length - 1; i >= 0; i--) {
    const next = temp('match-alt');
    const alt = compilePattern(alternatives[i], v, bound, () => mk.call(mk.ref(next, loc), [], loc), ctx, () =>
      mk.call(mk.ref(join, loc), names.map((n) => mk.ref(n, loc)), loc),
    );
    chain = mk.let([next], [mk.lambda([], null, chain, null, loc)], alt, loc);
  }
  return mk.let([join], [joinLambda], chain, loc);
}
