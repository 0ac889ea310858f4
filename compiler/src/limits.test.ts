// Compile-time limits (issue 13): hostile macros end with a CompileLimitError of the right kind at
// the macro call, quickly; honest programs are far below every limit; the limits are configurable.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileProgram } from './backend/compile.js';
import { Session } from './backend/session.js';
import { CompileError } from './errors.js';
import { interpretSource } from './interp/memory-host.js';
import {
  COMPILE_LIMIT_ENV,
  type CompileLimits,
  CompileLimitError,
  DEFAULT_COMPILE_LIMITS,
  compileLimitsFromEnv,
  resolveCompileLimits,
} from './limits.js';
import { type FrontEndOptions, frontEnd, lazyCompileTimeEvaluator } from './pipeline.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILE = 'hostile.omni';
/** Every hostile compile must end well within this (the defaults aim at a second or two). */
const BOUND_MS = 15_000;

function compileFront(source: string, options: FrontEndOptions = {}) {
  return frontEnd(source, FILE, lazyCompileTimeEvaluator(), options);
}

/** Compiles `source`, expecting a CompileLimitError; returns it with the time taken. */
function limitError(source: string, options: FrontEndOptions = {}, compile = compileFront): { e: CompileLimitError; ms: number } {
  const start = Date.now();
  try {
    compile(source, options);
  } catch (e) {
    const ms = Date.now() - start;
    if (!(e instanceof CompileLimitError)) throw e;
    return { e, ms };
  }
  throw new Error('compiled without reaching a limit');
}

function expectLimit(source: string, limit: CompileLimitError['limit'], at: string, pattern: RegExp, options: FrontEndOptions = {}): CompileLimitError {
  const { e, ms } = limitError(source, options);
  expect(e.limit).toBe(limit);
  expect(e).toBeInstanceOf(CompileError);
  expect(e.message).toMatch(new RegExp(`^${FILE.replace('.', '\\.')}:${at}: `));
  expect(e.detail).toMatch(pattern);
  expect(ms).toBeLessThan(BOUND_MS);
  return e;
}

