// The macro expander: what the derived forms lower to, how macros run at compile time,
// `import`, and the compile-time errors it reports (LANGUAGE.md §3 and §10).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from './ast.js';
import { CompileError } from './errors.js';
import { Expander } from './expander.js';
import type { Host } from './interp/builtins.js';
import { Interpreter } from './interp/interpreter.js';
import { printValue } from './printer.js';
import { readProgram } from './reader.js';
import { Sym } from './values.js';

const FILE = 'test.omni';

/** An in-memory host: whatever compile-time code writes lands in `out`. */
function memoryHost(out: string[]): Host {
  return { args: [], write: (t) => void out.push(t), readLine: () => null, getenv: () => undefined };
}

function makeExpander(libPath: string[] = [], out: string[] = []): Expander {
  const interp = new Interpreter(memoryHost(out));
  return new Expander({ libPath, evaluator: interp.compileTimeEvaluator() });
}

function expand(src: string, ex: Expander = makeExpander(), file = FILE): Node[] {
  return ex.expandProgram(readProgram(src, file));
}

function symText(s: Sym): string {
  return s.interned ? s.name : `#${s.name}`;
}

/**
 * A compact S-expression view of a core node. `(%name ...)` is a PrimApp, `(lambda:NAME ...)` a
 * named lambda, `#name` an uninterned (expander-generated) symbol; constants print as `write` does.
 */
function show(n: Node): string {
  switch (n.k) {
    case 'const':
      return n.value instanceof Sym ? `'${symText(n.value)}` : printValue(n.value, true);
    case 'ref':
      return symText(n.name);
    case 'set':
      return `(set! ${symText(n.name)} ${show(n.value)})`;
    case 'define':
      return `(define ${symText(n.name)} ${show(n.value)})`;
    case 'if':
      return `(if ${show(n.test)} ${show(n.then)} ${show(n.else)})`;
    case 'lambda': {
      const params = n.params.map(symText).join(' ') + (n.rest ? `${n.params.length ? ' ' : ''}. ${symText(n.rest)}` : '');
      return `(lambda${n.name === null ? '' : ':' + n.name} (${params}) ${show(n.body)})`;
    }
    case 'seq':
      return `(seq ${n.body.map(show).join(' ')})`;
    case 'call':
      return `(${[n.fn, ...n.args].map(show).join(' ')})`;
    case 'prim':
      return `(%${n.name}${n.args.map((a) => ' ' + show(a)).join('')})`;
    case 'let':
    case 'letrec':
      return `(${n.k} (${n.names.map((x, i) => `(${symText(x)} ${show(n.inits[i])})`).join(' ')}) ${show(n.body)})`;
    case 'try':
      return `(try ${show(n.body)} ${show(n.handler)})`;
  }
}

function shown(src: string, ex?: Expander): string[] {
  return expand(src, ex).map(show);
}

/** The one top-level node a source expands to. */
function one(src: string, ex?: Expander): Node {
  const nodes = expand(src, ex);
  expect(nodes).toHaveLength(1);
  return nodes[0];
}

/** The message of the CompileError that expanding `src` raises. */
function compileError(src: string, ex?: Expander): string {
  try {
    expand(src, ex);
  } catch (e) {
    if (e instanceof CompileError) return e.message;
    throw e;
  }
  throw new Error(`expected a compile-time error for ${src}`);
}

