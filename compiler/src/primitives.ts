// The table of primitives: the one list that the interpreter, the code generator and the
// runtime header are all derived from. Each entry gives the name, the arity, the argument
// types (the last one repeats for variadic primitives) and the C symbol of its runtime
// implementation.

/** Argument type names; `any` accepts every value. */
export type ArgType =
  | 'any'
  | 'number'
  | 'int'
  | 'char'
  | 'string'
  | 'symbol'
  | 'keyword'
  | 'list'
  | 'pair'
  | 'vector'
  | 'dict'
  | 'atom'
  | 'procedure'
  | 'error'
  | 'channel'
  | 'thread';

export interface Primitive {
  /** The global name, as written in programs. */
  readonly name: string;
  /** Fewest arguments accepted. */
  readonly min: number;
  /** Most arguments accepted; null for variadic. */
  readonly max: number | null;
  /** Declared argument types; for variadic primitives the last type repeats. */
  readonly args: readonly ArgType[];
  /** C symbol of the runtime implementation. */
  readonly cname: string;
  /** Calls procedures it is given (map, apply, swap!, ...): may re-enter the evaluator. */
  readonly higherOrder: boolean;
  /** May wait for another thread (join, recv!, send!). */
  readonly blocking: boolean;
  /** Internal: reachable only from lowered forms, never bound as a global. */
  readonly internal: boolean;
  /**
   * A `static inline` function of omnilisp.h that generated code calls instead of `cname` (its
   * fast path, the same contract): with the primitive's own arity, or for a variadic primitive
   * with two arguments. Where the reuse pass may hand it a dead argument, `INLINE_reuse` exists too.
   */
  readonly inlineC?: string;
  /**
   * `static inline int NAME(OValue a, OValue b, OValue *r)` of omnilisp.h: the fixnum case alone of
   * a two-argument call (1 and the result in *r, which is never an error; 0 for anything else).
   * Generated code tries it first and calls the full operation, and checks for an error, only on 0.
   */
  readonly fixnumC?: string;
  /**
   * A call with this many arguments can take over a dead operand and reuse its memory (the back
   * end's reuse: `+ - * /` write a float result into a dead float, via `INLINE_reuse` of
   * `inlineC`; `reverse` relinks a dead list, via omniL_reverse_owned).
   */
  readonly reusesAt?: number;
}

/** Other global names for a primitive; they print and report errors under the primitive's name. */
export const aliases: Readonly<Record<string, string>> = {
  '%': 'remainder',
  float: 'exact->inexact',
  int: 'inexact->exact',
};

const CNAME_WORDS: Record<string, string> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '=': 'num_eq',
  '<': 'lt',
  '>': 'gt',
  '<=': 'le',
  '>=': 'ge',
};

/** Maps a Lisp name to a C identifier fragment: `string->list` -> `string_to_list`, `null?` -> `null_p`. */
export function mangle(name: string): string {
  if (CNAME_WORDS[name]) return CNAME_WORDS[name];
  return name
    .replace(/^%/, 'x_')
    .replace(/->/g, '_to_')
    .replace(/\?$/, '_p')
    .replace(/!$/, '_x')
    .replace(/[^A-Za-z0-9_]/g, (c) => (c === '-' ? '_' : `_${c.charCodeAt(0).toString(16)}_`));
}

type Flag = 'ho' | 'block' | 'internal' | `inline:${string}` | `fixnum:${string}` | `reuse:${number}`;

function prim(name: string, min: number, max: number | null, args: ArgType[], ...flags: Flag[]): Primitive {
  const named = (kind: string) => flags.find((f) => f.startsWith(kind + ':'))?.slice(kind.length + 1);
  const inlineC = named('inline');
  const fixnumC = named('fixnum');
  const reusesAt = named('reuse');
  return {
    name,
    min,
    max,
    args,
    cname: 'omniP_' + mangle(name),
    higherOrder: flags.includes('ho'),
    blocking: flags.includes('block'),
    internal: flags.includes('internal'),
    ...(inlineC ? { inlineC } : {}),
    ...(fixnumC ? { fixnumC } : {}),
    ...(reusesAt ? { reusesAt: Number(reusesAt) } : {}),
  };
}

