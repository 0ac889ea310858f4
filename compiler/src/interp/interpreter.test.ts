// Behaviour of the reference interpreter on whole programs, for the parts of LANGUAGE.md §4,
// §5, §7 and §10 that the conformance corpus (test/conformance) does not pin down closely:
// boundaries, edge cases and the scheduling of threads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpretFile, uncaughtErrorLine } from '../pipeline.js';
import { OError, Sym, arrayToList } from '../values.js';
import type { Host } from './builtins.js';
import { ProcessHost } from './host.js';

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-interp-test-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function programFile(source: string): string {
  const file = path.join(dir, `prog${++counter}.omni`);
  fs.writeFileSync(file, source);
  return file;
}

/** A host that keeps standard output in memory and records when it is flushed. */
class MemoryHost implements Host {
  readonly chunks: string[] = [];
  readonly events: string[] = [];
  constructor(
    readonly args: readonly string[] = [],
    private readonly env: Record<string, string> = {},
    private readonly lines: string[] = [],
  ) {}
  write(text: string): void {
    this.chunks.push(text);
  }
  flush(): void {
    this.events.push(`flush:${this.chunks.join('').length}`);
  }
  readLine(): string | null {
    this.flush();
    return this.lines.length > 0 ? this.lines.shift()! : null;
  }
  getenv(name: string): string | undefined {
    return Object.hasOwn(this.env, name) ? this.env[name] : undefined;
  }
}

interface Outcome {
  stdout: string;
  status: number;
  /** The first line of standard error, or null when nothing was written there. */
  stderrFirstLine: string | null;
}

interface RunOptions {
  args?: string[];
  env?: Record<string, string>;
  lines?: string[];
}

/** Runs a program with the interpreter and an in-memory host. */
function run(source: string, opts: RunOptions = {}): Outcome & { host: MemoryHost } {
  const host = new MemoryHost(opts.args, opts.env, opts.lines);
  let stderr = '';
  const status = interpretFile(programFile(source), {
    host,
    stderr: (t) => {
      host.events.push('stderr');
      stderr += t;
    },
  });
  return { stdout: host.chunks.join(''), status, stderrFirstLine: stderr === '' ? null : stderr.split('\n')[0], host };
}

