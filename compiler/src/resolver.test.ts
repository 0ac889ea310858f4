// The resolver: lexical addresses, variable marks, unbound-name diagnostics and the set of
// globals a program rebinds (LANGUAGE.md §4, §9 and §10).
import { describe, expect, it } from 'vitest';
import type { Lambda, Let, Letrec, Node, Ref, SetVar } from './ast.js';
import { CompileError } from './errors.js';
import { Expander } from './expander.js';
import type { Host } from './interp/builtins.js';
import { Interpreter } from './interp/interpreter.js';
import { readProgram } from './reader.js';
import { type GlobalTable, type ResolvedProgram, definedGlobals, programGlobals, resolveProgram, resolveTopLevel } from './resolver.js';

const FILE = 'res.omni';

const host: Host = { args: [], write: () => undefined, readLine: () => null, getenv: () => undefined };

function expand(src: string): Node[] {
  const ex = new Expander({ libPath: [], evaluator: new Interpreter(host).compileTimeEvaluator() });
  return ex.expandProgram(readProgram(src, FILE));
}

function resolve(src: string, globals?: GlobalTable): ResolvedProgram & { nodes: Node[] } {
  const nodes = expand(src);
  return { nodes, ...resolveProgram(nodes, { globals: globals ?? programGlobals(nodes) }) };
}

/** The message of the CompileError raised while expanding and resolving `src`. */
function resolveError(src: string): string {
  try {
    resolve(src);
  } catch (e) {
    if (e instanceof CompileError) return e.message;
    throw e;
  }
  throw new Error(`expected a compile-time error for ${src}`);
}

/** Every node of a tree, depth first, in source order. */
function walk(n: Node, out: Node[] = []): Node[] {
  out.push(n);
  switch (n.k) {
    case 'set':
    case 'define':
      walk(n.value, out);
      break;
    case 'if':
      walk(n.test, out);
      walk(n.then, out);
      walk(n.else, out);
      break;
    case 'lambda':
      walk(n.body, out);
      break;
    case 'seq':
      n.body.forEach((b) => walk(b, out));
      break;
    case 'call':
      walk(n.fn, out);
      n.args.forEach((a) => walk(a, out));
      break;
    case 'prim':
      n.args.forEach((a) => walk(a, out));
      break;
    case 'let':
    case 'letrec':
      n.inits.forEach((i) => walk(i, out));
      walk(n.body, out);
      break;
    case 'try':
      walk(n.body, out);
      walk(n.handler, out);
      break;
  }
  return out;
}

function all(nodes: Node[]): Node[] {
  return nodes.flatMap((n) => walk(n));
}

function refs(nodes: Node[], name: string): Ref[] {
  return all(nodes).filter((n): n is Ref => n.k === 'ref' && n.name.name === name);
}

function sets(nodes: Node[], name: string): SetVar[] {
  return all(nodes).filter((n): n is SetVar => n.k === 'set' && n.name.name === name);
}

function lambdas(nodes: Node[]): Lambda[] {
  return all(nodes).filter((n): n is Lambda => n.k === 'lambda');
}

function binders(nodes: Node[], k: 'let' | 'letrec'): (Let | Letrec)[] {
  return all(nodes).filter((n): n is Let | Letrec => n.k === k);
}

