// Reference-count insertion (rc.ts), checked by simulating ownership along every path of every
// function: each owned variable must be consumed exactly once on every path (moved into an
// operation, dropped, or returned), borrowed variables are never dropped or moved, every failure
// drops exactly the owned variables live at that point, and the paths that meet after a block or
// a try agree on what they own. The simulation follows the order in which emit-c.ts performs the
// operations (e.g. a tail call drops before it evaluates its arguments).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR, caseFiles } from '../../../test/src/conformance.js';
import { generateProgram } from '../../../test/src/program-generator.js';
import { CompileError } from '../errors.js';
import { Interpreter } from '../interp/interpreter.js';
import { MemoryHost } from '../interp/memory-host.js';
import { frontEnd } from '../pipeline.js';
import { compileToIr } from './compile.js';
import type { Atom, Expr, FnDef, LVar, OnFail, Program, Rhs, Use } from './ir.js';
import { LIST_AS_CONSES, cannotRaise } from './ir.js';
import { lowerProgram } from './lower.js';
import { insertRc } from './rc.js';

const FILE = 'rc.omni';

// ------------------------------------------------------------------ printing (for messages)

const vn = (v: LVar) => `${v.name}_${v.id}${v.borrowed ? '&' : ''}`;
const fnLabel = (f: FnDef) => `${f.base}#${f.id}`;
const list = (vs: Iterable<LVar>) => `{${[...vs].map(vn).join(' ')}}`;

function atomText(a: Atom, use?: Use): string {
  if (a.k === 'const') return a.c.replace(/^omni_mkint\(INT64_C\((-?\d+)\)\)$/, '$1');
  return (use === 'move' ? '^' : use === 'dup' ? '+' : '') + vn(a.v);
}

function rhsText(r: Rhs, ind: string): string {
  const args = (as: Atom[], uses?: Use[]) => as.map((a, i) => ' ' + atomText(a, uses?.[i])).join('');
  switch (r.k) {
    case 'atom':
      return atomText(r.a, r.use);
    case 'prim':
      return `(prim ${r.p.name}${args(r.args, r.uses)})`;
    case 'call':
      return `(call ${atomText(r.fn)}${args(r.args, r.uses)})`;
    case 'direct':
      return `(direct ${fnLabel(r.fn)}${r.closure ? ' closure=' + atomText(r.closure) : ''}${args(r.args, r.uses)})`;
    case 'closure':
      return `(closure ${fnLabel(r.fn)}${args(r.captures, r.uses)})`;
    case 'record':
      return `(record${args(r.captures, r.uses)})`;
    case 'member':
      return `(member ${fnLabel(r.fn)} ${vn(r.record)})`;
    case 'sibling':
      return `(sibling ${fnLabel(r.fn)})`;
    case 'self':
      return '(self)';
    case 'env':
      return `(env ${r.index}${r.viaRecord ? ' via-record' : ''})`;
    case 'global':
      return `(global ${r.g.name}${r.checked ? ' checked' : ''})`;
    case 'setglobal':
      return `(setglobal ${r.g.name} ${atomText(r.a, r.use)})`;
    case 'box':
      return `(box ${atomText(r.a, r.use)})`;
    case 'unbox':
      return `(unbox ${atomText(r.box)})`;
    case 'setbox':
      return `(setbox ${atomText(r.box)} ${atomText(r.a, r.use)})`;
    case 'block':
      return `(block\n${exprText(r.body, ind + '    ')})`;
    case 'try':
      return `(try drops${list(r.drops ?? [])} err=${vn(r.err)}\n${exprText(r.body, ind + '    ')}\n${ind}  handler:\n${exprText(r.handler, ind + '    ')})`;
  }
}

function exprText(e: Expr, ind = '  '): string {
  switch (e.k) {
    case 'let': {
      const fail = e.fail ? ` fail${list(e.fail.drops)}${e.fail.target ? '->try' : ''}` : '';
      const after = e.after?.length ? ` after${list(e.after)}` : '';
      return `${ind}${vn(e.v)} = ${rhsText(e.rhs, ind)}${fail}${after}\n${exprText(e.body, ind)}`;
    }
    case 'if':
      return `${ind}if ${atomText(e.test)}\n${ind} then drops${list(e.thenDrops ?? [])}\n${exprText(e.then, ind + '  ')}\n${ind} else drops${list(e.elseDrops ?? [])}\n${exprText(e.else, ind + '  ')}`;
    case 'ret':
      return `${ind}ret ${atomText(e.a, e.use)} drops${list(e.drops ?? [])}`;
    case 'tail':
      return `${ind}tail ${rhsText(e.call, ind)} drops${list(e.drops ?? [])} after${list(e.after ?? [])}`;
    case 'jump':
      return `${ind}jump${e.args.map((a, i) => ' ' + atomText(a, e.uses?.[i])).join('')} drops${list(e.drops ?? [])}`;
  }
}

function fnText(f: FnDef): string {
  const ps = f.params.map(vn).join(' ') + (f.rest ? ` . ${vn(f.rest)}` : '');
  const flags = `${f.global ? ' global' : ''}${f.loops ? ' loops' : ''}${f.viaRecord ? ' via-record' : ''}`;
  return `fn ${fnLabel(f)}(${ps})${flags} entryDrops${list(f.entryDrops ?? [])}\n${exprText(f.body)}`;
}

// ------------------------------------------------------------------ the ownership checker

