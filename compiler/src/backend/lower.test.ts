// Lowering (lower.ts): resolved core AST -> closure-converted ANF. Each test lowers a small
// program (front end + lowerProgram only, no reference counting) and inspects the IR.
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interp/interpreter.js';
import { MemoryHost } from '../interp/memory-host.js';
import { frontEnd } from '../pipeline.js';
import type { Atom, Expr, FnDef, Program, Rhs } from './ir.js';
import { lowerProgram } from './lower.js';

const FILE = 'lower.omni';

function lower(src: string): Program {
  const { program } = frontEnd(src, FILE, new Interpreter(new MemoryHost()));
  return lowerProgram(program.forms, program.rebound, FILE);
}

/** The function with this base name (exactly one must exist). */
function fn(p: Program, base: string): FnDef {
  const fs = p.functions.filter((f) => f.base === base);
  if (fs.length !== 1) throw new Error(`${fs.length} functions named ${base}: ${p.functions.map((f) => f.base).join(' ')}`);
  return fs[0];
}

type Site = { e: Expr; inTry: boolean };

/** Every expression node of a body (descending into blocks, try bodies and handlers). */
function sites(e: Expr, inTry = false, out: Site[] = []): Site[] {
  out.push({ e, inTry });
  switch (e.k) {
    case 'let':
      if (e.rhs.k === 'block') sites(e.rhs.body, inTry, out);
      if (e.rhs.k === 'try') {
        sites(e.rhs.body, true, out);
        sites(e.rhs.handler, true, out);
      }
      sites(e.body, inTry, out);
      break;
    case 'if':
      sites(e.then, inTry, out);
      sites(e.else, inTry, out);
      break;
  }
  return out;
}

function exprs(f: FnDef): Expr[] {
  return sites(f.body).map((s) => s.e);
}

/** Every right-hand side of a function, tail calls included (as their call). */
function rhss(f: FnDef): Rhs[] {
  const out: Rhs[] = [];
  for (const e of exprs(f)) {
    if (e.k === 'let') out.push(e.rhs);
    if (e.k === 'tail') out.push(e.call);
  }
  return out;
}

function rhsOf<K extends Rhs['k']>(f: FnDef, k: K): (Rhs & { k: K })[] {
  return rhss(f).filter((r): r is Rhs & { k: K } => r.k === k);
}

function all<K extends Rhs['k']>(p: Program, k: K): (Rhs & { k: K })[] {
  return p.functions.flatMap((f) => rhsOf(f, k));
}

/** The source name a variable atom was created for ('const' for constants). */
const atomName = (a: Atom) => (a.k === 'var' ? a.v.name : 'const');

