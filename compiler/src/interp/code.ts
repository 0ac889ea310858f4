// Interpreter code: the resolved core AST turned into small objects the machine dispatches on
// by number, with globals linked to their cells and "simple" sub-expressions (those that can
// never call a user procedure) marked so the machine evaluates them without stack frames.
import type { Lambda, Node, TopLevel } from '../ast.js';
import { type Primitive, primitiveByName } from '../primitives.js';
import type { Loc, Value } from '../values.js';

export const enum Op {
  Const,
  Local,
  LocalChecked,
  Global,
  SetLocal,
  SetGlobal,
  Define,
  If,
  Lambda,
  Seq,
  Call,
  Prim,
  Let,
  Letrec,
  Try,
}

/** A global variable's storage. `value` is UNBOUND until defined. */
export class Cell {
  constructor(
    readonly name: string,
    public value: Value | typeof UNBOUND,
  ) {}
}

export const UNBOUND: unique symbol = Symbol('unbound');
/** Marks a letrec variable that has not been initialised yet. */
export const UNINIT: unique symbol = Symbol('uninit');

export interface CodeBase {
  readonly op: Op;
  /** Evaluating it can never call a procedure, block or touch the stack. */
  readonly simple: boolean;
}

export interface ConstCode extends CodeBase { readonly op: Op.Const; readonly value: Value }
export interface LocalCode extends CodeBase { readonly op: Op.Local | Op.LocalChecked; readonly depth: number; readonly slot: number; readonly name: string; readonly loc: Loc }
export interface GlobalCode extends CodeBase { readonly op: Op.Global; readonly cell: Cell; readonly loc: Loc }
export interface SetLocalCode extends CodeBase { readonly op: Op.SetLocal; readonly depth: number; readonly slot: number; readonly value: Code }
export interface SetGlobalCode extends CodeBase { readonly op: Op.SetGlobal | Op.Define; readonly cell: Cell; readonly value: Code }
export interface IfCode extends CodeBase { readonly op: Op.If; readonly test: Code; readonly then: Code; readonly else: Code }
export interface LambdaCode extends CodeBase {
  readonly op: Op.Lambda;
  readonly nparams: number;
  readonly rest: boolean;
  readonly frameSize: number;
  readonly body: Code;
  readonly name: string | null;
  /** Prelude code: its frames are left out of backtraces (native code has no such frames). */
  readonly hidden: boolean;
}
export interface SeqCode extends CodeBase { readonly op: Op.Seq; readonly body: readonly Code[] }
export interface CallCode extends CodeBase {
  readonly op: Op.Call;
  readonly fn: Code;
  readonly args: readonly Code[];
  /** In tail position of its procedure: the callee replaces the caller's frame. */
  readonly tail: boolean;
  readonly loc: Loc;
}
export interface PrimCode extends CodeBase {
  readonly op: Op.Prim;
  readonly prim: Primitive;
  readonly args: readonly Code[];
  /** The JavaScript implementation of a first-order primitive. */
  readonly impl: ((args: Value[]) => Value) | undefined;
  /** The procedure value applied when there is no `impl` (machine-performed primitives). */
  readonly proc: Value;
  readonly loc: Loc;
}
export interface LetCode extends CodeBase { readonly op: Op.Let | Op.Letrec; readonly slots: readonly number[]; readonly inits: readonly Code[]; readonly body: Code }
export interface TryCode extends CodeBase { readonly op: Op.Try; readonly body: Code; readonly handler: Code; readonly loc: Loc }

export type Code =
  | ConstCode
  | LocalCode
  | GlobalCode
  | SetLocalCode
  | SetGlobalCode
  | IfCode
  | LambdaCode
  | SeqCode
  | CallCode
  | PrimCode
  | LetCode
  | TryCode;