type State = Set<LVar>;
type Mode = { k: 'return' } | { k: 'assign'; ends: State[] };
interface TryFrame {
  readonly rhs: Rhs & { k: 'try' };
  readonly catches: State[];
}
interface Cx {
  readonly mode: Mode;
  /** The try whose body we are in (the target of failures), null: failures return. */
  readonly tryFrame: TryFrame | null;
  /** Which branches lead here, for messages. */
  readonly path: string;
}

const same = (a: State, b: State) => a.size === b.size && [...a].every((v) => b.has(v));
const minus = (a: State, b: State) => [...a].filter((v) => !b.has(v));

/** Operands an operation only reads (they must stay alive across it), as emit-c performs it. */
function borrowedOf(r: Rhs): Atom[] {
  switch (r.k) {
    case 'prim':
      if (r.reuse !== undefined) {
        // the reused operand is consumed; the operation still reads it first
        const dead = r.args[r.reuse];
        return r.args.filter((a) => !(a.k === 'var' && dead.k === 'var' && a.v === dead.v));
      }
      return takesOwnership(r) ? [] : r.args;
    case 'call':
      return [r.fn];
    case 'unbox':
      return [r.box];
    case 'setbox':
      return [r.box];
    case 'member':
      return [{ k: 'var', v: r.record }];
    case 'direct':
      // arguments lent to borrowed parameters are only read by the call
      return [...(r.closure ? [r.closure] : []), ...r.args.filter((_, i) => r.fn.params[i]?.borrowed)];
    default:
      return [];
  }
}

/** cons, and list as far as it is emitted as nested conses, take their operands; other primitives read them. */
function takesOwnership(r: Rhs & { k: 'prim' }): boolean {
  return r.p.name === 'cons' || (r.p.name === 'list' && r.args.length <= LIST_AS_CONSES);
}

/** Operands an operation takes a reference to (moved or duplicated), with their annotations. */
function consumedOf(r: Rhs): { atoms: Atom[]; uses: (Use | undefined)[] } {
  switch (r.k) {
    case 'atom':
    case 'setglobal':
    case 'box':
    case 'setbox':
      return { atoms: [r.a], uses: [r.use] };
    case 'prim':
      if (r.reuse !== undefined) return { atoms: [r.args[r.reuse]], uses: ['move'] };
      return takesOwnership(r) ? { atoms: r.args, uses: r.args.map((_, i) => r.uses?.[i]) } : { atoms: [], uses: [] };
    case 'call':
      return { atoms: r.args, uses: r.args.map((_, i) => r.uses?.[i]) };
    case 'direct': {
      const owned = r.args.map((_, i) => i).filter((i) => !r.fn.params[i]?.borrowed);
      return { atoms: owned.map((i) => r.args[i]), uses: owned.map((i) => r.uses?.[i]) };
    }
    case 'closure':
    case 'record':
      return { atoms: r.captures, uses: r.captures.map((_, i) => r.uses?.[i]) };
    default:
      return { atoms: [], uses: [] };
  }
}

class Checker {
  readonly problems: string[] = [];
  private top: State = new Set();
  private readonly bound = new Set<LVar>();

  constructor(private readonly fn: FnDef) {}

  private err(where: string, msg: string): void {
    if (this.problems.length < 20) this.problems.push(`${fnLabel(this.fn)}${where}: ${msg}`);
  }

  run(): string[] {
    const f = this.fn;
    const params = f.rest ? [...f.params, f.rest] : [...f.params];
    const st: State = new Set(params.filter((p) => !p.borrowed));
    params.forEach((p) => this.bound.add(p));
    if (!f.entryDrops) this.err('', 'entryDrops not filled in');
    // The loop top is before the entry drops (emit-c drops unused parameters after `omni_top:`),
    // so every jump hands over all parameters and each iteration drops the unused ones again.
    this.top = new Set(st);
    for (const v of f.entryDrops ?? []) this.drop(v, st, ' entry');
    this.expr(f.body, st, { mode: { k: 'return' }, tryFrame: null, path: '' });
    return this.problems;
  }

  /** A borrowed projection (car/cdr) is alive while the value it was borrowed from is. */
  private alive(v: LVar, st: State): boolean {
    if (v.borrowed) return v.source ? this.alive(v.source, st) : true;
    return st.has(v);
  }

  private read(a: Atom, st: State, where: string, what: string): void {
    if (a.k === 'var' && !this.alive(a.v, st)) this.err(where, `${what} ${vn(a.v)} is not owned here (already moved or dropped)`);
  }

  private use(a: Atom, use: Use | undefined, st: State, where: string): void {
    if (a.k === 'const') return;
    const v = a.v;
    if (use === undefined) return this.err(where, `no move/dup annotation on ${vn(v)}`);
    if (use === 'dup') {
      if (!this.alive(v, st)) this.err(where, `dups ${vn(v)}, which is not owned here (already moved or dropped)`);
      return;
    }
    if (v.borrowed) return this.err(where, `moves the borrowed ${vn(v)}`);
    if (!st.has(v)) return this.err(where, `moves ${vn(v)}, which is not owned here (moved or dropped twice)`);
    st.delete(v);
  }