describe('lexical addressing', () => {
  it('gives parameters consecutive slots and references depth 0 inside their lambda', () => {
    const { nodes } = resolve('(define (f a b . c) (list c b a))');
    const [f] = lambdas(nodes);
    expect(f.vars!.map((v) => [v.name.name, v.index])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    expect(f.frameSize).toBe(3);
    for (const [name, i] of [['a', 0], ['b', 1], ['c', 2]] as const) {
      const [r] = refs(nodes, name);
      expect(r.depth).toBe(0);
      expect(r.var).toBe(f.vars![i]);
    }
    // globals are left without a var
    expect(refs(nodes, 'list')[0].var).toBeUndefined();
    expect(refs(nodes, 'list')[0].depth).toBeUndefined();
  });

  it('counts lambda boundaries, not let blocks, in the depth', () => {
    const { nodes } = resolve('(define (f a b) (let ((c a)) (fn (d) (list a b c d (fn () (list b d))))))');
    const [outer, middle, inner] = lambdas(nodes);
    const [letNode] = binders(nodes, 'let');
    // the let's local lives in the outer lambda's frame after the parameters
    expect(letNode.vars!.map((v) => [v.name.name, v.index])).toEqual([['c', 2]]);
    expect(outer.frameSize).toBe(3);
    expect(middle.frameSize).toBe(1);
    expect(inner.frameSize).toBe(0);
    const a = refs(nodes, 'a');
    expect(a.map((r) => r.depth)).toEqual([0, 1]); // the let init, then inside (fn (d) ...)
    expect(refs(nodes, 'c')[0]).toMatchObject({ depth: 1, var: letNode.vars![0] });
    expect(refs(nodes, 'b').map((r) => r.depth)).toEqual([1, 2]);
    expect(refs(nodes, 'd').map((r) => r.depth)).toEqual([0, 1]);
    expect(refs(nodes, 'b').every((r) => r.var === outer.vars![1])).toBe(true);
  });

  it('resolves to the innermost binding when names are shadowed', () => {
    const { nodes } = resolve('(define (f x) (let ((x (+ x 1))) (let ((x (* x 2))) x)))');
    const [f] = lambdas(nodes);
    const [l1, l2] = binders(nodes, 'let');
    const xs = refs(nodes, 'x');
    expect(xs.map((r) => r.var)).toEqual([f.vars![0], l1.vars![0], l2.vars![0]]);
    expect(xs.map((r) => r.var!.index)).toEqual([0, 1, 2]);
    expect(f.frameSize).toBe(3);
  });

  it('gives top-level lets their own frame (TopLevel.frameSize)', () => {
    const { forms } = resolve('(let ((x 1) (y 2)) (let ((z 3)) (+ x y z)))\n(define g 1)\n(fn (p) p)');
    expect(forms.map((f) => f.frameSize)).toEqual([3, 0, 0]);
  });

  it('binds let inits outside the new scope and letrec inits inside it', () => {
    const { nodes } = resolve('(define (f x) (list (let ((x x)) x) (letrec ((y (fn () y))) y)))');
    const [f] = lambdas(nodes);
    const [l] = binders(nodes, 'let');
    const [r] = binders(nodes, 'letrec');
    const xs = refs(nodes, 'x');
    expect(xs[0].var).toBe(f.vars![0]); // the init sees the parameter
    expect(xs[1].var).toBe(l.vars![0]);
    const ys = refs(nodes, 'y');
    expect(ys[0]).toMatchObject({ depth: 1, var: r.vars![0] });
    expect(ys[1]).toMatchObject({ depth: 0, var: r.vars![0] });
  });

  it('addresses set! targets like references', () => {
    const { nodes } = resolve('(define (f n) (fn () (set! n (+ n 1)) n))');
    const [s] = sets(nodes, 'n');
    const [f] = lambdas(nodes);
    expect(s).toMatchObject({ depth: 1, var: f.vars![0] });
  });
});

describe('variable marks', () => {
  it('marks a variable captured only when a nested lambda references it', () => {
    const { nodes } = resolve('(define (f a b c) (let ((d 1)) (list a d (fn () (list b d)))))');
    const [f] = lambdas(nodes);
    const [d] = binders(nodes, 'let')[0].vars!;
    expect(f.vars!.map((v) => [v.name.name, v.captured])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
    expect(d.captured).toBe(true);
  });

  it('marks assigned variables, local ones only', () => {
    const { nodes } = resolve('(define g 0)\n(define (f a b) (set! a 1) (fn () (set! b 2)) (set! g 3) (list a b))');
    const [f] = lambdas(nodes);
    expect(f.vars!.map((v) => [v.name.name, v.assigned, v.captured])).toEqual([
      ['a', true, false],
      ['b', true, true],
    ]);
    expect(sets(nodes, 'g')[0].var).toBeUndefined();
  });

  it('marks letrec variables (letrec, internal defines, named let, named-lambda) recursive and others not', () => {
    const { nodes } = resolve(
      `(define (f p)
         (define (inner) p)
         (let ((q 1))
           (letrec ((ev (fn (n) (od n))) (od (fn (n) (ev n))))
             (let loop ((i 0)) (loop (named-lambda (self) self))))))`,
    );
    const recs = binders(nodes, 'letrec').flatMap((b) => b.vars!);
    expect(recs.map((v) => v.name.name)).toEqual(['inner', 'ev', 'od', 'loop', 'self']);
    expect(recs.every((v) => v.recursive)).toBe(true);
    const lets = binders(nodes, 'let').flatMap((b) => b.vars!);
    // a named let binds its inits to fresh temporaries first (here `i`)
    expect(lets.map((v) => [v.name.name, v.recursive])).toEqual([['q', false], ['i', false]]);
    const params = lambdas(nodes).flatMap((l) => l.vars!);
    expect(params.some((v) => v.recursive)).toBe(false);
    // mutually recursive closures capture each other
    expect(recs.find((v) => v.name.name === 'ev')!.captured).toBe(true);
    expect(recs.find((v) => v.name.name === 'od')!.captured).toBe(true);
  });

  it('leaves fresh variables unmarked', () => {
    const { nodes } = resolve('(define (f a) a)');
    expect(lambdas(nodes)[0].vars![0]).toMatchObject({ captured: false, assigned: false, recursive: false });
  });
});

describe('unbound variables', () => {
  it('reports a name defined nowhere at the reference', () => {
    expect(resolveError('(define (f x)\n  (+ x nope))')).toBe(`${FILE}:2:8: unbound variable: nope`);
    expect(resolveError('(print 1)\n(fn () (undefined-in-body))')).toBe(`${FILE}:2:9: unbound variable: undefined-in-body`);
    expect(resolveError('(let ((x 1)) x)\n   (list x)')).toBe(`${FILE}:2:10: unbound variable: x`);
  });

  it('reports the first unbound name in source order', () => {
    expect(resolveError('(list aaa bbb)')).toBe(`${FILE}:1:7: unbound variable: aaa`);
  });

  it('reports set! of a name defined nowhere at the name', () => {
    expect(resolveError('(set!   undefined-x 1)')).toBe(`${FILE}:1:9: unbound variable: undefined-x`);
  });

  it('accepts a name defined later at top level', () => {
    const { forms } = resolve('(define (f) (later))\n(print (later))\n(define (later) 1)');
    expect(forms).toHaveLength(3);
  });

  it('accepts a name defined by a macro expansion or a spliced begin', () => {
    expect(() => resolve('(defmacro defc (n v) `(define ,n ,v))\n(print c1 c2)\n(defc c1 1)\n(begin (define c2 2))')).not.toThrow();
  });

  it('accepts primitives and their aliases', () => {
    expect(() => resolve('(print (car (list 1)) (float 1) (int 2.5) (% 5 3) (map car (list (list 1))) (spawn (fn () 1)))')).not.toThrow();
  });

  it('does not expose internal primitives as globals', () => {
    expect(resolveError('(%match-fail 1)')).toBe(`${FILE}:1:2: unbound variable: %match-fail`);
  });

  it('does not check names inside quoted data', () => {
    expect(() => resolve("(print 'undefined-in-quote '(a b c) `(x ,(+ 1 2)))")).not.toThrow();
  });

  it('uses the given global table', () => {
    const nodes = expand('(foo (bar))');
    expect(() => resolveProgram(nodes, { globals: { has: (n) => n === 'foo' || n === 'bar' } })).not.toThrow();
    expect(() => resolveProgram(expand('(print 1)'), { globals: { has: () => false } })).toThrow('res.omni:1:2: unbound variable: print');
  });

  it('leaves unknown globals alone when lenient (compile-time helper code)', () => {
    const [node] = expand('(fn () (whatever 1))');
    expect(() => resolveTopLevel(node, { globals: { has: () => false }, lenient: true })).not.toThrow();
  });
});

describe('unsupported v1 features (§9)', () => {
  it('rejects eval and call/cc when the program does not define them', () => {
    expect(resolveError("(print (eval '(+ 1 2)))")).toBe(`${FILE}:1:9: eval is not supported in OmniLisp v1`);
    expect(resolveError('(print 1)\n(print  (call/cc (fn (k) 1)))')).toBe(`${FILE}:2:10: call/cc is not supported in OmniLisp v1`);
    expect(resolveError('(call-with-current-continuation f)')).toBe(`${FILE}:1:2: call-with-current-continuation is not supported in OmniLisp v1`);
    expect(resolveError('(define (f) eval)')).toBe(`${FILE}:1:13: eval is not supported in OmniLisp v1`);
  });

  it('allows a program to define or bind its own eval', () => {
    expect(() => resolve('(define (eval x) x)\n(print (eval 1))')).not.toThrow();
    expect(() => resolve('(let ((eval 1)) eval)')).not.toThrow();
    expect(() => resolve('(define (f call/cc) (call/cc 1))')).not.toThrow();
  });
});

describe('rebound globals', () => {
  it('contains the globals a program defines, primitives included', () => {
    const { rebound } = resolve('(define (car x) x)\n(define y 1)\n(print (car y))');
    expect([...rebound].sort()).toEqual(['car', 'y']);
  });

  it('contains globals the program assigns with set!, also from inside procedures', () => {
    const { rebound } = resolve('(define x 1)\n(define (f) (set! cdr car) (set! + -))\n(set! x 2)');
    expect([...rebound].sort()).toEqual(['+', 'cdr', 'f', 'x']);
  });

  it('does not contain locals, even ones named like primitives', () => {
    const { rebound } = resolve('(define (f car) (set! car 1) (let ((list 2)) (set! list 3)))');
    expect([...rebound]).toEqual(['f']);
  });

  it('is empty for a program that only uses primitives', () => {
    expect([...resolve('(print (map car (list (list 1))))').rebound]).toEqual([]);
  });

  it('definedGlobals and programGlobals', () => {
    const nodes = expand('(define a 1)\n(define (b) 2)\n(begin (define c 3))\n(let ((d 4)) d)');
    expect([...definedGlobals(nodes)]).toEqual(['a', 'b', 'c']);
    const g = programGlobals(nodes);
    for (const n of ['a', 'b', 'c', 'car', 'float', 'int', '%', 'print', 'spawn', 'map']) expect(g.has(n)).toBe(true);
    for (const n of ['d', 'eval', '%match-fail', '%assert-fail', 'nope']) expect(g.has(n)).toBe(false);
  });
});