/** Runs a program with the process host reading standard input from a file holding `input`. */
function runWithStdin(source: string, input: string | Buffer): Outcome {
  const inFile = path.join(dir, `stdin${++counter}`);
  const outFile = path.join(dir, `stdout${counter}`);
  fs.writeFileSync(inFile, input);
  const inFd = fs.openSync(inFile, 'r');
  const outFd = fs.openSync(outFile, 'w');
  let stderr = '';
  let status: number;
  try {
    const host = new ProcessHost([], outFd, inFd);
    status = interpretFile(programFile(source), { host, stderr: (t) => void (stderr += t) });
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
  return { stdout: fs.readFileSync(outFile, 'utf8'), status, stderrFirstLine: stderr === '' ? null : stderr.split('\n')[0] };
}

/** Runs a program that must finish normally and returns its standard output. */
function out(source: string, opts?: RunOptions): string {
  const r = run(source, opts);
  expect({ status: r.status, stderr: r.stderrFirstLine }).toEqual({ status: 0, stderr: null });
  return r.stdout;
}

/** Lines printed by a program that must finish normally. */
function lines(source: string, opts?: RunOptions): string[] {
  const text = out(source, opts);
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** `(msg thunk)`: the message of the error a thunk raises. */
const MSG = '(define (msg thunk) (try (thunk) (fn (e) (error-message e))))\n';

describe('ints at the 2^53 and 2^61 boundaries', () => {
  it('stays exact past 2^53 in + - * and comparisons', () => {
    expect(
      lines(`(print (+ 9007199254740991 1) (+ 9007199254740992 1) (- -9007199254740991 2))
             (print (* 94906267 94906267) (* 3 3002399751580331) (* -4 2251799813685249))
             (print (- 9007199254740993 9007199254740992) (+ 9007199254740993 -9007199254740993))
             (print (< 9007199254740992 9007199254740993) (= 9007199254740993 9007199254740992))
             (print (max 9007199254740993 9007199254740992) (min -9007199254740993 -9007199254740992))`),
    ).toEqual([
      '9007199254740992 9007199254740993 -9007199254740993',
      '9007199515875289 9007199254740993 -9007199254740996',
      '1 0',
      't nil',
      '9007199254740993 -9007199254740993',
    ]);
  });

  it('divides exactly past 2^53', () => {
    expect(
      lines(`(print (quotient 9007199254740993 2) (remainder 9007199254740993 10) (modulo -9007199254740993 10))
             (print (/ 2305843009213693951 3) (quotient -2305843009213693952 7) (remainder -2305843009213693952 7) (modulo -2305843009213693952 7))
             (print (/ 9007199254740993 -1) (abs -9007199254740993))`),
    ).toEqual([
      '4503599627370496 3 7',
      '768614336404564650 -329406144173384850 -2 5',
      '-9007199254740993 9007199254740993',
    ]);
  });

  it('compares ints with floats by exact value', () => {
    expect(
      lines(`(print (= 9007199254740993 9007199254740992.0) (< 9007199254740992.0 9007199254740993) (= 9007199254740992 9007199254740992.0))
             (print (> 2305843009213693951 2305843009213693952.0) (< 2305843009213693951 2305843009213693952.0) (= 2305843009213693951 2305843009213693952.0))`),
    ).toEqual(['nil t t', 'nil t nil']);
  });

  it('eqv?, equal? and dict keys treat equal ints alike however they were computed', () => {
    expect(
      lines(`(print (eqv? (+ 9007199254740992 1) 9007199254740993) (eq? (- 9007199254740994 1) 9007199254740993) (equal? (list (* 2 4503599627370497)) '(9007199254740994)))
             (define d (dict))
             (dict-set! d 9007199254740993 'big)
             (dict-set! d 9007199254740992 'two53)
             (print (dict-ref d (+ 9007199254740992 1)) (dict-ref d (* 2 4503599627370496)) (dict-count d))
             (print (dict-has? d 9007199254740992.0))`),
    ).toEqual(['t t t', 'big two53 2', 'nil']);
  });

  it('reaches exactly the ends of the 62-bit range', () => {
    expect(
      lines(`(print (+ 2305843009213693950 1) (- -2305843009213693951 1) (* 1152921504606846976 -2) (- 1 -2305843009213693950))
             (print (expt 2 60) (expt -2 61) (* (expt 2 30) (- (expt 2 31) 1) 1))
             (print (number->string 2305843009213693951 16) (number->string -2305843009213693952 16) (number->string 2305843009213693951 2))
             (print (inexact->exact 1e18) (exact->inexact 2305843009213693951) (exact->inexact 9007199254740993))`),
    ).toEqual([
      '2305843009213693951 -2305843009213693952 -2305843009213693952 2305843009213693951',
      '1152921504606846976 -2305843009213693952 2305843008139952128',
      '1fffffffffffffff -2000000000000000 1111111111111111111111111111111111111111111111111111111111111',
      '1000000000000000000 2.305843009213694e+18 9007199254740992.0',
    ]);
  });

  it('raises integer overflow one step past either end, for every operation', () => {
    const ops = [
      '(+ 2305843009213693951 1)',
      '(- -2305843009213693952 1)',
      '(- 2305843009213693951 -1)',
      '(- -2305843009213693952)',
      '(* 2305843009213693951 2)',
      '(* -2305843009213693952 -1)',
      '(* 1152921504606846976 2)',
      '(abs -2305843009213693952)',
      '(quotient -2305843009213693952 -1)',
      '(/ -2305843009213693952 -1)',
      '(expt 2 61)',
      '(expt 3 40)',
      '(inexact->exact 1e19)',
      '(inexact->exact 2305843009213693952.0)',
      '(+ 2305843009213693951 1 -5)',
      '(apply + (list 2305843009213693951 1))',
    ];
    const src = MSG + ops.map((o) => `(print (msg (fn () ${o})))`).join('\n');
    expect(lines(src)).toEqual(ops.map(() => 'integer overflow'));
  });

  it('lets a variadic fold come back into range only if no intermediate result left it', () => {
    expect(lines(`${MSG}(print (+ 2305843009213693951 -1 1) (msg (fn () (+ 2305843009213693951 1 -1))))`)).toEqual([
      '2305843009213693951 integer overflow',
    ]);
  });

  it('uncaught overflow ends the program with status 1', () => {
    const r = run('(print "start")\n(define (f n) (* n n))\n(print (f 3037000500))');
    expect(r).toMatchObject({ stdout: 'start\n', status: 1, stderrFirstLine: 'error: integer overflow' });
  });

  it('an int zero has no sign, however it was computed', () => {
    // ints are mathematical integers: (* -1 0) is the int 0, so converting it gives 0.0, not -0.0
    expect(
      lines(`(print (float (* -1 0)) (exact->inexact (* 0 -3)) (* 1.0 (* 0 -1)) (float (abs (* 0 -1))) (/ 1.0 (* 0 -1)))
             (print (eqv? (float (* -1 0)) 0.0) (float (- 0)) (float (quotient 0 -5)) (float (remainder -4 2)))`),
    ).toEqual(['0.0 0.0 0.0 0.0 inf', 't 0.0 0.0 0.0']);
  });
});

describe('float printing edge cases', () => {
  it('switches between fixed and scientific notation at 1e16 and 1e-4', () => {
    expect(
      lines(`(print 1e16 9999999999999998.0 1e15 -1e16 1.5e16 10000000000000002.0)
             (print 0.0001 1e-05 0.00012345 0.000099 -1e-05 1e-4)`),
    ).toEqual([
      '1e+16 9999999999999998.0 1000000000000000.0 -1e+16 1.5e+16 1.0000000000000002e+16',
      '0.0001 1e-05 0.00012345 9.9e-05 -1e-05 0.0001',
    ]);
  });

  it('prints subnormals, the largest double and integral values', () => {
    expect(
      lines(`(print 5e-324 -5e-324 2.2250738585072014e-308 1.7976931348623157e308 123456789.0 1234567890123456.0 12345678901234567.0)`),
    ).toEqual(['5e-324 -5e-324 2.2250738585072014e-308 1.7976931348623157e+308 123456789.0 1234567890123456.0 1.2345678901234568e+16']);
  });

  it('keeps the sign of a float zero in every printed form', () => {
    expect(
      lines(`(print -0.0 (- 0.0) (* -1 0.0) (* -1.0 0) (round -0.4) (ceiling -0.5) (truncate -0.5))
             (write (list -0.0 0.0)) (newline)
             (print (str -0.0) (number->string -0.0) (eqv? -0.0 0.0) (= -0.0 0.0) (equal? [-0.0] [0.0]))`),
    ).toEqual(['-0.0 -0.0 -0.0 -0.0 -0.0 -0.0 -0.0', '(-0.0 0.0)', '-0.0 -0.0 nil t nil']);
  });

  it('prints the shortest round-tripping digits', () => {
    expect(
      lines('(print (+ 0.1 0.2) (* 1.1 1.1) (/ 1 3.0) (/ 2.0 3) 1.2345678901234567 (- 0.3 0.1))'),
    ).toEqual(['0.30000000000000004 1.2100000000000002 0.3333333333333333 0.6666666666666666 1.2345678901234567 0.19999999999999998']);
  });

  it('prints inf and nan in display, write and str', () => {
    expect(
      lines(`(define inf (/ 1.0 0)) (define nan (/ 0.0 0))
             (print inf (- inf) nan (sqrt -1) (log 0))
             (write (vector inf nan)) (newline)
             (print (str inf "|" nan) (number->string (- inf)))`),
    ).toEqual(['inf -inf nan nan -inf', '[inf nan]', 'inf|nan -inf']);
  });

  it('float results of mixed and float-only operations', () => {
    expect(lines('(print (max 3 2.0) (min 1 2.0) (/ 7 2 2.0) (/ 2.0) (expt 2.0 3) (expt 2 -1) (+ 1 2.0) (round 2.5) (round 3.5) (round -2.5) (float 7))')).toEqual([
      '3.0 1.0 1.5 0.5 8.0 0.5 3.0 2.0 4.0 -2.0 7.0',
    ]);
  });
});

describe('strings with astral (non-BMP) characters', () => {
  const S = '(define s "a😀b𝄞c")\n';

  it('counts and indexes code points, not UTF-16 units', () => {
    expect(
      lines(`${S}(print (string-length s) (string-ref s 1) (string-ref s 3) (substring s 1 4) (substring s 3))
             (print (string-index s "b") (string-index s "c") (string-index s "𝄞") (string-index s "😀b𝄞") (string-index s "z"))
             (print (string-length "😀😀") (string-length "") (string-length (string-repeat "𝄞" 4)))`),
    ).toEqual(['5 😀 𝄞 😀b𝄞 𝄞c', '2 4 3 1 nil', '2 0 4']);
  });

  it('converts between strings, chars and code points', () => {
    expect(
      lines(`${S}(write (string->list s)) (newline)
             (print (map char->integer (string->list "😀𝄞")) (list->string (list (integer->char 128512) #\\x1D11E)))
             (print (char->integer (string-ref "😀" 0)) (string=? "😀" (list->string (list #\\😀))) (reverse (string->list "😀𝄞")))
             (write #\\😀) (write "😀") (newline)`),
    ).toEqual(['(#\\a #\\😀 #\\b #\\𝄞 #\\c)', '(128512 119070) 😀𝄞', '128512 t (𝄞 😀)', '#\\😀"😀"']);
  });

  it('splits, joins, searches and repeats', () => {
    expect(
      lines(`${S}(write (string-split "😀,😀,,𝄞" ",")) (write (string-split "a😀b" "😀")) (newline)
             (print (string-join (list "😀" "𝄞") "|") (string-repeat "😀" 3) (string-contains? s "😀b") (string-contains? s "😀c"))
             (print (string-append "😀" "𝄞") (str #\\😀 "x" 'y))`),
    ).toEqual(['("😀" "😀" "" "𝄞")("a" "b")', '😀|𝄞 😀😀😀 t nil', '😀𝄞 😀xy']);
  });

  it('orders strings by code point, so astral chars sort after U+FFFF', () => {
    expect(lines('(print (string<? "😀" "\\xFFFF;") (string<? "\\xFFFF;" "😀") (string<? "😀" "😁") (sort (list "😀" "\\xFFFD;" "z") string<?))')).toEqual([
      'nil t t (z \uFFFD 😀)',
    ]);
  });

  it('maps case of astral letters one to one', () => {
    expect(lines('(print (char-upcase #\\𐐨) (char-downcase #\\𐐀) (string-upcase "𐐨ß😀") (char-alphabetic? #\\𐐀) (char-numeric? #\\𝟎) (char-alphabetic? #\\😀))')).toEqual([
      '𐐀 𐐨 𐐀ß😀 t t nil',
    ]);
  });

  it('uses the Unicode simple case mapping where the full mapping has several chars', () => {
    // UnicodeData.txt: U+0130 lowercases to U+0069; U+1FB3 and U+1F80 uppercase to U+1FBC and U+1F88
    expect(lines('(print (char-downcase #\\x130) (string-downcase "\\x130;") (char-upcase #\\x1FB3) (char-upcase #\\x1F80) (char-upcase #\\ß) (string-upcase "ßﬁ"))')).toEqual([
      'i i \u1FBC \u1F88 ß ßﬁ',
    ]);
  });

  it('reports index errors in code points', () => {
    expect(lines(`${MSG}${S}(print (msg (fn () (string-ref s 5))))\n(print (msg (fn () (substring s 2 6))))\n(print (msg (fn () (substring s 4 2))))`)).toEqual([
      'string-ref: index 5 out of range for length 5',
      'substring: index 6 out of range for length 5',
      'substring: start 4 is greater than end 2',
    ]);
  });
});

describe('dict ordering', () => {
  it('a removed and re-added key goes last; setting an existing key keeps its place', () => {
    expect(
      lines(`(define d (dict :a 1 :b 2 :c 3))
             (dict-remove! d :a)
             (dict-set! d :a 10)
             (dict-set! d :b 20)
             (print d)
             (print (dict-keys d) (dict-values d) (dict->list d))
             (dict-remove! d :zz)
             (dict-remove! d :c)
             (dict-set! d :d 4)
             (dict-set! d :c 30)
             (print d (dict-count d))`),
    ).toEqual(['#{:b 20 :c 3 :a 10}', '(:b :c :a) (20 3 10) ((:b . 20) (:c . 3) (:a . 10))', '#{:b 20 :a 10 :d 4 :c 30} 4']);
  });

  it('emptying a dict and refilling it uses the new insertion order', () => {
    expect(
      lines(`(define d #{1 'one 2 'two})
             (for-each (fn (k) (dict-remove! d k)) (dict-keys d))
             (print d (dict-count d))
             (for-each (fn (k) (dict-set! d k (* k k))) '(3 1 2))
             (print d)`),
    ).toEqual(['#{} 0', '#{3 9 1 1 2 4}']);
  });

  it('keys that are equal? share one entry and keep the first insertion position', () => {
    expect(
      lines(`(define d (dict))
             (dict-set! d (list 1 2) 'a)
             (dict-set! d "k" 'b)
             (dict-set! d (list 1 2) 'c)
             (dict-set! d (string-append "k") 'd)
             (write d) (newline)
             (print (equal? d #{"k" 'd '(1 2) 'c}) (eq? (dict-ref d '(1 2)) 'c))`),
    ).toEqual(['#{(1 2) c "k" d}', 't t']);
  });

  it('dict literals evaluate keys and values left to right', () => {
    expect(lines('(define (note x) (display x) (display " ") x)\n(print #{(note :a) (note 1) (note :b) (note 2)})')).toEqual([':a 1 :b 2 #{:a 1 :b 2}']);
  });
});

describe('sort stability', () => {
  it('keeps equal elements in their original order on a long list', () => {
    const n = 500;
    const keys = Array.from({ length: n }, (_, i) => (i * 7919) % 13);
    const expected = keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0]) // Array.prototype.sort is stable
      .map(([k, i]) => `(${k} . ${i})`)
      .join(' ');
    const got = out(`(define items (map (fn (i) (cons (remainder (* i 7919) 13) i)) (range ${n})))
                     (print (sort items (fn (a b) (< (car a) (car b)))))`);
    expect(got).toBe(`(${expected})\n`);
  });

  it('is stable for a descending comparator and for all-equal keys', () => {
    expect(
      lines(`(print (sort '((1 . a) (2 . b) (1 . c) (2 . d) (3 . e)) (fn (x y) (> (car x) (car y)))))
             (print (sort '((0 . a) (0 . b) (0 . c) (0 . d)) (fn (x y) (< (car x) (car y)))))
             (print (sort '("bb" "a" "cc" "d" "eee" "ff") (fn (x y) (< (string-length x) (string-length y)))))`),
    ).toEqual(['((3 . e) (2 . b) (2 . d) (1 . a) (1 . c))', '((0 . a) (0 . b) (0 . c) (0 . d))', '(a d bb cc ff eee)']);
  });

  it('returns a new list and leaves its argument alone', () => {
    expect(lines("(define l '(3 1 2))\n(define s (sort l <))\n(print l s (eq? l s))")).toEqual(['(3 1 2) (1 2 3) nil']);
  });

  it('checks its arguments', () => {
    expect(lines(`${MSG}(print (msg (fn () (sort [3 1] <))))\n(print (msg (fn () (sort '(1 2) 5))))`)).toEqual([
      'sort: expected list, got [3 1]',
      'sort: expected procedure, got 5',
    ]);
  });
});