  /**
   * A jump rebinds borrowed parameter i to a: only to a constant, or to what the caller keeps alive
   * for the whole call (a borrowed parameter, or a car/cdr projection of one).
   */
  private lend(a: Atom, i: number, where: string): void {
    const p = this.fn.params[i];
    if (!p.borrowed) return this.err(where, `lends ${atomText(a, 'borrow')} to the owned parameter ${vn(p)}`);
    if (a.k === 'const') return;
    let root = a.v;
    while (root.source) root = root.source;
    if (!root.borrowed || !this.fn.params.includes(root)) {
      this.err(where, `rebinds the borrowed ${vn(p)} to ${vn(a.v)}, which the caller does not keep alive`);
    }
  }

  private drop(v: LVar, st: State, where: string): void {
    if (v.borrowed) return this.err(where, `drops the borrowed ${vn(v)}`);
    if (!st.has(v)) return this.err(where, `drops ${vn(v)}, which is not owned here (double drop, or dropped after a move)`);
    st.delete(v);
  }

  private bind(v: LVar, r: Rhs, st: State, where: string): void {
    if (this.bound.has(v)) this.err(where, `${vn(v)} is bound twice in the function`);
    this.bound.add(v);
    if (v.borrowed) {
      // Only a read of the closure's environment yields a borrowed reference; anything else
      // (a duplicated or moved atom, a call result...) is an owned reference that would leak.
      const projection = r.k === 'prim' && (r.p.name === 'car' || r.p.name === 'cdr');
      if (r.k !== 'env' && !projection) this.err(where, `binds the borrowed ${vn(v)} to an owned reference (${r.k}): it is never dropped`);
      if (projection && r.args[0].k === 'var' && v.source !== r.args[0].v) this.err(where, `${vn(v)} does not record its source`);
      return;
    }
    if (st.has(v)) this.err(where, `rebinds ${vn(v)} while it is owned`);
    st.add(v);
  }

  /** An operation raised: drop the listed variables, then go to the handler or return. */
  private failure(fail: OnFail | undefined, st: State, cx: Cx, where: string): void {
    if (!fail) return this.err(where, 'can raise but has no failure drop list');
    const s = new Set(st);
    const seen = new Set<LVar>();
    for (const v of fail.drops) {
      if (seen.has(v)) this.err(where, `failure drop list names ${vn(v)} twice`);
      seen.add(v);
      this.drop(v, s, where + ' (on error)');
    }
    const expected = cx.tryFrame?.rhs ?? null;
    if (fail.target !== expected) {
      this.err(where, `on error goes to ${fail.target ? 'a try handler' : 'the caller'} but the innermost handler is ${expected ? 'a try' : 'the caller'}`);
    }
    if (cx.tryFrame) cx.tryFrame.catches.push(s);
    else if (s.size) this.err(where, `on error returns still owning ${list(s)} (leaked)`);
  }

  /** The states of paths that meet must agree. */
  private join(states: State[], where: string, what: string): State {
    if (states.length === 0) {
      this.err(where, `${what}: no path reaches its end`);
      return new Set();
    }
    for (const s of states.slice(1)) {
      if (!same(s, states[0])) {
        this.err(where, `${what}: paths meet owning different variables: ${list(states[0])} vs ${list(s)}`);
        break;
      }
    }
    return new Set(states[0]);
  }

  private expr(e: Expr, st: State, cx: Cx): void {
    switch (e.k) {
      case 'ret': {
        const where = `${cx.path} ret ${atomText(e.a)}`;
        this.use(e.a, e.use, st, where);
        for (const v of e.drops ?? []) this.drop(v, st, where);
        if (cx.mode.k === 'assign') cx.mode.ends.push(st);
        else if (st.size) this.err(where, `returns still owning ${list(st)} (leaked)`);
        return;
      }
      case 'if': {
        const where = `${cx.path} if ${atomText(e.test)}`;
        this.read(e.test, st, where, 'tests');
        const t = new Set(st);
        for (const v of e.thenDrops ?? []) this.drop(v, t, where + ' then');
        this.expr(e.then, t, { ...cx, path: `${cx.path} then` });
        const f = new Set(st);
        for (const v of e.elseDrops ?? []) this.drop(v, f, where + ' else');
        this.expr(e.else, f, { ...cx, path: `${cx.path} else` });
        return;
      }
      case 'tail': {
        const where = `${cx.path} tail ${rhsText(e.call, '')} (line ${e.loc.line})`;
        if (cx.mode.k !== 'return') this.err(where, 'tail call inside a block or try');
        // emit-c duplicates the dup'd arguments, drops, then moves the others into the call.
        const { atoms, uses } = consumedOf(e.call);
        atoms.forEach((a, i) => uses[i] === 'dup' && this.use(a, uses[i], st, where));
        for (const v of e.drops ?? []) this.drop(v, st, where);
        atoms.forEach((a, i) => uses[i] !== 'dup' && this.use(a, uses[i], st, where));
        const read = borrowedOf(e.call);
        for (const a of read) this.read(a, st, where, 'reads');
        const after = e.after ?? [];
        const lent = new Set<LVar>();
        for (const a of read) for (let v: LVar | undefined = a.k === 'var' ? a.v : undefined; v; v = v.source) lent.add(v);
        if (after.some((v) => !lent.has(v))) this.err(where, `drops ${list(after)} after the call: only what the call borrows may outlive it`);
        for (const v of after) this.drop(v, st, where + ' (after)');
        if (st.size) this.err(where, `tail call leaves ${list(st)} owned (leaked)`);
        return;
      }
      case 'jump': {
        const where = `${cx.path} jump (line ${e.loc.line})`;
        if (cx.mode.k !== 'return') this.err(where, 'jump inside a block or try');
        if (!this.fn.loops) this.err(where, 'jump in a function not marked loops');
        if (e.args.length !== this.fn.params.length || this.fn.rest) this.err(where, 'jump arity does not match the parameters');
        e.args.forEach((a, i) => (e.uses?.[i] === 'borrow' ? this.lend(a, i, where) : this.use(a, e.uses?.[i], st, where)));
        for (const v of e.drops ?? []) this.drop(v, st, where);
        if (st.size) this.err(where, `jump leaves ${list(st)} owned (leaked)`);
        const next = new Set(this.fn.params.filter((p) => !p.borrowed));
        if (!same(next, this.top)) {
          this.err(
            where,
            `the loop top (before the entry drops) expects to own ${list(this.top)} but the jump hands it ${list(next)}: ${list(minus(next, this.top))} leaked every iteration`,
          );
        }
        return;
      }
      case 'let':
        return this.letExpr(e, st, cx);
    }
  }