describe('derived forms lower to core nodes', () => {
  it('when and unless become if with a nil branch and a sequenced body', () => {
    expect(shown('(when a b c)')).toEqual(['(if a (seq b c) nil)']);
    expect(shown('(unless a b)')).toEqual(['(if a nil b)']);
    const n = one('(when a b)');
    expect(n.k).toBe('if');
  });

  it('if without an else branch gets a nil constant', () => {
    const n = one('(if a b)');
    expect(n).toMatchObject({ k: 'if', else: { k: 'const', value: null } });
  });

  it('let* becomes nested single-binding lets, each init seeing the previous names', () => {
    expect(shown('(let* ((x 1) (y x) (z (+ x y))) z)')).toEqual(['(let ((x 1)) (let ((y x)) (let ((z (+ x y))) z)))']);
    expect(shown('(let* () 1 2)')).toEqual(['(seq 1 2)']);
  });

  it('named let binds its inits to fresh names, then calls a letrec-bound lambda named after the loop', () => {
    const n = one('(let loop ((i 0) (acc nil)) (loop (+ i 1) acc))');
    expect(show(n)).toBe('(let ((#i 0) (#acc nil)) (letrec ((loop (lambda:loop (i acc) (loop (+ i 1) acc)))) (loop #i #acc)))');
    expect(n.k).toBe('let');
    if (n.k !== 'let') return;
    expect(n.inits.map(show)).toEqual(['0', 'nil']);
    expect(n.names.every((s) => !s.interned)).toBe(true);
  });

  it('leading defines of a body become one letrec around the remaining expressions', () => {
    expect(shown('(lambda (x) (define a 1) (define (f) a) (f))')).toEqual([
      '(lambda (x) (letrec ((a 1) (f (lambda:f () a))) (f)))',
    ]);
    expect(shown('(let ((x 1)) (define y 2) (+ x y))')).toEqual(['(let ((x 1)) (letrec ((y 2)) (+ x y)))']);
    expect(shown('(define (g) (when c (define z 1) z))')).toEqual(['(define g (lambda:g () (if c (letrec ((z 1)) z) nil)))']);
  });

  it('a do/begin inside a body splices its defines into the body', () => {
    expect(shown('(fn (x) (begin (define a 1) (define b 2)) (do (define c 3)) (+ a b c x))')).toEqual([
      '(lambda (x) (letrec ((a 1) (b 2) (c 3)) (+ a b c x)))',
    ]);
  });

  it('a top-level do/begin splices its definitions into the top level', () => {
    const nodes = expand('(do (define p 1) (define q 2))\n(begin (define r (+ p q)) (print r))\n(begin)');
    expect(nodes.map((n) => n.k)).toEqual(['define', 'define', 'define', 'call']);
    expect(nodes.map(show)).toEqual(['(define p 1)', '(define q 2)', '(define r (+ p q))', '(print r)']);
  });

  it('do/begin in expression position is a sequence; empty is nil', () => {
    expect(shown('(f (do 1 2) (begin 3) (do))')).toEqual(['(f (seq 1 2) 3 nil)']);
  });

  it('(and) is the constant t and (or) the constant nil', () => {
    expect(one('(and)')).toMatchObject({ k: 'const', value: true });
    expect(one('(or)')).toMatchObject({ k: 'const', value: null });
    expect(shown('(and x)')).toEqual(['x']);
    expect(shown('(or x)')).toEqual(['x']);
  });

  it('and nests ifs; or evaluates each operand once through an uninterned temporary', () => {
    expect(shown('(and a b c)')).toEqual(['(if a (if b c nil) nil)']);
    expect(shown('(or a b)')).toEqual(['(let ((#or-value a)) (if #or-value #or-value b))']);
    const n = one('(or a b)');
    if (n.k !== 'let') throw new Error('expected a let');
    expect(n.names[0].interned).toBe(false);
  });

  it('cond chains ifs; a test-only clause yields its value; else ends the chain', () => {
    expect(shown('(cond (a 1) (b) (else 2 3))')).toEqual(['(if a 1 (let ((#or-value b)) (if #or-value #or-value (seq 2 3))))']);
    expect(shown('(cond (a 1))')).toEqual(['(if a 1 nil)']);
    expect(shown('(cond)')).toEqual(['nil']);
  });

  it('case binds the key once and compares it with equal?', () => {
    expect(shown('(case k ((1 "two") (quote a)) (else (quote b)))')).toEqual([
      "(let ((#case-key k)) (if (if (%equal? #case-key 1) t (if (%equal? #case-key \"two\") t nil)) 'a 'b))",
    ]);
    expect(shown('(case k ((1) 2))')).toEqual(['(let ((#case-key k)) (if (if (%equal? #case-key 1) t nil) 2 nil))']);
  });

  it('define and let bindings name their lambdas; a bare lambda has no name', () => {
    expect(shown('(define f (fn (x) x))')).toEqual(['(define f (lambda:f (x) x))']);
    expect(shown('(define (g . args) args)')).toEqual(['(define g (lambda:g (. args) args))']);
    expect(shown('(let ((h (lambda (a b . c) c))) h)')).toEqual(['(let ((h (lambda:h (a b . c) c))) h)']);
    const n = one('(lambda args args)');
    expect(n).toMatchObject({ k: 'lambda', name: null, params: [], rest: Sym.of('args') });
  });

  it('named-lambda is a letrec whose lambda sees itself', () => {
    expect(shown('(named-lambda (self n) (self n))')).toEqual(['(letrec ((self (lambda:self (n) (self n)))) self)']);
  });

  it('assert becomes a test calling the internal failure primitive with the written expression', () => {
    expect(shown('(assert (> x "a"))')).toEqual(['(if (> x "a") nil (%%assert-fail "assertion failed: (> x \\"a\\")"))']);
    expect(shown('(assert ok "custom")')).toEqual(['(if ok nil (%%assert-fail "custom"))']);
  });

  it('vector and dict literals evaluate their elements; quoted ones are constants', () => {
    expect(shown('[1 x (f)]')).toEqual(['(%vector 1 x (f))']);
    expect(shown('#{:a x "k" (g)}')).toEqual(['(%dict :a x "k" (g))']);
    expect(shown("'[1 x]")).toEqual(['[1 x]']);
    expect(one("'[1 x]")).toMatchObject({ k: 'const' });
    expect(shown("'(1 x)")).toEqual(['(1 x)']);
  });

  it('set!, try and quote map to their core nodes', () => {
    expect(shown('(set! x (+ x 1))')).toEqual(['(set! x (+ x 1))']);
    expect(shown('(try (f) (fn (e) e))')).toEqual(['(try (f) (lambda (e) e))']);
    expect(one("'sym")).toMatchObject({ k: 'const', value: Sym.of('sym') });
  });

  it('match lowers to lets and ifs over an uninterned scrutinee variable', () => {
    const n = one('(match v ((list a b) a) (_ 0))');
    expect(n.k).toBe('let');
    if (n.k !== 'let') return;
    expect(n.names[0].interned).toBe(false);
    expect(show(n.inits[0])).toBe('v');
    expect(show(n)).toContain('(%%match-fail ');
  });
});

