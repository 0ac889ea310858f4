// Reference counting in the Perceus style: walks each function's ANF once with the set of
// owned variables and decides, at compile time, where every reference is duplicated or dropped.
// - Operands consumed by an operation (call arguments, captures, stored values, returned values)
//   are moved on their last use and duplicated otherwise.
// - Operands an operation only reads (primitive arguments, the callee, a box) are borrowed; an
//   owned variable is dropped right after its last use.
// - A branch drops, on entry, what the other branch uses but it does not.
// - Every operation that can raise records what must be dropped before the error propagates
//   (to the caller, or to the handler of the innermost try).
// - Tail calls pass ownership: everything else is dropped before the call.
import { compilingAt } from '../errors.js';
import type { Atom, Expr, FnDef, LVar, OnFail, Rhs, Use } from './ir.js';
import { cannotRaise, primConsumes } from './ir.js';

type Owned = Set<LVar>;

interface FailCtx {
  /** Owned by enclosing blocks: dropped too when an error leaves them. */
  readonly outer: LVar[];
  readonly target: (Rhs & { k: 'try' }) | null;
}

export function insertRc(functions: readonly FnDef[]): void {
  inferBorrowedParams(functions);
  for (const fn of functions) compilingAt(fn.loc, () => new Rc().fn(fn));
}

/**
 * Borrow inference: a parameter the body only reads (never returns, passes to a call that takes
 * it, captures or stores) is borrowed — the caller keeps ownership and the callee neither
 * duplicates nor drops it. A call lends to the callee's borrowed parameters, so a function's
 * callers are inferred again when it gains some, until nothing changes (pessimistically: each
 * step only adds borrowed parameters).
 */
function inferBorrowedParams(functions: readonly FnDef[]): void {
  // a worklist: a function that gains borrowed parameters queues only its callers again, so a
  // long chain of functions lending to each other costs linear, not quadratic, time
  const callers = new Map<FnDef, Set<FnDef>>();
  for (const fn of functions) {
    for (const callee of directCallees(fn.body)) {
      if (!callers.has(callee)) callers.set(callee, new Set());
      callers.get(callee)!.add(fn);
    }
  }
  const queue = [...functions];
  const queued = new Set(functions);
  for (let i = 0; i < queue.length; i++) {
    const fn = queue[i];
    queued.delete(fn);
    if (!compilingAt(fn.loc, () => inferBorrowed(fn))) continue;
    for (const caller of callers.get(fn) ?? []) {
      if (!queued.has(caller)) {
        queued.add(caller);
        queue.push(caller);
      }
    }
  }
}

/** The functions an expression calls directly (as a value or in tail position). */
function directCallees(e: Expr, out = new Set<FnDef>()): Set<FnDef> {
  switch (e.k) {
    case 'let': {
      const r = e.rhs;
      if (r.k === 'direct') out.add(r.fn);
      if (r.k === 'block') directCallees(r.body, out);
      if (r.k === 'try') {
        directCallees(r.body, out);
        directCallees(r.handler, out);
      }
      return directCallees(e.body, out);
    }
    case 'if':
      directCallees(e.then, out);
      return directCallees(e.else, out);
    case 'tail':
      if (e.call.k === 'direct') out.add(e.call.fn);
      return out;
    default:
      return out;
  }
}

/**
 * One function's borrowed parameters; true when it found new ones. In a loop, a jump rebinds each
 * parameter: a borrowed one may be rebound only to a constant or to a value the caller keeps alive
 * for the whole call (another borrowed parameter, or a car/cdr projection of one: pairs are
 * immutable, so the caller's list holds every cell along it).
 */
function inferBorrowed(fn: FnDef): boolean {
  const consumed = new Set<LVar>();
  const jumps: Atom[][] = [];
  const take = (atoms: Atom[]) => atoms.forEach((a) => a.k === 'var' && consumed.add(a.v));
  const walk = (e: Expr): void => {
    switch (e.k) {
      case 'let': {
        const r = e.rhs;
        take(consumedOperands(r));
        if (r.k === 'block') walk(r.body);
        if (r.k === 'try') {
          walk(r.body);
          walk(r.handler);
        }
        return walk(e.body);
      }
      case 'if':
        walk(e.then);
        return walk(e.else);
      case 'ret':
        return take([e.a]);
      case 'tail':
        return take(consumedOperands(e.call));
      case 'jump':
        jumps.push(e.args);
        return;
    }
  };
  walk(fn.body);
  const lent = new Set(fn.params.filter((p) => !consumed.has(p)));
  const rootedInLent = (a: Atom) => a.k === 'const' || [...sources(a.v)].some((x) => lent.has(x));
  for (let changed = true; changed; ) {
    changed = false;
    for (const args of jumps) {
      args.forEach((a, i) => {
        const p = fn.params[i];
        let owned: LVar | null = null;
        if (lent.has(p)) {
          if (!rootedInLent(a)) owned = p; // rebound to a value the caller does not keep alive
        } else if (a.k === 'var' && lent.has(a.v)) {
          owned = a.v; // handed to a parameter that owns its value: consumed
        }
        if (owned) {
          lent.delete(owned);
          changed = true;
        }
      });
    }
  }
  const found = [...lent].filter((p) => !p.borrowed);
  for (const p of found) p.borrowed = true;
  return found.length > 0;
}