describe('lower: global procedures', () => {
  it('a top-level (define (f x) ...) is a known global function and calls to it are direct', () => {
    const p = lower('(define (f x) (+ x 1)) (print (f 2))');
    const f = fn(p, 'f');
    expect(f.global?.name).toBe('f');
    expect(f.global?.known).toBe(f);
    expect(p.globals.find((g) => g.name === 'f')?.known).toBe(f);
    expect(f.params.map((v) => v.name)).toEqual(['x']);
    const direct = rhsOf(p.main, 'direct');
    expect(direct.map((r) => r.fn.base)).toEqual(['f']);
    expect(direct[0].fn).toBe(f);
    expect(rhsOf(p.main, 'call')).toEqual([]);
    // The definition itself stores the static closure object in the global.
    const set = rhsOf(p.main, 'setglobal').find((r) => r.g.name === 'f')!;
    expect(set.a.k).toBe('const');
  });

  it('(define f (lambda ...)) is a known global function too', () => {
    const p = lower('(define g (lambda (x) x)) (print (g 1))');
    expect(fn(p, 'g').global?.known).toBe(fn(p, 'g'));
    expect(rhsOf(p.main, 'direct').map((r) => r.fn.base)).toEqual(['g']);
  });

  it('a procedure that is defined twice or assigned is not known, and calls to it are not direct', () => {
    for (const src of [
      '(define (f x) x) (define (f x) (list x)) (print (f 1))',
      '(define (f x) x) (set! f car) (print (f (list 1)))',
    ]) {
      const p = lower(src);
      expect(p.globals.find((g) => g.name === 'f')!.known).toBeNull();
      expect(all(p, 'direct')).toEqual([]);
      expect(rhsOf(p.main, 'call').length).toBeGreaterThan(0);
    }
  });

  it('a call to a known global function defined later in the file is direct too', () => {
    // Mutually recursive global procedures (my-even?/my-odd?) call forwards.
    const p = lower(`
      (define (f x) (g x))
      (define (g y) (list y))
      (define (ev n) (if (= n 0) t (od (- n 1))))
      (define (od n) (if (= n 0) nil (ev (- n 1))))
      (print (f 1) (ev 4))`);
    const f = fn(p, 'f');
    const g = fn(p, 'g');
    expect(rhsOf(f, 'direct').map((r) => r.fn.base)).toEqual(['g']);
    expect(rhsOf(f, 'direct')[0]?.fn).toBe(g);
    expect(rhsOf(f, 'call')).toEqual([]);
    expect(rhsOf(fn(p, 'ev'), 'direct').map((r) => r.fn.base)).toEqual(['od']);
    expect(rhsOf(fn(p, 'od'), 'direct').map((r) => r.fn.base)).toEqual(['ev']);
  });

  it('a self tail call becomes a jump and marks the function as a loop', () => {
    const p = lower("(define (count n) (if (= n 0) 'done (count (- n 1)))) (print (count 5))");
    const count = fn(p, 'count');
    expect(count.loops).toBe(true);
    const jumps = exprs(count).filter((e) => e.k === 'jump');
    expect(jumps).toHaveLength(1);
    expect((jumps[0] as Expr & { k: 'jump' }).args).toHaveLength(1);
    expect(rhsOf(count, 'direct')).toEqual([]);
    expect(exprs(count).filter((e) => e.k === 'tail')).toEqual([]);
  });

  it('a non-tail self call stays a direct call (no jump, not a loop)', () => {
    const p = lower('(define (fact n) (if (= n 0) 1 (* n (fact (- n 1))))) (print (fact 5))');
    const fact = fn(p, 'fact');
    expect(fact.loops).toBe(false);
    expect(exprs(fact).filter((e) => e.k === 'jump')).toEqual([]);
    expect(rhsOf(fact, 'direct').map((r) => r.fn.base)).toEqual(['fact']);
    expect(rhsOf(fact, 'direct')[0].fn).toBe(fact);
  });

  it('a self tail call of a procedure with a rest parameter is a direct tail call, not a jump', () => {
    const p = lower('(define (f . xs) (if (null? xs) 0 (f))) (print (f 1 2))');
    const f = fn(p, 'f');
    expect(f.loops).toBe(false);
    const tails = exprs(f).filter((e): e is Expr & { k: 'tail' } => e.k === 'tail');
    expect(tails.map((t) => t.call.k)).toEqual(['direct']);
  });

  it('a call to a known global with the wrong number of arguments is not direct', () => {
    const p = lower('(define (f x) x) (print (try (f 1 2) (lambda (e) 0)))');
    expect(all(p, 'direct')).toEqual([]);
    expect(rhsOf(p.main, 'call').length).toBeGreaterThan(0);
  });
});

