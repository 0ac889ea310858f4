// Resolver: lexical addressing over the core AST. Each lambda gets one frame holding its
// parameters and every let/letrec local of its body; references get (depth, slot). It marks
// variables that are captured or assigned, and reports names that are defined nowhere.
import type { Lambda, Node, TopLevel, Var } from './ast.js';
import { CompileError, compilingAt } from './errors.js';
import { primitiveGlobalNames, unsupportedNames } from './primitives.js';
import type { Loc, Sym } from './values.js';

/** One lambda's frame while resolving its body. */
class FrameScope {
  size = 0;
  constructor(readonly parent: FrameScope | null) {}
  alloc(name: Sym, recursive: boolean): Var {
    return { name, index: this.size++, captured: false, assigned: false, recursive };
  }
}

/** A block of bindings (lambda parameters, a let, a letrec) inside a frame. */
interface Block {
  readonly vars: ReadonlyMap<Sym, Var>;
  readonly frame: FrameScope;
  readonly parent: Block | null;
}

export interface GlobalTable {
  /** Is a global of this name defined (by the program, an earlier input, or as a primitive)? */
  has(name: string): boolean;
}

export interface ResolveOptions {
  /** Known globals. A reference to any other name is a compile-time error, unless `lenient`. */
  globals: GlobalTable;
  /** Compile-time helper code: unknown globals are left to fail at run time. */
  lenient?: boolean;
}

/** Global names a program defines with top-level `define`. */
export function definedGlobals(nodes: readonly Node[]): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) if (n.k === 'define') out.add(n.name.name);
  return out;
}

/** Globals visible to a whole program: every primitive and every name it defines. */
export function programGlobals(nodes: readonly Node[]): GlobalTable {
  const names = new Set([...primitiveGlobalNames(), ...definedGlobals(nodes)]);
  return { has: (n) => names.has(n) };
}

export interface ResolvedProgram {
  readonly forms: TopLevel[];
  /** Globals the program defines or assigns: calls to them can never be inlined as primitives. */
  readonly rebound: ReadonlySet<string>;
}

export function resolveProgram(nodes: readonly Node[], opts: ResolveOptions): ResolvedProgram {
  const rebound = definedGlobals(nodes);
  const forms = nodes.map((n) => resolveTopLevel(n, opts, rebound));
  return { forms, rebound };
}

/** Resolves one top-level form; global names it assigns with `set!` are added to `rebound`. */
export function resolveTopLevel(node: Node, opts: ResolveOptions, rebound = new Set<string>()): TopLevel {
  const frame = new FrameScope(null);
  compilingAt(node.loc, () => new Resolver(opts, rebound).visit(node, { vars: new Map(), frame, parent: null }));
  return { node, frameSize: frame.size };
}

class Resolver {
  constructor(
    private readonly opts: ResolveOptions,
    private readonly rebound: Set<string>,
  ) {}

  private lookup(name: Sym, block: Block): { v: Var; depth: number } | null {
    let depth = 0;
    for (let b: Block | null = block; b; b = b.parent) {
      const v = b.vars.get(name);
      if (v) return { v, depth };
      if (b.parent && b.parent.frame !== b.frame) depth++;
    }
    return null;
  }

  private checkGlobal(name: Sym, loc: Loc): void {
    if (this.opts.lenient || this.opts.globals.has(name.name)) return;
    if (unsupportedNames.has(name.name)) throw new CompileError(loc, `${name.name} is not supported in OmniLisp v1`);
    throw new CompileError(loc, `unbound variable: ${name.name}`);
  }

  private bind(names: readonly Sym[], block: Block, recursive: boolean): Block {
    const vars = new Map<Sym, Var>();
    for (const n of names) vars.set(n, block.frame.alloc(n, recursive));
    return { vars, frame: block.frame, parent: block };
  }

  visit(n: Node, block: Block): void {
    switch (n.k) {
      case 'const':
        return;
      case 'ref':
      case 'set': {
        if (n.k === 'set') this.visit(n.value, block);
        const found = this.lookup(n.name, block);
        if (!found) {
          if (n.k === 'set') this.rebound.add(n.name.name);
          return this.checkGlobal(n.name, n.loc);
        }
        n.var = found.v;
        n.depth = found.depth;
        if (found.depth > 0) found.v.captured = true;
        if (n.k === 'set') found.v.assigned = true;
        return;
      }
      case 'define':
        return this.visit(n.value, block);
      case 'if':
        this.visit(n.test, block);
        this.visit(n.then, block);
        return this.visit(n.else, block);
      case 'lambda':
        return this.visitLambda(n, block);
      case 'seq':
        for (const e of n.body) this.visit(e, block);
        return;
      case 'call':
        this.visit(n.fn, block);
        for (const a of n.args) this.visit(a, block);
        return;
      case 'prim':
        for (const a of n.args) this.visit(a, block);
        return;
      case 'let': {
        for (const i of n.inits) this.visit(i, block);
        const inner = this.bind(n.names, block, false);
        n.vars = [...inner.vars.values()];
        return this.visit(n.body, inner);
      }
      case 'letrec': {
        const inner = this.bind(n.names, block, true);
        n.vars = [...inner.vars.values()];
        for (const i of n.inits) this.visit(i, inner);
        return this.visit(n.body, inner);
      }
      case 'try':
        this.visit(n.body, block);
        return this.visit(n.handler, block);
    }
  }

  private visitLambda(n: Lambda, block: Block): void {
    const frame = new FrameScope(block.frame);
    const params = n.rest ? [...n.params, n.rest] : n.params;
    const inner = this.bind(params, { vars: new Map(), frame, parent: block }, false);
    n.vars = [...inner.vars.values()];
    this.visit(n.body, inner);
    n.frameSize = frame.size;
  }
}