class Rc {
  private readonly fvCache = new WeakMap<Expr, Set<LVar>>();
  private params: readonly LVar[] = [];

  fn(fn: FnDef): void {
    this.params = fn.params;
    const params = (fn.rest ? [...fn.params, fn.rest] : fn.params).filter((p) => !p.borrowed);
    const used = this.fv(fn.body);
    fn.entryDrops = params.filter((p) => !used.has(p));
    this.expr(fn.body, new Set(params.filter((p) => used.has(p))), { outer: [], target: null });
  }

  // ------------------------------------------------------------------ free variables

  fv(e: Expr): Set<LVar> {
    let s = this.fvCache.get(e);
    if (s) return s;
    s = new Set();
    const add = (a: Atom) => {
      if (a.k === 'var') addWithSources(s!, a.v);
    };
    switch (e.k) {
      case 'let':
        for (const v of this.fv(e.body)) if (v !== e.v) s.add(v);
        for (const v of this.rhsVars(e.rhs)) s.add(v);
        break;
      case 'if':
        add(e.test);
        for (const v of this.fv(e.then)) s.add(v);
        for (const v of this.fv(e.else)) s.add(v);
        break;
      case 'ret':
        add(e.a);
        break;
      case 'tail':
        for (const v of this.rhsVars(e.call)) s.add(v);
        break;
      case 'jump':
        e.args.forEach(add);
        break;
    }
    this.fvCache.set(e, s);
    return s;
  }

  private rhsVars(r: Rhs): Set<LVar> {
    const s = new Set<LVar>();
    for (const a of [...borrowedOperands(r), ...consumedOperands(r)]) if (a.k === 'var') addWithSources(s, a.v);
    if (r.k === 'member') s.add(r.record);
    if (r.k === 'block') for (const v of this.fv(r.body)) s.add(v);
    if (r.k === 'try') {
      for (const v of this.fv(r.body)) s.add(v);
      for (const v of this.fv(r.handler)) if (v !== r.err) s.add(v);
    }
    return s;
  }

  // ------------------------------------------------------------------ ownership

  /** Decide move or dup for each consumed operand; returns the uses and the moved variables. */
  private consume(r: Rhs, owned: Owned, liveAfter: Set<LVar>): { uses: Use[]; moved: Set<LVar> } {
    const consumed = consumedOperands(r);
    // what the operation reads, and the values those borrow from, must outlive it: never moved
    const borrowed = new Set<LVar>();
    for (const a of borrowedOperands(r)) if (a.k === 'var') addWithSources(borrowed, a.v);
    if (r.k === 'member') borrowed.add(r.record);
    const moved = new Set<LVar>();
    const uses = consumed.map((a, i): Use => {
      if (a.k !== 'var') return 'dup';
      const v = a.v;
      const laterUse = consumed.slice(i + 1).some((b) => b.k === 'var' && b.v === v);
      if (owned.has(v) && !moved.has(v) && !liveAfter.has(v) && !borrowed.has(v) && !laterUse) {
        moved.add(v);
        return 'move';
      }
      return 'dup';
    });
    return { uses, moved };
  }

  private failOf(owned: Owned, moved: Set<LVar>, fail: FailCtx): OnFail {
    return { drops: [...[...owned].filter((v) => !moved.has(v)), ...fail.outer], target: fail.target };
  }

  private expr(e: Expr, owned: Owned, fail: FailCtx): void {
    switch (e.k) {
      case 'ret': {
        const a = e.a;
        if (a.k === 'var' && owned.has(a.v)) {
          e.use = 'move';
          e.drops = [...owned].filter((v) => v !== a.v);
        } else {
          e.use = 'dup';
          e.drops = [...owned];
        }
        return;
      }
      case 'if': {
        for (const [branch, key] of [
          [e.then, 'thenDrops'],
          [e.else, 'elseDrops'],
        ] as const) {
          const used = this.fv(branch);
          e[key] = [...owned].filter((v) => !used.has(v));
          this.expr(branch, new Set([...owned].filter((v) => used.has(v))), fail);
        }
        return;
      }
      case 'tail': {
        const { uses, moved } = this.consume(e.call, owned, new Set());
        setUses(e.call, uses);
        // What the call borrows (the callee, lent arguments and what they borrow from) is dropped after it.
        const read = new Set<LVar>();
        for (const a of borrowedOperands(e.call)) if (a.k === 'var') addWithSources(read, a.v);
        const callee = [...owned].filter((v) => read.has(v) && !moved.has(v));
        e.after = callee;
        e.drops = [...owned].filter((v) => !moved.has(v) && !callee.includes(v));
        e.fail = { drops: [], target: null };
        return;
      }
      case 'jump': {
        // a borrowed parameter is rebound to a value lent for the whole call (inferBorrowed)
        const lent = (i: number) => this.params[i].borrowed;
        const { uses, moved } = this.consumeAtoms(e.args.filter((_, i) => !lent(i)), owned);
        let next = 0;
        e.uses = e.args.map((_, i) => (lent(i) ? 'borrow' : uses[next++]));
        e.drops = [...owned].filter((v) => !moved.has(v));
        return;
      }
      case 'let':
        return this.letExpr(e, owned, fail);
    }
  }