export interface Linker {
  /** The cell of a global name (created unbound when new). */
  cell(name: string): Cell;
  /**
   * The primitive a call to global `name` can be compiled to directly, when the program never
   * rebinds that name; undefined otherwise.
   */
  fixedPrimitive(name: string): Primitive | undefined;
  /** The implementation of a first-order primitive; undefined for machine-performed ones. */
  impl(p: Primitive): ((args: Value[]) => Value) | undefined;
  /** The procedure value of a primitive. */
  proc(p: Primitive): Value;
  /**
   * A call to global `name` is a primitive's (prelude procedures included), as the native back
   * end lowers it: never a tail call.
   */
  callsPrimitive(name: string): boolean;
  /** Compiling the prelude: its procedures are hidden from backtraces. */
  readonly hidden?: boolean;
}

export function compileTopLevel(top: TopLevel, linker: Linker): { code: Code; frameSize: number } {
  // top-level calls are never tail calls: the `<top level>` frame always shows
  return { code: compile(top.node, linker, false), frameSize: top.frameSize };
}

function allSimple(codes: readonly Code[]): boolean {
  return codes.every((c) => c.simple);
}

/** Compiles `n`; `tail`: it is in tail position of its procedure. */
export function compile(n: Node, l: Linker, tail: boolean): Code {
  switch (n.k) {
    case 'const':
      return { op: Op.Const, simple: true, value: n.value };
    case 'ref':
      if (!n.var) return { op: Op.Global, simple: true, cell: l.cell(n.name.name), loc: n.loc };
      return { op: n.var.recursive ? Op.LocalChecked : Op.Local, simple: true, depth: n.depth!, slot: n.var.index + 1, name: n.var.name.name, loc: n.loc };
    case 'set': {
      const value = compile(n.value, l, false);
      if (!n.var) return { op: Op.SetGlobal, simple: false, cell: l.cell(n.name.name), value };
      return { op: Op.SetLocal, simple: false, depth: n.depth!, slot: n.var.index + 1, value };
    }
    case 'define':
      return { op: Op.Define, simple: false, cell: l.cell(n.name.name), value: compile(n.value, l, false) };
    case 'if': {
      const [test, then, els] = [compile(n.test, l, false), compile(n.then, l, tail), compile(n.else, l, tail)];
      return { op: Op.If, simple: test.simple && then.simple && els.simple, test, then, else: els };
    }
    case 'lambda':
      return compileLambda(n, l);
    case 'seq':
      return { op: Op.Seq, simple: false, body: n.body.map((b, i) => compile(b, l, tail && i === n.body.length - 1)) };
    case 'call': {
      const args = n.args.map((a) => compile(a, l, false));
      const fixed = n.fn.k === 'ref' && !n.fn.var ? l.fixedPrimitive(n.fn.name.name) : undefined;
      if (fixed && arityFits(fixed, args.length)) return primCode(fixed, args, l, n.loc);
      const primitive = n.fn.k === 'ref' && !n.fn.var && l.callsPrimitive(n.fn.name.name);
      return { op: Op.Call, simple: false, fn: compile(n.fn, l, false), args, tail: tail && !primitive, loc: n.loc };
    }
    case 'prim':
      return primCode(primitiveByName.get(n.name)!, n.args.map((a) => compile(a, l, false)), l, n.loc);
    case 'let':
    case 'letrec':
      return {
        op: n.k === 'let' ? Op.Let : Op.Letrec,
        simple: false,
        slots: n.vars!.map((v) => v.index + 1),
        inits: n.inits.map((i) => compile(i, l, false)),
        body: compile(n.body, l, tail),
      };
    case 'try':
      return { op: Op.Try, simple: false, body: compile(n.body, l, false), handler: compile(n.handler, l, false), loc: n.loc };
  }
}

function arityFits(p: Primitive, n: number): boolean {
  return n >= p.min && (p.max === null || n <= p.max);
}

function primCode(prim: Primitive, args: Code[], l: Linker, loc: Loc): PrimCode {
  const impl = l.impl(prim);
  return { op: Op.Prim, simple: impl !== undefined && allSimple(args), prim, args, impl, proc: l.proc(prim), loc };
}

function compileLambda(n: Lambda, l: Linker): LambdaCode {
  return {
    op: Op.Lambda,
    simple: true,
    nparams: n.params.length,
    rest: n.rest !== null,
    frameSize: n.frameSize!,
    body: compile(n.body, l, true),
    name: n.name,
    hidden: l.hidden === true,
  };
}