describe('apply', () => {
  it('passes several leading arguments before the spread list', () => {
    expect(
      lines(`(print (apply list 1 2 '(3 4)) (apply + 1 2 3 '()) (apply vector 'a 'b '(c)) (apply max 1 2 '(3.0)))
             (print (apply apply (list list 1 '(2 3))) (apply apply + 1 (list 2 '(3 4))) (apply str "a" 'b '(#\\c 1.5)))
             (define (f a b . rest) (list a b rest))
             (print (apply f 1 '(2)) (apply f 1 2 3 '(4 5)) (apply (fn args args) '()))`),
    ).toEqual(['(1 2 3 4) 6 [a b c] 3.0', '(1 2 3) 10 abc1.5', '(1 2 nil) (1 2 (3 4 5)) nil']);
  });

  it('applies keywords and checks its arguments', () => {
    expect(
      lines(`${MSG}(define d #{:a 1})
             (print (apply :a (list d)) (apply :b d '(dflt)))
             (print (msg (fn () (apply +))))
             (print (msg (fn () (apply + 1 2))))
             (print (msg (fn () (apply + 1 '(2 . 3)))))
             (print (msg (fn () (apply 5 '(1)))))
             (print (msg (fn () (apply (fn (a b) a) 1 '(2 3)))))`),
    ).toEqual([
      '1 dflt',
      'apply: expected at least 2 arguments, got 1',
      'apply: expected list, got 2',
      'apply: expected list, got (2 . 3)',
      'not a procedure: 5',
      'lambda: expected 2 arguments, got 3',
    ]);
  });
});