describe('lower: closures', () => {
  it("a lambda's free variables become its closure's captures, in order of first use", () => {
    const p = lower('(define (f a b c) (lambda (x) (list c a x b a))) (print ((f 1 2 3) 4))');
    const lam = fn(p, 'lambda');
    const closure = rhsOf(fn(p, 'f'), 'closure')[0];
    expect(closure.fn).toBe(lam);
    expect(closure.captures.map(atomName)).toEqual(['c', 'a', 'b']);
    // Inside, each capture is read from its env slot, by index.
    const envReads = exprs(lam).flatMap((e) => (e.k === 'let' && e.rhs.k === 'env' ? [[e.v.name, e.rhs.index] as const] : []));
    for (const [name, index] of envReads) expect(closure.captures[index].k === 'var' && (closure.captures[index] as Atom & { k: 'var' }).v.name).toBe(name);
    expect(new Set(envReads.map(([n]) => n))).toEqual(new Set(['a', 'b', 'c']));
    expect(envReads.every(([, i]) => i >= 0 && i < 3)).toBe(true);
    // Reads of the environment are borrowed, and not through a record.
    for (const e of exprs(lam)) if (e.k === 'let' && e.rhs.k === 'env') expect(e.v.borrowed && !e.rhs.viaRecord).toBe(true);
  });

  it('a nested lambda captures through the enclosing closure', () => {
    const p = lower('(define (f a b) (lambda () (lambda () (list b a)))) (print (((f 1 2))))');
    const [outer, inner] = p.functions.filter((f) => f.base === 'lambda');
    const outerClosure = rhsOf(fn(p, 'f'), 'closure')[0];
    expect(outerClosure.fn).toBe(outer);
    expect(outerClosure.captures.map(atomName)).toEqual(['b', 'a']);
    const innerClosure = rhsOf(outer, 'closure')[0];
    expect(innerClosure.fn).toBe(inner);
    expect(innerClosure.captures.map(atomName)).toEqual(['b', 'a']);
    // The outer lambda gets them from its own environment.
    expect(rhsOf(outer, 'env').map((r) => r.index).sort()).toEqual([0, 1]);
  });

  it('a lambda with no free variables has no captures; a global is not captured', () => {
    const p = lower('(define k 5) (define (f) (lambda (x) (+ x k))) (print ((f) 1))');
    expect(rhsOf(fn(p, 'f'), 'closure')[0].captures).toEqual([]);
    expect(rhsOf(fn(p, 'lambda'), 'global').map((r) => r.g.name)).toEqual(['k']);
  });

  it('a lambda bound by let takes the binding name', () => {
    const p = lower('(define (f) (let ((helper (lambda (x) x))) (helper 1))) (print (f))');
    expect(fn(p, 'helper').name).toBe('helper');
  });

  it('a set!-ed captured variable is boxed: box where bound, unbox to read and setbox to write', () => {
    const p = lower('(define (counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n))) (define c (counter)) (print (c))');
    const counter = fn(p, 'counter');
    const lam = fn(p, 'lambda');
    const boxes = rhsOf(counter, 'box');
    expect(boxes).toHaveLength(1);
    const boxLet = exprs(counter).find((e): e is Expr & { k: 'let' } => e.k === 'let' && e.rhs.k === 'box')!;
    // The closure captures the box itself.
    const closure = rhsOf(counter, 'closure')[0];
    expect(closure.captures).toEqual([{ k: 'var', v: boxLet.v }]);
    expect(rhsOf(lam, 'unbox').length).toBeGreaterThanOrEqual(2); // read for +, read for the result
    expect(rhsOf(lam, 'setbox')).toHaveLength(1);
    // No box is read by an env access without unbox: every env read in the lambda is the box.
    expect(rhsOf(lam, 'env').every((r) => r.index === 0)).toBe(true);
  });

  it('a set!-ed parameter moves into a box on entry', () => {
    const p = lower('(define (f x) (set! x (+ x 1)) (lambda () x)) (print ((f 1)))');
    const f = fn(p, 'f');
    const first = f.body as Expr & { k: 'let' };
    expect(first.k).toBe('let');
    expect(first.rhs).toEqual({ k: 'box', a: { k: 'var', v: f.params[0] } });
    expect(rhsOf(f, 'setbox')).toHaveLength(1);
  });

  it('a variable that is never set! is not boxed', () => {
    const p = lower('(define (f x) (lambda () x)) (print ((f 1)))');
    expect(all(p, 'box')).toEqual([]);
    expect(all(p, 'unbox')).toEqual([]);
  });
});