describe('quasiquote', () => {
  it('without unquotes is a constant', () => {
    expect(one('`(a (b c) [d])')).toMatchObject({ k: 'const' });
    expect(shown('`(a (b c))')).toEqual(['(a (b c))']);
  });

  it('lowers unquote to the expression and unquote-splicing to append', () => {
    expect(shown('`(1 ,x ,@ys 2)')).toEqual(['(%cons 1 (%cons x (%append ys (%cons 2 nil))))']);
    expect(shown('`(,@ys)')).toEqual(['(%append ys)']);
    expect(shown('`(a . ,b)')).toEqual(["(%cons 'a b)"]);
  });

  it('respects nested quasiquote depth', () => {
    // the inner ,x is at depth 2 inside ,( ... ): only it is evaluated
    expect(shown('`(1 `(2 ,(3 ,x)))')).toEqual([
      "(%cons 1 (%cons (%list 'quasiquote (%cons 2 (%cons (%list 'unquote (%cons 3 (%cons x nil))) nil))) nil))",
    ]);
    expect(shown('`(1 `,,x)')).toEqual(["(%cons 1 (%cons (%list 'quasiquote (%list 'unquote x)) nil))"]);
    expect(shown('`(1 `(,@xs ,@,ys))')).toEqual([
      "(%cons 1 (%cons (%list 'quasiquote (%cons (%list 'unquote-splicing 'xs) (%cons (%list 'unquote-splicing ys) nil))) nil))",
    ]);
    // an unquote at depth 2 is kept as data: x is quoted, not referenced
    expect(shown('`(1 `(2 ,x))')).toEqual([
      "(%cons 1 (%cons (%list 'quasiquote (%cons 2 (%cons (%list 'unquote 'x) nil))) nil))",
    ]);
  });

  it('vector templates build vectors', () => {
    expect(shown('`[1 ,x ,@ys]')).toEqual(['(%list->vector (%cons 1 (%cons x (%append ys))))']);
    expect(shown('`(a [b ,c])')).toEqual(["(%cons 'a (%cons (%list->vector (%cons 'b (%cons c nil))) nil))"]);
  });

  it('reports unquote outside quasiquote and splicing in dotted position', () => {
    expect(compileError('(f ,x)')).toBe(`${FILE}:1:4: unquote outside quasiquote`);
    expect(compileError('`(a . ,@b)')).toMatch(/^test\.omni:1:\d+: unquote-splicing in dotted position$/);
  });
});