describe('keyword calls', () => {
  it('looks the keyword up, with nil or the given default for a missing key', () => {
    expect(
      lines(`(define p #{:name "Ada" :none nil})
             (print (:name p) (:missing p) (:missing p 'dflt) (:name p 'unused) (:none p 'dflt))
             (print ((fn (k) (k p 0)) :missing) (map :name (list p #{})) (:a (dict :a (:name p))))`),
    ).toEqual(['Ada nil dflt Ada nil', '0 (Ada nil) Ada']);
  });

  it('a keyword is callable but not a procedure', () => {
    expect(lines('(print (procedure? :k) (keyword? :k) (type-of :k) (eq? :k (string->symbol "k")) (keyword->string :k))')).toEqual(['nil t keyword nil k']);
  });

  it('reports a non-dict argument and a wrong argument count under the keyword name', () => {
    expect(
      lines(`${MSG}(print (msg (fn () (:k 5))))
             (print (msg (fn () (:k '(:k 1)))))
             (print (msg (fn () (:k))))
             (print (msg (fn () (:k #{} 1 2))))`),
    ).toEqual([':k: expected dict, got 5', ':k: expected dict, got (:k 1)', ':k: expected 1 to 2 arguments, got 0', ':k: expected 1 to 2 arguments, got 3']);
  });
});