const V = null; // variadic

export const primitives: readonly Primitive[] = [
  // numbers
  prim('+', 0, V, ['number'], 'inline:omni_add', 'fixnum:omni_add_fix', 'reuse:2'),
  prim('-', 1, V, ['number'], 'inline:omni_sub', 'fixnum:omni_sub_fix', 'reuse:2'),
  prim('*', 0, V, ['number'], 'inline:omni_mul', 'fixnum:omni_mul_fix', 'reuse:2'),
  prim('/', 1, V, ['number'], 'inline:omni_div', 'reuse:2'),
  prim('quotient', 2, 2, ['int', 'int'], 'inline:omni_quotient'),
  prim('remainder', 2, 2, ['int', 'int'], 'inline:omni_remainder'),
  prim('modulo', 2, 2, ['int', 'int']),
  prim('=', 1, V, ['number'], 'inline:omni_numeq', 'fixnum:omni_numeq_fix'),
  prim('<', 1, V, ['number'], 'inline:omni_lt', 'fixnum:omni_lt_fix'),
  prim('>', 1, V, ['number'], 'inline:omni_gt', 'fixnum:omni_gt_fix'),
  prim('<=', 1, V, ['number'], 'inline:omni_le', 'fixnum:omni_le_fix'),
  prim('>=', 1, V, ['number'], 'inline:omni_ge', 'fixnum:omni_ge_fix'),
  prim('abs', 1, 1, ['number']),
  prim('min', 1, V, ['number']),
  prim('max', 1, V, ['number']),
  prim('floor', 1, 1, ['number']),
  prim('ceiling', 1, 1, ['number']),
  prim('round', 1, 1, ['number']),
  prim('truncate', 1, 1, ['number']),
  prim('sqrt', 1, 1, ['number']),
  prim('exp', 1, 1, ['number']),
  prim('log', 1, 1, ['number']),
  prim('sin', 1, 1, ['number']),
  prim('cos', 1, 1, ['number']),
  prim('tan', 1, 1, ['number']),
  prim('atan', 1, 2, ['number', 'number']),
  prim('expt', 2, 2, ['number', 'number']),
  prim('exact->inexact', 1, 1, ['number']),
  prim('inexact->exact', 1, 1, ['number']),
  prim('number->string', 1, 2, ['number', 'int']),
  prim('string->number', 1, 1, ['string']),
  prim('zero?', 1, 1, ['number']),
  prim('positive?', 1, 1, ['number']),
  prim('negative?', 1, 1, ['number']),
  prim('even?', 1, 1, ['int']),
  prim('odd?', 1, 1, ['int']),
  prim('number?', 1, 1, ['any']),
  prim('int?', 1, 1, ['any']),
  prim('float?', 1, 1, ['any']),
  prim('random', 1, 1, ['int']),
  prim('random-seed!', 1, 1, ['int']),
  // equality
  prim('eq?', 2, 2, ['any', 'any']),
  prim('eqv?', 2, 2, ['any', 'any']),
  prim('equal?', 2, 2, ['any', 'any']),
  prim('not', 1, 1, ['any']),
  // lists
  prim('cons', 2, 2, ['any', 'any']),
  prim('car', 1, 1, ['pair']),
  prim('cdr', 1, 1, ['pair']),
  prim('caar', 1, 1, ['pair']),
  prim('cadr', 1, 1, ['pair']),
  prim('cdar', 1, 1, ['pair']),
  prim('cddr', 1, 1, ['pair']),
  prim('caddr', 1, 1, ['pair']),
  prim('first', 1, 1, ['list']),
  prim('second', 1, 1, ['list']),
  prim('third', 1, 1, ['list']),
  prim('rest', 1, 1, ['list']),
  prim('list', 0, V, ['any']),
  prim('list?', 1, 1, ['any']),
  prim('pair?', 1, 1, ['any']),
  prim('null?', 1, 1, ['any']),
  prim('nil?', 1, 1, ['any']),
  prim('length', 1, 1, ['list']),
  prim('append', 0, V, ['list']),
  prim('reverse', 1, 1, ['list'], 'reuse:1'),
  prim('list-ref', 2, 2, ['list', 'int']),
  prim('list-tail', 2, 2, ['list', 'int']),
  prim('last', 1, 1, ['pair']),
  prim('member', 2, 2, ['any', 'list']),
  prim('memq', 2, 2, ['any', 'list']),
  prim('assoc', 2, 2, ['any', 'list']),
  prim('assq', 2, 2, ['any', 'list']),
  prim('map', 2, V, ['procedure', 'list'], 'ho'),
  prim('for-each', 2, V, ['procedure', 'list'], 'ho'),
  prim('filter', 2, 2, ['procedure', 'list'], 'ho'),
  prim('remove', 2, 2, ['procedure', 'list'], 'ho'),
  prim('reduce', 2, 2, ['procedure', 'list'], 'ho'),
  prim('fold', 3, 3, ['procedure', 'any', 'list'], 'ho'),
  prim('foldr', 3, 3, ['procedure', 'any', 'list'], 'ho'),
  prim('range', 1, 3, ['int', 'int', 'int']),
  prim('take', 2, 2, ['int', 'list']),
  prim('drop', 2, 2, ['int', 'list']),
  prim('zip', 1, V, ['list']),
  prim('apply', 2, V, ['procedure', 'any'], 'ho'),
  prim('sort', 2, 2, ['list', 'procedure'], 'ho'),
  // characters and strings
  prim('char?', 1, 1, ['any']),
  prim('string?', 1, 1, ['any']),
  prim('symbol?', 1, 1, ['any']),
  prim('keyword?', 1, 1, ['any']),
  prim('procedure?', 1, 1, ['any']),
  prim('vector?', 1, 1, ['any']),
  prim('dict?', 1, 1, ['any']),
  prim('atom?', 1, 1, ['any']),
  prim('error?', 1, 1, ['any']),
  prim('char->integer', 1, 1, ['char']),
  prim('integer->char', 1, 1, ['int']),
  prim('char-upcase', 1, 1, ['char']),
  prim('char-downcase', 1, 1, ['char']),
  prim('char-alphabetic?', 1, 1, ['char']),
  prim('char-numeric?', 1, 1, ['char']),
  prim('char-whitespace?', 1, 1, ['char']),
  prim('string-length', 1, 1, ['string']),
  prim('string-ref', 2, 2, ['string', 'int']),
  prim('substring', 2, 3, ['string', 'int', 'int']),
  prim('string-append', 0, V, ['string']),
  prim('string=?', 1, V, ['string']),
  prim('string<?', 1, V, ['string']),
  prim('string->list', 1, 1, ['string']),
  prim('list->string', 1, 1, ['list']),
  prim('string->symbol', 1, 1, ['string']),
  prim('symbol->string', 1, 1, ['symbol']),
  prim('keyword->string', 1, 1, ['keyword']),
  prim('string-upcase', 1, 1, ['string']),
  prim('string-downcase', 1, 1, ['string']),
  prim('string-split', 2, 2, ['string', 'string']),
  prim('string-join', 1, 2, ['list', 'string']),
  prim('string-index', 2, 2, ['string', 'string']),
  prim('string-contains?', 2, 2, ['string', 'string']),
  prim('string-repeat', 2, 2, ['string', 'int']),
  prim('str', 0, V, ['any']),
  prim('type-of', 1, 1, ['any']),
  // vectors
  prim('vector', 0, V, ['any']),
  prim('make-vector', 1, 2, ['int', 'any']),
  prim('vector-ref', 2, 2, ['vector', 'int'], 'inline:omni_vector_ref'),
  prim('vector-set!', 3, 3, ['vector', 'int', 'any'], 'inline:omni_vector_set'),
  prim('vector-length', 1, 1, ['vector'], 'inline:omni_vector_length'),
  prim('vector->list', 1, 1, ['vector']),
  prim('list->vector', 1, 1, ['list']),
  prim('vector-fill!', 2, 2, ['vector', 'any']),
  prim('vector-map', 2, V, ['procedure', 'vector'], 'ho'),
  prim('vector-copy', 1, 3, ['vector', 'int', 'int']),
  // dicts
  prim('dict', 0, V, ['any']),
  prim('dict-ref', 2, 3, ['dict', 'any', 'any']),
  prim('dict-set!', 3, 3, ['dict', 'any', 'any']),
  prim('dict-remove!', 2, 2, ['dict', 'any']),
  prim('dict-has?', 2, 2, ['dict', 'any']),
  prim('dict-keys', 1, 1, ['dict']),
  prim('dict-values', 1, 1, ['dict']),
  prim('dict-count', 1, 1, ['dict']),
  prim('dict->list', 1, 1, ['dict']),
  // atoms
  prim('atom', 1, 1, ['any']),
  prim('deref', 1, 1, ['atom']),
  prim('reset!', 2, 2, ['atom', 'any']),
  prim('swap!', 2, V, ['atom', 'procedure', 'any'], 'ho'),
  prim('compare-and-set!', 3, 3, ['atom', 'any', 'any']),
  // errors
  prim('error', 1, V, ['any']),
  prim('error-message', 1, 1, ['error']),
  prim('error-irritants', 1, 1, ['error']),
  prim('error-backtrace', 1, 1, ['error']),
  prim('raise-error', 1, 1, ['error']),
  // concurrency
  prim('spawn', 1, 1, ['procedure'], 'ho'),
  prim('join', 1, 1, ['thread'], 'block'),
  prim('channel', 0, 1, ['int']),
  prim('send!', 2, 2, ['channel', 'any'], 'block'),
  prim('recv!', 1, 1, ['channel'], 'block'),
  prim('close!', 1, 1, ['channel']),
  // input and output
  prim('display', 1, 1, ['any']),
  prim('write', 1, 1, ['any']),
  prim('newline', 0, 0, []),
  prim('print', 0, V, ['any']),
  prim('read-line', 0, 0, []),
  // other
  prim('gensym', 0, 1, ['any']),
  prim('exit', 0, 1, ['int']),
  prim('command-line', 0, 0, []),
  prim('getenv', 1, 1, ['string']),
  prim('current-time-ms', 0, 0, []),
  prim('identity', 1, 1, ['any']),
  prim('compose', 0, V, ['procedure'], 'ho'),
  // internal: targets of lowered forms
  prim('%match-fail', 1, 1, ['any'], 'internal'),
  prim('%assert-fail', 1, 1, ['any'], 'internal'),
];

