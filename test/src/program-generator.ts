// Random, well-formed, deterministic OmniLisp programs for differential testing: the same
// program must give the same standard output, standard error and exit status in the reference
// interpreter and in native code (LANGUAGE.md §2–§5, §10).
//
// Expressions are generated type-directed: every generated expression carries its static type
// and, for ints, a bound on its magnitude (lists also carry length bounds, strings a minimum
// length, vectors their length range, dicts the keys known to be present). With that the
// generator only emits operations that cannot fail: a divisor is never zero, an index is always
// in range, an int never leaves the 62-bit range by accident (results that might grow too large
// are folded back with `remainder`/`modulo`). Failures are produced on purpose only: inside
// `try` (to compare error messages), around values near 2^61 (`integer overflow`), and, in a
// minority of programs, as an uncaught error at the end (to compare the `error: ...` path).
//
// Programs are deterministic: no `random`, `current-time-ms`, `getenv`, threads, `eq?` on
// literals, printed procedures or transcendental functions. Loops and recursion are bounded
// (recursion depth ≤ 1000) and the generator keeps a rough estimate of the work each piece of
// code does, so every program finishes in milliseconds.

/** Feature names the generator covers, each with a regular expression that finds it in a program. */
export const FEATURE_MARKERS: Readonly<Record<string, RegExp>> = {
  // ints
  'int +': /\(\+ /,
  'int -': /\(- /,
  'int *': /\(\* /,
  quotient: /\(quotient /,
  remainder: /\(remainder /,
  modulo: /\(modulo /,
  abs: /\(abs /,
  min: /\(min /,
  max: /\(max /,
  '<': /\(< /,
  '>': /\(> /,
  '<=': /\(<= /,
  '>=': /\(>= /,
  '=': /\(= /,
  'integer overflow': /\b(?:2305843009213693\d{3}|1152921504606846976|1518500250)\b/,
  // floats
  'float literal': /[\s([]-?\d+\.\d+/,
  'float /': /\(\/ /,
  'float conversion': /\(exact->inexact |\(float /,
  'float printing edge cases': /1e\+?16|1e-05|5e-324/,
  // lists
  cons: /\(cons /,
  car: /\(car /,
  cdr: /\(cdr /,
  list: /\(list /,
  append: /\(append /,
  reverse: /\(reverse /,
  length: /\(length /,
  'list-ref': /\(list-ref /,
  map: /\(map /,
  filter: /\(filter /,
  fold: /\(fold /,
  foldr: /\(foldr /,
  reduce: /\(reduce /,
  range: /\(range /,
  take: /\(take /,
  drop: /\(drop /,
  sort: /\(sort /,
  assoc: /\(assoc /,
  member: /\(member /,
  'for-each': /\(for-each /,
  apply: /\(apply /,
  // closures and control
  lambda: /\(lambda /,
  'closure returned from a function': /\(define \(make-/,
  'counter with set! on a captured variable': /\(set! count\d+/,
  'named let': /\(let (?:loop|fill|walk)\d+ /,
  'internal define': /\n {2,}\(define /,
  'mutual recursion': /\(define \((?:my-even\?|ev)\d+ /,
  'non-tail recursion': /\(define \((?:sum-to|fib|fact)\d+ /,
  'let*': /\(let\* /,
  'nested let': /\(let \(\([\w-]+ \(let\*? \(/,
  'let shadowing an outer variable': /\(let \(\((shadow\d+) [^\n]*\(let \(\(\1 /,
  letrec: /\(letrec /,
  'internal define inside a lambda': /\(lambda \([^()]*\) \(define /,
  'internal defines in a let in a lambda': /\(define \((?:scan|predict|add-item!)\d+ /,
  'closure over a let variable, changed by an internal define': /\(set! total\d+ /,
  'internal define in a clause body': /\((?:else|\(< \w+ 0\)) \(define /,
  'closures captured in a loop': /\(let collect\d+ /,
  'procedures in a dict': /#\{:\w+ \(lambda /,
  cond: /\(cond /,
  'set! on a global': /\(set! n\d+ /,
  // strings and symbols
  'string-append': /\(string-append /,
  substring: /\(substring /,
  'string-length': /\(string-length /,
  str: /\(str /,
  'string-upcase': /\(string-upcase /,
  'string-split': /\(string-split /,
  'string-join': /\(string-join /,
  'number->string': /\(number->string /,
  'string->number': /\(string->number /,
  'symbol->string': /\(symbol->string /,
  'string escapes': /\\[nt"]/,
  'non-ASCII text': /[^\x00-\x7f]/,
  // vectors and dicts
  'vector literal': /\[/,
  'vector-ref': /\(vector-ref /,
  'vector-set!': /\(vector-set! /,
  'dict literal': /#\{/,
  'dict-ref': /\(dict-ref /,
  'dict-set!': /\(dict-set! /,
  'dict-remove!': /\(dict-remove! /,
  'dict-keys': /\(dict-keys /,
  // match and errors
  match: /\(match /,
  'match guard': / :when /,
  try: /\(try /,
  error: /\(error "/,
  'error-message': /\(error-message /,
  // output
  print: /\(print /,
  display: /\(display /,
  write: /\(write /,
};

/** The features the generated programs exercise (see FEATURE_MARKERS for how to spot each). */
export const GENERATOR_FEATURES: readonly string[] = Object.keys(FEATURE_MARKERS);

// ---------------------------------------------------------------------------------------------
// Random numbers (deterministic for a seed).

class Rng {
  private s: number;
  constructor(seed: number) {
    // Mix the seed (splitmix-style) so that neighbouring seeds give unrelated streams.
    let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    this.s = (h ^ (h >>> 16)) >>> 0;
  }
  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform int in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

// ---------------------------------------------------------------------------------------------
// Static types.

/** An int whose magnitude is at most b. */
type IntT = { k: 'int'; b: number };
type FloatT = { k: 'float' };
/** Used as a condition; may be any value (e.g. the result of `member`). */
type BoolT = { k: 'bool' };
/** A string of at least `min` characters. */
type StrT = { k: 'str'; min: number };
/** A list of ints of magnitude ≤ b, with between min and max elements. */
type IListT = { k: 'ilist'; min: number; max: number; b: number };
type SListT = { k: 'slist'; min: number; max: number };
type VecT = { k: 'vec'; min: number; max: number; b: number };
/** A dict whose values are ints of magnitude ≤ b; `keys` are keys known present (null: unknown). */
type DictT = { k: 'dict'; keys: string[] | null; b: number };
/** A procedure of int arguments (each |x| ≤ pb, or 0 ≤ x ≤ pb when nonneg) returning an int ≤ rb. */
type FnT = { k: 'fn'; arity: number; pb: number; nonneg: boolean; rb: number; cost: number };
/** A procedure of no arguments returning an int (a counter). */
type ThunkT = { k: 'thunk'; rb: number };
/** A predicate on ints in [0, pb]. */
type PredT = { k: 'pred'; pb: number; cost: number };
type Ty = IntT | FloatT | BoolT | StrT | IListT | SListT | VecT | DictT | FnT | ThunkT | PredT;

interface Expr<T extends Ty = Ty> {
  code: string;
  ty: T;
}
interface Var {
  name: string;
  ty: Ty;
}
interface Ctx {
  env: readonly Var[];
  /** Remaining nesting budget. */
  depth: number;
  /** Roughly how many times this code runs each time the enclosing top-level form runs. */
  mult: number;
  /** False inside procedure bodies that may run later (then dict keys are not known). */
  immediate: boolean;
}

/** Ordinary int expressions stay below this magnitude (2^61 ≈ 2.3e18). */
const LIM = 1e12;
/** Most work one top-level form (or one procedure call) may do, in rough evaluation steps. */
const BUDGET = 20_000;
const MAX_LIST = 200;

const int = (code: string, b: number): Expr<IntT> => ({ code, ty: { k: 'int', b } });
const flt = (code: string): Expr<FloatT> => ({ code, ty: { k: 'float' } });
const bool = (code: string): Expr<BoolT> => ({ code, ty: { k: 'bool' } });
const str = (code: string, min: number): Expr<StrT> => ({ code, ty: { k: 'str', min } });
const ilist = (code: string, min: number, max: number, b: number): Expr<IListT> => ({
  code,
  ty: { k: 'ilist', min, max: Math.max(min, max), b },
});
const slist = (code: string, min: number, max: number): Expr<SListT> => ({
  code,
  ty: { k: 'slist', min, max: Math.max(min, max) },
});

/** String literals: [source text, length in chars]. */
const STRINGS: readonly [string, number][] = [
  ['"hello"', 5],
  ['"world"', 5],
  ['"OmniLisp"', 8],
  ['""', 0],
  ['"a,b,,c"', 6],
  ['"x y z"', 5],
  ['"tab\\there"', 8],
  ['"say \\"hi\\""', 8],
  ['"line\\nbreak"', 10],
  ['"λx.x"', 4],
  ['"café"', 4],
  ['"Straße"', 6],
  ['"42"', 2],
  ['"-17"', 3],
  ['"3.25"', 4],
  ['"  padded  "', 10],
  ['"MiXeD CaSe"', 10],
  ['"\\x41;BC"', 3],
  ['"one two three"', 13],
  ['"k=v;k2=v2"', 9],
];
const SEPARATORS = ['","', '" "', '"a"', '";"', '", "', '"-"'];
const KEYWORDS = [':a', ':b', ':c', ':d', ':e', ':apple', ':zeta', ':k1', ':k2'];
const SYMBOLS = ['foo', 'bar', 'hello-world', 'x1', 'sym', 'λ', 'a.b', '->'];
// No -0.0 here: (min -0.0 0) could be either zero (only the edge-case statement prints it).
const FLOATS = ['0.5', '1.5', '-2.25', '3.14159', '0.1', '0.2', '1e-3', '2.5e10', '1e20', '123.456', '100.0', '7.0', '0.3', '1e-7', '6.02e23'];
const NONZERO_FLOATS = ['0.5', '1.5', '-2.25', '3.0', '0.1', '4.0', '-8.0', '1e3', '0.3', '7.5'];
const NUMBER_TEXTS = ['"42"', '"-1.5"', '"#x1F"', '"1e3"', '"+5"', '"abc"', '"12abc"', '"0.25"', '"#b101"', '""', '"-0"'];
const BIG = {
  max: '2305843009213693951',
  nearMax: '2305843009213693900',
  min: '-2305843009213693952',
  pow60: '1152921504606846976',
  sqrtOk: '1518500249',
  sqrtBad: '1518500250',
};

const codes = (xs: readonly Expr[]): string => xs.map((x) => x.code).join(' ');
const sumB = (xs: readonly Expr<IntT>[]): number => xs.reduce((s, x) => s + x.ty.b, 0);
const maxB = (xs: readonly Expr<IntT>[]): number => xs.reduce((s, x) => Math.max(s, x.ty.b), 0);

type Option<T> = [number, () => T | null];

class Gen {
  private readonly r: Rng;
  private n = 0;
  /** Rough work estimate of what is being generated (see BUDGET). */
  private cost = 0;
  readonly lines: string[] = [];
  globals: Var[] = [];

  constructor(seed: number) {
    this.r = new Rng(seed);
  }

  fresh(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  /** Picks options by weight until one applies (returns non-null). The last option must always apply. */
  private choose<T>(options: Option<T>[]): T {
    const live = options.filter(([w]) => w > 0);
    while (live.length > 0) {
      const total = live.reduce((s, [w]) => s + w, 0);
      let x = this.r.next() * total;
      let i = 0;
      while (i < live.length - 1 && x >= live[i][0]) x -= live[i++][0];
      const result = live[i][1]();
      if (result !== null) return result;
      live.splice(i, 1);
    }
    throw new Error('program generator: no option applies');
  }

  private deeper(c: Ctx): Ctx {
    return { ...c, depth: c.depth - 1 };
  }

  private bind(c: Ctx, name: string, ty: Ty): Ctx {
    return { ...c, env: [...c.env, { name, ty }] };
  }

  /** The context of a procedure body run `times` times per run of the enclosing code. */
  private loopBody(c: Ctx, times: number, vars: Var[]): Ctx {
    return { env: [...c.env, ...vars], depth: c.depth - 1, mult: c.mult * Math.max(1, times), immediate: c.immediate };
  }

  private canIterate(c: Ctx, times: number): boolean {
    return c.mult * Math.max(1, times) <= BUDGET;
  }

  private spend(c: Ctx, steps: number): void {
    this.cost += c.mult * steps;
  }

  private varsOf<K extends Ty['k']>(c: Ctx, k: K): (Var & { ty: Extract<Ty, { k: K }> })[] {
    return c.env.filter((v) => v.ty.k === k) as (Var & { ty: Extract<Ty, { k: K }> })[];
  }

  // ------------------------------------------------------------------------------------------
  // ints

  intLit(max: number): Expr<IntT> {
    const cap = Math.floor(Math.min(max, this.r.pick([10, 10, 100, 100, 1000, 50_000])));
    const v = this.r.chance(0.8) ? this.r.int(0, cap) : this.r.int(-cap, cap);
    return int(String(v), Math.abs(v));
  }

  /** Folds e back to magnitude ≤ max when its bound is larger. */
  clamp(e: Expr<IntT>, max: number): Expr<IntT> {
    if (e.ty.b <= max) return e;
    const m = Math.floor(max);
    return int(this.r.chance(0.5) ? `(remainder ${e.code} ${m + 1})` : `(modulo ${e.code} ${m + 1})`, m);
  }

  intLeaf(c: Ctx, max: number): Expr<IntT> {
    const vs = this.varsOf(c, 'int');
    if (vs.length > 0 && this.r.chance(0.6)) {
      const v = this.r.pick(vs);
      return this.clamp(int(v.name, v.ty.b), max);
    }
    return this.intLit(max);
  }

  divisor(c: Ctx): Expr<IntT> {
    return this.choose<Expr<IntT>>([
      [2, () => (c.depth > 0 ? int(`(max 1 ${this.genInt(this.deeper(c), 1000).code})`, 1000) : null)],
      [2, () => (c.depth > 0 ? ((x) => int(`(+ 1 (abs ${x.code}))`, x.ty.b + 1))(this.genInt(this.deeper(c), 1000)) : null)],
      [5, () => ((v) => int(String(v), Math.abs(v)))(this.r.pick([1, 2, 3, 4, 5, 7, 10, 13, -3, -7]))],
    ]);
  }

  genInt(c: Ctx, max: number = LIM): Expr<IntT> {
    if (c.depth <= 0 || this.r.chance(0.2)) return this.intLeaf(c, max);
    const d = this.deeper(c);
    const r = this.r;
    return this.choose<Expr<IntT>>([
      [9, () => {
        const xs = Array.from({ length: r.int(2, 3) }, () => this.genInt(d, max));
        return this.clamp(int(`(+ ${codes(xs)})`, sumB(xs)), max);
      }],
      [5, () => {
        if (r.chance(0.25)) {
          const x = this.genInt(d, max);
          return int(`(- ${x.code})`, x.ty.b);
        }
        const xs = [this.genInt(d, max), this.genInt(d, max)];
        return this.clamp(int(`(- ${codes(xs)})`, sumB(xs)), max);
      }],
      [6, () => {
        const m = Math.max(1, Math.floor(Math.min(Math.sqrt(max), r.pick([30, 1000, 100_000]))));
        const xs = [this.genInt(d, m), this.genInt(d, m)];
        return int(`(* ${codes(xs)})`, xs[0].ty.b * xs[1].ty.b);
      }],
      [6, () => {
        const op = r.pick(['quotient', 'remainder', 'modulo']);
        const x = this.genInt(d, max);
        const y = this.divisor(d);
        return int(`(${op} ${x.code} ${y.code})`, op === 'quotient' ? x.ty.b : Math.min(x.ty.b, y.ty.b));
      }],
      [2, () => ((x) => int(`(abs ${x.code})`, x.ty.b))(this.genInt(d, max))],
      [3, () => {
        const xs = Array.from({ length: r.int(2, 3) }, () => this.genInt(d, max));
        return int(`(${r.pick(['min', 'max'])} ${codes(xs)})`, maxB(xs));
      }],
      [4, () => {
        const xs = [this.genInt(d, max), this.genInt(d, max)];
        return int(`(if ${this.genBool(d).code} ${codes(xs)})`, maxB(xs));
      }],
      [2, () => {
        const xs = [this.genInt(d, max), this.genInt(d, max), this.genInt(d, max)];
        return int(`(cond (${this.genBool(d).code} ${xs[0].code}) (${this.genBool(d).code} ${xs[1].code}) (else ${xs[2].code}))`, maxB(xs));
      }],
      [3, () => {
        const name = this.fresh('n');
        const init = this.genInt(d, r.pick([100, 1e6]));
        if (r.chance(0.3)) {
          const name2 = this.fresh('n');
          const c1 = this.bind(d, name, init.ty);
          const init2 = this.genInt(c1, 1e6);
          const body = this.genInt(this.bind(c1, name2, init2.ty), max);
          return int(`(let* ((${name} ${init.code}) (${name2} ${init2.code})) ${body.code})`, body.ty.b);
        }
        const body = this.genInt(this.bind(d, name, init.ty), max);
        return int(`(let ((${name} ${init.code})) ${body.code})`, body.ty.b);
      }],
      [7, () => this.intFromList(d, max)],
      [2, () => this.intFromStr(d, max)],
      [4, () => this.callFn(d, max)],
      [2, () => {
        const ts = this.varsOf(d, 'thunk');
        if (ts.length === 0) return null;
        const t = r.pick(ts);
        return this.clamp(int(`(${t.name})`, t.ty.rb), max);
      }],
      [3, () => this.intFromVec(d, max)],
      [2, () => this.intFromDict(d, max)],
      [1, () => {
        const k = this.genInt(d, 20);
        const al = this.genAlist(d);
        if (al === null) return null;
        const p = this.fresh('p');
        return this.clamp(int(`(let ((${p} (assoc ${k.code} ${al.code}))) (if ${p} (cdr ${p}) 0))`, al.b), max);
      }],
      [1, () => ((x) => int(`(string->number (number->string ${x.code}))`, x.ty.b))(this.genInt(d, max))],
      [2, () => this.namedLetSum(d, max)],
      [2, () => this.nestedLet(d, max)],
      [1, () => {
        const xs = this.genIList(d, 1e6);
        const h = this.fresh('h');
        const tl = this.fresh('tl');
        const none = this.genInt(d, max);
        const body = this.genInt(
          this.bind(this.bind(d, h, { k: 'int', b: xs.ty.b }), tl, { k: 'ilist', min: 0, max: Math.max(0, xs.ty.max - 1), b: xs.ty.b }),
          max,
        );
        return int(`(match ${xs.code} (nil ${none.code}) ((cons ${h} ${tl}) ${body.code}))`, Math.max(none.ty.b, body.ty.b));
      }],
      [1, () => this.intLeaf(c, max)],
    ]);
  }

  private intFromList(d: Ctx, max: number): Expr<IntT> | null {
    const r = this.r;
    return this.choose<Expr<IntT>>([
      [3, () => ((l) => int(`(length ${l.code})`, l.ty.max))(this.genIList(d, LIM))],
      [3, () => ((l) => int(`(car ${l.code})`, l.ty.b))(this.ensureMin(d, this.genIList(d, max), 1, max))],
      [2, () => {
        const l = this.ensureMin(d, this.genIList(d, max), 1, max);
        if (r.chance(0.5)) return int(`(list-ref ${l.code} ${r.int(0, l.ty.min - 1)})`, l.ty.b);
        const v = this.fresh('xs');
        return int(`(let ((${v} ${l.code})) (list-ref ${v} (modulo ${this.genInt(d, 1000).code} (length ${v}))))`, l.ty.b);
      }],
      [1, () => ((l) => int(`(${r.pick(['cadr', 'second'])} ${l.code})`, l.ty.b))(this.ensureMin(d, this.genIList(d, max), 2, max))],
      [3, () => {
        const l = this.genIList(d, 1e9);
        this.spend(d, l.ty.max);
        if (r.chance(0.4) || !this.canIterate(d, l.ty.max)) {
          const op = r.pick(['+', 'max', 'min']);
          const init = this.genInt(d, 1e9);
          const b = op === '+' ? init.ty.b + l.ty.max * l.ty.b : Math.max(init.ty.b, l.ty.b);
          return this.clamp(int(`(fold ${op} ${init.code} ${l.code})`, b), max);
        }
        const acc = this.fresh('acc');
        const x = this.fresh('x');
        const init = this.genInt(d, 1e6);
        const body = this.genInt(this.loopBody(d, l.ty.max, [{ name: x, ty: { k: 'int', b: l.ty.b } }]), 1e6);
        const op = r.pick(['+', '-', 'max']);
        return this.clamp(
          int(`(fold (lambda (${acc} ${x}) (${op} ${acc} ${body.code})) ${init.code} ${l.code})`, init.ty.b + l.ty.max * body.ty.b),
          max,
        );
      }],
      [2, () => {
        const l = this.genIList(d, 1e9);
        this.spend(d, l.ty.max);
        if (r.chance(0.4) || !this.canIterate(d, l.ty.max)) {
          return this.clamp(int(`(foldr + 0 ${l.code})`, l.ty.max * l.ty.b), max);
        }
        const acc = this.fresh('acc');
        const x = this.fresh('x');
        const body = this.genInt(this.loopBody(d, l.ty.max, [{ name: x, ty: { k: 'int', b: l.ty.b } }]), 1e6);
        return this.clamp(int(`(foldr (lambda (${x} ${acc}) (+ ${body.code} ${acc})) 0 ${l.code})`, l.ty.max * body.ty.b), max);
      }],
      [2, () => {
        const l = this.ensureMin(d, this.genIList(d, 1e9), 1, 1e9);
        this.spend(d, l.ty.max);
        const f = r.pick(['+', 'max', 'min', '(lambda (a b) (+ a b))', '(lambda (a b) (max a b))']);
        const b = f.includes('+') ? l.ty.max * l.ty.b : l.ty.b;
        return this.clamp(int(`(reduce ${f} ${l.code})`, b), max);
      }],
      [1, () => {
        const l = this.ensureMin(d, this.genIList(d, 1e9), 1, 1e9);
        this.spend(d, l.ty.max);
        const f = r.pick(['+', 'max', 'min']);
        return this.clamp(int(`(apply ${f} ${l.code})`, f === '+' ? l.ty.max * l.ty.b : l.ty.b), max);
      }],
      [1, () => ((l) => int(`(car (sort ${l.code} ${r.pick(['<', '>'])}))`, l.ty.b))(this.ensureMin(d, this.genIList(d, max), 1, max))],
    ]);
  }

  private intFromStr(d: Ctx, max: number): Expr<IntT> | null {
    const r = this.r;
    return this.choose<Expr<IntT>>([
      [3, () => this.clamp(int(`(string-length ${this.genStr(d).code})`, 1e6), max)],
      [1, () => this.clamp(int(`(length ${this.genSList(d).code})`, 1e6), max)],
      [1, () => {
        const l = this.genSList(d);
        const acc = this.fresh('acc');
        const s = this.fresh('s');
        this.spend(d, l.ty.max);
        return this.clamp(int(`(fold (lambda (${acc} ${s}) (+ ${acc} (string-length ${s}))) 0 ${l.code})`, 1e7), max);
      }],
      [1, () => this.clamp(int(`(string-length (symbol->string '${r.pick(SYMBOLS)}))`, 100), max)],
    ]);
  }

  private callFn(d: Ctx, max: number): Expr<IntT> | null {
    const fs = this.varsOf(d, 'fn').filter((f) => d.mult * f.ty.cost <= BUDGET);
    if (fs.length === 0) return null;
    const f = this.r.pick(fs);
    this.spend(d, f.ty.cost);
    const args = Array.from({ length: f.ty.arity }, () =>
      f.ty.nonneg ? `(modulo ${this.genInt(d, 1e6).code} ${f.ty.pb + 1})` : this.genInt(d, f.ty.pb).code,
    );
    return this.clamp(int(`(${f.name}${args.map((a) => ' ' + a).join('')})`, f.ty.rb), max);
  }

  private intFromVec(d: Ctx, max: number): Expr<IntT> | null {
    const r = this.r;
    if (r.chance(0.2)) return int(`(vector-length ${this.genVec(d, 0).code})`, MAX_LIST);
    const v = this.genVec(d, 1);
    if (r.chance(0.5)) return this.clamp(int(`(vector-ref ${v.code} ${r.int(0, v.ty.min - 1)})`, v.ty.b), max);
    const i = this.genInt(d, 1e6);
    if (/^[\w?!-]+$/.test(v.code)) return this.clamp(int(`(vector-ref ${v.code} (modulo ${i.code} (vector-length ${v.code})))`, v.ty.b), max);
    const name = this.fresh('vv');
    return this.clamp(int(`(let ((${name} ${v.code})) (vector-ref ${name} (modulo ${i.code} (vector-length ${name}))))`, v.ty.b), max);
  }

  private intFromDict(d: Ctx, max: number): Expr<IntT> | null {
    const r = this.r;
    const dict = this.genDict(d);
    const known = d.immediate && dict.ty.keys !== null ? dict.ty.keys : [];
    if (r.chance(0.15)) return int(`(dict-count ${dict.code})`, 100);
    if (known.length > 0 && r.chance(0.6)) return this.clamp(int(`(dict-ref ${dict.code} ${r.pick(known)})`, dict.ty.b), max);
    const dflt = this.genInt(d, 1000);
    const key = r.pick(KEYWORDS);
    const b = Math.max(dict.ty.b, dflt.ty.b);
    if (r.chance(0.25)) return this.clamp(int(`(${key} ${dict.code} ${dflt.code})`, b), max);
    return this.clamp(int(`(dict-ref ${dict.code} ${key} ${dflt.code})`, b), max);
  }

  /** An association list from ints (≤ 20) to ints; returns its code and value bound. */
  private genAlist(d: Ctx): { code: string; b: number } | null {
    const r = this.r;
    if (r.chance(0.4)) {
      const n = r.int(1, 5);
      const pairs = Array.from({ length: n }, (_, i) => `(${i + r.int(0, 3)} . ${r.int(-50, 500)})`);
      return { code: `'(${pairs.join(' ')})`, b: 500 };
    }
    const l = this.genIList(d, 20);
    if (!this.canIterate(d, l.ty.max)) return null;
    this.spend(d, l.ty.max);
    const x = this.fresh('x');
    const v = this.genInt(this.loopBody(d, l.ty.max, [{ name: x, ty: { k: 'int', b: l.ty.b } }]), 1e6);
    return { code: `(map (lambda (${x}) (cons ${x} ${v.code})) ${l.code})`, b: v.ty.b };
  }

  /**
   * Nested lets: the inner let rebinds an outer name (shadowing it) from the outer value, and a
   * second inner binding reads the *outer* one (let, not let*, inits see the enclosing scope).
   */
  private nestedLet(d: Ctx, max: number): Expr<IntT> | null {
    const r = this.r;
    const x = this.fresh('shadow');
    const y = this.fresh('n');
    const init = this.genInt(d, 1e6);
    const c1 = this.bind(d, x, init.ty);
    const step = this.genInt(c1, 1e6);
    const innerB = init.ty.b + step.ty.b;
    // The outer x is no longer visible in the inner body: only the inner one (with its bound).
    const c2 = { ...c1, env: [...c1.env.filter((v) => v.name !== x), { name: x, ty: { k: 'int', b: innerB } as IntT }, { name: y, ty: init.ty }] };
    const body = this.genInt(c2, max);
    if (r.chance(0.5)) {
      const z = this.fresh('n');
      const outerInit = this.genInt(d, 1000);
      return int(
        `(let ((${z} (let ((${x} ${init.code})) (let ((${x} (+ ${x} ${step.code})) (${y} ${x})) ${body.code})))) (+ ${z} ${outerInit.code}))`,
        body.ty.b + outerInit.ty.b,
      );
    }
    return int(`(let ((${x} ${init.code})) (let ((${x} (+ ${x} ${step.code})) (${y} ${x})) ${body.code}))`, body.ty.b);
  }

  private namedLetSum(d: Ctx, max: number): Expr<IntT> | null {
    const r = this.r;
    const count = r.int(1, 30);
    if (!this.canIterate(d, count)) return null;
    this.spend(d, count);
    const loop = this.fresh('loop');
    const i = this.fresh('i');
    const acc = this.fresh('acc');
    const init = this.genInt(d, 1000);
    const body = this.genInt(this.loopBody(d, count, [{ name: i, ty: { k: 'int', b: count } }]), 1e6);
    const b = init.ty.b + count * body.ty.b;
    if (r.chance(0.5)) {
      return this.clamp(
        int(`(let ${loop} ((${i} 0) (${acc} ${init.code})) (if (< ${i} ${count}) (${loop} (+ ${i} 1) (+ ${acc} ${body.code})) ${acc}))`, b),
        max,
      );
    }
    return this.clamp(
      int(`(let ${loop} ((${i} ${count}) (${acc} ${init.code})) (if (<= ${i} 0) ${acc} (${loop} (- ${i} 1) (+ ${acc} ${body.code}))))`, b),
      max,
    );
  }

  // ------------------------------------------------------------------------------------------
  // floats

  genFloat(c: Ctx): Expr<FloatT> {
    const r = this.r;
    const leaf = (): Expr<FloatT> => {
      const vs = this.varsOf(c, 'float');
      if (vs.length > 0 && r.chance(0.5)) return flt(r.pick(vs).name);
      return flt(r.pick(FLOATS));
    };
    if (c.depth <= 0 || r.chance(0.25)) return leaf();
    const d = this.deeper(c);
    const nonzero = (): string =>
      r.chance(0.7) || d.depth <= 0 ? r.pick(NONZERO_FLOATS) : `(+ 1.0 (abs ${this.genFloat(this.deeper(d)).code}))`;
    return this.choose<Expr<FloatT>>([
      [4, () => flt(`(${r.pick(['+', '-', '*'])} ${this.genFloat(d).code} ${this.genFloat(d).code})`)],
      [3, () => flt(`(/ ${this.genFloat(d).code} ${nonzero()})`)],
      [1, () => flt(`(/ ${this.genInt(d, 1e6).code} ${nonzero()})`)],
      [3, () => (r.chance(0.5) ? flt(`(+ ${this.genInt(d).code} ${this.genFloat(d).code})`) : flt(`(* ${this.genFloat(d).code} ${this.genInt(d, 1e6).code})`))],
      [3, () => flt(`(${r.pick(['exact->inexact', 'float'])} ${this.genInt(d).code})`)],
      [1, () => flt(`(- ${this.genFloat(d).code})`)],
      [2, () => flt(`(${r.pick(['min', 'max'])} ${this.genFloat(d).code} ${r.chance(0.5) ? this.genInt(d).code : this.genFloat(d).code})`)],
      [1, () => flt(`(abs ${this.genFloat(d).code})`)],
      [1, () => flt(`(if ${this.genBool(d).code} ${this.genFloat(d).code} ${this.genFloat(d).code})`)],
      [1, () => flt(`(fold + 0.0 (map (lambda (x) (* x 0.5)) ${this.genIList(d, 1e6).code}))`)],
      [1, leaf],
    ]);
  }

  // ------------------------------------------------------------------------------------------
  // conditions

  genBool(c: Ctx): Expr<BoolT> {
    const r = this.r;
    const leaf = (): Expr<BoolT> => bool(r.pick(['t', 'nil', `(even? ${this.intLeaf(c, LIM).code})`, `(< ${this.intLeaf(c, LIM).code} ${this.intLit(100).code})`]));
    if (c.depth <= 0) return leaf();
    const d = this.deeper(c);
    const num = (): string => (r.chance(0.8) ? this.genInt(d).code : this.genFloat(d).code);
    return this.choose<Expr<BoolT>>([
      [8, () => {
        const op = r.pick(['<', '>', '<=', '>=', '=']);
        const n = r.chance(0.2) ? 3 : 2;
        return bool(`(${op} ${Array.from({ length: n }, num).join(' ')})`);
      }],
      [3, () => bool(`(${r.pick(['even?', 'odd?', 'zero?', 'positive?', 'negative?'])} ${this.genInt(d).code})`)],
      [2, () => bool(`(${r.pick(['null?', 'pair?'])} ${this.genIList(d, LIM).code})`)],
      [2, () => bool(`(member ${this.genInt(d, 100).code} ${this.genIList(d, 100).code})`)],
      [2, () => bool(`(${r.pick(['string=?', 'string<?'])} ${this.genStr(d).code} ${this.genStr(d).code})`)],
      [1, () => bool(`(string-contains? ${this.genStr(d).code} ${r.pick(['"a"', '"o"', '"x y"', '""'])})`)],
      [1, () => bool(`(equal? ${this.genIList(d, 100).code} ${this.genIList(d, 100).code})`)],
      [1, () => bool(`(dict-has? ${this.genDict(d).code} ${r.pick(KEYWORDS)})`)],
      [2, () => bool(`(${r.pick(['and', 'or'])} ${this.genBool(d).code} ${this.genBool(d).code})`)],
      [1, () => bool(`(not ${this.genBool(d).code})`)],
      [2, () => {
        const ps = this.varsOf(d, 'pred').filter((p) => d.mult * p.ty.cost <= BUDGET);
        if (ps.length === 0) return null;
        const p = r.pick(ps);
        this.spend(d, p.ty.cost);
        return bool(`(${p.name} (modulo ${this.genInt(d, 1e6).code} ${p.ty.pb + 1}))`);
      }],
      [1, () => {
        const vs = this.varsOf(d, 'bool');
        return vs.length > 0 ? bool(r.pick(vs).name) : null;
      }],
      [1, leaf],
    ]);
  }

  // ------------------------------------------------------------------------------------------
  // strings

  genStr(c: Ctx): Expr<StrT> {
    const r = this.r;
    const leaf = (): Expr<StrT> => {
      const vs = this.varsOf(c, 'str');
      if (vs.length > 0 && r.chance(0.5)) {
        const v = r.pick(vs);
        return str(v.name, v.ty.min);
      }
      const [code, len] = r.pick(STRINGS);
      return str(code, len);
    };
    if (c.depth <= 0 || r.chance(0.25)) return leaf();
    const d = this.deeper(c);
    return this.choose<Expr<StrT>>([
      [5, () => {
        const xs = Array.from({ length: r.int(2, 3) }, () => this.genStr(d));
        return str(`(string-append ${codes(xs)})`, xs.reduce((s, x) => s + x.ty.min, 0));
      }],
      [4, () => {
        const s = this.genStr(d);
        if (s.ty.min > 0 && r.chance(0.6)) {
          const j = r.int(0, s.ty.min);
          const i = r.int(0, j);
          return r.chance(0.3) && j === s.ty.min ? str(`(substring ${s.code} ${i})`, 0) : str(`(substring ${s.code} ${i} ${j})`, j - i);
        }
        const v = this.fresh('s');
        return str(`(let ((${v} ${s.code})) (substring ${v} 0 (min ${r.int(0, 6)} (string-length ${v}))))`, 0);
      }],
      [3, () => ((s) => str(`(${r.pick(['string-upcase', 'string-upcase', 'string-downcase'])} ${s.code})`, s.ty.min))(this.genStr(d))],
      [4, () => str(`(str ${Array.from({ length: r.int(1, 3) }, () => this.genAny(d).code).join(' ')})`, 0)],
      [3, () => {
        if (r.chance(0.2)) return str(`(number->string ${this.genInt(d).code} ${r.pick([2, 8, 16])})`, 1);
        return str(`(number->string ${r.chance(0.7) ? this.genInt(d).code : this.genFloat(d).code})`, 1);
      }],
      [2, () => ((s) => str(`(symbol->string '${s})`, [...s].length))(r.pick(SYMBOLS))],
      [1, () => ((k) => str(`(keyword->string ${k})`, k.length - 1))(r.pick(KEYWORDS))],
      [3, () => str(`(string-join ${this.genSList(d).code} ${r.pick(SEPARATORS)})`, 0)],
      [1, () => {
        const xs = [this.genStr(d), this.genStr(d)];
        return str(`(if ${this.genBool(d).code} ${codes(xs)})`, Math.min(xs[0].ty.min, xs[1].ty.min));
      }],
      [1, () => {
        const l = this.genSList(d);
        return l.ty.min >= 1 ? str(`(car ${l.code})`, 0) : null;
      }],
      [1, leaf],
    ]);
  }

  genSList(c: Ctx): Expr<SListT> {
    const r = this.r;
    const leaf = (): Expr<SListT> => {
      const vs = this.varsOf(c, 'slist');
      if (vs.length > 0 && r.chance(0.5)) {
        const v = r.pick(vs);
        return slist(v.name, v.ty.min, v.ty.max);
      }
      const n = r.int(0, 4);
      const words = Array.from({ length: n }, () => r.pick(['"a"', '"b"', '"pear"', '"fig"', '"kiwi"', '"Zed"', '"ünï"']));
      return slist(n === 0 ? 'nil' : `'(${words.join(' ')})`, n, n);
    };
    if (c.depth <= 0 || r.chance(0.2)) return leaf();
    const d = this.deeper(c);
    return this.choose<Expr<SListT>>([
      [5, () => slist(`(string-split ${this.genStr(d).code} ${r.pick(SEPARATORS)})`, 1, 60)],
      [2, () => {
        const xs = Array.from({ length: r.int(1, 3) }, () => this.genStr(d));
        return slist(`(list ${codes(xs)})`, xs.length, xs.length);
      }],
      [3, () => {
        const l = this.genIList(d, LIM);
        this.spend(d, l.ty.max);
        if (r.chance(0.5) || !this.canIterate(d, l.ty.max)) return slist(`(map number->string ${l.code})`, l.ty.min, l.ty.max);
        const x = this.fresh('x');
        const body = this.genStr(this.loopBody(d, l.ty.max, [{ name: x, ty: { k: 'int', b: l.ty.b } }]));
        return slist(`(map (lambda (${x}) ${body.code}) ${l.code})`, l.ty.min, l.ty.max);
      }],
      [2, () => ((l) => slist(`(map ${r.pick(['string-upcase', 'string-downcase'])} ${l.code})`, l.ty.min, l.ty.max))(this.genSList(d))],
      [2, () => ((l) => slist(`(reverse ${l.code})`, l.ty.min, l.ty.max))(this.genSList(d))],
      [2, () => ((l) => slist(`(sort ${l.code} string<?)`, l.ty.min, l.ty.max))(this.genSList(d))],
      [1, () => {
        const a = this.genSList(d);
        const b = this.genSList(d);
        return slist(`(append ${a.code} ${b.code})`, a.ty.min + b.ty.min, a.ty.max + b.ty.max);
      }],
      [1, () => {
        const l = this.genSList(d);
        const s = this.fresh('s');
        return slist(`(filter (lambda (${s}) (> (string-length ${s}) ${r.int(0, 4)})) ${l.code})`, 0, l.ty.max);
      }],
      [1, leaf],
    ]);
  }

  // ------------------------------------------------------------------------------------------
  // lists of ints

  /** Makes sure a list has at least n elements by consing onto it. */
  ensureMin(c: Ctx, l: Expr<IListT>, n: number, max: number): Expr<IListT> {
    let e = l;
    while (e.ty.min < n) {
      const x = this.intLeaf(c, Math.min(max, 100));
      e = ilist(`(cons ${x.code} ${e.code})`, e.ty.min + 1, e.ty.max + 1, Math.max(e.ty.b, x.ty.b));
    }
    return e;
  }

  /** A list of ints of magnitude ≤ max. */
  genIList(c: Ctx, max: number): Expr<IListT> {
    const e = this.genIList1(c, max);
    if (e.ty.b <= max) return e;
    const x = this.fresh('x');
    this.spend(c, e.ty.max);
    return ilist(`(map (lambda (${x}) (remainder ${x} ${Math.floor(max) + 1})) ${e.code})`, e.ty.min, e.ty.max, Math.floor(max));
  }

  private genIList1(c: Ctx, max: number): Expr<IListT> {
    const r = this.r;
    const leaf = (): Expr<IListT> => {
      const vs = this.varsOf(c, 'ilist');
      if (vs.length > 0 && r.chance(0.5)) {
        const v = r.pick(vs);
        return ilist(v.name, v.ty.min, v.ty.max, v.ty.b);
      }
      if (r.chance(0.6)) {
        const n = r.int(0, 6);
        const xs = Array.from({ length: n }, () => this.intLit(Math.min(max, 100)));
        return ilist(n === 0 ? r.pick(['nil', "'()"]) : `'(${codes(xs)})`, n, n, maxB(xs));
      }
      const end = r.int(0, 12);
      return ilist(`(range ${end})`, end, end, end);
    };
    if (c.depth <= 0 || r.chance(0.2)) return leaf();
    const d = this.deeper(c);
    return this.choose<Expr<IListT>>([
      [3, () => {
        const xs = Array.from({ length: r.int(1, 4) }, () => this.genInt(d, max));
        return ilist(`(list ${codes(xs)})`, xs.length, xs.length, maxB(xs));
      }],
      [3, () => {
        const start = r.int(-10, 10);
        const step = r.pick([1, 1, 2, 3, -1, -2, 5]);
        const end = start + step * r.int(-2, 15);
        const len = Math.max(0, Math.ceil((end - start) / step));
        const b = Math.max(Math.abs(start), Math.abs(end));
        return ilist(step === 1 && r.chance(0.5) ? `(range ${start} ${end})` : `(range ${start} ${end} ${step})`, len, len, b);
      }],
      [3, () => {
        const x = this.genInt(d, max);
        const l = this.genIList(d, max);
        return ilist(`(cons ${x.code} ${l.code})`, l.ty.min + 1, l.ty.max + 1, Math.max(x.ty.b, l.ty.b));
      }],
      [2, () => ((l) => ilist(`(cdr ${l.code})`, l.ty.min - 1, l.ty.max - 1, l.ty.b))(this.ensureMin(d, this.genIList(d, max), 1, max))],
      [3, () => {
        const ls = Array.from({ length: r.int(2, 3) }, () => this.genIList(d, max));
        const mx = ls.reduce((s, l) => s + l.ty.max, 0);
        if (mx > MAX_LIST) return null;
        return ilist(`(append ${codes(ls)})`, ls.reduce((s, l) => s + l.ty.min, 0), mx, ls.reduce((s, l) => Math.max(s, l.ty.b), 0));
      }],
      [2, () => ((l) => ilist(`(reverse ${l.code})`, l.ty.min, l.ty.max, l.ty.b))(this.genIList(d, max))],
      [6, () => {
        const l = this.genIList(d, 1e6);
        if (!this.canIterate(d, l.ty.max)) return null;
        this.spend(d, l.ty.max);
        const fs = this.varsOf(d, 'fn').filter((f) => f.ty.arity === 1 && !f.ty.nonneg && f.ty.pb >= l.ty.b && d.mult * l.ty.max * f.ty.cost <= BUDGET);
        if (fs.length > 0 && r.chance(0.35)) {
          const f = r.pick(fs);
          this.spend(d, l.ty.max * f.ty.cost);
          return ilist(`(map ${f.name} ${l.code})`, l.ty.min, l.ty.max, f.ty.rb);
        }
        const x = this.fresh('x');
        const body = this.genInt(this.loopBody(d, l.ty.max, [{ name: x, ty: { k: 'int', b: l.ty.b } }]), max);
        if (r.chance(0.2)) {
          const l2 = this.genIList(d, 1e6);
          const y = this.fresh('y');
          const body2 = this.genInt(
            this.loopBody(d, l.ty.max, [
              { name: x, ty: { k: 'int', b: l.ty.b } },
              { name: y, ty: { k: 'int', b: l2.ty.b } },
            ]),
            max,
          );
          return ilist(`(map (lambda (${x} ${y}) ${body2.code}) ${l.code} ${l2.code})`, Math.min(l.ty.min, l2.ty.min), Math.min(l.ty.max, l2.ty.max), body2.ty.b);
        }
        return ilist(`(map (lambda (${x}) ${body.code}) ${l.code})`, l.ty.min, l.ty.max, body.ty.b);
      }],
      [4, () => {
        const l = this.genIList(d, max);
        if (!this.canIterate(d, l.ty.max)) return null;
        this.spend(d, l.ty.max);
        if (r.chance(0.3)) return ilist(`(filter ${r.pick(['even?', 'odd?', 'positive?'])} ${l.code})`, 0, l.ty.max, l.ty.b);
        const x = this.fresh('x');
        const body = this.genBool(this.loopBody(d, l.ty.max, [{ name: x, ty: { k: 'int', b: l.ty.b } }]));
        return ilist(`(filter (lambda (${x}) ${body.code}) ${l.code})`, 0, l.ty.max, l.ty.b);
      }],
      [3, () => {
        const n = r.int(0, 5);
        const l = this.genIList(d, max);
        if (r.chance(0.5)) return ilist(`(take ${n} ${l.code})`, Math.min(n, l.ty.min), Math.min(n, l.ty.max), l.ty.b);
        return ilist(`(drop ${n} ${l.code})`, Math.max(0, l.ty.min - n), Math.max(0, l.ty.max - n), l.ty.b);
      }],
      [3, () => {
        const l = this.genIList(d, Math.min(max, 1e6));
        this.spend(d, l.ty.max * 8);
        const a = this.fresh('a');
        const b = this.fresh('b');
        const cmp = r.pick(['<', '>', `(lambda (${a} ${b}) (< (remainder ${a} 10) (remainder ${b} 10)))`, `(lambda (${a} ${b}) (> (abs ${a}) (abs ${b})))`]);
        return ilist(`(sort ${l.code} ${cmp})`, l.ty.min, l.ty.max, l.ty.b);
      }],
      [2, () => {
        const n = r.int(0, 15);
        if (!this.canIterate(d, n)) return null;
        this.spend(d, n);
        const loop = this.fresh('loop');
        const i = this.fresh('i');
        const acc = this.fresh('acc');
        const body = this.genInt(this.loopBody(d, n, [{ name: i, ty: { k: 'int', b: n } }]), max);
        return ilist(`(let ${loop} ((${i} ${n}) (${acc} nil)) (if (= ${i} 0) ${acc} (${loop} (- ${i} 1) (cons ${body.code} ${acc}))))`, n, n, body.ty.b);
      }],
      [1, () => {
        const l = this.genIList(d, max);
        if (!this.canIterate(d, l.ty.max)) return null;
        this.spend(d, l.ty.max);
        const x = this.fresh('x');
        const acc = this.fresh('acc');
        const body = this.genInt(this.loopBody(d, l.ty.max, [{ name: x, ty: { k: 'int', b: l.ty.b } }]), max);
        return ilist(`(foldr (lambda (${x} ${acc}) (cons ${body.code} ${acc})) nil ${l.code})`, l.ty.min, l.ty.max, body.ty.b);
      }],
      [1, () => {
        const a = this.genIList(d, max);
        const b = this.genIList(d, max);
        return ilist(`(if ${this.genBool(d).code} ${a.code} ${b.code})`, Math.min(a.ty.min, b.ty.min), Math.max(a.ty.max, b.ty.max), Math.max(a.ty.b, b.ty.b));
      }],
      [1, () => ((v) => ilist(`(vector->list ${v.code})`, v.ty.min, v.ty.max, v.ty.b))(this.genVec(d, 0))],
      [1, () => ((dict) => ilist(`(dict-values ${dict.code})`, 0, 20, dict.ty.b))(this.genDict(d))],
      [1, leaf],
    ]);
  }

  // ------------------------------------------------------------------------------------------
  // vectors and dicts

  /** A vector of ints with at least needMin elements. */
  genVec(c: Ctx, needMin: number): Expr<VecT> {
    const r = this.r;
    const d = c.depth > 0 ? this.deeper(c) : c;
    return this.choose<Expr<VecT>>([
      [4, () => {
        const vs = this.varsOf(c, 'vec').filter((v) => v.ty.min >= needMin);
        if (vs.length === 0) return null;
        const v = r.pick(vs);
        return { code: v.name, ty: v.ty };
      }],
      [1, () => {
        if (c.depth <= 0) return null;
        const n = r.int(Math.max(1, needMin), 6);
        const fill = this.genInt(d, 1e6);
        return { code: `(make-vector ${n} ${fill.code})`, ty: { k: 'vec', min: n, max: n, b: fill.ty.b } };
      }],
      [1, () => {
        if (c.depth <= 0) return null;
        const l = this.ensureMin(d, this.genIList(d, 1e6), needMin, 1e6);
        return { code: `(list->vector ${l.code})`, ty: { k: 'vec', min: l.ty.min, max: l.ty.max, b: l.ty.b } };
      }],
      [1, () => {
        if (c.depth <= 0) return null;
        const v = this.genVec(d, needMin);
        if (!this.canIterate(d, v.ty.max)) return null;
        this.spend(d, v.ty.max);
        const x = this.fresh('x');
        const body = this.genInt(this.loopBody(d, v.ty.max, [{ name: x, ty: { k: 'int', b: v.ty.b } }]), 1e6);
        return { code: `(vector-map (lambda (${x}) ${body.code}) ${v.code})`, ty: { k: 'vec', min: v.ty.min, max: v.ty.max, b: body.ty.b } };
      }],
      [3, () => {
        const n = r.int(Math.max(needMin, 0), 5);
        const xs = Array.from({ length: n }, () => (c.depth > 0 ? this.genInt(d, 1e6) : this.intLit(1000)));
        return { code: `[${codes(xs)}]`, ty: { k: 'vec', min: n, max: n, b: maxB(xs) } };
      }],
    ]);
  }

  genDict(c: Ctx): Expr<DictT> {
    const r = this.r;
    const vs = this.varsOf(c, 'dict');
    if (vs.length > 0 && r.chance(0.6)) {
      const v = r.pick(vs);
      return { code: v.name, ty: v.ty };
    }
    const keys = r.shuffle(KEYWORDS).slice(0, r.int(0, 4));
    const d = c.depth > 0 ? this.deeper(c) : c;
    const vals = keys.map(() => (c.depth > 0 ? this.genInt(d, 1e6) : this.intLit(1000)));
    const pairs = keys.map((k, i) => `${k} ${vals[i].code}`).join(' ');
    return { code: r.chance(0.75) ? `#{${pairs}}` : `(dict${pairs ? ' ' + pairs : ''})`, ty: { k: 'dict', keys, b: maxB(vals) } };
  }

  // ------------------------------------------------------------------------------------------
  // any printable value

  genAny(c: Ctx): Expr {
    const r = this.r;
    const d = c.depth > 0 ? this.deeper(c) : c;
    return this.choose<Expr>([
      [25, () => this.genInt(c)],
      [10, () => this.genFloat(c)],
      [7, () => this.genBool(c)],
      [15, () => this.genStr(c)],
      [15, () => this.genIList(c, LIM)],
      [6, () => this.genSList(c)],
      [6, () => this.genVec(c, 0)],
      [4, () => this.genDict(c)],
      [1, () => ({ code: `(dict-keys ${this.genDict(d).code})`, ty: { k: 'bool' } })],
      [1, () => ({ code: `(dict->list ${this.genDict(d).code})`, ty: { k: 'bool' } })],
      [1, () => ({ code: `(string->number ${r.pick(NUMBER_TEXTS)})`, ty: { k: 'bool' } })],
      [1, () => ({ code: `(member ${this.genInt(d, 10).code} ${this.genIList(d, 10).code})`, ty: { k: 'bool' } })],
      [1, () => {
        const al = this.genAlist(d);
        return al === null ? null : { code: `(assoc ${this.genInt(d, 10).code} ${al.code})`, ty: { k: 'bool' } };
      }],
      [1, () => ({ code: r.pick([`'${r.pick(SYMBOLS)}`, r.pick(KEYWORDS), `(string->symbol ${r.pick(STRINGS)[0]})`]), ty: { k: 'bool' } })],
      [1, () => {
        const s = this.genStr(d);
        return s.ty.min > 0 ? { code: `(string-ref ${s.code} ${r.int(0, s.ty.min - 1)})`, ty: { k: 'bool' } } : null;
      }],
      [1, () => ({ code: `(type-of ${this.genAny(d).code})`, ty: { k: 'bool' } })],
    ]);
  }

  // ------------------------------------------------------------------------------------------
  // top-level forms

  private topCtx(): Ctx {
    return { env: this.globals, depth: this.r.int(2, 3), mult: 1, immediate: true };
  }

  /** The context of the body of a procedure defined at top level (run later, possibly often). */
  private fnCtx(params: Var[]): Ctx {
    const env = this.globals.map((v) => (v.ty.k === 'dict' ? { name: v.name, ty: { ...v.ty, keys: null } } : v));
    return { env: [...env, ...params], depth: this.r.int(2, 3), mult: 1, immediate: false };
  }

  emit(...lines: string[]): void {
    this.lines.push(...lines);
  }

  private intVar(name: string, b: number): Var {
    return { name, ty: { k: 'int', b } };
  }

  stmtPrint(): void {
    const c = this.topCtx();
    const r = this.r;
    const pick = r.int(0, 9);
    if (pick < 6) {
      const xs = Array.from({ length: r.int(1, 3) }, () => this.genAny(c));
      this.emit(`(print ${codes(xs)})`);
    } else if (pick < 8) {
      this.emit(`(display ${r.chance(0.5) ? this.genAny(c).code : `(str ${r.pick(['"value: "', '"-> "', '"#"'])} ${this.genAny(c).code})`}) (newline)`);
    } else {
      this.emit(`(write ${r.chance(0.6) ? this.genStr(c).code : r.chance(0.5) ? this.genSList(c).code : this.genAny(c).code}) (newline)`);
    }
  }

  stmtDefine(): void {
    const c = this.topCtx();
    const r = this.r;
    const kind = r.pick(['int', 'int', 'float', 'str', 'ilist', 'ilist', 'slist', 'vec', 'dict', 'bool']);
    let name: string;
    let e: Expr;
    switch (kind) {
      case 'int': {
        name = this.fresh('n');
        const x = this.genInt(c, 1e9);
        // Some int globals are later changed with set!; they keep a fixed bound.
        const b = r.chance(0.4) ? Math.max(x.ty.b, 100_000) : x.ty.b;
        this.emit(`(define ${name} ${x.code})`);
        this.globals.push(this.intVar(name, b));
        if (b >= 100_000 && x.ty.b <= 100_000) this.mutableInts.push(name);
        return;
      }
      case 'float':
        name = this.fresh('fl');
        e = this.genFloat(c);
        break;
      case 'str':
        name = this.fresh('s');
        e = this.genStr(c);
        break;
      case 'ilist':
        name = this.fresh('xs');
        e = this.genIList(c, r.pick([100, 1e6, LIM]));
        break;
      case 'slist':
        name = this.fresh('ss');
        e = this.genSList(c);
        break;
      case 'vec':
        name = this.fresh('v');
        e = this.genVec(c, 0);
        // Only vectors made here may be changed with vector-set!; their element bound is fixed.
        if (!/^\[|^\(make-vector|^\(list->vector|^\(vector-map/.test(e.code)) e = { code: `(vector-copy ${e.code})`, ty: e.ty };
        e = { code: e.code, ty: { ...(e.ty as VecT), b: Math.max((e.ty as VecT).b, 1000) } };
        break;
      case 'dict': {
        name = this.fresh('d');
        const keys = r.shuffle(KEYWORDS).slice(0, r.int(1, 4));
        const vals = keys.map(() => this.genInt(c, 1000));
        this.emit(`(define ${name} #{${keys.map((k, i) => `${k} ${vals[i].code}`).join(' ')}})`);
        this.globals.push({ name, ty: { k: 'dict', keys, b: 1000 } });
        return;
      }
      default:
        name = this.fresh('ok');
        e = this.genBool(c);
    }
    this.emit(`(define ${name} ${e.code})`);
    this.globals.push({ name, ty: e.ty });
  }

  private mutableInts: string[] = [];

  stmtMutate(): boolean {
    const c = this.topCtx();
    const r = this.r;
    const options: (() => boolean)[] = [];
    if (this.mutableInts.length > 0) {
      options.push(() => {
        const name = r.pick(this.mutableInts);
        const x = this.genInt(c, 100_000);
        this.emit(`(set! ${name} (remainder (+ ${name} ${x.code}) 100000))`);
        if (r.chance(0.5)) this.emit(`(print ${name})`);
        return true;
      });
    }
    const vecs = this.globals.filter((v): v is Var & { ty: VecT } => v.ty.k === 'vec' && v.ty.min >= 1);
    if (vecs.length > 0) {
      options.push(() => {
        const v = r.pick(vecs);
        const idx = r.chance(0.5) ? String(r.int(0, v.ty.min - 1)) : `(modulo ${this.genInt(c, 1e6).code} (vector-length ${v.name}))`;
        const val = this.genInt(c, v.ty.b);
        this.emit(`(vector-set! ${v.name} ${idx} ${val.code})`);
        if (r.chance(0.6)) this.emit(`(print ${v.name})`);
        return true;
      });
    }
    const dicts = this.globals.filter((v): v is Var & { ty: DictT } => v.ty.k === 'dict');
    if (dicts.length > 0) {
      options.push(() => {
        const v = r.pick(dicts);
        const key = r.pick(KEYWORDS);
        if (r.chance(0.65)) {
          const val = this.genInt(c, v.ty.b);
          this.emit(`(dict-set! ${v.name} ${key} ${val.code})`);
          if (v.ty.keys !== null && !v.ty.keys.includes(key)) v.ty.keys = [...v.ty.keys, key];
        } else {
          this.emit(`(dict-remove! ${v.name} ${key})`);
          if (v.ty.keys !== null) v.ty.keys = v.ty.keys.filter((k) => k !== key);
        }
        this.emit(r.chance(0.5) ? `(print ${v.name} (dict-keys ${v.name}))` : `(print (dict-count ${v.name}) ${v.name})`);
        return true;
      });
    }
    if (options.length === 0) return false;
    return r.pick(options)();
  }

  /** `(define (fN a b) body)`, sometimes with internal defines. */
  stmtFunction(): void {
    const r = this.r;
    const name = this.fresh('f');
    const arity = r.int(1, 3);
    const pb = r.pick([100, 1000, 1000, 1_000_000]);
    const params = Array.from({ length: arity }, () => this.intVar(this.fresh(r.pick(['a', 'b', 'n', 'x'])), pb));
    let c = this.fnCtx(params);
    const saved = this.cost;
    this.cost = 0;
    const lines = [`(define (${name} ${params.map((p) => p.name).join(' ')})`];
    if (r.chance(0.4)) {
      const h = this.fresh('h');
      const y = this.intVar(this.fresh('y'), 1_000_000);
      const hc = this.cost;
      const hb = this.genInt(this.bind(c, y.name, y.ty), 1e9);
      const hcost = Math.max(1, this.cost - hc);
      lines.push(`  (define (${h} ${y.name}) ${hb.code})`);
      c = this.bind(c, h, { k: 'fn', arity: 1, pb: 1_000_000, nonneg: false, rb: hb.ty.b, cost: hcost });
      if (r.chance(0.6)) {
        const z = this.fresh('z');
        const zv = this.genInt(c, 1e9);
        lines.push(`  (define ${z} ${zv.code})`);
        c = this.bind(c, z, { k: 'int', b: zv.ty.b });
      }
    }
    const body = this.genInt(c, r.pick([1e6, 1e9, LIM]));
    lines.push(`  ${body.code})`);
    const cost = Math.max(1, this.cost);
    this.cost = saved;
    this.emit(...lines);
    this.globals.push({ name, ty: { k: 'fn', arity, pb, nonneg: false, rb: body.ty.b, cost } });
    if (r.chance(0.6)) {
      const cc = this.topCtx();
      const args = params.map(() => this.genInt(cc, pb).code);
      this.emit(`(print (${name} ${args.join(' ')}))`);
    }
  }

  /** A function returning a closure over its argument. */
  stmtMakeClosure(): void {
    const r = this.r;
    const maker = this.fresh('make-f');
    const k = this.intVar(this.fresh('k'), 1000);
    const x = this.intVar(this.fresh('x'), 1000);
    const c = this.fnCtx([k, x]);
    const saved = this.cost;
    this.cost = 0;
    const body = r.chance(0.3) ? int(`(+ ${x.name} ${k.name})`, 2000) : this.genInt(c, 1e9);
    const cost = Math.max(1, this.cost);
    this.cost = saved;
    this.emit(`(define (${maker} ${k.name})`, `  (lambda (${x.name}) ${body.code}))`);
    const inst = this.fresh('g');
    const tc = this.topCtx();
    this.emit(`(define ${inst} (${maker} ${this.genInt(tc, 1000).code}))`);
    this.globals.push({ name: inst, ty: { k: 'fn', arity: 1, pb: 1000, nonneg: false, rb: body.ty.b, cost } });
    this.emit(`(print (${inst} ${this.genInt(tc, 1000).code}) ((${maker} ${this.intLit(1000).code}) ${this.genInt(tc, 1000).code}))`);
  }

  stmtCounter(): void {
    const r = this.r;
    const maker = this.fresh('make-counter');
    const count = this.fresh('count');
    const start = this.fresh('start');
    const step = this.fresh('step');
    this.emit(
      `(define (${maker} ${start} ${step})`,
      `  (let ((${count} ${start}))`,
      `    (lambda ()`,
      `      (set! ${count} (+ ${count} ${step}))`,
      `      ${count})))`,
    );
    const names = Array.from({ length: r.int(1, 2) }, () => this.fresh('ctr'));
    for (const name of names) {
      this.emit(`(define ${name} (${maker} ${r.int(-10, 100)} ${r.pick([1, 1, 2, 5, -3])}))`);
      this.globals.push({ name, ty: { k: 'thunk', rb: 1e7 } });
    }
    const calls = Array.from({ length: r.int(2, 4) }, () => `(${r.pick(names)})`);
    this.emit(`(print ${calls.join(' ')})`);
  }

  stmtAccumulator(): void {
    const r = this.r;
    const maker = this.fresh('make-acc');
    const items = this.fresh('items');
    const x = this.fresh('x');
    const name = this.fresh('acc');
    this.emit(
      `(define (${maker})`,
      `  (let ((${items} nil))`,
      `    (lambda (${x})`,
      `      (set! ${items} (cons ${x} ${items}))`,
      `      (length ${items}))))`,
      `(define ${name} (${maker}))`,
    );
    const c = this.topCtx();
    const l = this.genIList(c, 1000);
    this.emit(`(print (map ${name} ${l.code}) (${name} ${this.intLit(100).code}))`);
    this.globals.push({ name, ty: { k: 'fn', arity: 1, pb: 1e6, nonneg: false, rb: 1e6, cost: 1 } });
  }

  stmtCompose(): void {
    const r = this.r;
    const name = this.fresh('make-compose');
    const f = this.fresh('f');
    const g = this.fresh('g');
    const x = this.fresh('x');
    this.emit(`(define (${name} ${f} ${g})`, `  (lambda (${x}) (${f} (${g} ${x}))))`);
    const c = this.topCtx();
    const fns = this.globals.filter((v): v is Var & { ty: FnT } => v.ty.k === 'fn' && v.ty.arity === 1 && !v.ty.nonneg && v.ty.cost <= 100);
    const fnValue = (): { code: string; ty: FnT } => {
      if (fns.length > 0 && r.chance(0.5)) {
        const v = r.pick(fns);
        return { code: v.name, ty: v.ty };
      }
      const y = this.fresh('y');
      const body = this.genInt(this.fnCtx([this.intVar(y, 1000)]), 1e6);
      return { code: `(lambda (${y}) ${body.code})`, ty: { k: 'fn', arity: 1, pb: 1000, nonneg: false, rb: body.ty.b, cost: 10 } };
    };
    const outer = fnValue();
    let inner = fnValue();
    if (inner.ty.rb > outer.ty.pb) {
      const y = this.fresh('y');
      inner = { code: `(lambda (${y}) (remainder (${inner.code} ${y}) ${outer.ty.pb + 1}))`, ty: { ...inner.ty, rb: outer.ty.pb } };
    }
    const h = this.fresh('h');
    this.emit(`(define ${h} (${name} ${outer.code} ${inner.code}))`);
    const ty: FnT = { k: 'fn', arity: 1, pb: inner.ty.pb, nonneg: false, rb: outer.ty.rb, cost: inner.ty.cost + outer.ty.cost };
    this.globals.push({ name: h, ty });
    this.emit(`(print (${h} ${this.genInt(c, ty.pb).code}) (map ${h} ${this.genIList(c, ty.pb).code}))`);
  }

  stmtRecursion(): void {
    const r = this.r;
    const c = this.topCtx();
    const which = r.int(0, 2);
    if (which === 0) {
      const name = this.fresh('sum-to');
      this.emit(`(define (${name} n)`, `  (if (<= n 0) 0 (+ n (${name} (- n 1)))))`);
      this.globals.push({ name, ty: { k: 'fn', arity: 1, pb: r.pick([100, 500, 1000]), nonneg: true, rb: 500_500, cost: 1000 } });
      this.emit(`(print (${name} ${r.int(0, 1000)}) (${name} (modulo ${this.genInt(c).code} 100)))`);
    } else if (which === 1) {
      const name = this.fresh('fib');
      this.emit(`(define (${name} n)`, `  (if (< n 2) n (+ (${name} (- n 1)) (${name} (- n 2)))))`);
      this.globals.push({ name, ty: { k: 'fn', arity: 1, pb: 15, nonneg: true, rb: 610, cost: 2000 } });
      this.emit(`(print (map ${name} (range ${r.int(0, 12)})))`);
    } else {
      const name = this.fresh('fact');
      this.emit(`(define (${name} n)`, `  (if (<= n 1) 1 (* n (${name} (- n 1)))))`);
      this.globals.push({ name, ty: { k: 'fn', arity: 1, pb: 19, nonneg: true, rb: 1.3e17, cost: 20 } });
      // 20! does not fit in 62 bits.
      const e = this.fresh('e');
      this.emit(`(print (${name} ${r.int(0, 19)}) (try (${name} ${r.int(19, 25)}) (lambda (${e}) (error-message ${e}))))`);
    }
  }

  stmtMutual(): void {
    const r = this.r;
    const c = this.topCtx();
    if (r.chance(0.6)) {
      const ev = this.fresh('my-even?');
      const od = this.fresh('my-odd?');
      this.emit(
        `(define (${ev} n)`,
        `  (if (= n 0) t (${od} (- n 1))))`,
        `(define (${od} n)`,
        `  (if (= n 0) nil (${ev} (- n 1))))`,
      );
      this.globals.push({ name: ev, ty: { k: 'pred', pb: 999, cost: 1000 } }, { name: od, ty: { k: 'pred', pb: 999, cost: 1000 } });
      this.emit(`(print (${ev} ${r.int(0, 999)}) (${od} ${r.int(0, 999)}) (filter ${ev} (range ${r.int(0, 12)})))`);
    } else {
      const name = this.fresh('parity');
      const ev = this.fresh('ev');
      const od = this.fresh('od');
      const n = this.fresh('n');
      this.emit(
        `(define (${name} ${n})`,
        `  (define (${ev} k) (if (= k 0) "even" (${od} (- k 1))))`,
        `  (define (${od} k) (if (= k 0) "odd" (${ev} (- k 1))))`,
        `  (${ev} (modulo ${n} ${r.pick([100, 500, 1000])})))`,
      );
      this.emit(`(print (${name} ${r.int(0, 50)}) (${name} ${this.genInt(c).code}) (map ${name} ${this.genIList(c, LIM).code}))`);
    }
  }

  stmtLoopPrint(): void {
    const r = this.r;
    const loop = this.fresh('loop');
    const i = this.fresh('i');
    const n = r.int(1, 4);
    const c = this.loopBody(this.topCtx(), n, [this.intVar(i, n)]);
    this.emit(`(let ${loop} ((${i} 0))`, `  (when (< ${i} ${n})`, `    (print ${i} ${this.genAny(c).code})`, `    (${loop} (+ ${i} 1))))`);
  }

  stmtForEach(): void {
    const r = this.r;
    const top = this.topCtx();
    if (r.chance(0.6)) {
      const l = this.genIList(top, LIM);
      const x = this.fresh('x');
      const c = this.loopBody(top, Math.min(l.ty.max, 50), [this.intVar(x, l.ty.b)]);
      const shown = r.chance(0.5) ? x : this.genAny(c).code;
      this.emit(`(for-each (lambda (${x}) (display ${shown}) (display " ")) ${l.code})`, '(newline)');
    } else {
      const l = this.genSList(top);
      const s = this.fresh('s');
      this.emit(`(for-each (lambda (${s}) (write ${s}) (display ";")) ${l.code})`, '(newline)');
    }
  }

  stmtVectorFill(): void {
    const r = this.r;
    const v = this.fresh('v');
    const fill = this.fresh('fill');
    const i = this.fresh('i');
    const n = r.int(1, 8);
    const c = this.loopBody(this.topCtx(), n, [this.intVar(i, n)]);
    const val = this.genInt(c, 1000);
    this.emit(
      `(define ${v} (make-vector ${n} 0))`,
      `(let ${fill} ((${i} 0))`,
      `  (when (< ${i} (vector-length ${v}))`,
      `    (vector-set! ${v} ${i} ${val.code})`,
      `    (${fill} (+ ${i} 1))))`,
      `(print ${v} (vector-ref ${v} ${r.int(0, n - 1)}))`,
    );
    this.globals.push({ name: v, ty: { k: 'vec', min: n, max: n, b: 1000 } });
  }

  stmtWordCount(): void {
    const r = this.r;
    const d = this.fresh('counts');
    const w = this.fresh('w');
    const text = r.pick(['"the cat and the hat and the bat"', '"a b a c b a"', '"x,y,,x,z"', '"to be or not to be"']);
    const sep = text.includes(',') ? '","' : '" "';
    this.emit(
      `(define ${d} (dict))`,
      `(for-each (lambda (${w}) (dict-set! ${d} ${w} (+ 1 (dict-ref ${d} ${w} 0)))) (string-split ${text} ${sep}))`,
      `(print ${d} (dict-keys ${d}) (dict-count ${d}))`,
    );
    this.globals.push({ name: d, ty: { k: 'dict', keys: null, b: 1000 } });
  }

  stmtMatch(): void {
    const r = this.r;
    const name = this.fresh('describe');
    const v = this.fresh('v');
    const f = (p: string) => this.fresh(p);
    const clauses: string[] = [
      '(0 "zero")',
      '(1 "one")',
      (() => { const n = f('n'); return `((? int? ${n}) :when (> ${n} 100) (str "big " ${n}))`; })(),
      (() => { const n = f('n'); return `((? int? ${n}) (str "int " ${n}))`; })(),
      (() => { const n = f('n'); return `((and (? int? ${n}) (? even?)) (str "even " ${n}))`; })(),
      (() => { const x = f('fl'); return `((? float? ${x}) (str "float " ${x}))`; })(),
      (() => { const s = f('s'); return `((? string? ${s}) :when (> (string-length ${s}) 3) (str "long string " ${s}))`; })(),
      (() => { const s = f('s'); return `((? string? ${s}) (string-append "string " ${s}))`; })(),
      '(nil "empty")',
      '(:a "keyword a")',
      (() => { const k = f('k'); return `((? keyword? ${k}) (str "keyword " ${k}))`; })(),
      `('foo "the symbol foo")`,
      '("hello" "greeting")',
      '(1.5 "one and a half")',
      '((or 2 3 5 7) "small prime")',
      (() => { const a = f('a'); const b = f('b'); return `((list ${a} ${b}) (str "two: " ${a} " and " ${b}))`; })(),
      (() => { const a = f('a'); const m = f('more'); return `((list (? int? ${a}) . ${m}) (str "int-headed, then " ${m}))`; })(),
      (() => { const h = f('h'); const t = f('tl'); return `((cons ${h} ${t}) (str "cons " ${h} " / " ${t}))`; })(),
      (() => { const w = f('w'); return `((@ ${w} (list _ _ _)) (str "three " ${w}))`; })(),
      (() => { const a = f('a'); const b = f('b'); return `([${a} ${b}] (str "vec2 " ${a} " " ${b}))`; })(),
      '([] "empty vector")',
      (() => { const x = f('x'); return `((? vector? ${x}) (str "vector of " (vector-length ${x})))`; })(),
      '(t "true")',
    ];
    const chosen = r.shuffle(clauses).slice(0, r.int(4, 8));
    // Rarely no catch-all clause: an unmatched value raises `match: no clause matched ...`.
    const catchAll = r.chance(0.93) ? [`    (_ "other")))`] : [];
    const lines = [`(define (${name} ${v})`, `  (match ${v}`, ...chosen.map((cl) => `    ${cl}`), ...catchAll];
    if (catchAll.length === 0) lines[lines.length - 1] += '))';
    this.emit(...lines);
    const c = this.topCtx();
    const vals = Array.from({ length: r.int(3, 6) }, () =>
      this.choose<string>([
        [3, () => this.genInt(c, 1000).code],
        [2, () => r.pick(['0', '1', '2', '7', '150', '-4', '1.5', ':a', ':zeta', "'foo", "'bar", 'nil', 't', '"hello"', '"hi"', '[]', '[1 2]'])],
        [2, () => this.genStr(c).code],
        [2, () => this.genIList(c, 100).code],
        [1, () => this.genVec(c, 0).code],
        [1, () => this.genFloat(c).code],
      ]),
    );
    this.emit(`(for-each (lambda (${v}) (print (${name} ${v}))) (list ${vals.join(' ')}))`);
  }

  /** An expression that may raise (used inside try, and as the deliberate uncaught error). */
  risky(c: Ctx): string {
    const r = this.r;
    const x = this.fresh('x');
    return this.choose<string>([
      [2, () => `(car (filter (lambda (${x}) (> ${x} 1000000)) ${this.genIList(c, 1000).code}))`],
      [2, () => `(list-ref ${this.genIList(c, 1000).code} ${r.int(0, 8)})`],
      [2, () => `(vector-ref ${this.genVec(c, 0).code} ${r.int(-1, 6)})`],
      [2, () => `(${r.pick(['quotient', 'remainder', 'modulo', '/'])} ${this.genInt(c, 1000).code} ${r.pick(['0', '(- 3 3)', '1', '2'])})`],
      [2, () => `(error ${r.pick(['"custom failure"', '"bad value:"', '"oops"'])} ${this.genInt(c, 100).code} ${r.pick(STRINGS)[0]})`],
      [1, () => `(error "no irritants")`],
      [2, () => `(dict-ref ${this.genDict(c).code} ${r.pick(KEYWORDS)})`],
      [2, () => `(+ ${r.pick([BIG.max, BIG.nearMax])} ${this.genInt(c, 100).code})`],
      [1, () => `(* ${r.pick([BIG.pow60, BIG.sqrtBad, BIG.sqrtOk])} ${r.pick(['2', BIG.sqrtOk, BIG.sqrtBad, '-2'])})`],
      [1, () => `(${r.pick(['abs', '-'])} ${BIG.min})`],
      [1, () => `(substring ${this.genStr(c).code} 0 ${r.int(0, 12)})`],
      [1, () => `(reduce + (filter (lambda (${x}) (> ${x} ${r.int(0, 100)})) ${this.genIList(c, 100).code}))`],
      [1, () => `(+ 1 ${r.pick(['"a"', "'sym", '(list 1)', ':k'])})`],
      [1, () => `(car ${r.pick(['nil', '5', '"str"', '[1 2]'])})`],
      [1, () => `(string-length ${r.pick(['5', "'sym", '(list "a")'])})`],
      [1, () => `(${r.pick(['cadr', 'caddr'])} ${this.genIList(c, 100).code})`],
    ]);
  }

  stmtTry(): void {
    const r = this.r;
    const c = this.topCtx();
    const e = this.fresh('e');
    const handler = r.pick([
      `(lambda (${e}) (error-message ${e}))`,
      `(lambda (${e}) (str "caught: " (error-message ${e})))`,
      `(lambda (${e}) (list (error-message ${e}) (error-irritants ${e})))`,
      `(fn (${e}) (if (error? ${e}) (string-append "error! " (error-message ${e})) "?"))`,
    ]);
    const which = r.int(0, 9);
    if (which < 6) {
      this.emit(`(print (try ${this.risky(c)} ${handler}))`);
    } else if (which === 6) {
      const e2 = this.fresh('e');
      this.emit(
        `(print (try (try ${this.risky(c)} (lambda (${e2}) (error (str "wrapped: " (error-message ${e2}))))) ${handler}))`,
      );
    } else if (which === 7) {
      const e2 = this.fresh('e');
      this.emit(`(print (try (try ${this.risky(c)} (lambda (${e2}) (raise-error ${e2}))) ${handler}))`);
    } else if (which === 8) {
      const name = this.fresh('safe-div');
      const a = this.fresh('a');
      const b = this.fresh('b');
      this.emit(
        `(define (${name} ${a} ${b})`,
        `  (try (quotient ${a} ${b})`,
        `       ${handler}))`,
      );
      this.emit(`(print (${name} ${this.genInt(c).code} ${r.int(1, 9)}) (${name} ${this.genInt(c).code} 0) (map (lambda (${e}) (${name} 100 ${e})) (range -2 3)))`);
    } else {
      // An error raised deep inside a procedure call, caught outside.
      const name = this.fresh('check');
      const n = this.fresh('n');
      this.emit(
        `(define (${name} ${n})`,
        `  (if (> ${n} ${r.int(0, 50)}) (error "too big:" ${n}) (* ${n} 2)))`,
        `(print (map (lambda (${e}) (try (${name} ${e}) (lambda (${e}) (error-message ${e})))) ${this.genIList(c, 100).code}))`,
      );
    }
  }

  stmtOverflow(): void {
    const r = this.r;
    const c = this.topCtx();
    const big = this.fresh('big');
    const e = this.fresh('e');
    const h = `(lambda (${e}) (error-message ${e}))`;
    this.emit(`(define ${big} ${r.pick([BIG.max, BIG.nearMax, BIG.pow60])})`);
    const exprs = r.shuffle([
      `(- ${big} (abs ${this.genInt(c, 1000).code}))`,
      `(try (+ ${big} ${this.genInt(c, 100).code}) ${h})`,
      `(try (* ${big} ${r.pick(['2', '-1', '-2', '1'])}) ${h})`,
      `(try (- (- ${big}) ${r.int(0, 100)}) ${h})`,
      `(try (* ${r.pick([BIG.sqrtOk, BIG.sqrtBad])} ${r.pick([BIG.sqrtOk, BIG.sqrtBad])}) ${h})`,
      `(try (abs ${BIG.min}) ${h})`,
      `(quotient ${big} ${r.pick(['3', '-7', '1000000007'])})`,
      `(exact->inexact ${big})`,
    ]).slice(0, r.int(2, 4));
    this.emit(`(print ${exprs.join(' ')})`);
  }

  stmtFloatEdges(): void {
    const r = this.r;
    const xs = r.shuffle([
      '1e16', '1e15', '0.0001', '0.00001', '123456789.0', '1.5e300', '5e-324', '(/ 1.0 3.0)', '(+ 0.1 0.2)',
      '(* 1.1 1.1)', '(- 0.0)', '(/ 1.0 0.0)', '(/ -1.0 0.0)', '(- 1e16 1.0)', '(/ 7 2 2.0)', '(exact->inexact 2)',
      '(* 4.35 100)', '(/ 2.0 3)', '(max 3 2.0)', '(min 1 2.5)', '1e21', '(* 1e308 10.0)', '2.5e-5',
    ]).slice(0, r.int(3, 6));
    this.emit(`(print ${xs.join(' ')})`);
  }

  /**
   * Scopes nested the way real programs (an Earley parser, say) nest them: internal defines,
   * some mutually recursive, inside a let inside a lambda; closures over let-bound variables
   * changed by those defines; letrec; defines at the start of clause bodies; closures made in a
   * loop; procedures kept in a dict.
   */
  stmtNestedScopes(): void {
    const r = this.r;
    const which = r.int(0, 6);
    if (which === 0) {
      // A chart of items filled by mutually recursive internal defines (scan <-> predict) that
      // live in a let inside a lambda and change the let's variables.
      const run = this.fresh('run-chart');
      const input = this.fresh('input');
      const chart = this.fresh('chart');
      const count = this.fresh('count');
      const add = this.fresh('add-item!');
      const scan = this.fresh('scan');
      const predict = this.fresh('predict');
      const i = this.fresh('i');
      const item = this.fresh('item');
      const cond = this.genBool(this.loopBody(this.fnCtx([]), 12, [this.intVar(i, 13)]));
      this.emit(
        `(define ${run}`,
        `  (lambda (${input})`,
        `    (let ((${chart} (make-vector (+ 1 (length ${input})) nil))`,
        `          (${count} 0))`,
        `      (define (${add} ${i} ${item})`,
        `        (vector-set! ${chart} ${i} (cons ${item} (vector-ref ${chart} ${i})))`,
        `        (set! ${count} (+ ${count} 1)))`,
        `      (define (${scan} ${i})`,
        `        (if (< ${i} (length ${input}))`,
        `            (do (${add} (+ ${i} 1) (list-ref ${input} ${i})) (${predict} (+ ${i} 1)))`,
        `            ${count}))`,
        `      (define (${predict} ${i})`,
        `        (when ${cond.code} (${add} ${i} (list 'p ${i})))`,
        `        (${scan} ${i}))`,
        `      (${scan} 0)`,
        `      (list ${count} (vector->list ${chart})))))`,
      );
      const c = this.topCtx();
      const l = this.genIList(c, 1000);
      const short = l.ty.max <= 12 ? l.code : `(take 12 ${l.code})`;
      this.emit(`(print (${run} ${short}) (${run} nil) (${run} (list ${this.intLit(100).code})))`);
    } else if (which === 1) {
      // A closure over let-bound variables that an internal define changes; the closure's own
      // body is a let starting with a define.
      const make = this.fresh('make-tally');
      const start = this.fresh('start');
      const total = this.fresh('total');
      const seen = this.fresh('seen');
      const bump = this.fresh('bump!');
      const x = this.fresh('x');
      const k = this.fresh('k');
      const tw = this.fresh('twice');
      const y = this.fresh('y');
      const tally = this.fresh('tally');
      const body = this.genInt(this.loopBody(this.fnCtx([]), 52, [this.intVar(y, 1000)]), 1000);
      this.emit(
        `(define (${make} ${start})`,
        `  (let ((${total} ${start}) (${seen} nil))`,
        `    (define (${bump} ${x})`,
        `      (set! ${total} (+ ${total} ${x}))`,
        `      (set! ${seen} (cons ${x} ${seen}))`,
        `      ${total})`,
        `    (lambda (${x})`,
        `      (let ((${k} (modulo ${x} 1000)))`,
        `        (define (${tw} ${y}) (+ ${y} ${body.code}))`,
        `        (${bump} (${tw} ${k}))`,
        `        (list ${total} (length ${seen}))))))`,
        `(define ${tally} (${make} ${r.int(-50, 50)}))`,
      );
      const c = this.topCtx();
      const l = this.genIList(c, LIM);
      this.emit(`(print (${tally} ${this.genInt(c).code}) (map ${tally} ${l.ty.max <= 50 ? l.code : `(take 50 ${l.code})`}) (${tally} 0))`);
    } else if (which === 2) {
      // letrec with mutually recursive lambdas, inside a procedure.
      const name = this.fresh('countdown');
      const n = this.fresh('n');
      const ping = this.fresh('ping');
      const pong = this.fresh('pong');
      const k = this.fresh('k');
      const acc = this.fresh('acc');
      const a = r.int(1, 3);
      const b = r.int(1, 3);
      this.emit(
        `(define (${name} ${n})`,
        `  (letrec ((${ping} (lambda (${k} ${acc}) (if (<= ${k} 0) (list 'ping ${acc}) (${pong} (- ${k} 1) (+ ${acc} ${a})))))`,
        `           (${pong} (lambda (${k} ${acc}) (if (<= ${k} 0) (list 'pong ${acc}) (${ping} (- ${k} 1) (* ${acc} ${b}))))))`,
        `    (${ping} (modulo ${n} ${r.pick([20, 40, 55])}) 0)))`,
      );
      const c = this.topCtx();
      this.emit(`(print (${name} ${r.int(0, 30)}) (map ${name} (range ${r.int(0, 8)})) (${name} ${this.genInt(c).code}))`);
    } else if (which === 3) {
      // Defines at the start of cond clause bodies and of a when body.
      const name = this.fresh('classify');
      const x = this.fresh('x');
      const neg = this.fresh('neg');
      const h = this.fresh('h');
      const y = this.fresh('y');
      const ctx = this.fnCtx([this.intVar(x, LIM)]);
      const extra = this.genInt(ctx, 1e6);
      this.emit(
        `(define (${name} ${x})`,
        `  (cond ((< ${x} 0) (define (${neg} ${y}) (- ${y})) (list 'neg (${neg} ${x})))`,
        `        ((= ${x} 0) (when t (define ${y} ${extra.code}) (list 'zero ${y})))`,
        `        (else (define ${h} (remainder (* ${x} 2) 1000003)) (define (${neg} ${y}) (+ ${y} ${h})) (list 'pos ${h} (${neg} 1)))))`,
      );
      const c = this.topCtx();
      this.emit(`(print (${name} ${r.int(-5, 5)}) (map ${name} ${this.genIList(c, LIM).code}) (${name} 0))`);
    } else if (which === 4) {
      // A named let that makes a closure per iteration: each must see its own i.
      const name = this.fresh('closures');
      const collect = this.fresh('collect');
      const i = this.fresh('i');
      const acc = this.fresh('acc');
      const y = this.fresh('y');
      const f = this.fresh('f');
      const n = r.int(0, 8);
      const body = this.genInt(this.loopBody(this.fnCtx([]), 1, [this.intVar(i, n), this.intVar(y, 100)]), 1e6);
      this.emit(
        `(define ${name}`,
        `  (let ${collect} ((${i} 0) (${acc} nil))`,
        `    (if (< ${i} ${n})`,
        `        (${collect} (+ ${i} 1) (cons (lambda (${y}) (+ (* ${i} 10) ${body.code})) ${acc}))`,
        `        (reverse ${acc}))))`,
        `(print (length ${name}) (map (lambda (${f}) (${f} ${r.int(0, 100)})) ${name}))`,
      );
    } else if (which === 5) {
      // Procedures kept in a dict, one of them with an internal define in its lambda.
      const ops = this.fresh('ops');
      const a = this.fresh('a');
      const b = this.fresh('b');
      const sq = this.fresh('sq');
      const k = this.fresh('k');
      this.emit(
        `(define ${ops} #{:add (lambda (${a} ${b}) (+ ${a} ${b}))`,
        `              :sub (lambda (${a} ${b}) (- ${a} ${b}))`,
        `              :sumsq (lambda (${a} ${b}) (define (${sq} x) (* x x)) (+ (${sq} ${a}) (${sq} ${b})))})`,
      );
      const c = this.topCtx();
      const x1 = this.genInt(c, 1e6);
      const x2 = this.genInt(c, 1e6);
      this.emit(
        `(print (dict-keys ${ops}) ((dict-ref ${ops} :add) ${x1.code} ${x2.code}) (map (lambda (${k}) ((dict-ref ${ops} ${k}) ${r.int(0, 1000)} ${r.int(0, 1000)})) (list :add :sub :sumsq)))`,
      );
    } else {
      // Lambdas whose bodies start with defines, one of which recurses, mapped over a list.
      const x = this.fresh('x');
      const go = this.fresh('go');
      const k = this.fresh('k');
      const acc = this.fresh('acc');
      const c = this.topCtx();
      const l = this.genIList(c, 1000);
      this.emit(
        `(print (map (lambda (${x}) (define (${go} ${k} ${acc}) (if (<= ${k} 0) ${acc} (${go} (- ${k} 1) (+ ${acc} ${k}))))`,
        `                       (define base (${go} (modulo ${x} 100) 0))`,
        `                       (list ${x} base))`,
        `             ${l.ty.max <= 50 ? l.code : `(take 50 ${l.code})`}))`,
      );
    }
  }

  /** Ends the program with an uncaught error (only in some programs). */
  stmtUncaught(): void {
    const c = this.topCtx();
    const r = this.r;
    this.emit(r.chance(0.5) ? `(print ${this.risky(c)})` : `(display (list "never printed" ${this.risky(c)}))`);
  }
}

/**
 * A random, well-formed OmniLisp program. The same (seed, size) always gives the same text.
 * `size` is roughly the number of top-level statements (default 14); programs are ~20–80 lines.
 */
export function generateProgram(seed: number, size = 14): string {
  const g = new Gen(seed);
  const r = new Rng(seed * 7919 + 17);
  g.emit(`; random OmniLisp program, seed ${seed}`);
  for (let i = 0, n = r.int(2, 4); i < n; i++) g.stmtDefine();
  type Stmt = [number, () => void];
  const stmts: Stmt[] = [
    [12, () => g.stmtPrint()],
    [6, () => g.stmtDefine()],
    [5, () => g.stmtFunction()],
    [4, () => void (g.stmtMutate() || g.stmtPrint())],
    [2, () => g.stmtMakeClosure()],
    [2, () => g.stmtCounter()],
    [1, () => g.stmtAccumulator()],
    [1, () => g.stmtCompose()],
    [2, () => g.stmtRecursion()],
    [2, () => g.stmtMutual()],
    [2, () => g.stmtLoopPrint()],
    [2, () => g.stmtForEach()],
    [1, () => g.stmtVectorFill()],
    [1, () => g.stmtWordCount()],
    [3, () => g.stmtMatch()],
    [4, () => g.stmtTry()],
    [1.5, () => g.stmtOverflow()],
    [0.7, () => g.stmtFloatEdges()],
    [3.5, () => g.stmtNestedScopes()],
  ];
  const total = stmts.reduce((s, [w]) => s + w, 0);
  const count = Math.max(1, Math.round(size * (0.7 + 0.6 * r.next())));
  for (let i = 0; i < count && g.lines.length < 64; i++) {
    let x = r.next() * total;
    let k = 0;
    while (k < stmts.length - 1 && x >= stmts[k][0]) x -= stmts[k++][0];
    stmts[k][1]();
  }
  while (g.lines.length < 20) g.stmtPrint();
  if (r.chance(0.12)) {
    g.stmtUncaught();
    if (r.chance(0.5)) g.emit('(print "unreachable")');
  } else {
    g.emit('(print "done")');
  }
  return g.lines.join('\n') + '\n';
}