  private letExpr(e: Expr & { k: 'let' }, st: State, cx: Cx): void {
    const r = e.rhs;
    const where = `${cx.path} ${vn(e.v)} = ${r.k === 'block' || r.k === 'try' ? r.k : rhsText(r, '')} (line ${e.loc.line})`;
    let next: State;
    if (r.k === 'block') {
      const ends: State[] = [];
      this.expr(r.body, new Set(st), { mode: { k: 'assign', ends }, tryFrame: cx.tryFrame, path: `${cx.path} block ${vn(e.v)}:` });
      next = this.join(ends, where, 'block');
    } else if (r.k === 'try') {
      const frame: TryFrame = { rhs: r, catches: [] };
      const okEnds: State[] = [];
      this.expr(r.body, new Set(st), { mode: { k: 'assign', ends: okEnds }, tryFrame: frame, path: `${cx.path} try ${vn(e.v)}:` });
      const ok = this.join(okEnds, where, 'try body');
      const caught = frame.catches.length ? this.join(frame.catches, where, 'try (states at the handler)') : new Set(ok);
      // The handler sees S->exiting: propagate with the try's own failure list.
      this.failure(e.fail, caught, cx, where + ' (exiting)');
      if (caught.has(r.err)) this.err(where, `err variable ${vn(r.err)} already owned`);
      const h = new Set(caught);
      h.add(r.err);
      this.bound.add(r.err);
      const handlerEnds: State[] = [];
      this.expr(r.handler, h, { mode: { k: 'assign', ends: handlerEnds }, tryFrame: cx.tryFrame, path: `${cx.path} handler ${vn(e.v)}:` });
      const handled = this.join(handlerEnds, where, 'try handler');
      for (const v of r.drops ?? []) this.drop(v, ok, where + ' (try success drops)');
      if (!same(ok, handled)) {
        this.err(where, `after the try, the normal path owns ${list(ok)} but the handler path owns ${list(handled)}`);
      }
      next = ok;
    } else {
      next = new Set(st);
      const borrowed = borrowedOf(r);
      for (const a of borrowed) this.read(a, next, where, 'reads');
      const { atoms, uses } = consumedOf(r);
      atoms.forEach((a, i) => this.use(a, uses[i], next, where));
      for (const a of borrowed) {
        if (a.k === 'var' && !this.alive(a.v, next)) this.err(where, `${vn(a.v)} is both read and moved by the same operation`);
      }
      if (r.k === 'direct' && r.args.length !== r.fn.params.length + (r.fn.rest ? 1 : 0)) this.err(where, 'direct call with the wrong number of arguments');
      if (!cannotRaise(r)) this.failure(e.fail, next, cx, where);
    }
    this.bind(e.v, r, next, where);
    for (const v of e.after ?? []) this.drop(v, next, where + ' (after)');
    this.expr(e.body, next, cx);
  }
}

/** Every ownership problem in a program, with the IR of the offending functions. */
function ownershipProblems(prog: Program): string[] {
  const out: string[] = [];
  for (const f of prog.functions) {
    const ps = new Checker(f).run();
    if (ps.length) out.push(...ps, fnText(f));
  }
  return out;
}

function ir(src: string, file = FILE): Program {
  return compileToIr(src, file);
}

function expectSound(src: string, file = FILE): void {
  const problems = ownershipProblems(ir(src, file));
  expect(problems, `${src}\n\n${problems.join('\n')}`).toEqual([]);
}

// ------------------------------------------------------------------ IR queries

function fnNamed(p: Program, base: string): FnDef {
  const f = p.functions.find((x) => x.base === base);
  if (!f) throw new Error(`no function ${base}`);
  return f;
}

/** Every let, tail and jump of an expression, in order (blocks and try included). */
function nodes(e: Expr, out: Expr[] = []): Expr[] {
  out.push(e);
  switch (e.k) {
    case 'let':
      if (e.rhs.k === 'block') nodes(e.rhs.body, out);
      if (e.rhs.k === 'try') {
        nodes(e.rhs.body, out);
        nodes(e.rhs.handler, out);
      }
      nodes(e.body, out);
      break;
    case 'if':
      nodes(e.then, out);
      nodes(e.else, out);
      break;
  }
  return out;
}