export const primitiveByName: ReadonlyMap<string, Primitive> = new Map(primitives.map((p) => [p.name, p]));

/** The primitive a global name denotes by default (following aliases), if any. */
export function lookupPrimitive(name: string): Primitive | undefined {
  const p = primitiveByName.get(aliases[name] ?? name);
  return p && !p.internal ? p : undefined;
}

/**
 * How a call of primitive `p` under the global `name` looks, from the table: `(substring string
 * int [int])`, `(+ number...)`. What the REPL's `,doc` shows.
 */
export function primitiveSignature(name: string, p: Primitive): string {
  const type = (i: number) => p.args[Math.min(i, p.args.length - 1)] ?? 'any';
  const parts: string[] = [];
  for (let i = 0; i < p.min; i++) parts.push(type(i));
  if (p.max === null) parts.push(`${type(p.min)}...`);
  else for (let i = p.min; i < p.max; i++) parts.push(`[${type(i)}]`);
  return `(${[name, ...parts].join(' ')})`;
}

/** Every global name bound to a primitive before the program runs. */
export function primitiveGlobalNames(): string[] {
  return [...primitives.filter((p) => !p.internal).map((p) => p.name), ...Object.keys(aliases)];
}

/** Names of §9 features: referencing one that the program does not define is a compile-time error. */
export const unsupportedNames: ReadonlySet<string> = new Set([
  'eval',
  'call/cc',
  'call-with-current-continuation',
  'lift',
  'run',
  'EM',
  'c-lambda',
  'foreign-procedure',
]);

/** `expected 2 arguments`, `expected 1 to 3 arguments`, `expected at least 1 argument`. */
export function arityText(min: number, max: number | null): string {
  const plural = (n: number) => (n === 1 ? 'argument' : 'arguments');
  if (max === null) return `expected at least ${min} ${plural(min)}`;
  if (min === max) return `expected ${min} ${plural(min)}`;
  return `expected ${min} to ${max} arguments`;
}