describe('macros', () => {
  it('defmacro produces no node; its body runs at compile time on the unevaluated forms', () => {
    const out: string[] = [];
    const ex = makeExpander([], out);
    const nodes = expand(
      `(defmacro fact-const (n) (display "expanding ") (let loop ((i n) (acc 1)) (if (= i 0) acc (loop (- i 1) (* acc i)))))
       (defmacro quoted (form) (list 'quote (list 'got form)))
       (fact-const 5)
       (quoted (+ a b))`,
      ex,
    );
    expect(nodes.map(show)).toEqual(['120', "(got (+ a b))"]);
    expect(nodes[0]).toMatchObject({ k: 'const', value: 120 });
    // the macro body ran during expansion, not when the program runs
    expect(out.join('')).toBe('expanding ');
  });

  it('does not evaluate other top-level expressions at compile time', () => {
    const out: string[] = [];
    expand('(print "run time only")\n(define x (print "also run time"))\n(define (f) (print "in f"))', makeExpander([], out));
    expect(out).toEqual([]);
  });

  it('macros expand their expansions again (a macro using another macro)', () => {
    expect(shown('(defmacro sq (x) `(* ,x ,x))\n(defmacro sum-sq (a b) `(+ (sq ,a) (sq ,b)))\n(sum-sq 3 y)')).toEqual(['(+ (* 3 3) (* y y))']);
  });

  it('a macro body may call a procedure defined earlier at top level, in either define form', () => {
    expect(shown('(define (helper x) (* x 10))\n(defmacro hm (x) (helper x))\n(hm 4)')).toEqual([
      '(define helper (lambda:helper (x) (* x 10)))',
      '40',
    ]);
    expect(shown('(define sq (lambda (x) (* x x)))\n(defmacro ms (n) (sq n))\n(ms 7)')).toEqual(['(define sq (lambda:sq (x) (* x x)))', '49']);
    // a helper that calls another helper, and one defined by a macro expansion
    expect(
      shown(
        `(define (twice x) (* 2 x))
         (define (quad x) (twice (twice x)))
         (defmacro defhelper (name k) \`(define (,name x) (+ x ,k)))
         (defhelper add5 5)
         (defmacro m (n) (add5 (quad n)))
         (m 1)`,
      ).at(-1),
    ).toBe('9');
  });

  it('a procedure defined after the macro use, or a non-procedure global, is not available at compile time', () => {
    expect(compileError('(defmacro early () (later 1))\n(early)\n(define (later x) x)')).toBe(
      `${FILE}:2:1: error expanding macro early: unbound variable: later`,
    );
    expect(compileError('(define x 5)\n(defmacro mx () x)\n  (mx)')).toBe(`${FILE}:3:3: error expanding macro mx: unbound variable: x`);
  });

  it('a macro may define macros', () => {
    expect(shown("(defmacro def-const-macro (name val) `(defmacro ,name () ',val))\n(def-const-macro forty-two 42)\n(forty-two)")).toEqual(['42']);
    expect(shown('(defmacro defalias (new old) `(defmacro ,new args (cons \',old args)))\n(defalias plus +)\n(plus 1 2)')).toEqual(['(+ 1 2)']);
  });

  it('a macro may expand into several defines: spliced at top level, a letrec in a body', () => {
    const src = "(defmacro two-defs () '(begin (define a 1) (define b 2)))\n(two-defs)\n(define (user) (two-defs) (+ a b))";
    expect(shown(src)).toEqual(['(define a 1)', '(define b 2)', '(define user (lambda:user () (letrec ((a 1) (b 2)) (+ a b))))']);
  });

  it('parameters: a rest list and a bare symbol', () => {
    expect(shown('(defmacro count-args args (length args))\n(count-args a (b c) d)')).toEqual(['3']);
    expect(shown("(defmacro m (a . rest) `(list ,a ',rest))\n(m 1 2 3)")).toEqual(['(list 1 (2 3))']);
  });

  it('gensym gives a fresh uninterned symbol per expansion', () => {
    const nodes = expand('(defmacro with-tmp (e) (let ((g (gensym))) `(let ((,g ,e)) (f ,g))))\n(with-tmp 1)\n(with-tmp 2)\n(let ((g1 3)) g1)');
    const names = nodes.map((n) => (n.k === 'let' ? n.names[0] : null));
    expect(names[0]!.interned).toBe(false);
    expect(names[1]!.interned).toBe(false);
    expect(names[0]).not.toBe(names[1]);
    expect(names[0]!.name).toMatch(/^g\d+$/);
    // a user variable spelled like a gensym is a different symbol
    expect(names[2]).toBe(Sym.of('g1'));
    expect(names[2]).not.toBe(names[0]);
  });

  it('a local variable shadows a macro of the same name', () => {
    const pre = '(defmacro m (x) `(+ ,x 1))\n';
    expect(shown(pre + '(m 2)')).toEqual(['(+ 2 1)']);
    expect(shown(pre + '(let ((m (fn (y) y))) (m 2))')).toEqual(['(let ((m (lambda:m (y) y))) (m 2))']);
    expect(shown(pre + '(define (g m) (m 2))')).toEqual(['(define g (lambda:g (m) (m 2)))']);
    expect(shown(pre + '(define (g) (define (m z) z) (m 2))')).toEqual(['(define g (lambda:g () (letrec ((m (lambda:m (z) z))) (m 2))))']);
    // the shadowing is lexical: outside the let the macro works again
    expect(shown(pre + '(list (let ((m 0)) m) (m 5))')).toEqual(['(list (let ((m 0)) m) (+ 5 1))']);
  });

  it('a local variable shadows a special form of the same name', () => {
    expect(shown('(let ((if (fn (a b c) a))) (if 1 2 3))')).toEqual(['(let ((if (lambda:if (a b c) a))) (if 1 2 3))']);
    const n = one('(define (g quote when) (quote x) (when 1 2))');
    expect(show(n)).toBe('(define g (lambda:g (quote when) (seq (quote x) (when 1 2))))');
    expect(shown('(fn (define) (define 1 2))')).toEqual(['(lambda (define) (define 1 2))']);
  });

  it('a macro is visible only from its definition on', () => {
    expect(shown('(later-mac 1)\n(defmacro later-mac (x) x)\n(later-mac 1)')).toEqual(['(later-mac 1)', '1']);
  });

  it('the expander keeps its macros across inputs (REPL)', () => {
    const ex = makeExpander();
    expand('(defmacro twice (e) `(do ,e ,e))', ex);
    expect(ex.isMacro(Sym.of('twice'))).toBe(true);
    expect(shown('(list (twice (f)))', ex)).toEqual(['(list (seq (f) (f)))']);
  });

  it('reports an error raised by a macro body at the macro call', () => {
    expect(compileError('(defmacro bad () (car 5))\n\n   (bad)')).toBe(`${FILE}:3:4: error expanding macro bad: car: expected pair, got 5`);
  });

  it('defmacro and import are only allowed at the top level', () => {
    expect(compileError('(define (f)\n  (defmacro z () 1))')).toBe(`${FILE}:2:3: defmacro is only allowed at the top level`);
    expect(compileError('(let ()\n (import x))')).toBe(`${FILE}:2:2: import is only allowed at the top level`);
  });
});