/** The calls (call/direct rhs or tail calls) of a function, in order. */
function callsOf(f: FnDef): (Rhs & { k: 'call' | 'direct' })[] {
  const out: (Rhs & { k: 'call' | 'direct' })[] = [];
  for (const e of nodes(f.body)) {
    if (e.k === 'let' && (e.rhs.k === 'call' || e.rhs.k === 'direct')) out.push(e.rhs);
    if (e.k === 'tail') out.push(e.call);
  }
  return out;
}

// ------------------------------------------------------------------ hand-picked programs

const PROGRAMS: Record<string, string> = {
  'if with a value used in one branch': `
    (define (f x) (if (pair? x) (car x) x))
    (print (f (list 1 2)) (f 3))`,
  'if whose test is dropped in both branches': `
    (define (f x y) (if (null? x) y (list x y)))
    (print (f nil 1) (f 2 3))`,
  'nested ifs in a block': `
    (define (f a b c) (let ((v (if a (if b (list a b) c) (list c)))) (list v a)))
    (print (f 1 2 3) (f nil 2 3) (f 1 nil 3))`,
  'let* and sequence with unused results': `
    (define (f x) (let* ((a (list x)) (b (cons a a)) (c (car b))) (print a) (list c c)))
    (print (f 5))`,
  'values used several times in one call': `
    (define (g a b c) (list a b c))
    (define (f x) (g x x x))
    (define (h x) (let ((r (g x (list x) x))) (list r x)))
    (print (f (list 1)) (h 2))`,
  'cons consumes its operands': `
    (define (f x) (let ((p (cons x x))) (cons p (cons x p))))
    (print (f (list 1)))`,
  'try with values kept for the handler and after': `
    (define (f x y)
      (let ((r (try (begin (car x) (car y)) (lambda (e) (list y e)))))
        (list r x)))
    (print (f (list 1) 2) (f 1 (list 2)))`,
  'try whose body owns temporaries when it raises': `
    (define (f x)
      (try (let ((a (list x x)) (b (car x))) (list a b))
           (lambda (e) (error-message e))))
    (print (f 1) (f (list 2)))`,
  'nested try, and try in a handler': `
    (define (f x)
      (try (list (try (car x) (lambda (e) (car (car x)))) x)
           (lambda (e) (try (cdr x) (lambda (e2) (list x e e2))))))
    (print (f 1) (f (list 1)) (f (list (list 1))))`,
  'try in a block in a try': `
    (define (f x y)
      (try (let ((v (if x (try (car y) (lambda (e) y)) (car x)))) (list v y))
           (lambda (e) x)))
    (print (f 1 2) (f nil 2) (f 1 (list 3)))`,
  'error raised in tail position of a try body': `
    (define (g x) (car x))
    (define (f x) (try (g x) (lambda (e) (list x))))
    (print (f 1) (f (list 1)))`,
  'closures capturing several variables': `
    (define (adder a b) (lambda (x) (+ a b x)))
    (define (pairer a) (lambda (x) (list a x a)))
    (print ((adder 1 2) 3) ((pairer (list 1)) 2))`,
  'counter over a set! variable': `
    (define (counter)
      (let ((n 0)) (lambda () (set! n (+ n 1)) n)))
    (define c (counter))
    (c) (c)
    (print (c))`,
  'assigned parameter': `
    (define (f x) (set! x (list x x)) (lambda () x))
    (print ((f 1)))`,
  'captured variable copied by let': `
    (define (f y) (lambda () (let ((z y)) z)))
    (print ((f (list 1 2))))`,
  'captured variable copied by let, then consumed': `
    (define (f y) (lambda () (let ((z y)) (cons z z))))
    (print ((f (list 1 2))))`,
  'named let loop with accumulators': `
    (define (rev xs) (let loop ((xs xs) (acc nil)) (if (null? xs) acc (loop (cdr xs) (cons (car xs) acc)))))
    (print (rev (list 1 2 3)))`,
  'self tail call with a parameter used only in one branch': `
    (define (f n acc) (if (= n 0) acc (f (- n 1) (list n))))
    (print (f 3 nil))`,
  'self tail call with an unused parameter': `
    (define (lp n u) (if (= n 0) 0 (lp (- n 1) (list 1 2))))
    (print (lp 3 4))`,
  'loop inside try and try inside loop': `
    (define (f n) (try (let loop ((i 0)) (if (< i n) (loop (+ i 1)) (car i))) (lambda (e) n)))
    (define (g xs acc) (if (null? xs) acc (g (cdr xs) (cons (try (car (car xs)) (lambda (e) 0)) acc))))
    (print (f 3) (g (list (list 1) 2) nil))`,
  'letrec group with shared captures': `
    (define (parity k)
      (letrec ((ev (lambda (n) (if (= n 0) k (od (- n 1)))))
               (od (lambda (n) (if (= n 0) (list k) (ev (- n 1))))))
        (list (ev 4) (od 4) ev)))
    (print (parity 7))`,
  'single recursive local procedure used as a value': `
    (define (f x) (letrec ((walk (lambda (n) (if (= n 0) walk (walk (- n 1)))))) (list (walk x) x)))
    (print (f 2))`,
  'general letrec': `
    (define (f x) (letrec ((a (list x)) (b (cons a a))) (list a b)))
    (print (f 1))`,
  'rest parameters': `
    (define (v . xs) xs)
    (define (w a . xs) (if (null? xs) a (w (car xs))))
    (print (v 1 2) (w 1 2 3) (apply w (list 4 5)))`,
  'callee that is also an argument': `
    (define (f g) (g g))
    (define (h g x) (let ((r (g x))) (list r g)))
    (print (f (lambda (x) 1)) (h car (list 2)))`,
  'globals: set!, forward references, checked reads': `
    (define n 1)
    (define (get) n)
    (print (later 2))
    (define (later x) (set! n (list x n)) (get))
    (print n)`,
  'match, cond, case, and, or': `
    (define (f x)
      (match x
        ((list a b) (list b a))
        ((cons a _) :when (int? a) (cond ((> a 1) 'big) ((= a 1) 'one) (else 'small)))
        (_ (case x ((1 2) 'low) (else (and x (or (string? x) x)))))))
    (print (f (list 1 2)) (f (list 3 4 5)) (f 1) (f "s"))`,
  'vectors, dicts and strings': `
    (define (f n)
      (let ((v (make-vector n 0)) (d #{:a 1}))
        (vector-set! v 0 (list n))
        (dict-set! d :b v)
        (list (vector-ref v 0) (dict-ref d :a) (string-append "x" (number->string n)))))
    (print (f 2))`,
  'higher-order primitives with closures': `
    (define (f xs k) (map (lambda (x) (+ x k)) (filter (lambda (x) (> x k)) xs)))
    (print (f (list 1 2 3) 1) (fold + 0 (list 1 2)))`,
  'uncaught error at top level': `
    (define x (list 1 2))
    (print (car x))
    (car 5)`,
};

