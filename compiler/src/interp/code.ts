// Interpreter code: the resolved core AST turned into small objects the machine dispatches on
// by number, with globals linked to their cells and "simple" sub-expressions (those that can
// never call a user procedure) marked so the machine evaluates them without stack frames.
import type { Lambda, Node, TopLevel } from '../ast.js';
import { type Primitive, primitiveByName } from '../primitives.js';
import type { Value } from '../values.js';

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
export interface LocalCode extends CodeBase { readonly op: Op.Local | Op.LocalChecked; readonly depth: number; readonly slot: number; readonly name: string }
export interface GlobalCode extends CodeBase { readonly op: Op.Global; readonly cell: Cell }
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
}
export interface SeqCode extends CodeBase { readonly op: Op.Seq; readonly body: readonly Code[] }
export interface CallCode extends CodeBase { readonly op: Op.Call; readonly fn: Code; readonly args: readonly Code[] }
export interface PrimCode extends CodeBase {
  readonly op: Op.Prim;
  readonly prim: Primitive;
  readonly args: readonly Code[];
  /** The JavaScript implementation of a first-order primitive. */
  readonly impl: ((args: Value[]) => Value) | undefined;
  /** The procedure value applied when there is no `impl` (machine-performed primitives). */
  readonly proc: Value;
}
export interface LetCode extends CodeBase { readonly op: Op.Let | Op.Letrec; readonly slots: readonly number[]; readonly inits: readonly Code[]; readonly body: Code }
export interface TryCode extends CodeBase { readonly op: Op.Try; readonly body: Code; readonly handler: Code }

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
}

export function compileTopLevel(top: TopLevel, linker: Linker): { code: Code; frameSize: number } {
  return { code: compile(top.node, linker), frameSize: top.frameSize };
}

function allSimple(codes: readonly Code[]): boolean {
  return codes.every((c) => c.simple);
}

export function compile(n: Node, l: Linker): Code {
  switch (n.k) {
    case 'const':
      return { op: Op.Const, simple: true, value: n.value };
    case 'ref':
      if (!n.var) return { op: Op.Global, simple: true, cell: l.cell(n.name.name) };
      return { op: n.var.recursive ? Op.LocalChecked : Op.Local, simple: true, depth: n.depth!, slot: n.var.index + 1, name: n.var.name.name };
    case 'set': {
      const value = compile(n.value, l);
      if (!n.var) return { op: Op.SetGlobal, simple: false, cell: l.cell(n.name.name), value };
      return { op: Op.SetLocal, simple: false, depth: n.depth!, slot: n.var.index + 1, value };
    }
    case 'define':
      return { op: Op.Define, simple: false, cell: l.cell(n.name.name), value: compile(n.value, l) };
    case 'if': {
      const [test, then, els] = [compile(n.test, l), compile(n.then, l), compile(n.else, l)];
      return { op: Op.If, simple: test.simple && then.simple && els.simple, test, then, else: els };
    }
    case 'lambda':
      return compileLambda(n, l);
    case 'seq':
      return { op: Op.Seq, simple: false, body: n.body.map((b) => compile(b, l)) };
    case 'call': {
      const args = n.args.map((a) => compile(a, l));
      const fixed = n.fn.k === 'ref' && !n.fn.var ? l.fixedPrimitive(n.fn.name.name) : undefined;
      if (fixed && arityFits(fixed, args.length)) return primCode(fixed, args, l);
      return { op: Op.Call, simple: false, fn: compile(n.fn, l), args };
    }
    case 'prim':
      return primCode(primitiveByName.get(n.name)!, n.args.map((a) => compile(a, l)), l);
    case 'let':
    case 'letrec':
      return {
        op: n.k === 'let' ? Op.Let : Op.Letrec,
        simple: false,
        slots: n.vars!.map((v) => v.index + 1),
        inits: n.inits.map((i) => compile(i, l)),
        body: compile(n.body, l),
      };
    case 'try':
      return { op: Op.Try, simple: false, body: compile(n.body, l), handler: compile(n.handler, l) };
  }
}

function arityFits(p: Primitive, n: number): boolean {
  return n >= p.min && (p.max === null || n <= p.max);
}

function primCode(prim: Primitive, args: Code[], l: Linker): PrimCode {
  const impl = l.impl(prim);
  return { op: Op.Prim, simple: impl !== undefined && allSimple(args), prim, args, impl, proc: l.proc(prim) };
}

function compileLambda(n: Lambda, l: Linker): LambdaCode {
  return {
    op: Op.Lambda,
    simple: true,
    nparams: n.params.length,
    rest: n.rest !== null,
    frameSize: n.frameSize!,
    body: compile(n.body, l),
    name: n.name,
  };
}