describe('import', () => {
  let dir: string;
  let other: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-expander-lib-'));
    other = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-expander-lib2-'));
    fs.writeFileSync(
      path.join(dir, 'mylib.omni'),
      "(define (lib-helper x) (list 'helped x))\n(defmacro lib-mac (x) `(quote ,(lib-helper x)))\n(print \"lib loaded\")\n",
    );
    fs.writeFileSync(path.join(dir, 'outer.omni'), '(import inner)\n(define (outer-fn) (inner-fn))\n');
    fs.writeFileSync(path.join(dir, 'inner.omni'), '(define (inner-fn) 1)\n');
    fs.writeFileSync(path.join(dir, 'dup.omni'), "(define which 'first)\n");
    fs.writeFileSync(path.join(other, 'dup.omni'), "(define which 'second)\n");
    fs.writeFileSync(path.join(other, 'only2.omni'), "(define only2 'yes)\n");
    fs.writeFileSync(path.join(dir, 'broken.omni'), '(define ok 1)\n(let ((t 1)) t)\n');
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  });

  it('splices the library at the import and runs its procedures and macros at compile time', () => {
    const out: string[] = [];
    const nodes = expand('(import mylib)\n(lib-mac 5)', makeExpander([dir], out));
    expect(nodes.map(show)).toEqual(["(define lib-helper (lambda:lib-helper (x) (list 'helped x)))", '(print "lib loaded")', "(helped 5)"]);
    // the library's top-level print is part of the program, not run while compiling
    expect(out).toEqual([]);
  });

  it('loads a library only once per expander, also across inputs and through nested imports', () => {
    const ex = makeExpander([dir]);
    const first = expand('(import mylib)\n(import mylib)\n(import outer)\n(import inner)', ex);
    expect(first.filter((n) => n.k === 'define').map((n) => (n.k === 'define' ? n.name.name : ''))).toEqual([
      'lib-helper',
      'inner-fn',
      'outer-fn',
    ]);
    expect(first.filter((n) => show(n) === '(print "lib loaded")')).toHaveLength(1);
    expect(expand('(import mylib)\n(import inner)', ex)).toEqual([]);
  });

  it('searches the library path in order', () => {
    expect(shown('(import dup)', makeExpander([dir, other]))).toEqual(["(define which 'first)"]);
    expect(shown('(import dup)', makeExpander([other, dir]))).toEqual(["(define which 'second)"]);
    expect(shown('(import only2)', makeExpander([dir, other]))).toEqual(["(define only2 'yes)"]);
  });

  it('reports a missing library at its name, and errors inside a library at the library file', () => {
    expect(compileError('(print 1)\n(import  nope)', makeExpander([dir]))).toMatch(/^test\.omni:2:10: library not found: nope/);
    expect(compileError('(import broken)', makeExpander([dir]))).toBe(`${path.join(dir, 'broken.omni')}:2:8: cannot bind constant t`);
  });
});