describe('lower: letrec', () => {
  const PARITY = `
    (define (parity k)
      (letrec ((ev (lambda (n) (if (= n 0) k (od (- n 1)))))
               (od (lambda (n) (if (= n 0) (list k) (ev (- n 1))))))
        (list (ev 4) (od 3) ev od)))
    (print (parity 7))`;

  it('mutually recursive lambdas share one record of their free variables, as member closures', () => {
    const p = lower(PARITY);
    const parity = fn(p, 'parity');
    const ev = fn(p, 'ev');
    const od = fn(p, 'od');
    const records = exprs(parity).filter((e): e is Expr & { k: 'let' } => e.k === 'let' && e.rhs.k === 'record');
    expect(records).toHaveLength(1);
    expect((records[0].rhs as Rhs & { k: 'record' }).captures.map(atomName)).toEqual(['k']);
    const members = rhsOf(parity, 'member');
    expect(members.map((m) => m.fn.base)).toEqual(['ev', 'od']);
    expect(members[0].fn === ev && members[1].fn === od).toBe(true);
    expect(members.every((m) => m.record === records[0].v)).toBe(true);
    expect(rhsOf(parity, 'closure')).toEqual([]);
    expect(ev.viaRecord && od.viaRecord).toBe(true);
    // Members read the shared variable through the record.
    for (const f of [ev, od]) {
      const env = rhsOf(f, 'env');
      expect(env.length).toBeGreaterThan(0);
      expect(env.every((r) => r.viaRecord && r.index === 0)).toBe(true);
    }
  });

  it('a group with one escaping member is not lifted, even where another member is only called (r7rs earley)', () => {
    // ind is only called, comp escapes: both stay closures of one group, and the named let inside
    // comp reaches ind (before, ind was taken as lifted and the loop found no storage for it)
    const p = lower(`
      (define (make)
        (define (ind x) (if (= x 0) 1 nil))
        (define (comp l)
          (let loop ((l1 l) (l2 '()))
            (if (pair? l1) (loop (cdr l1) (cons (ind (car l1)) l2)) l2)))
        comp)
      (print ((make) '(0 1 0)))`);
    expect(fn(p, 'ind').lifted).toBe(0);
    expect(rhsOf(fn(p, 'make'), 'member').map((m) => m.fn.base)).toEqual(['ind', 'comp']);
  });

  it('calls between members of a letrec group are direct, in both directions', () => {
    const p = lower(PARITY);
    const ev = fn(p, 'ev');
    const od = fn(p, 'od');
    expect(rhsOf(od, 'direct').map((r) => r.fn.base)).toEqual(['ev']);
    expect(rhsOf(ev, 'direct').map((r) => r.fn.base)).toEqual(['od']);
    expect(rhsOf(ev, 'direct')[0]?.fn).toBe(od);
    expect(rhss(ev).concat(rhss(od)).filter((r) => r.k === 'call' || r.k === 'sibling').map((r) => r.k)).toEqual([]);
  });

  it('a member referring to itself gets its own closure even when a sibling calls it directly', () => {
    // `(b)` calls a directly with b's closure as `self`: if a then uses `self` for its own name,
    // (b) returns b instead of a (the native build prints #<procedure b>; the interpreter #<procedure a>).
    const p = lower('(letrec ((a (lambda () a)) (b (lambda () (a)))) (print (b)))');
    for (const caller of p.functions) {
      for (const r of rhsOf(caller, 'direct')) {
        // (a call that passes the callee's own closure is fine)
        if (r.fn === caller || r.fn.global || r.closure) continue;
        expect(rhsOf(r.fn, 'self'), `${caller.base} calls ${r.fn.base} directly, and ${r.fn.base} uses (self) as itself`).toEqual([]);
      }
    }
  });

  it('a sibling used as a value is a closure over the same record', () => {
    const p = lower('(letrec ((a (lambda (n) b)) (b (lambda (n) (a n)))) (print ((a 1) 2)))');
    const siblings = rhsOf(fn(p, 'a'), 'sibling');
    expect(siblings.map((s) => s.fn.base)).toEqual(['b']);
    expect(siblings[0].fn).toBe(fn(p, 'b'));
  });

  it('a single named-let loop refers to itself with self and loops with jump: no record', () => {
    const p = lower(`
      (define (f xs)
        (let walk ((xs xs) (n 0))
          (if (null? xs) (list n walk) (walk (cdr xs) (+ n 1)))))
      (print (f (list 1 2)))`);
    const walk = fn(p, 'walk');
    expect(walk.loops).toBe(true);
    expect(walk.viaRecord).toBe(false);
    expect(exprs(walk).filter((e) => e.k === 'jump')).toHaveLength(1);
    expect(rhsOf(walk, 'self')).toHaveLength(1);
    expect(all(p, 'record')).toEqual([]);
    expect(all(p, 'member')).toEqual([]);
    // The loop is created as an ordinary closure (it captures nothing here).
    expect(rhsOf(fn(p, 'f'), 'closure').map((c) => [c.fn.base, c.captures.length])).toEqual([['walk', 0]]);
  });

  it('a single recursive letrec lambda calls itself directly and does not capture itself', () => {
    const p = lower('(define (f k) (letrec ((g (lambda (n) (if (= n 0) k (+ 1 (g (- n 1))))))) (list (g 3) g))) (print (f 1))');
    const g = fn(p, 'g');
    expect(rhsOf(g, 'direct').map((r) => r.fn.base)).toEqual(['g']);
    expect(rhsOf(g, 'direct')[0].fn).toBe(g);
    expect(rhsOf(fn(p, 'f'), 'closure')[0].captures.map(atomName)).toEqual(['k']);
  });

  it('a local procedure that never escapes builds no closure: its free variables are extra arguments of direct calls', () => {
    const p = lower(`
      (define (f k) (let ((add (lambda (x) (+ x k)))) (add (add 1))))
      (define (g k)
        (letrec ((ev (lambda (n) (if (= n 0) k (od (- n 1)))))
                 (od (lambda (n) (if (= n 0) nil (ev (- n 1))))))
          (ev 4)))
      (print (f 1) (g 2))`);
    const add = fn(p, 'add');
    expect(rhss(fn(p, 'f')).filter((r) => r.k === 'closure' || r.k === 'record').map((r) => r.k)).toEqual([]);
    const calls = rhsOf(fn(p, 'f'), 'direct');
    expect(calls.map((r) => r.fn.base)).toEqual(['add', 'add']);
    for (const c of calls) {
      expect(c.args).toHaveLength(add.params.length);
      expect(atomName(c.args[c.args.length - 1])).toBe('k');
    }
    expect(add.params.map((v) => v.name)).toEqual(['x', 'k']);
    expect(rhsOf(add, 'env')).toEqual([]);
    // A non-escaping letrec group needs no record either; its members call each other directly.
    const g = fn(p, 'g');
    expect(rhss(g).filter((r) => r.k === 'closure' || r.k === 'record' || r.k === 'member').map((r) => r.k)).toEqual([]);
    expect(rhsOf(g, 'direct').map((r) => r.fn.base)).toEqual(['ev']);
    expect(rhsOf(fn(p, 'ev'), 'direct').map((r) => r.fn.base)).toEqual(['od']);
    expect(rhsOf(fn(p, 'od'), 'direct').map((r) => r.fn.base)).toEqual(['ev']);
  });

  it('a letrec with a non-procedure init uses boxes that start uninitialised and raise when read early', () => {
    const p = lower('(define (f) (letrec ((a (lambda () b)) (b 2)) (a))) (print (f))');
    const f = fn(p, 'f');
    const boxes = rhsOf(f, 'box');
    expect(boxes).toHaveLength(2);
    expect(boxes.every((b) => b.a.k === 'const' && b.a.c === 'OMNI_UNINIT')).toBe(true);
    expect(rhsOf(f, 'setbox')).toHaveLength(2);
    expect(all(p, 'record')).toEqual([]);
    const unboxes = all(p, 'unbox');
    expect(unboxes.length).toBeGreaterThan(0);
    expect(unboxes.every((u) => u.uninitName !== null)).toBe(true);
  });
});