describe('rc: ownership is exact on every path', () => {
  describe('hand-picked programs', () => {
    for (const [name, src] of Object.entries(PROGRAMS)) it(name, () => expectSound(src));
  });

  describe('conformance programs', () => {
    // The repository's corpus (test/conformance); when it is missing, the first test fails and names it.
    let files: string[] = [];
    let missing: unknown = null;
    try {
      files = caseFiles();
    } catch (e) {
      missing = e;
    }
    it('the corpus is there', () => {
      if (missing) throw missing;
      expect(files.length).toBeGreaterThan(50);
    });
    for (const f of files) {
      it(f, () => {
        const file = path.join(CONFORMANCE_DIR, f);
        const src = fs.readFileSync(file, 'utf8');
        let prog: Program;
        try {
          prog = ir(src, file);
        } catch (e) {
          if (e instanceof CompileError) return; // a compile-error case: nothing to check
          throw e;
        }
        const problems = ownershipProblems(prog);
        expect(problems, problems.join('\n')).toEqual([]);
      });
    }
  });

  describe('generated programs', () => {
    for (let seed = 1; seed <= 100; seed++) {
      it(`seed ${seed}`, () => {
        const src = generateProgram(seed);
        const problems = ownershipProblems(ir(src, `gen-${seed}.omni`));
        expect(problems, `${src}\n\n${problems.join('\n')}`).toEqual([]);
      });
    }
  });
});

describe('rc: the checker itself', () => {
  // The checker must reject broken annotations, or the tests above prove nothing.
  const broken = (src: string, base: string, breakIt: (f: FnDef) => void): string[] => {
    const prog = ir(src);
    breakIt(fnNamed(prog, base));
    return ownershipProblems(prog);
  };

  it('accepts the unmodified program', () => {
    expect(ownershipProblems(ir('(define (f x y) (list x y)) (print (f 1 2))'))).toEqual([]);
  });

  it('reports a missing drop (leak)', () => {
    const ps = broken('(define (f x y) (list x y) (cons x y)) (print (f 1 2))', 'f', (f) => {
      const e = f.body as Expr & { k: 'let' };
      e.after = [];
    });
    expect(ps.join('\n')).toMatch(/leaked/);
  });

  it('reports a move turned into a dup (leak) and a dup turned into a move (double free)', () => {
    const leak = broken('(define (g a b) (cons a b)) (define (f x) (g x x))', 'f', (f) => {
      (f.body as Expr & { k: 'tail' }).call.uses = ['dup', 'dup'];
    });
    expect(leak.join('\n')).toMatch(/leaked/);
    const twice = broken('(define (g a b) (cons a b)) (define (f x) (g x x))', 'f', (f) => {
      (f.body as Expr & { k: 'tail' }).call.uses = ['move', 'move'];
    });
    expect(twice.join('\n')).toMatch(/not owned/);
  });

  it('reports a failure drop list that forgets a variable', () => {
    const ps = broken('(define (f x y) (let ((a (car x))) (cons a y)))', 'f', (f) => {
      const e = f.body as Expr & { k: 'let' };
      e.fail = { drops: e.fail!.drops.slice(1), target: null };
    });
    expect(ps.join('\n')).toMatch(/on error returns still owning/);
  });

  it('reports a dropped borrowed variable', () => {
    const ps = broken('(define (f y) (lambda () (car y)))', 'lambda', (f) => {
      const e = f.body as Expr & { k: 'let' };
      e.after = [e.v];
    });
    expect(ps.join('\n')).toMatch(/drops the borrowed/);
  });

  it('reports branches that disagree after a block', () => {
    const ps = broken('(define (f x y) (let ((v (if x (list y) y))) (list v x)))', 'f', (f) => {
      const blockLet = nodes(f.body).find((e) => e.k === 'let' && e.rhs.k === 'block') as Expr & { k: 'let' };
      const inner = (blockLet.rhs as Rhs & { k: 'block' }).body as Expr & { k: 'if' };
      inner.elseDrops = [...(inner.elseDrops ?? []), (inner.test as Atom & { k: 'var' }).v];
    });
    expect(ps.length).toBeGreaterThan(0);
  });
});