describe('hostile macros stop at a limit, at the macro call', () => {
  it('an endless loop runs out of steps', () => {
    const e = expectLimit("(defmacro forever () (let loop ((i 0)) (loop (+ i 1))))\n(print (forever))", 'steps', '2:8', /^macro expansion of 'forever' exceeded the compile-time limit of 2000000 steps$/);
    expect(e.name).toBe('CompileLimitError');
  });

  it('endless consing runs out of steps before the heap is exhausted', () => {
    expectLimit('(defmacro hog () (let loop ((l nil)) (loop (cons 1 l))))\n(print (hog))', 'steps', '2:8', /^macro expansion of 'hog' exceeded/);
  });

  it('endless bulk allocation reaches the memory limit', () => {
    expectLimit(
      '(defmacro hog () (let loop ((l nil)) (loop (cons (range 0 100000) l))))\n(print (hog))',
      'memory',
      '2:8',
      /^macro expansion of 'hog' exceeded the compile-time memory limit of \d+ MB$/,
      { limits: { heapMb: 200 } },
    );
  });

  it('a huge expansion exceeds the expansion budget', () => {
    expectLimit("(defmacro big () (cons 'list (range 0 2000000)))\n(print (length (big)))", 'expansion', '2:16', /^macro expansion of 'big' exceeded the compile-time limit of 500000 expanded forms$/);
  });

  it('a macro expanding to itself exceeds the nesting limit', () => {
    expectLimit("(defmacro self-loop () '(self-loop))\n(print (self-loop))", 'expansion', '2:8', /^macro expansion of 'self-loop' exceeded the compile-time limit of 400 nested expansions$/);
  });

  it.each([
    ["'(list (nest))"],
    ["'(let () (nest))"],
    ["'(fn (x) (nest))"],
    ["'(match 1 (x (nest)))"],
    ["'(do (define x 1) (nest))"],
    ["'(begin (nest))"],
  ])('a macro nesting itself (%s) exceeds the nesting limit, reported at the outermost call', (body) => {
    expectLimit(`(defmacro nest () ${body})\n(print (nest))`, 'expansion', '2:8', /^macro expansion of 'nest' exceeded the compile-time limit of 400 nested expansions$/);
  });

  it('nesting deeper than the JS stack allows is an expansion limit too, not a crash', () => {
    expectLimit("(defmacro nest () '(let () (nest)))\n(print 1)\n  (nest)", 'expansion', '3:3', /^macro expansion of 'nest' (is nested too deeply to compile|exceeded)/, {
      limits: { expansionDepth: 1_000_000 },
    });
  });

  it('deep recursion in a helper reaches the compile-time stack limit', () => {
    expectLimit(
      '(define (build n) (if (= n 0) nil (cons n (build (- n 1)))))\n(defmacro deep () (length (build 100000000)))\n(print (deep))',
      'memory',
      '3:8',
      /^macro expansion of 'deep' exceeded the compile-time stack limit of 500000 frames$/,
    );
  });

  it('a spinning thread the macro waits for runs out of steps', () => {
    expectLimit('(defmacro spin () (join (spawn (fn () (let loop () (loop))))))\n(print (spin))', 'steps', '2:8', /^macro expansion of 'spin' exceeded/);
  });

  it('a spinning thread left behind is charged to later compile-time code', () => {
    const uses = Array.from({ length: 300 }, () => '(print (spin))').join('\n');
    const e = expectLimit(`(defmacro spin () (spawn (fn () (let loop () (loop)))) 1)\n${uses}`, 'steps', '\\d+:8', /^macro expansion of 'spin' exceeded/);
    expect(e.loc.line).toBeGreaterThan(2);
  });

  it('a shared-structure DAG with an exponential tree is counted cheaply', () => {
    expectLimit(
      "(defmacro dag () (let loop ((x 1) (n 0)) (if (= n 60) (list 'quote x) (loop (list x x) (+ n 1)))))\n(print (dag))",
      'expansion',
      '2:8',
      /exceeded the compile-time limit of 500000 expanded forms/,
    );
  });

  it.each([
    ['comparing', '(equal? (dag 60) (dag 60))', ['steps']],
    ['printing', '(string-length (str (dag 60)))', ['steps', 'memory']],
    ['hashing as a dict key', '(dict-set! (dict) (dag 60) 1)', ['steps', 'memory']],
    ['raising an error about', '(+ 1 (dag 60))', ['steps', 'memory']],
  ])('%s an exponential DAG is metered', (_what, use, limits) => {
    const helper = '(define (dag k) (let loop ((x 1) (n 0)) (if (= n k) x (loop (list x x) (+ n 1)))))';
    const { e, ms } = limitError(`${helper}\n(defmacro m () ${use} 1)\n(print (m))`);
    expect(limits).toContain(e.limit);
    expect(e.message).toMatch(/^hostile\.omni:3:8: macro expansion of 'm' exceeded/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('doubling a string stops at a limit, without a JavaScript error', () => {
    const { e, ms } = limitError('(defmacro strs () (let loop ((s "x")) (loop (string-append s s))))\n(print (strs))');
    expect(['steps', 'memory']).toContain(e.limit);
    expect(e.message).toMatch(/^hostile\.omni:2:8: macro expansion of 'strs' exceeded/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('try cannot catch a limit', () => {
    expectLimit('(defmacro m () (try (let loop () (loop)) (fn (e) 1)))\n(print (m))', 'steps', '2:8', /^macro expansion of 'm' exceeded/);
  });

  it('a limit reached in a nested expansion names that macro, at the outermost call', () => {
    expectLimit(
      "(defmacro inner () (let loop () (loop)))\n(defmacro outer () '(list 1 (inner)))\n(define (f) (+ 1\n   (outer)))",
      'steps',
      '4:4',
      /^macro expansion of 'inner' exceeded the compile-time limit/,
    );
  });

  it('an allocation too large to be had is an ordinary error of the macro', () => {
    expect(() => compileFront('(defmacro m () (make-vector 100000000000) 1)\n(print (m))')).toThrow(
      /^hostile\.omni:2:8: error expanding macro m: make-vector: cannot allocate 100000000000 elements$/,
    );
  });

  it('the whole pipeline (compileProgram) reports the same error', () => {
    const { e } = limitError("(defmacro self-loop () '(self-loop))\n(print (self-loop))", {}, (s, o) => compileProgram(s, FILE, {}, o));
    expect(e.message).toBe("hostile.omni:2:8: macro expansion of 'self-loop' exceeded the compile-time limit of 400 nested expansions");
  });
});

describe('the big-stack thread', () => {
  // the thread runs the built module (a worker cannot load this TypeScript source)
  const dist = (m: string) => import(path.join(REPO, 'compiler/dist', m));

  it('keeps a CompileLimitError and its limit across the thread boundary', async () => {
    const { onBigStack } = await dist('backend/big-stack.js');
    const { CompileLimitError: BuiltLimitError } = await dist('limits.js');
    const source = '(defmacro forever () (let loop () (loop)))\n(print (forever))';
    let error: unknown;
    try {
      onBigStack(source, FILE, {}, { limits: { steps: 10_000 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuiltLimitError);
    expect(error).toMatchObject({ limit: 'steps', message: "hostile.omni:2:8: macro expansion of 'forever' exceeded the compile-time limit of 10000 steps" });
  });

  it('passes the library path through', async () => {
    const { onBigStack } = await dist('backend/big-stack.js');
    expect(() => onBigStack('(import violet)', FILE, {}, { libPath: [] })).toThrow(/library not found: violet \(looked in no library directories\)/);
  });

  it('a compile that fills the thread heap is a memory limit, not a caller waiting forever', () => {
    // the back end's reference counting is quadratic in the live values of one long let*
    const n = 3000;
    const source = `(define (f x) (let* (${Array.from({ length: n }, (_, i) => `(a${i} (car x))`).join(' ')}) (list ${Array.from({ length: n }, (_, i) => `a${i}`).join(' ')})))`;
    const script = `import { compileProgram } from ${JSON.stringify(path.join(REPO, 'compiler/dist/index.js'))};
      try { compileProgram(${JSON.stringify(source)}, 'x.omni'); console.log('compiled'); } catch (e) { console.log(e.constructor.name, e.limit, e.message); }`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=128', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout.trim()).toMatch(/^CompileLimitError memory x\.omni:1:1: program too large to compile: the compiler ran out of memory \(\d+ MB\)$/);
  }, 150_000);
});

describe('honest programs are far below every limit', () => {
  const corpus = ['examples', 'test/violet', 'test/conformance', 'test/cases', 'bench/programs'].flatMap((dir) =>
    fs
      .readdirSync(path.join(REPO, dir))
      .filter((f) => f.endsWith('.omni'))
      .map((f) => path.join(REPO, dir, f)),
  );

  it('uses less than 1% of each default (the defaults are 100x what the corpus needs)', () => {
    const max = { steps: 0, expansionNodes: 0, expansionDepth: 0 };
    let compiled = 0;
    for (const file of corpus) {
      let usage;
      try {
        usage = frontEnd(fs.readFileSync(file, 'utf8'), file, lazyCompileTimeEvaluator()).usage;
      } catch (e) {
        // a few conformance cases are compile errors on purpose; none of them is a limit
        expect(e).not.toBeInstanceOf(CompileLimitError);
        continue;
      }
      compiled++;
      for (const k of Object.keys(max) as (keyof typeof max)[]) max[k] = Math.max(max[k], usage[k]);
    }
    expect(compiled).toBeGreaterThan(100);
    expect(max.steps).toBeGreaterThan(0);
    for (const k of Object.keys(max) as (keyof typeof max)[]) expect(max[k] * 100).toBeLessThanOrEqual(DEFAULT_COMPILE_LIMITS[k]);
  });

  it('a macro-heavy program (lib/violet.omni) compiles within tight limits', () => {
    const source = fs.readFileSync(path.join(REPO, 'examples/violet-demo.omni'), 'utf8');
    const tight = { steps: 20_000, expansionNodes: 15_000, expansionDepth: 10 };
    const { c } = compileProgram(source, path.join(REPO, 'examples/violet-demo.omni'), {}, { limits: tight });
    expect(c).toContain('omni_program');
  });

  it('--interp programs have no budget: a long loop and deep recursion run as before', () => {
    const r = interpretSource(
      '(define (count n) (let loop ((i 0)) (if (< i n) (loop (+ i 1)) i)))\n(print (count 3000000))\n' +
        '(define (build n) (if (= n 0) nil (cons n (build (- n 1)))))\n(print (length (build 600000)))',
    );
    expect(r).toEqual({ stdout: '3000000\n600000\n', stderr: '', status: 0 });
  });
});

describe('the limits are configurable', () => {
  const loop = (n: number) => `(defmacro m () (let loop ((i 0)) (if (< i ${n}) (loop (+ i 1)) i)))\n(print (m))`;

  it('steps', () => {
    expect(() => compileFront(loop(5000), { limits: { steps: 100_000 } })).not.toThrow();
    expectLimit(loop(5000), 'steps', '2:8', /limit of 1000 steps$/, { limits: { steps: 1000 } });
  });

  it('expansion nodes, summed over the expansions of one compile', () => {
    const src = "(defmacro ten () '(list 1 2 3 4))\n(print (ten) (ten) (ten))";
    expect(compileFront(src).usage.expansionNodes).toBe(30);
    expect(() => compileFront(src, { limits: { expansionNodes: 30 } })).not.toThrow();
    expectLimit(src, 'expansion', '2:20', /limit of 29 expanded forms$/, { limits: { expansionNodes: 29 } });
  });

  it('expansion depth', () => {
    const src = '(defmacro down (n) (if (= n 0) 0 (list (quote down) (- n 1))))\n(print (down 5))';
    expect(compileFront(src).usage.expansionDepth).toBe(6);
    expect(() => compileFront(src, { limits: { expansionDepth: 6 } })).not.toThrow();
    expectLimit(src, 'expansion', '2:8', /limit of 5 nested expansions$/, { limits: { expansionDepth: 5 } });
  });

  it('heap', () => {
    expectLimit('(defmacro m () (let loop ((l nil)) (loop (cons (range 0 100000) l))))\n(print (m))', 'memory', '2:8', /memory limit of 64 MB$/, {
      limits: { heapMb: 64 },
    });
  });

  it('a value that is not a positive integer is refused', () => {
    expect(() => resolveCompileLimits({ steps: 0 })).toThrow(/compile limit steps must be a positive integer, got 0/);
    expect(() => resolveCompileLimits({ heapMb: 1.5 })).toThrow(RangeError);
    expect(resolveCompileLimits({ steps: 7 })).toEqual({ ...DEFAULT_COMPILE_LIMITS, steps: 7 });
  });
});

describe('compileLimitsFromEnv', () => {
  it('is the defaults without the variables (or with empty ones)', () => {
    expect(compileLimitsFromEnv({})).toEqual(DEFAULT_COMPILE_LIMITS);
    expect(compileLimitsFromEnv({ OMNI_COMPILE_STEPS: '', OMNI_COMPILE_HEAP_MB: ' ' })).toEqual(DEFAULT_COMPILE_LIMITS);
  });

  it('reads each variable', () => {
    const env = { OMNI_COMPILE_STEPS: '123', OMNI_COMPILE_EXPANSION_NODES: '456', OMNI_COMPILE_EXPANSION_DEPTH: ' 7 ', OMNI_COMPILE_HEAP_MB: '64' };
    expect(compileLimitsFromEnv(env)).toEqual<CompileLimits>({ steps: 123, expansionNodes: 456, expansionDepth: 7, heapMb: 64 });
    expect(Object.values(COMPILE_LIMIT_ENV).sort()).toEqual(Object.keys(env).sort());
  });

  it.each(['abc', '0', '-5', '1.5', '1e3', '0x10', '99999999999999999999'])('refuses %j, naming the variable', (value) => {
    expect(() => compileLimitsFromEnv({ OMNI_COMPILE_EXPANSION_DEPTH: value })).toThrow(
      `OMNI_COMPILE_EXPANSION_DEPTH must be a positive integer, got ${JSON.stringify(value)}`,
    );
  });
});

describe('the REPL session', () => {
  it('gives each input its own budget, and goes on after a limit', () => {
    const session = new Session('repl.omni', { limits: { steps: 50_000 } });
    session.compile('(defmacro work () (let loop ((i 0)) (if (< i 30000) (loop (+ i 1)) i)))');
    // each input needs 30,000 of the 50,000 steps
    session.compile('(print (work))');
    session.compile('(print (work))');
    expect(() => session.compile('(defmacro spin () (join (spawn (fn () (let loop () (loop))))))\n(spin)')).toThrow(CompileLimitError);
    // the spinning thread is gone, and the macros of earlier inputs still work
    expect(session.compile('(print (work))').c).toContain('omni_unit');
  });

  it('uses the defaults when no limits are given', () => {
    expect(() => new Session().compile("(defmacro self-loop () '(self-loop))\n(self-loop)")).toThrow(/limit of 400 nested expansions/);
  });
});

describe('imports name libraries only', () => {
  it.each(['../secret', 'a/b', 'a\\b', '.hidden', '/etc/passwd'])('refuses %j at the import form', (name) => { // hostile path
    expect(() => compileFront(`(print 1)\n  (import ${name})`)).toThrow(new RegExp(`^hostile\\.omni:2:3: invalid library name: ${name.replace(/[.\\/]/g, '\\$&')} \\(`));
  });

  it('says where it looked without showing a path', () => {
    let message = '';
    try {
      compileFront('(import nope)', { libPath: [path.join(REPO, 'nowhere', 'lib')] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('hostile.omni:1:9: library not found: nope (looked in the library path given to the compiler)');
    expect(() => frontEnd('(import nope)', path.join(os.tmpdir(), 'x.omni'), lazyCompileTimeEvaluator())).toThrow(
      /library not found: nope \(looked in lib\/ beside the program(, OMNI_LIB_PATH)? and the bundled libraries\)$/,
    );
  });

  it('libPath replaces the search path', () => {
    expect(() => compileFront('(import violet)', { libPath: [] })).toThrow(/library not found: violet/);
    expect(compileFront('(import violet)').imports).toHaveLength(1);
  });
});

describe('builtins and sizes that cannot be allocated (--interp)', () => {
  it.each([
    ['(make-vector 100000000000)', 'make-vector: cannot allocate 100000000000 elements'],
    ['(make-vector 2305843009213693951)', 'make-vector: cannot allocate 2305843009213693951 elements'],
    ['(range 100000000000)', 'range: cannot allocate 100000000000 elements'],
    ['(range 0 -100000000000 -1)', 'range: cannot allocate 100000000000 elements'],
    ['(string-repeat "ab" 1000000000000)', 'string-repeat: cannot allocate 2000000000000 elements'],
    ['(string-repeat "λ" 1000000000)', 'string-repeat: cannot allocate 1000000000 elements'],
  ])('%s is a catchable error', (expr, message) => {
    const r = interpretSource(`(print (try ${expr} (fn (e) (error-message e))))\n${expr}`);
    expect({ ...r, stderr: r.stderr.split('\n')[0] }).toEqual({ stdout: `${message}\n`, stderr: `error: ${message}`, status: 1 });
    expect(r.stderr).toMatch(/\n {2}at <top level> \(.*program\.omni:2:1\)\n$/);
  });

  it('long strings and spreads that once overflowed the JS stack work', () => {
    const r = interpretSource('(print (string-length (substring (string-repeat "x" 300000) 1 250000)))');
    expect(r).toEqual({ stdout: '249999\n', stderr: '', status: 0 });
  });
});