describe('exit status', () => {
  const status = (src: string) => run(src).status;

  it('is the code given to exit, modulo 256', () => {
    expect(status('(exit 0)')).toBe(0);
    expect(status('(exit 255)')).toBe(255);
    expect(status('(exit 256)')).toBe(0);
    expect(status('(exit 300)')).toBe(44);
    expect(status('(exit -1)')).toBe(255);
    expect(status('(exit -256)')).toBe(0);
    expect(status('(exit -257)')).toBe(255);
    expect(status('(exit 2305843009213693951)')).toBe(255);
    expect(status('(exit -2305843009213693952)')).toBe(0);
    expect(status('(exit)')).toBe(0);
  });

  it('flushes output, prints nothing on stderr and stops the program', () => {
    const r = run('(print "a")\n(display "partial")\n(exit 3)\n(print "not reached")');
    expect(r).toMatchObject({ stdout: 'a\npartial', status: 3, stderrFirstLine: null });
    // everything written was flushed, after the last write
    expect(r.host.events.at(-1)).toBe('flush:9');
  });

  it('is not an error: try does not catch it', () => {
    expect(run('(try (exit 5) (fn (e) (print "caught")))\n(print "after")')).toMatchObject({ stdout: '', status: 5 });
  });

  it('exits from inside nested calls and from a joined thread', () => {
    expect(status('(define (f n) (if (= n 0) (exit 9) (+ 1 (f (- n 1)))))\n(f 1000)')).toBe(9);
    expect(run('(print 1)\n(join (spawn (fn () (exit 7))))\n(print 2)')).toMatchObject({ stdout: '1\n', status: 7 });
  });

  it('a non-int code is a type error', () => {
    expect(run('(exit "a")')).toMatchObject({ status: 1, stderrFirstLine: 'error: exit: expected int, got "a"' });
    expect(run('(exit 2.0)')).toMatchObject({ status: 1, stderrFirstLine: 'error: exit: expected int, got 2.0' });
    expect(run("(exit 'x)")).toMatchObject({ status: 1, stderrFirstLine: 'error: exit: expected int, got x' });
  });

  it('a program that ends normally exits 0, also after a caught error', () => {
    expect(run('(try (car 1) (fn (e) 0))')).toMatchObject({ status: 0, stdout: '', stderrFirstLine: null });
  });
});