describe('lower: primitives and globals', () => {
  it('a call of a primitive becomes a prim operation', () => {
    const p = lower("(print (car '(1 2)) (+ 1 2))");
    expect(rhsOf(p.main, 'prim').map((r) => r.p.name)).toEqual(['car', '+', 'print']);
    expect(rhsOf(p.main, 'call')).toEqual([]);
  });

  it('a primitive used as a value is its immortal procedure object', () => {
    const p = lower("(print (map car '((1) (2))))");
    const map = rhsOf(p.main, 'prim').find((r) => r.p.name === 'map')!;
    expect(map.args[0]).toEqual({ k: 'const', c: '(OValue)&omniK_car' });
  });

  it('a primitive called with the wrong number of arguments is called through its procedure object', () => {
    const p = lower('(print (try (car 1 2) (lambda (e) 0)))');
    expect(rhsOf(p.main, 'prim').map((r) => r.p.name)).toEqual(['print']);
    const call = rhsOf(p.main, 'call')[0];
    expect(call.fn).toEqual({ k: 'const', c: '(OValue)&omniK_car' });
  });

  it('a primitive redefined in the program is not a prim operation (even before the definition)', () => {
    for (const src of [
      "(define (car x) 42) (print (car '(1 2)))",
      "(print (try (car '(1 2)) (lambda (e) 0))) (define (car x) 42)",
      "(set! car cdr) (print (car '(1 2)))",
    ]) {
      const p = lower(src);
      expect(all(p, 'prim').map((r) => r.p.name)).not.toContain('car');
      expect(rhss(p.main).some((r) => (r.k === 'direct' && r.fn.base === 'car') || (r.k === 'global' && r.g.name === 'car'))).toBe(true);
    }
  });

  it('a redefined primitive is still used by name-independent lowered forms', () => {
    // `list` is redefined; the program's own call goes to the definition.
    const p = lower("(define (list . xs) 'mine) (print (list 1 2))");
    expect(rhsOf(p.main, 'direct').map((r) => r.fn.base)).toEqual(['list']);
  });

  it('a call of a global defined after an expression reads the global with a check first', () => {
    const p = lower("(for-each print '(1)) (define (later x) x) (print (later 2))");
    const later = fn(p, 'later');
    const lets = exprs(p.main).filter((e): e is Expr & { k: 'let' } => e.k === 'let');
    const i = lets.findIndex((e) => e.rhs.k === 'direct' && e.rhs.fn === later);
    expect(i).toBeGreaterThan(0);
    const check = lets[i - 1].rhs;
    expect(check).toMatchObject({ k: 'global', checked: true });
    expect((check as Rhs & { k: 'global' }).g.name).toBe('later');
  });

  it('a call before the definition of a global reads it checked', () => {
    const p = lower('(print (try (later 2) (lambda (e) 0))) (define (later x) x)');
    const reads = all(p, 'global').filter((r) => r.g.name === 'later');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.checked)).toBe(true);
  });

  it('a global procedure defined before any expression is read unchecked and called without a check', () => {
    const p = lower('(define (early x) x) (define (user) (early 1)) (print early (user))');
    expect(all(p, 'global').filter((r) => r.g.name === 'early').every((r) => !r.checked)).toBe(true);
    expect(rhss(fn(p, 'user'))).toEqual([expect.objectContaining({ k: 'direct' })]);
  });

  it('definitions of constants computed by first-order primitives run no program code: later procedures stay unchecked', () => {
    const p = lower("(define pi (* 4 (atan 1))) (define table '(1 2)) (define v (make-vector 3 pi)) (define (early x) x) (define (user) (early 1)) (print (user))");
    expect(rhss(fn(p, 'user'))).toEqual([expect.objectContaining({ k: 'direct' })]);
    // a definition that can call program code (map calls its procedure) still makes later ones checked
    const q = lower('(define xs (map abs (list -1))) (define (later x) x) (define (user) (later 1)) (print (user))');
    expect(rhsOf(fn(q, 'user'), 'global')).toEqual([expect.objectContaining({ k: 'global', checked: true })]);
  });

  it('a non-procedure global is always read checked', () => {
    const p = lower('(define (get) n) (define n 5) (print (get))');
    expect(rhsOf(fn(p, 'get'), 'global')).toEqual([expect.objectContaining({ k: 'global', checked: true })]);
  });

  it('set! of a global is a setglobal', () => {
    const p = lower('(define n 1) (set! n 2) (print n)');
    expect(rhsOf(p.main, 'setglobal').map((r) => r.g.name)).toEqual(['n', 'n']);
  });
});

