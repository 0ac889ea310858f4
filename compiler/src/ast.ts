// The core AST: the small language every derived form is lowered to by the expander.
// The resolver fills in the `Resolved` annotations; later passes (interpreter, native
// back end) read both.
import type { Loc, Sym, Value } from './values.js';

/** A local variable introduced by a lambda parameter, `let` or `letrec`. */
export interface Var {
  readonly name: Sym;
  /** Frame slot within its lambda's frame (filled by the resolver). */
  index: number;
  /** Referenced from a lambda nested inside the one that binds it. */
  captured: boolean;
  /** Target of a `set!`. */
  assigned: boolean;
  /** Bound by `letrec`: may be read before its initialisation. */
  recursive: boolean;
}

export type Node =
  | Const
  | Ref
  | SetVar
  | Define
  | If
  | Lambda
  | Seq
  | Call
  | PrimApp
  | Let
  | Letrec
  | Try;

interface Base {
  readonly loc: Loc;
}

export interface Const extends Base {
  readonly k: 'const';
  readonly value: Value;
}

export interface Ref extends Base {
  readonly k: 'ref';
  readonly name: Sym;
  /** Resolved: the local it names (undefined for a global). */
  var?: Var;
  /** Resolved: lambda boundaries between the reference and the binder. */
  depth?: number;
}

export interface SetVar extends Base {
  readonly k: 'set';
  readonly name: Sym;
  readonly value: Node;
  var?: Var;
  depth?: number;
}

/** A top-level definition of a global. */
export interface Define extends Base {
  readonly k: 'define';
  readonly name: Sym;
  readonly value: Node;
}

export interface If extends Base {
  readonly k: 'if';
  readonly test: Node;
  readonly then: Node;
  readonly else: Node;
}

export interface Lambda extends Base {
  readonly k: 'lambda';
  readonly params: readonly Sym[];
  readonly rest: Sym | null;
  readonly body: Node;
  /** Name used when printing and in arity errors; null prints `#<procedure>`. */
  readonly name: string | null;
  /** Resolved: the parameters' variables (rest last). */
  vars?: Var[];
  /** Resolved: slots in this lambda's frame (parameters plus every let/letrec local). */
  frameSize?: number;
}

export interface Seq extends Base {
  readonly k: 'seq';
  readonly body: readonly Node[];
}

export interface Call extends Base {
  readonly k: 'call';
  readonly fn: Node;
  readonly args: readonly Node[];
}

/** A call to a primitive by its table name that no redefinition can change (used by lowered forms). */
export interface PrimApp extends Base {
  readonly k: 'prim';
  readonly name: string;
  readonly args: readonly Node[];
}

/** The shape shared by `let` and `letrec`. */
interface Bindings extends Base {
  readonly names: readonly Sym[];
  readonly inits: readonly Node[];
  readonly body: Node;
  /** Resolved: the variables, in the order of `names`. */
  vars?: Var[];
}

/** `let`: inits run left to right outside the scope of the names. */
export interface Let extends Bindings {
  readonly k: 'let';
}

/** `letrec*`: inits run left to right with every name in scope. */
export interface Letrec extends Bindings {
  readonly k: 'letrec';
}

/** `(try body handler)`: the handler expression is evaluated only when body raises. */
export interface Try extends Base {
  readonly k: 'try';
  readonly body: Node;
  readonly handler: Node;
}

/** A top-level form after resolution, with the frame its non-lambda locals live in. */
export interface TopLevel {
  readonly node: Node;
  readonly frameSize: number;
}

export const mk = {
  const: (value: Value, loc: Loc): Const => ({ k: 'const', value, loc }),
  ref: (name: Sym, loc: Loc): Ref => ({ k: 'ref', name, loc }),
  set: (name: Sym, value: Node, loc: Loc): SetVar => ({ k: 'set', name, value, loc }),
  define: (name: Sym, value: Node, loc: Loc): Define => ({ k: 'define', name, value, loc }),
  if: (test: Node, then: Node, els: Node, loc: Loc): If => ({ k: 'if', test, then, else: els, loc }),
  lambda: (params: Sym[], rest: Sym | null, body: Node, name: string | null, loc: Loc): Lambda => ({
    k: 'lambda',
    params,
    rest,
    body,
    name,
    loc,
  }),
  seq: (body: Node[], loc: Loc): Node =>
    body.length === 0 ? mk.const(null, loc) : body.length === 1 ? body[0] : { k: 'seq', body, loc },
  call: (fn: Node, args: Node[], loc: Loc): Call => ({ k: 'call', fn, args, loc }),
  prim: (name: string, args: Node[], loc: Loc): PrimApp => ({ k: 'prim', name, args, loc }),
  let: (names: Sym[], inits: Node[], body: Node, loc: Loc): Let => ({ k: 'let', names, inits, body, loc }),
  letrec: (names: Sym[], inits: Node[], body: Node, loc: Loc): Letrec => ({ k: 'letrec', names, inits, body, loc }),
  try: (body: Node, handler: Node, loc: Loc): Try => ({ k: 'try', body, handler, loc }),
};