  private consumeAtoms(atoms: Atom[], owned: Owned): { uses: Use[]; moved: Set<LVar> } {
    return this.consume({ k: 'record', captures: atoms }, owned, new Set());
  }

  private letExpr(e: Expr & { k: 'let' }, owned: Owned, fail: FailCtx): void {
    const liveAfter = new Set(this.fv(e.body));
    liveAfter.delete(e.v);
    const r = e.rhs;
    let rest: Owned;
    if (r.k === 'block') {
      const keep = [...owned].filter((v) => liveAfter.has(v));
      const inner = new Set([...owned].filter((v) => !liveAfter.has(v)));
      this.expr(r.body, inner, { outer: [...keep, ...fail.outer], target: fail.target });
      rest = new Set(keep);
      e.after = [];
    } else if (r.k === 'try') {
      const handlerUses = new Set(this.fv(r.handler));
      handlerUses.delete(r.err);
      const keep = [...owned].filter((v) => liveAfter.has(v) || handlerUses.has(v));
      const forBody = new Set([...owned].filter((v) => !keep.includes(v)));
      this.expr(r.body, forBody, { outer: [], target: r });
      const handlerOnly = keep.filter((v) => !liveAfter.has(v));
      r.drops = handlerOnly;
      const survivors = keep.filter((v) => liveAfter.has(v));
      this.expr(r.handler, new Set([...handlerOnly, r.err]), { outer: [...survivors, ...fail.outer], target: fail.target });
      e.fail = { drops: [...keep, ...fail.outer], target: fail.target };
      rest = new Set(survivors);
      e.after = [];
    } else {
      const { uses, moved } = this.consume(r, owned, liveAfter);
      setUses(r, uses);
      if (r.k === 'prim' && r.p.reusesAt === r.args.length) {
        // an operand that dies here is handed to the operation, which may reuse its memory
        const i = r.args.findIndex((a) => a.k === 'var' && owned.has(a.v) && !liveAfter.has(a.v));
        if (i >= 0) {
          r.reuse = i;
          moved.add((r.args[i] as Atom & { k: 'var' }).v);
        }
      }
      if (!cannotRaise(r)) e.fail = this.failOf(owned, moved, fail);
      e.after = [...owned].filter((v) => !moved.has(v) && !liveAfter.has(v));
      rest = new Set([...owned].filter((v) => !moved.has(v) && liveAfter.has(v)));
    }
    if (!e.v.borrowed) {
      if (liveAfter.has(e.v) || this.fv(e.body).has(e.v)) rest.add(e.v);
      else e.after.push(e.v);
    }
    this.expr(e.body, rest, fail);
  }
}

/** v and the values it is borrowed from (its `source` chain). */
function* sources(v: LVar): Generator<LVar> {
  for (let x: LVar | undefined = v; x; x = x.source) yield x;
}

/** A use of a borrowed projection is also a use of the value it was borrowed from. */
function addWithSources(s: Set<LVar>, v: LVar): void {
  for (const x of sources(v)) s.add(x);
}

function setUses(r: Rhs, uses: Use[]): void {
  switch (r.k) {
    case 'atom':
    case 'setglobal':
    case 'box':
    case 'setbox':
      r.use = uses[0];
      return;
    case 'direct': {
      let next = 0;
      r.uses = r.args.map((_, i) => (lentTo(r, i) ? 'borrow' : uses[next++]));
      return;
    }
    case 'prim':
    case 'call':
    case 'closure':
    case 'record':
      r.uses = uses;
      return;
    default:
      return;
  }
}

/** Is argument i of a direct call lent to a borrowed parameter? */
function lentTo(r: Rhs & { k: 'direct' }, i: number): boolean {
  return i < r.fn.params.length && r.fn.params[i].borrowed;
}

/** Operands an operation reads without taking ownership. */
export function borrowedOperands(r: Rhs): Atom[] {
  switch (r.k) {
    case 'prim':
      return primConsumes(r.p, r.args.length) ? [] : r.args;
    case 'call':
      return [r.fn];
    case 'direct':
      return [...(r.closure ? [r.closure] : []), ...r.args.filter((_, i) => lentTo(r, i))];
    case 'unbox':
      return [r.box];
    case 'setbox':
      return [r.box];
    default:
      return [];
  }
}

/** Operands an operation takes ownership of. */
export function consumedOperands(r: Rhs): Atom[] {
  switch (r.k) {
    case 'atom':
    case 'setglobal':
    case 'box':
    case 'setbox':
      return [r.a];
    case 'prim':
      return primConsumes(r.p, r.args.length) ? r.args : [];
    case 'call':
      return r.args;
    case 'direct':
      return r.args.filter((_, i) => !lentTo(r, i));
    case 'closure':
    case 'record':
      return r.captures;
    default:
      return [];
  }
}