describe('lower: try', () => {
  it('try becomes a try right-hand side whose handler calls the handler value with the error', () => {
    const p = lower('(define (f x) (try (car x) (lambda (e) 0))) (print (f 1))');
    const f = fn(p, 'f');
    const tries = exprs(f).filter((e): e is Expr & { k: 'let' } => e.k === 'let' && e.rhs.k === 'try');
    expect(tries).toHaveLength(1);
    const t = tries[0].rhs as Rhs & { k: 'try' };
    expect(sites(t.body).some(({ e }) => e.k === 'let' && e.rhs.k === 'prim' && e.rhs.p.name === 'car')).toBe(true);
    const handlerCalls = sites(t.handler).flatMap(({ e }) => (e.k === 'let' && e.rhs.k === 'call' ? [e.rhs] : []));
    expect(handlerCalls).toHaveLength(1);
    expect(handlerCalls[0].args).toEqual([{ k: 'var', v: t.err }]);
    // The function returns the try's value.
    expect(exprs(f).some((e) => e.k === 'ret' && e.a.k === 'var' && e.a.v === tries[0].v)).toBe(true);
  });

  it('calls in the body (and handler) of a try are never tail calls or jumps', () => {
    const p = lower(`
      (define (f n) (try (if (= n 0) (car n) (f (- n 1))) (lambda (e) (f 0))))
      (define (g x) (try (h x) (lambda (e) (h 0))))
      (define (h x) x)
      (define (k x) (try (begin (print x) (let loop ((i 0)) (if (< i x) (loop (+ i 1)) (k 0)))) (lambda (e) 0)))
      (print (f 2) (g 1) (k 1))`);
    for (const name of ['f', 'g', 'k']) {
      const f = fn(p, name);
      const inTry = sites(f.body).filter((s) => s.inTry);
      expect(inTry.length).toBeGreaterThan(0);
      expect(inTry.filter((s) => s.e.k === 'tail' || s.e.k === 'jump').map((s) => s.e.k)).toEqual([]);
    }
    expect(fn(p, 'f').loops).toBe(false);
    // The self call in the body is a plain direct call (the handler is a lambda of its own).
    expect(rhsOf(fn(p, 'f'), 'direct').map((r) => r.fn.base)).toEqual(['f']);
  });

  it('a try in tail position does not make the call after it a tail call either', () => {
    const p = lower('(define (f x) (try (list x) (lambda (e) 0))) (print (f 1))');
    const f = fn(p, 'f');
    expect(f.body.k).toBe('let');
    expect(exprs(f).filter((e) => e.k === 'tail' || e.k === 'jump')).toEqual([]);
  });
});