describe('read-line', () => {
  const READ_ALL = `(define (read-all acc) (let ((l (read-line))) (if (nil? l) (reverse acc) (read-all (cons l acc)))))
(write (read-all nil)) (newline)`;

  it('strips \\n and \\r\\n and returns a last line without a newline', () => {
    expect(runWithStdin(READ_ALL, 'one\r\ntwo\n\r\n\nthree\r\nlast')).toEqual({
      stdout: '("one" "two" "" "" "three" "last")\n',
      status: 0,
      stderrFirstLine: null,
    });
  });

  it('strips only one line ending and keeps other carriage returns', () => {
    expect(runWithStdin(READ_ALL, 'a\rb\nx\r\r\n').stdout).toBe('("a\\rb" "x\\r")\n');
  });

  it('returns nil at end of input, and keeps returning nil', () => {
    expect(runWithStdin('(print (read-line) (read-line))', '').stdout).toBe('nil nil\n');
    expect(runWithStdin('(write (list (read-line) (read-line) (read-line)))', '\n').stdout).toBe('("" nil nil)');
    expect(runWithStdin('(write (list (read-line) (read-line)))', 'only').stdout).toBe('("only" nil)');
  });

  it('decodes UTF-8, also across the host buffer boundary', () => {
    const long = 'é'.repeat(70000) + '😀';
    const r = runWithStdin('(define l (read-line))\n(print (string-length l) (string-ref l 69999) (string-ref l 70000) (read-line))', `${long}\nnext`);
    expect(r.stdout).toBe('70001 é 😀 next\n');
  });

  it('mixes with output: what was printed before reading is kept in order', () => {
    const r = runWithStdin('(display "name? ")\n(define n (read-line))\n(print (str "hello, " n "!"))', 'Ada\r\n');
    expect(r.stdout).toBe('name? hello, Ada!\n');
  });

  it('flushes buffered output before reading', () => {
    const r = run('(display "prompt")\n(read-line)\n(display "after")', { lines: ['x'] });
    expect(r.host.events[0]).toBe('flush:6');
  });
});

describe('uncaught errors', () => {
  it('prints error: MESSAGE and each irritant as write prints it', () => {
    const r = run(`(define (f) 1)
(error "m" "a\\nb\\t\\"q\\"" #\\space #\\x1 1e16 (list "s" #\\c) f (atom "s") (try (error "in" 1) identity) (fn () 1) (channel) -0.0 :kw nil t 'sym [1 "v"] #{:a "b"})`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderrFirstLine).toBe(
      'error: m "a\\nb\\t\\"q\\"" #\\space #\\x1 1e+16 ("s" #\\c) #<procedure f> #<atom "s"> #<error "in"> #<procedure> #<channel> -0.0 :kw nil t sym [1 "v"] #{:a "b"}',
    );
  });

  it('shows a non-string message as display does and an empty string irritant as ""', () => {
    expect(run("(error 'oops 1)").stderrFirstLine).toBe('error: oops 1');
    expect(run('(error (list 1 "a") "b")').stderrFirstLine).toBe('error: (1 a) "b"');
    expect(run('(error #{:a "b"} [1 "c"])').stderrFirstLine).toBe('error: #{:a b} [1 "c"]');
    expect(run('(error "x" "")').stderrFirstLine).toBe('error: x ""');
    expect(run('(error "no irritants")').stderrFirstLine).toBe('error: no irritants');
  });

  it('flushes standard output first, then prints the error line', () => {
    const r = run('(print "before")\n(display "partial")\n(car 5)\n(print "not reached")');
    expect(r).toMatchObject({ stdout: 'before\npartial', status: 1, stderrFirstLine: 'error: car: expected pair, got 5' });
    expect(r.host.events.slice(-2)).toEqual(['flush:14', 'stderr']);
  });

  it('primitive errors, match failures, assertions and re-raised errors', () => {
    expect(run('(match "x" (1 1))').stderrFirstLine).toBe('error: match: no clause matched "x"');
    expect(run('(assert (> 1 2))').stderrFirstLine).toBe('error: assertion failed: (> 1 2)');
    expect(run('(raise-error (try (error "inner" 1 "two") identity))').stderrFirstLine).toBe('error: inner 1 "two"');
    expect(run('(raise-error 5)').stderrFirstLine).toBe('error: raise-error: expected error, got 5');
    expect(run('(join (spawn (fn () (error "from thread" (list 1 "x")))))').stderrFirstLine).toBe('error: from thread (1 "x")');
    expect(run('(print (+ 1 2))\n(undefined-later)\n(define (undefined-later) (vector-ref [1 2 3] 5))')).toMatchObject({
      stdout: '3\n',
      stderrFirstLine: 'error: unbound variable: undefined-later',
    });
  });

  it('a thread that fails and is never joined does not change the status', () => {
    expect(run('(define th (spawn (fn () (error "thread err" 3))))\n(print "ok")')).toMatchObject({ stdout: 'ok\n', status: 0, stderrFirstLine: null });
  });

  it('uncaughtErrorLine formats an error value', () => {
    expect(uncaughtErrorLine(new OError('bad input:', arrayToList([-42, 'x', Sym.of('s')])))).toBe('error: bad input: -42 "x" s');
    expect(uncaughtErrorLine(new OError('plain'))).toBe('error: plain');
  });

  it('a compile-time error prints FILE:LINE:COL and runs nothing', () => {
    const r = run('(print "never")\n(print (+ 1 nope))');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
    expect(r.stderrFirstLine).toMatch(/prog\d+\.omni:2:13: unbound variable: nope$/);
  });
});