describe('compile-time errors and their positions', () => {
  it('define after an expression in a body, at the offending define', () => {
    expect(compileError('(define (f)\n  (print 1)\n  (define x 2))')).toBe(`${FILE}:3:3: define after an expression in a body`);
    expect(compileError('(let ()\n  1\n    (define z 2))')).toBe(`${FILE}:3:5: define after an expression in a body`);
    expect(compileError('(lambda (x) x (define y 1) y)')).toBe(`${FILE}:1:15: define after an expression in a body`);
    expect(compileError('(when c (print 1) (define z 2))')).toBe(`${FILE}:1:19: define after an expression in a body`);
    expect(compileError('(cond (1 (print 1) (define z 2)))')).toBe(`${FILE}:1:20: define after an expression in a body`);
    expect(compileError('(match 1 (x (print x) (define z 2)))')).toBe(`${FILE}:1:23: define after an expression in a body`);
    // a begin after an expression splices, so its define is still "after an expression"
    expect(compileError('(define (f) (define a 1) (print a) (begin (define z 2)))')).toBe(`${FILE}:1:43: define after an expression in a body`);
  });

  it('define in a non-body expression position is the same error', () => {
    expect(compileError('(f (define x 1))')).toBe(`${FILE}:1:4: define after an expression in a body`);
  });

  it('cannot bind constant t / nil, at the t or nil', () => {
    expect(compileError('(let ((t 0)) t)')).toBe(`${FILE}:1:8: cannot bind constant t`);
    expect(compileError('(let ((a 1)\n      (nil 2)) a)')).toBe(`${FILE}:2:8: cannot bind constant nil`);
    expect(compileError('(lambda (a t) a)')).toBe(`${FILE}:1:12: cannot bind constant t`);
    expect(compileError('(print 1)\n(define (f x t) x)')).toBe(`${FILE}:2:14: cannot bind constant t`);
    expect(compileError('(define t 5)')).toBe(`${FILE}:1:9: cannot bind constant t`);
    expect(compileError('(define (nil) 1)')).toBe(`${FILE}:1:10: cannot bind constant nil`);
    expect(compileError('(let loop ((t 1)) t)')).toBe(`${FILE}:1:13: cannot bind constant t`);
    expect(compileError('(let* ((x 1) (t 2)) x)')).toBe(`${FILE}:1:15: cannot bind constant t`);
    expect(compileError('(letrec ((f 1) (t 2)) f)')).toBe(`${FILE}:1:17: cannot bind constant t`);
    expect(compileError('(fn t 1)')).toBe(`${FILE}:1:5: cannot bind constant t`);
    expect(compileError('(set! nil 1)')).toBe(`${FILE}:1:7: cannot bind constant nil`);
    expect(compileError('(defmacro m (t) t)')).toBe(`${FILE}:1:14: cannot bind constant t`);
    expect(compileError('(match 1 ((@ t x) 1))')).toBe(`${FILE}:1:14: cannot bind constant t`);
    expect(compileError('(fn (a #t) a)')).toBe(`${FILE}:1:8: cannot bind constant t`);
  });

  it('cannot bind constant t as a rest parameter, at the t', () => {
    // `(fn (a . t) a)`: the t is at column 10
    expect(compileError('(fn (a . t) a)')).toBe(`${FILE}:1:10: cannot bind constant t`);
  });

  it('match: NAME bound twice in one pattern, at the second occurrence', () => {
    expect(compileError('(match 1 ((list x x) x))')).toBe(`${FILE}:1:19: match: x bound twice in one pattern`);
    expect(compileError('(match v\n  ((cons a a) 1))')).toBe(`${FILE}:2:12: match: a bound twice in one pattern`);
    expect(compileError('(match 1 ([a b a] 1))')).toBe(`${FILE}:1:16: match: a bound twice in one pattern`);
    expect(compileError('(match 1 ((and a a) 1))')).toBe(`${FILE}:1:18: match: a bound twice in one pattern`);
    expect(compileError('(match 1 ((@ x (list x)) 1))')).toBe(`${FILE}:1:22: match: x bound twice in one pattern`);
    expect(compileError('(match 1 ((list x . x) 1))')).toMatch(/^test\.omni:1:\d+: match: x bound twice in one pattern$/);
    // the same name in different clauses is fine, and _ may repeat
    expect(() => expand('(match 1 ((list x _ _) x) ((cons x _) x))')).not.toThrow();
  });

  it('match: or alternatives bind different names, at the or pattern', () => {
    expect(compileError('(match 1 ((or (list a) (list b)) 1))')).toBe(`${FILE}:1:11: match: or alternatives bind different names`);
    expect(compileError('(match 1\n  ((cons a (or (list a) b)) 1))')).toMatch(/^test\.omni:2:\d+: match: (or alternatives bind different names|a bound twice in one pattern)$/);
    expect(compileError('(match 1\n  ((cons z (or (list a) b)) 1))')).toBe(`${FILE}:2:12: match: or alternatives bind different names`);
    expect(compileError('(match 1 ((or 1 x) 1))')).toBe(`${FILE}:1:11: match: or alternatives bind different names`);
    // same names in a different order are fine
    expect(() => expand('(match 1 ((or (cons a b) (cons b a)) 2))')).not.toThrow();
  });

  it('compile errors carry the loc and detail separately', () => {
    try {
      expand('\n\n  (let ((nil 1)) 2)', makeExpander(), 'dir/prog.omni');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      const ce = e as CompileError;
      expect(ce.loc).toEqual({ file: 'dir/prog.omni', line: 3, col: 10 });
      expect(ce.detail).toBe('cannot bind constant nil');
      expect(ce.message).toBe('dir/prog.omni:3:10: cannot bind constant nil');
    }
  });
});