describe('lower: general shape', () => {
  it('every function belongs to the program once, with distinct ids, and main is last lowered', () => {
    const p = lower('(define (f x) (lambda (y) (list x y))) (print ((f 1) 2))');
    expect(new Set(p.functions.map((f) => f.id)).size).toBe(p.functions.length);
    expect(p.functions).toContain(p.main);
    p.functions.forEach((f, i) => expect(f.id).toBe(i));
  });

  it('every local variable is bound once across the program', () => {
    const p = lower(`
      (define (f x) (let ((a (list x)) (b 2)) (if a (let ((c (car a))) (list c b)) (try (car b) (lambda (e) b)))))
      (print (f 1) (match (list 1 2) ((list a b) (+ a b))))`);
    const seen = new Set<number>();
    for (const f of p.functions) {
      const bound = [...f.params, ...(f.rest ? [f.rest] : [])];
      for (const e of exprs(f)) {
        if (e.k === 'let') bound.push(e.v);
        if (e.k === 'let' && e.rhs.k === 'try') bound.push(e.rhs.err);
      }
      for (const v of bound) {
        expect(seen.has(v.id), `${v.name}_${v.id} bound twice`).toBe(false);
        seen.add(v.id);
      }
    }
  });

  it('literal data are constants (omni_lit entries) built once at start-up', () => {
    const p = lower("(print '(1 2) \"s\" '(1 2) 'sym 1.5 1.5)");
    // The two '(1 2) are different source data; the same symbol value is interned once.
    expect(p.literals.length).toBeGreaterThanOrEqual(4);
    const prim = rhsOf(p.main, 'prim').find((r) => r.p.name === 'print')!;
    expect(prim.args.every((a) => a.k === 'const')).toBe(true);
    expect(prim.args.filter((a) => a.k === 'const' && a.c.startsWith('omni_lit[')).length).toBe(6);
  });
});