describe('try and stack overflow', () => {
  it('catches a stack overflow and the program goes on, with deep recursion still possible', () => {
    expect(
      lines(`(define (runaway n) (+ 1 (runaway (+ n 1))))
             (define (sum n) (if (= n 0) 0 (+ n (sum (- n 1)))))
             (print (try (runaway 0) (fn (e) (list 'caught (error-message e) (error-irritants e) (error? e)))))
             (print (sum 100000))`),
    ).toEqual(['(caught stack overflow nil t)', '5000050000']);
  });

  it('an inner try catches it; the outer try is not involved', () => {
    expect(
      lines(`(define (runaway) (cons 1 (runaway)))
             (print (try (list 'outer (try (runaway) (fn (e) (error-message e)))) (fn (e) 'outer-caught)))`),
    ).toEqual(['(outer stack overflow)']);
  });

  it('a handler may re-raise it', () => {
    const r = run(`(define (runaway) (+ 1 (runaway)))
(print "start")
(try (runaway) (fn (e) (raise-error e)))`);
    expect(r).toMatchObject({ stdout: 'start\n', status: 1, stderrFirstLine: 'error: stack overflow' });
  });

  it('a stack overflow in a thread is re-raised by join', () => {
    expect(lines('(define (runaway) (+ 1 (runaway)))\n(print (try (join (spawn runaway)) error-message))')).toEqual(['stack overflow']);
  });

  it('the body of try is not a tail position, but the handler call returns its value', () => {
    expect(lines('(define (f n) (if (= n 0) (car 0) (try (f (- n 1)) (fn (e) n))))\n(print (f 1000))')).toEqual(['1']);
  });
});

describe('threads, channels and atoms', () => {
  const SPIN = `(define (spin n) (if (= n 0) 'done (spin (- n 1))))
(define log (atom nil))
(define (note x) (swap! log (fn (l) (cons x l))))
(define (wait-for x) (let loop () (unless (member x (deref log)) (spin 10) (loop))))
`;

  it('an unbuffered send! blocks until a receiver takes the value', () => {
    expect(
      lines(`${SPIN}(define ch (channel))
             (define sender (spawn (fn () (note 'before-send) (send! ch 'v) (note 'after-send) 'sender-done)))
             (wait-for 'before-send)
             (spin 100000)
             (print (reverse (deref log)))
             (print (recv! ch))
             (print (join sender) (reverse (deref log)))`),
    ).toEqual(['(before-send)', 'v', 'sender-done (before-send after-send)']);
  });

  it('send! from the main thread returns once a thread has received', () => {
    expect(
      lines(`${SPIN}(define u (channel))
             (define receiver (spawn (fn () (let ((v (recv! u))) (note (list 'got v)) v))))
             (send! u 'hello)
             (print (join receiver) (reverse (deref log)))`),
    ).toEqual(['hello ((got hello))']);
  });

  it('a buffered channel accepts up to its capacity without a receiver', () => {
    expect(
      lines(`${SPIN}(define ch (channel 1))
             (define producer (spawn (fn () (send! ch 1) (note 'sent-1) (send! ch 2) (note 'sent-2) 'p)))
             (wait-for 'sent-1)
             (spin 100000)
             (print (reverse (deref log)))
             (print (recv! ch))
             (wait-for 'sent-2)
             (print (reverse (deref log)) (recv! ch) (join producer))`),
    ).toEqual(['(sent-1)', '1', '(sent-1 sent-2) 2 p']);
  });

  it('close! wakes every blocked receiver with nil', () => {
    expect(
      lines(`${SPIN}(define c (channel))
             (define rs (map (fn (i) (spawn (fn () (note i) (list i (recv! c))))) (range 3)))
             (wait-for 0) (wait-for 1) (wait-for 2)
             (close! c)
             (print (map join rs) (recv! c) (recv! c))`),
    ).toEqual(['((0 nil) (1 nil) (2 nil)) nil nil']);
  });

  it('a closed buffered channel is drained first, then gives nil; send! on it raises', () => {
    expect(
      lines(`${MSG}(define c (channel 3))
             (send! c 1) (send! c 2)
             (print (close! c))
             (print (recv! c) (recv! c) (recv! c) (msg (fn () (send! c 3))))`),
    ).toEqual(['nil', '1 2 nil send!: channel is closed']);
  });

  it('join waits for the result, re-raises the thread error every time, and returns the same value again', () => {
    expect(
      lines(`(define bad (spawn (fn () (error "boom" 1 "two"))))
             (define (catch th) (try (join th) (fn (e) (list (error-message e) (error-irritants e)))))
             (write (list (catch bad) (catch bad))) (newline)
             (define good (spawn (fn () (list 1 2))))
             (print (join good) (eq? (join good) (join good)))
             (print (type-of good) good (type-of (channel)) (channel))`),
    ).toEqual(['(("boom" (1 "two")) ("boom" (1 "two")))', '(1 2) t', 'thread #<thread> channel #<channel>']);
  });

  it('swap! from several threads is atomic and calls f exactly once per swap', () => {
    expect(
      lines(`(define (spin n) (if (= n 0) 'done (spin (- n 1))))
             (define calls (atom 0))
             (define a (atom 0))
             (define (slow-inc x) (swap! calls + 1) (spin 30000) (+ x 1))
             (define ths (map (fn (k) (spawn (fn () (for-each (fn (i) (swap! a slow-inc)) (range 5)) k))) (range 4)))
             (print (map join ths) (deref a) (deref calls))`),
    ).toEqual(['(0 1 2 3) 20 20']);
  });

  it('swap! passes extra arguments and returns the new value; reset! and compare-and-set!', () => {
    expect(
      lines(`(define a (atom 0))
             (define ths (map (fn (k) (spawn (fn () (let loop ((i 0)) (when (< i 500) (swap! a (fn (x y) (+ x y)) k) (loop (+ i 1))))))) (range 1 5)))
             (for-each join ths)
             (print (deref a) (swap! a - 1) (swap! a list 'x 'y) (reset! a 'x))
             (print (compare-and-set! a 'x 'y) (compare-and-set! a 'x 'z) (deref a) a)
             (define l (list 1))
             (reset! a l)
             (print (compare-and-set! a (list 1) 'no) (compare-and-set! a l 'yes) a)`),
    ).toEqual(['5000 4999 (4999 x y) x', 't nil y #<atom y>', 'nil t #<atom yes>']);
  });

  it('threads interleave: a long-running thread does not starve the others', () => {
    expect(
      lines(`${SPIN}(define t1 (spawn (fn () (spin 200000) (note 'long-done) 'long)))
             (define t2 (spawn (fn () (note 'short-done) 'short)))
             (print (join t2) (member 'long-done (deref log)))
             (print (join t1))`),
    ).toEqual(['short nil', 'long']);
  });
});

