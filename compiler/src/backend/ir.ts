// The back end's intermediate representation: closure-converted A-normal form. Every
// intermediate value is a named C local (`LVar`), control is explicit (`if`, `block`, `try`,
// `jump` for self tail calls), and every access to a captured, boxed or global variable is an
// explicit operation. `lower` produces it; `rc` annotates ownership; `emit-c` prints it.
import type { Primitive } from '../primitives.js';
import type { Loc, Value } from '../values.js';

/** A C local variable of one function. */
export interface LVar {
  readonly id: number;
  /** Source name (for readable C), or a temporary's role. */
  readonly name: string;
  /** Holds a borrowed reference (captured values read from the closure): never dropped. */
  borrowed: boolean;
  /**
   * Borrowed from this variable's value (`car`/`cdr` of an immutable pair): every use of this
   * variable keeps the source alive.
   */
  source?: LVar;
}

/** An operand: a local, or a constant that needs no reference counting. */
export type Atom =
  | { readonly k: 'var'; readonly v: LVar }
  /** An immediate or immortal value, as a C expression. */
  | { readonly k: 'const'; readonly c: string };

/**
 * How an operand is passed: moved (its last use), duplicated, or lent to a callee whose parameter
 * is borrowed (the caller keeps ownership). Filled by rc.
 */
export type Use = 'move' | 'dup' | 'borrow';

export type Rhs =
  | { readonly k: 'atom'; readonly a: Atom; use?: Use }
  /** `reuse`: index of a dead operand the operation consumes (and may reuse the memory of). */
  | { readonly k: 'prim'; readonly p: Primitive; readonly args: Atom[]; uses?: Use[]; reuse?: number }
  | { readonly k: 'call'; readonly fn: Atom; readonly args: Atom[]; uses?: Use[] }
  /** A call of a known function; `closure` (borrowed) is its closure, absent for globals and the group's own members. */
  | { readonly k: 'direct'; readonly fn: FnDef; readonly args: Atom[]; readonly closure?: Atom; uses?: Use[] }
  | { readonly k: 'closure'; readonly fn: FnDef; readonly captures: Atom[]; uses?: Use[] }
  /** A sibling in a letrec group as a value: a new closure over the current shared record. */
  | { readonly k: 'sibling'; readonly fn: FnDef }
  /** The running closure itself (dup'd). */
  | { readonly k: 'self' }
  /** A captured value, borrowed from the running closure (or its shared record). */
  | { readonly k: 'env'; readonly index: number; readonly viaRecord: boolean }
  | { readonly k: 'global'; readonly g: Global; readonly checked: boolean }
  | { readonly k: 'setglobal'; readonly g: Global; readonly a: Atom; use?: Use }
  | { readonly k: 'box'; readonly a: Atom; use?: Use }
  /** Read a box; `uninitName` makes reading OMNI_UNINIT raise `variable used before its definition`. */
  | { readonly k: 'unbox'; readonly box: Atom; readonly uninitName: string | null }
  | { readonly k: 'setbox'; readonly box: Atom; readonly a: Atom; use?: Use }
  /** The shared record of a letrec group: captures consumed. */
  | { readonly k: 'record'; readonly captures: Atom[]; uses?: Use[] }
  /** A closure of a group member over a record. */
  | { readonly k: 'member'; readonly fn: FnDef; readonly record: LVar }
  | { readonly k: 'block'; readonly body: Expr }
  | { readonly k: 'try'; readonly body: Expr; readonly err: LVar; readonly handler: Expr; drops?: LVar[] };

/** Where control goes when an operation raises, and what must be dropped first. Filled by rc. */
export interface OnFail {
  readonly drops: LVar[];
  /** The try whose handler catches the error; null: the function returns OMNI_RAISED. */
  readonly target: (Rhs & { k: 'try' }) | null;
}

export type Expr =
  | { readonly k: 'let'; readonly v: LVar; readonly rhs: Rhs; readonly body: Expr; readonly loc: Loc; fail?: OnFail; after?: LVar[] }
  | { readonly k: 'if'; readonly test: Atom; readonly then: Expr; readonly else: Expr; thenDrops?: LVar[]; elseDrops?: LVar[] }
  | { readonly k: 'ret'; readonly a: Atom; use?: Use; drops?: LVar[] }
  /** A call in tail position of the function. */
  | { readonly k: 'tail'; readonly call: Rhs & { k: 'call' | 'direct' }; readonly loc: Loc; drops?: LVar[]; after?: LVar[]; fail?: OnFail }
  /** A self tail call: rebind the parameters and loop. */
  | { readonly k: 'jump'; readonly args: Atom[]; readonly loc: Loc; uses?: Use[]; drops?: LVar[] };

/** A global variable of the program. */
export interface Global {
  readonly name: string;
  /** The known procedure when the global is a never-reassigned top-level procedure definition. */
  known: FnDef | null;
}

/** One C function: a lambda after closure conversion. */
export interface FnDef {
  readonly id: number;
  /** Readable part of the C name. */
  readonly base: string;
  /** The printed name (`#<procedure NAME>`, arity errors). */
  readonly name: string | null;
  readonly params: LVar[];
  readonly rest: LVar | null;
  /** Captured values live in a shared record (env[0]) instead of the closure itself. */
  viaRecord: boolean;
  /** A global procedure: no environment; its closure object is static and immortal. */
  readonly global: Global | null;
  /** The body contains a self tail call (`jump`). */
  loops: boolean;
  /**
   * Lambda-lifted: a local procedure that never escapes gets no closure; its free variables are
   * its last `lifted` parameters, passed by every (direct) call.
   */
  lifted: number;
  /** Parameters never used: dropped on entry. Filled by rc. */
  entryDrops?: LVar[];
  body: Expr;
  readonly loc: Loc;
}

/** A literal datum, built once at start-up and made immortal. */
export interface Literal {
  readonly value: Value;
}

export interface Program {
  readonly functions: FnDef[];
  readonly globals: Global[];
  readonly literals: Literal[];
  /** The top-level forms, run in order; the last value is dropped. */
  readonly main: FnDef;
  readonly file: string;
}

/** Operations that never raise (no failure check is emitted after them). */
export function cannotRaise(r: Rhs): boolean {
  switch (r.k) {
    case 'atom':
    case 'closure':
    case 'sibling':
    case 'self':
    case 'env':
    case 'box':
    case 'setbox':
    case 'record':
    case 'member':
    case 'setglobal':
      return true;
    case 'global':
      return !r.checked;
    case 'unbox':
      return r.uninitName === null;
    case 'prim':
      return NEVER_RAISING_PRIMS.has(r.p.name);
    default:
      return false;
  }
}

const NEVER_RAISING_PRIMS = new Set([
  'cons', 'list', 'null?', 'nil?', 'pair?', 'list?', 'not', 'eq?', 'eqv?', 'equal?', 'number?', 'int?', 'float?',
  'char?', 'string?', 'symbol?', 'keyword?', 'procedure?', 'vector?', 'dict?', 'atom?', 'error?', 'vector',
  'identity', 'type-of', 'atom',
]);

/** Does this call of p consume (rather than borrow) its operands? */
export function primConsumes(p: Primitive, argc: number): boolean {
  return p.name === 'cons' || (p.name === 'list' && argc <= LIST_AS_CONSES);
}

/** `(list a ...)` of at most this many arguments is emitted as nested conses, which consume them. */
export const LIST_AS_CONSES = 8;