describe('rc: targeted decisions', () => {
  it('the last use of a variable passed to a call is a move, an earlier use a dup', () => {
    const prog = ir('(define (g a) a) (define (f x) (g x) (g x))');
    const calls = callsOf(fnNamed(prog, 'f')).filter((c) => c.k === 'direct' && c.fn.base === 'g');
    expect(calls.map((c) => c.uses)).toEqual([['dup'], ['move']]);
  });

  it('the last use is a move even when it is not a call (a returned variable)', () => {
    const prog = ir('(define (g a) a) (define (f x) (g x) x)');
    const f = fnNamed(prog, 'f');
    expect(callsOf(f)[0].uses).toEqual(['dup']);
    const ret = nodes(f.body).find((e) => e.k === 'ret') as Expr & { k: 'ret' };
    expect(ret.use).toBe('move');
  });

  it('(f x x) dups once and moves once', () => {
    const prog = ir('(define (h a b) (cons a b)) (define (f x) (h x x)) (define (k x) (let ((r (h x x))) r))');
    for (const name of ['f', 'k']) {
      const call = callsOf(fnNamed(prog, name)).find((c) => c.k === 'direct' && c.fn.base === 'h')!;
      expect([...call.uses!].sort()).toEqual(['dup', 'move']);
      expect(call.uses![call.uses!.length - 1]).toBe('move');
    }
  });

  it('a variable still needed later is dup\'d into a call even at its last position in the call', () => {
    const prog = ir('(define (h a b) (cons a b)) (define (f x) (let ((r (h x x))) (list r x)))');
    const call = callsOf(fnNamed(prog, 'f')).find((c) => c.k === 'direct')!;
    expect(call.uses).toEqual(['dup', 'dup']);
  });

  it('a borrowed (captured) variable is always dup\'d, never moved or dropped', () => {
    const prog = ir('(define (g a) a) (define (f y) (lambda () (g y)))');
    const lam = fnNamed(prog, 'lambda');
    const call = callsOf(lam)[0];
    expect(call.uses).toEqual(['dup']);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('a parameter the body only reads (or never uses) is borrowed: the caller keeps ownership', () => {
    const prog = ir('(define (f x y) x) (define (g) (lambda (a b c) b)) (define (len l) (if (pair? l) (+ 1 (len (cdr l))) 0))');
    expect(fnNamed(prog, 'f').params.map((p) => p.borrowed)).toEqual([false, true]);
    expect(fnNamed(prog, 'f').entryDrops).toEqual([]);
    expect(fnNamed(prog, 'lambda').params.map((p) => p.borrowed)).toEqual([true, false, true]);
    expect(fnNamed(prog, 'len').params[0].borrowed).toBe(true);
    const rec = callsOf(fnNamed(prog, 'len')).find((c) => c.k === 'direct')!;
    expect(rec.uses).toEqual(['borrow']);
  });

  it('an unused parameter of a looping function is in entryDrops, or borrowed when a jump only rebinds it to a constant', () => {
    const owned = ir('(define (lp n u) (if (= n 0) 0 (lp (- n 1) (list 5))))');
    expect(fnNamed(owned, 'lp').params.map((p) => p.borrowed)).toEqual([false, false]);
    expect(fnNamed(owned, 'lp').entryDrops!.map((v) => v.name)).toEqual(['u']);
    const lent = ir('(define (lp n u) (if (= n 0) 0 (lp (- n 1) 5)))');
    expect(fnNamed(lent, 'lp').params.map((p) => p.borrowed)).toEqual([false, true]);
    expect(fnNamed(lent, 'lp').entryDrops).toEqual([]);
    expect(ownershipProblems(owned)).toEqual([]);
    expect(ownershipProblems(lent)).toEqual([]);
  });

  it('a loop that walks a parameter it only reads borrows it: the jump rebinds it to a projection, no dup or drop', () => {
    const prog = ir(`
      (define (ok? row dist placed)
        (if (null? placed) #t
            (and (not (= (car placed) (+ row dist))) (ok? row (+ dist 1) (cdr placed)))))
      (define (swap a b n) (if (= n 0) (length a) (swap b a (- n 1))))`);
    const ok = fnNamed(prog, 'ok?');
    expect(ok.params.map((p) => p.borrowed)).toEqual([true, false, true]);
    const jump = nodes(ok.body).find((e): e is Expr & { k: 'jump' } => e.k === 'jump')!;
    expect(jump.uses).toEqual(['borrow', 'move', 'borrow']);
    expect(jump.drops).toEqual([]);
    expect(fnNamed(prog, 'swap').params.map((p) => p.borrowed)).toEqual([true, true, false]);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('a loop parameter rebound to a value the loop owns, or handed to an owned parameter, stays owned', () => {
    const prog = ir(`
      (define (walk l n) (if (= n 0) (length l) (walk (cdr (list n l)) (- n 1))))
      (define (hand a b n) (if (= n 0) (length b) (hand (list n) a (- n 1))))`);
    expect(fnNamed(prog, 'walk').params.map((p) => p.borrowed)).toEqual([false, false]);
    expect(fnNamed(prog, 'hand').params.map((p) => p.borrowed)).toEqual([false, false, false]);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('borrowing propagates along a chain of callers however they are ordered (the worklist re-infers callers)', () => {
    const n = 300;
    const chain = Array.from({ length: n - 1 }, (_, i) => `(define (f${i + 1} x) (f${i + 2} x))`).join('\n');
    const prog = ir(`(define (f${n} x) (car x))\n${chain}\n(print (f1 (list 1)))`);
    for (let i = 1; i <= n; i++) expect(fnNamed(prog, `f${i}`).params[0].borrowed, `f${i}`).toBe(true);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('a parameter lent on to a callee that borrows it is borrowed too (inferred until nothing changes)', () => {
    const prog = ir('(define (f x) (g x)) (define (g y) (if (pair? y) (car y) 0))');
    expect(fnNamed(prog, 'g').params[0].borrowed).toBe(true);
    expect(fnNamed(prog, 'f').params[0].borrowed).toBe(true);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('an unused rest parameter is in entryDrops', () => {
    const prog = ir('(define (f x . more) x)');
    expect(fnNamed(prog, 'f').entryDrops!.map((v) => v.name)).toEqual(['more']);
  });

  it('a tail call drops everything else before the call and passes its arguments by move', () => {
    const prog = ir(`
      (define (k a) a)
      (define (f x y) (let ((z (car x))) (k y)))
      (define (g x y) (if (pair? x) (k y) (k x)))`);
    for (const name of ['f', 'g']) {
      const f = fnNamed(prog, name);
      const tails = nodes(f.body).filter((e): e is Expr & { k: 'tail' } => e.k === 'tail');
      expect(tails.length).toBeGreaterThan(0);
      for (const t of tails) {
        expect(t.call.uses).toEqual(['move']);
        expect(t.after).toEqual([]);
      }
    }
    // f: x is dropped right after its last use (car), z is never used: nothing is left for the call.
    const f = fnNamed(prog, 'f');
    const tail = nodes(f.body).find((e): e is Expr & { k: 'tail' } => e.k === 'tail')!;
    expect(tail.drops).toEqual([]);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('a tail call keeps only the callee alive across the call', () => {
    const prog = ir('(define (f g x) (g x)) (define (h g) (g g))');
    const f = fnNamed(prog, 'f').body as Expr & { k: 'tail' };
    expect(f.k).toBe('tail');
    expect(f.call.uses).toEqual(['move']);
    expect(fnNamed(prog, 'f').params[0].borrowed).toBe(true); // only called: borrowed, nothing to keep
    expect(f.after).toEqual([]);
    const h = fnNamed(prog, 'h').body as Expr & { k: 'tail' };
    expect(h.call.uses).toEqual(['dup']);
    expect(h.after!.map((v) => v.name)).toEqual(['g']);
  });

  it('a tail call drops variables owned but not passed (an if test kept to the call)', () => {
    // v is owned at the tail call but not one of its arguments: it must be in the tail's drops
    // (or dropped earlier), never leaked.
    const prog = ir('(define (k a) a) (define (f x) (let ((v (list x))) (if v (k x) (k v))))');
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('a self tail call moves its arguments and drops the old parameters it does not pass', () => {
    const prog = ir('(define (f n acc) (if (= n 0) acc (f (- n 1) (cons n acc))))');
    const f = fnNamed(prog, 'f');
    const jump = nodes(f.body).find((e): e is Expr & { k: 'jump' } => e.k === 'jump')!;
    expect(jump.uses).toEqual(['move', 'move']);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('failure drop lists name exactly the owned variables live at that point', () => {
    const prog = ir('(define (f x y) (let ((a (list x))) (let ((b (car y))) (cons a (cons b x)))))');
    const f = fnNamed(prog, 'f');
    const car = nodes(f.body).find((e): e is Expr & { k: 'let' } => e.k === 'let' && e.rhs.k === 'prim' && e.rhs.p.name === 'car')!;
    // x is consumed (owned); y is only read (borrowed: the caller's to drop)
    expect(new Set(car.fail!.drops.map((v) => v.name))).toEqual(new Set(['x', 'list']));
    expect(car.fail!.target).toBeNull();
  });

  it('inside a try body, failures go to the handler and drop only the body\'s own variables', () => {
    const prog = ir('(define (f x y) (try (let ((a (list y))) (car a)) (lambda (e) x)))');
    const f = fnNamed(prog, 'f');
    const tryLet = nodes(f.body).find((e): e is Expr & { k: 'let' } => e.k === 'let' && e.rhs.k === 'try')!;
    const tryRhs = tryLet.rhs as Rhs & { k: 'try' };
    const car = nodes(tryRhs.body).find((e): e is Expr & { k: 'let' } => e.k === 'let' && e.rhs.k === 'prim' && e.rhs.p.name === 'car')!;
    expect(car.fail!.target).toBe(tryRhs);
    expect(car.fail!.drops.map((v) => v.name)).toEqual(['list']);
    // x is needed by the handler only: dropped when the body succeeds.
    expect(tryRhs.drops!.map((v) => v.name)).toEqual(['x']);
    expect(ownershipProblems(prog)).toEqual([]);
  });

  it('insertRc on a freshly lowered program matches compileToIr', () => {
    const src = '(define (f x) (if x (list x) nil)) (print (f 1))';
    const { program } = frontEnd(src, FILE, new Interpreter(new MemoryHost()));
    const lowered = lowerProgram(program.forms, program.rebound, FILE);
    insertRc(lowered.functions);
    expect(lowered.functions.map(fnText)).toEqual(ir(src).functions.map(fnText));
  });
});