describe('deep recursion', () => {
  it('reaches 1,000,000 non-tail frames through apply, try, letrec and three-way mutual recursion', () => {
    expect(
      lines(`(define (f n) (if (= n 0) 0 (+ 1 (apply f (list (- n 1))))))
             (print (f 1000000))
             (define (g n) (if (= n 0) 0 (+ 1 (try (g (- n 1)) (fn (e) (raise-error e))))))
             (print (g 1000000))
             (print (letrec ((h (fn (n) (if (= n 0) nil (cons n (h (- n 1))))))) (length (h 1000000))))
             (define (a n) (if (= n 0) 'a (b (- n 1))))
             (define (b n) (if (= n 0) 'b (c (- n 1))))
             (define (c n) (if (= n 0) 'c (a (- n 1))))
             (print (a 1000000) (a 1000001) (a 1000002))`),
    ).toEqual(['1000000', '1000000', '1000000', 'b c a']);
  });

  it('reaches 1,000,000 non-tail frames in a spawned thread and inside try', () => {
    expect(
      lines(`(define (sum n) (if (= n 0) 0 (+ n (sum (- n 1)))))
             (print (join (spawn (fn () (sum 1000000)))))
             (print (try (sum 1000000) (fn (e) 'caught)))`),
    ).toEqual(['500000500000', '500000500000']);
  });

  it('reaches 1,000,000 calls whose recursive call sits inside nested primitive calls', () => {
    // the call depth is 1,000,000; only the expressions around each call are a little deeper
    expect(
      lines(`(define (d n) (if (= n 0) 0 (+ 1 (car (list (d (- n 1)))))))
             (print (d 1000000))
             (define (triples n) (if (= n 0) nil (cons n (cons n (cons n (triples (- n 1)))))))
             (print (length (triples 1000000)))`),
    ).toEqual(['1000000', '3000000']);
  });

  it('reaches 1,000,000 calls when every other frame is a higher-order primitive', () => {
    // 500,000 levels of d -> map -> d, and 330,000 levels of e -> foldr -> lambda -> e
    expect(
      lines(`(define (d n) (if (= n 0) 0 (+ 1 (car (map d (list (- n 1)))))))
             (print (d 500000))
             (define (e n) (if (= n 0) 0 (+ 1 (foldr (fn (x acc) (e x)) 0 (list (- n 1))))))
             (print (e 330000))`),
    ).toEqual(['500000', '330000']);
  });

  it('reaches 1,000,000 frames through a named let and a local define', () => {
    expect(
      lines(`(define (build n) (let loop ((i n)) (if (= i 0) nil (cons i (loop (- i 1))))))
             (define (depth n) (define (go k) (if (= k 0) 0 (+ 1 (go (- k 1))))) (go n))
             (print (length (build 1000000)) (depth 1000000))`),
    ).toEqual(['1000000 1000000']);
  });
});

describe('command-line and getenv through the host', () => {
  it('command-line lists the program arguments', () => {
    expect(lines('(write (command-line)) (newline)\n(print (length (command-line)))', { args: ['a', '--flag', 'b c', ''] })).toEqual([
      '("a" "--flag" "b c" "")',
      '4',
    ]);
    expect(lines('(print (command-line))')).toEqual(['nil']);
  });

  it('getenv returns the value or nil', () => {
    expect(lines('(write (list (getenv "OMNI_X") (getenv "OMNI_EMPTY") (getenv "OMNI_MISSING")))\n(newline)', { env: { OMNI_X: 'v😀', OMNI_EMPTY: '' } })).toEqual([
      '("v😀" "" nil)',
    ]);
    expect(run('(getenv 5)').stderrFirstLine).toBe('error: getenv: expected string, got 5');
  });
});
