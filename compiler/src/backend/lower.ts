// Lowering: resolved core AST -> closure-converted ANF (ir.ts).
// - Every lambda becomes a FnDef; free variables are captured by value into a flat closure,
//   except variables that are assigned (they live in boxes, and the box is captured).
// - A letrec whose inits are all lambdas is a group: a single member refers to itself through
//   `self`; several members share one record of their free variables (env[0]) and call each other
//   directly, so recursive closures never form reference cycles.
// - Top-level procedure definitions that are never reassigned are known global functions, called
//   directly. Calls to primitives that are never redefined become primitive operations.
// - A self call in tail position becomes a `jump` (a loop).
import type { Lambda, Letrec, Node, TopLevel, Var } from '../ast.js';
import { asCompilerError } from '../errors.js';
import { type Primitive, lookupPrimitive, primitiveByName } from '../primitives.js';
import { Char, Flo, type Loc, Sym, type Value, isInt } from '../values.js';
import type { Atom, Expr, FnDef, Global, LVar, Literal, Program, Rhs } from './ir.js';

/** How the current function reaches a source variable. */
type Access =
  | { k: 'local'; lv: LVar }
  | { k: 'boxed'; lv: LVar; uninit: string | null }
  | { k: 'env'; index: number; boxed: boolean; uninit: string | null }
  | { k: 'self' }
  | { k: 'sibling'; fn: FnDef }
  /** A lambda-lifted procedure: callable only, with its free variables as extra arguments. */
  | { k: 'lifted'; fn: FnDef };

interface FnCtx {
  readonly fn: FnDef;
  readonly access: Map<Var, Access>;
  /** Variables in this function's env, in slot order (its captures). */
  readonly captured: Var[];
  readonly viaRecord: boolean;
  /** Inside a block or try body: tail positions assign a result instead of returning. */
  readonly inBlock: boolean;
}

/** Continuation of a non-tail expression: receives the atom holding its value. */
type K = (a: Atom) => Expr;

const NIL: Atom = { k: 'const', c: 'OMNI_NIL' };

/** Primitives whose result is a borrowed field of their (immutable) argument. */
export const BORROWING_PROJECTIONS: ReadonlySet<string> = new Set(['car', 'cdr']);

/** Primitives whose variadic form is exactly a left fold of the binary one. */
const FOLDED = new Set(['+', '-', '*']);

export interface LowerOptions {
  /**
   * Call never-reassigned top-level procedures directly (a whole program). A session unit turns
   * this off, except for a procedure's calls to itself: a later input may redefine any global.
   */
  knownGlobals: boolean;
}

/** A testing aid (README, configuration): lowering a reference to this name is an internal compiler error. */
const FAULT_NAME = process.env.OMNI_DEBUG_INTERNAL_ERROR;

export function lowerProgram(forms: readonly TopLevel[], rebound: ReadonlySet<string>, file: string, opts: LowerOptions = { knownGlobals: true }): Program {
  return new Lowerer(rebound, file, opts).program(forms);
}

class Lowerer {
  private nextId = 0;
  private readonly functions: FnDef[] = [];
  private readonly globals = new Map<string, Global>();
  private readonly literals: Literal[] = [];
  private readonly literalIndex = new Map<Value, number>();
  private readonly freeCache = new Map<Lambda, Var[]>();
  /** Known globals whose definition is certain to have run before any code can call them. */
  private readonly safeGlobals = new Set<string>();
  /** Lambda-lifted local procedures: their free variables (passed as extra arguments). */
  private readonly liftExtras = new Map<Var, Var[]>();
  /** Never-assigned local variables bound to a lambda: calls through them are direct. */
  private readonly knownLocals = new Map<Var, FnDef>();
  /** Variables of general letrecs: reading one before its initialisation raises. */
  private readonly uninitVars = new Set<Var>();
  /** The top-level forms' function: its calls are never tail calls, so its frame always shows. */
  private main: FnDef | null = null;

  constructor(
    private readonly rebound: ReadonlySet<string>,
    private readonly file: string,
    private readonly opts: LowerOptions,
  ) {}

  program(forms: readonly TopLevel[]): Program {
    this.findKnownGlobals(forms);
    this.findLiftable(forms);
    const main = (this.main = this.newFn('main', null, [], null, null, forms[0]?.node.loc ?? { file: this.file, line: 1, col: 1 }));
    const ctx: FnCtx = { fn: main, access: new Map(), captured: [], viaRecord: false, inBlock: false };
    main.body = this.sequence(forms.map((f) => f.node), ctx, forms[0]?.node.loc ?? main.loc);
    return { functions: this.functions, globals: [...this.globals.values()], literals: this.literals, main, file: this.file };
  }

  // ------------------------------------------------------------------ globals

  private global(name: string): Global {
    let g = this.globals.get(name);
    if (!g) this.globals.set(name, (g = { name, known: null }));
    return g;
  }

  /** Procedure definitions that are the only assignment of their name become known functions. */
  private findKnownGlobals(forms: readonly TopLevel[]): void {
    const defines = new Map<string, number>();
    for (const f of forms) if (f.node.k === 'define') defines.set(f.node.name.name, (defines.get(f.node.name.name) ?? 0) + 1);
    const assigned = new Set<string>();
    const findSets = (n: Node): void => {
      visitNodes(n, (m) => {
        if (m.k === 'set' && !m.var) assigned.add(m.name.name);
      });
    };
    for (const f of forms) findSets(f.node);
    let expressionSeen = false;
    for (const f of forms) {
      const n = f.node;
      if (n.k === 'define' && n.value.k === 'lambda' && defines.get(n.name.name) === 1 && !assigned.has(n.name.name)) {
        const g = this.global(n.name.name);
        const lam = n.value;
        g.known = this.lambdaFn(lam, n.name.name, lam.name ?? n.name.name, g);
        if (!expressionSeen) this.safeGlobals.add(n.name.name);
      } else if (!(n.k === 'define' && n.value.k === 'lambda') && this.mayRunProgramCode(n)) {
        expressionSeen = true;
      }
    }
  }

  /**
   * Could running top-level form `n` call a procedure of the program (so that a procedure defined
   * later might run before its definition)? No when it only computes with constants, locals and
   * first-order primitives: `(define pi (* 4 (atan 1)))`, `(define table '(...))`, `(define v (make-vector 8 0))`.
   * (Reading a variable or making a closure runs nothing; a try's handler may run.)
   */
  private mayRunProgramCode(n: Node): boolean {
    let may = false;
    visitNodes(n, (m) => {
      if (m.k === 'try' || (m.k === 'prim' && !firstOrder(primitiveByName.get(m.name)))) may = true;
      else if (m.k === 'call' && !(m.fn.k === 'ref' && !m.fn.var && !this.rebound.has(m.fn.name.name) && firstOrder(lookupPrimitive(m.fn.name.name)))) may = true;
    });
    return may;
  }

  /**
   * Local procedures that never escape — bound by let/letrec, never assigned, only ever called
   * with their exact arity — are lambda-lifted: no closure is built; their free variables
   * (including those of the lifted procedures they call) become extra parameters.
   */
  private findLiftable(forms: readonly TopLevel[]): void {
    const lambdaOf = new Map<Var, Lambda>();
    const disqualified = new Set<Var>();
    const groups: Var[][] = [];
    const visit = (n: Node): void => {
      if ((n.k === 'let' || n.k === 'letrec') && n.vars) {
        if (n.k === 'letrec') groups.push(n.vars);
        n.inits.forEach((init, i) => {
          const v = n.vars![i];
          if (init.k === 'lambda' && !init.rest && !v.assigned) lambdaOf.set(v, init);
        });
      }
      if (n.k === 'call' && n.fn.k === 'ref' && n.fn.var) {
        const lam = lambdaOf.get(n.fn.var);
        if (lam && lam.params.length !== n.args.length) disqualified.add(n.fn.var);
        n.args.forEach(visit);
        return;
      }
      if (n.k === 'ref' && n.var) disqualified.add(n.var);
      forEachChild(n, visit);
    };
    for (const f of forms) visit(f.node);
    // letrecForm lifts a group of procedures only as a whole: one member that escapes, or an init
    // that is not a procedure, keeps all of them unlifted (whether a member qualifies depends only
    // on its own uses: no cascade)
    for (const g of groups) if (g.some((v) => disqualified.has(v) || !lambdaOf.has(v))) g.forEach((v) => disqualified.add(v));
    const lifted = [...lambdaOf.keys()].filter((v) => !disqualified.has(v));
    const liftedSet = new Set(lifted);
    const raw = new Map(lifted.map((v) => [v, rawFreeVars(lambdaOf.get(v)!)]));
    const extras = new Map(lifted.map((v) => [v, [...raw.get(v)!].filter((x) => !liftedSet.has(x))]));
    for (let changed = true; changed; ) {
      changed = false;
      for (const v of lifted) {
        const mine = extras.get(v)!;
        for (const g of raw.get(v)!) {
          if (!liftedSet.has(g) || g === v) continue;
          for (const x of extras.get(g)!) {
            if (!mine.includes(x)) {
              mine.push(x);
              changed = true;
            }
          }
        }
      }
    }
    for (const v of lifted) this.liftExtras.set(v, extras.get(v)!);
  }

  // ------------------------------------------------------------------ helpers

  private lvar(name: string, borrowed = false): LVar {
    return { id: this.nextId++, name, borrowed };
  }

  private newFn(base: string, name: string | null, params: LVar[], rest: LVar | null, global: Global | null, loc: Loc): FnDef {
    const fn: FnDef = {
      id: this.functions.length,
      base,
      name,
      params,
      rest,
      viaRecord: false,
      global,
      loops: false,
      lifted: 0,
      body: { k: 'ret', a: NIL },
      loc,
    };
    this.functions.push(fn);
    return fn;
  }

  private bind(rhs: Rhs, loc: Loc, name: string, k: K): Expr {
    const v = this.lvar(name, rhs.k === 'env');
    if (rhs.k === 'prim' && BORROWING_PROJECTIONS.has(rhs.p.name)) {
      // a field of an immutable pair stays valid as long as the pair: borrow it
      v.borrowed = true;
      if (rhs.args[0].k === 'var') v.source = rhs.args[0].v;
    }
    return { k: 'let', v, rhs, body: k({ k: 'var', v }), loc };
  }

  private literal(value: Value): Atom {
    if (value === null) return NIL;
    if (value === true) return { k: 'const', c: 'OMNI_T' };
    if (isInt(value)) return { k: 'const', c: `omni_mkint(INT64_C(${value.toString()}))` };
    if (value instanceof Char) return { k: 'const', c: `omni_mkchar(${value.code})` };
    let i = this.literalIndex.get(value);
    if (i === undefined) {
      i = this.literals.length;
      this.literals.push({ value });
      if (!(value instanceof Flo)) this.literalIndex.set(value, i);
    }
    return { k: 'const', c: `omni_lit[${i}]` };
  }

  private freeVars(lam: Lambda): Var[] {
    let fv = this.freeCache.get(lam);
    if (!fv) {
      const bound = new Set<Var>(lam.vars ?? []);
      const seen = new Set<Var>();
      const walk = (n: Node): void => {
        switch (n.k) {
          case 'ref':
          case 'set':
            if (n.var && !bound.has(n.var)) {
              // a lifted procedure is reached through its free variables, not a closure
              const extras = this.liftExtras.get(n.var);
              if (extras) for (const x of extras) seen.add(x);
              else seen.add(n.var);
            }
            if (n.k === 'set') walk(n.value);
            return;
          case 'lambda':
            for (const v of this.freeVars(n)) if (!bound.has(v)) seen.add(v);
            return;
          case 'let':
          case 'letrec':
            for (const v of n.vars ?? []) bound.add(v);
            break;
        }
        forEachChild(n, walk);
      };
      walk(lam.body);
      fv = [...seen];
      this.freeCache.set(lam, fv);
    }
    return fv;
  }

  /** A FnDef for a lambda with its parameters declared (its body is lowered later). */
  private lambdaFn(lam: Lambda, base: string, name: string | null, global: Global | null, extras: Var[] = []): FnDef {
    const params = (lam.vars ?? []).map((v) => this.lvar(v.name.name));
    const rest = lam.rest ? params.pop()! : null;
    const fn = this.newFn(base, name, [...params, ...extras.map((v) => this.lvar(v.name.name))], rest, global, lam.loc);
    fn.lifted = extras.length;
    return fn;
  }

  /** Lowers a lifted procedure's body: its free variables are its extra parameters. */
  private liftedBody(fn: FnDef, lam: Lambda, extras: Var[], outer: Map<Var, Access>): void {
    const inner = new Map(outer);
    const first = fn.params.length - extras.length;
    extras.forEach((v, i) => {
      const lv = fn.params[first + i];
      inner.set(v, v.assigned ? { k: 'boxed', lv, uninit: this.uninitVars.has(v) ? v.name.name : null } : { k: 'local', lv });
    });
    this.lambdaBody(fn, lam, [], inner, false);
  }

  // ------------------------------------------------------------------ expressions

  /** Lowers `n` in tail position of the current function. */
  private tail(n: Node, ctx: FnCtx): Expr {
    try {
      return this.tailForm(n, ctx);
    } catch (e) {
      throw asCompilerError(e, n.loc);
    }
  }

  private tailForm(n: Node, ctx: FnCtx): Expr {
    switch (n.k) {
      case 'if':
        return this.value(n.test, ctx, (t) => ({ k: 'if', test: t, then: this.tail(n.then, ctx), else: this.tail(n.else, ctx) }));
      case 'seq':
        return this.sequence(n.body, ctx, n.loc);
      case 'let':
        return this.letForm(n, ctx, (body) => this.tail(body, ctx));
      case 'letrec':
        return this.letrecForm(n, ctx, (body) => this.tail(body, ctx));
      case 'call':
        return this.callForm(n, ctx, true, (a) => ({ k: 'ret', a }));
      default:
        return this.value(n, ctx, (a) => ({ k: 'ret', a }));
    }
  }

  /** `body` from index `i` on (an index, not a copy of the rest: a long body is O(n), not O(n^2)). */
  private sequence(body: readonly Node[], ctx: FnCtx, loc: Loc, i = 0): Expr {
    if (body.length === i) return { k: 'ret', a: NIL };
    if (i === body.length - 1) return this.tail(body[i], ctx);
    return this.value(body[i], ctx, () => this.sequence(body, ctx, loc, i + 1));
  }

  /** Lowers `n` in a non-tail position: `k` receives its value. */
  private value(n: Node, ctx: FnCtx, k: K): Expr {
    try {
      return this.valueForm(n, ctx, k);
    } catch (e) {
      throw asCompilerError(e, n.loc);
    }
  }

  private valueForm(n: Node, ctx: FnCtx, k: K): Expr {
    switch (n.k) {
      case 'const':
        return k(this.literal(n.value));
      case 'ref':
        return this.ref(n.name, n.var, n.loc, ctx, k);
      case 'set':
        return this.value(n.value, ctx, (a) => this.assign(n.name.name, n.var, a, n.loc, ctx, k));
      case 'define':
        return this.define(n.name.name, n.value, n.loc, ctx, k);
      case 'lambda':
        return this.lambda(n, null, ctx, k);
      case 'prim':
        return this.values(n.args, ctx, (args) => this.primOp(primitiveByName.get(n.name)!, args, n.loc, k));
      case 'call':
        return this.callForm(n, ctx, false, k);
      case 'try':
        return this.tryForm(n, ctx, k);
      case 'if':
      case 'seq':
      case 'let':
      case 'letrec':
        return this.bind({ k: 'block', body: this.tail(n, { ...ctx, inBlock: true }) }, n.loc, 'v', k);
    }
  }

  /** The atoms of `nodes`, in order (built as a shared list: a call with n arguments is O(n), not O(n^2)). */
  private values(nodes: readonly Node[], ctx: FnCtx, k: (atoms: Atom[]) => Expr, acc: AtomList = null, i = 0): Expr {
    if (i === nodes.length) return k(atomArray(acc, i));
    return this.value(nodes[i], ctx, (a) => this.values(nodes, ctx, k, { atom: a, prev: acc }, i + 1));
  }

  private primOp(p: Primitive, args: Atom[], loc: Loc, k: K): Expr {
    if (args.length < p.min || (p.max !== null && args.length > p.max)) {
      // Wrong arity: the primitive's procedure object raises the arity error at run time.
      return this.bind({ k: 'call', fn: { k: 'const', c: `(OValue)&${objectName(p)}` }, args }, loc, 'r', k);
    }
    if (args.length > 2 && FOLDED.has(p.name)) {
      // Variadic arithmetic is a left fold of the binary operation, which has an inline fast path.
      const fold = (acc: Atom, i: number): Expr =>
        i === args.length - 1
          ? this.bind({ k: 'prim', p, args: [acc, args[i]] }, loc, p.name, k)
          : this.bind({ k: 'prim', p, args: [acc, args[i]] }, loc, p.name, (next) => fold(next, i + 1));
      return fold(args[0], 1);
    }
    return this.bind({ k: 'prim', p, args }, loc, p.name, k);
  }

  private ref(name: Sym, v: Var | undefined, loc: Loc, ctx: FnCtx, k: K): Expr {
    if (name.name === FAULT_NAME) throw new Error(`OMNI_DEBUG_INTERNAL_ERROR: a reference to ${name.name}`);
    if (!v) return this.globalRef(name.name, loc, k);
    const acc = ctx.access.get(v);
    if (!acc) throw new Error(`no storage for the local ${v.name.name} in ${ctx.fn.name ?? ctx.fn.base}`);
    switch (acc.k) {
      case 'local':
        return k({ k: 'var', v: acc.lv });
      case 'boxed':
        return this.bind({ k: 'unbox', box: { k: 'var', v: acc.lv }, uninitName: acc.uninit }, loc, v.name.name, k);
      case 'env':
        if (!acc.boxed) return this.bind({ k: 'env', index: acc.index, viaRecord: ctx.viaRecord }, loc, v.name.name, k);
        return this.bind({ k: 'env', index: acc.index, viaRecord: ctx.viaRecord }, loc, v.name.name + '_box', (box) =>
          this.bind({ k: 'unbox', box, uninitName: acc.uninit }, loc, v.name.name, k),
        );
      case 'self':
        return this.bind({ k: 'self' }, loc, v.name.name, k);
      case 'sibling':
        return this.bind({ k: 'sibling', fn: acc.fn }, loc, v.name.name, k);
      case 'lifted':
        throw new Error(`internal: lifted procedure ${v.name.name} used as a value`);
    }
  }

  private globalRef(name: string, loc: Loc, k: K): Expr {
    const prim = this.rebound.has(name) ? undefined : lookupPrimitive(name);
    if (prim) return k({ k: 'const', c: `(OValue)&${objectName(prim)}` });
    const g = this.global(name);
    return this.bind({ k: 'global', g, checked: !this.safeGlobals.has(name) }, loc, name, k);
  }

  /** The box holding an assigned variable (as an atom) for the current function. */
  private boxOf(v: Var, ctx: FnCtx, loc: Loc, k: K): Expr {
    const acc = ctx.access.get(v)!;
    if (acc.k === 'boxed') return k({ k: 'var', v: acc.lv });
    if (acc.k === 'env') return this.bind({ k: 'env', index: acc.index, viaRecord: ctx.viaRecord }, loc, v.name.name + '_box', k);
    throw new Error(`internal: ${v.name.name} is assigned but not boxed`);
  }

  private assign(name: string, v: Var | undefined, a: Atom, loc: Loc, ctx: FnCtx, k: K): Expr {
    if (!v) {
      return this.bind({ k: 'setglobal', g: this.global(name), a }, loc, '_', () => k(NIL));
    }
    return this.boxOf(v, ctx, loc, (box) => this.bind({ k: 'setbox', box, a }, loc, '_', () => k(NIL)));
  }

  private define(name: string, value: Node, loc: Loc, ctx: FnCtx, k: K): Expr {
    const g = this.global(name);
    if (g.known && value.k === 'lambda') {
      this.lambdaBody(g.known, value, [], new Map(), false);
      return this.bind({ k: 'setglobal', g, a: { k: 'const', c: `(OValue)&${closureObject(g.known)}` } }, loc, '_', () => k(NIL));
    }
    return this.value(value, ctx, (a) => this.bind({ k: 'setglobal', g, a }, loc, '_', () => k(NIL)));
  }

  // ------------------------------------------------------------------ lambdas

  /** Fills in fn's parameters and body for `lam`, with `captured` reachable through its env. */
  private lambdaBody(fn: FnDef, lam: Lambda, captured: Var[], outer: Map<Var, Access>, viaRecord: boolean): void {
    const access = new Map<Var, Access>(outer);
    captured.forEach((v, index) => access.set(v, { k: 'env', index, boxed: v.assigned, uninit: this.uninitVars.has(v) ? v.name.name : null }));
    const params = fn.rest ? [...fn.params, fn.rest] : fn.params;
    const prologue: { param: LVar; v: Var }[] = [];
    (lam.vars ?? []).forEach((v, i) => {
      if (v.assigned) prologue.push({ param: params[i], v });
      else access.set(v, { k: 'local', lv: params[i] });
    });
    fn.viaRecord = viaRecord;
    const ctx: FnCtx = { fn, access, captured, viaRecord, inBlock: false };
    // Assigned parameters move into boxes on entry.
    const boxParams = (i: number): Expr => {
      if (i === prologue.length) return this.tail(lam.body, ctx);
      const { param, v } = prologue[i];
      const box = this.lvar(v.name.name + '_box');
      access.set(v, { k: 'boxed', lv: box, uninit: null });
      return { k: 'let', v: box, rhs: { k: 'box', a: { k: 'var', v: param } }, body: boxParams(i + 1), loc: lam.loc };
    };
    fn.body = boxParams(0);
  }

  /** A lambda as a value: a flat closure over its free variables. */
  private lambda(lam: Lambda, bindingName: string | null, ctx: FnCtx, k: K, selfVar: Var | null = null, bindVar: Var | null = null): Expr {
    const name = lam.name ?? bindingName;
    const fn = this.lambdaFn(lam, name ?? 'lambda', name, null);
    if (bindVar && !bindVar.assigned) this.knownLocals.set(bindVar, fn);
    const captured = this.freeVars(lam).filter((v) => v !== selfVar);
    const inner = liftedOnly(ctx.access);
    if (selfVar) inner.set(selfVar, { k: 'self' });
    this.lambdaBody(fn, lam, captured, inner, false);
    return this.captureAll(captured, ctx, lam.loc, (atoms) => this.bind({ k: 'closure', fn, captures: atoms }, lam.loc, fn.base, k));
  }

  /** Atoms for captured variables: their values, or their boxes when assigned. */
  private captureAll(vars: Var[], ctx: FnCtx, loc: Loc, k: (atoms: Atom[]) => Expr, acc: AtomList = null, i = 0): Expr {
    if (i === vars.length) return k(atomArray(acc, i));
    const v = vars[i];
    const next = (a: Atom) => this.captureAll(vars, ctx, loc, k, { atom: a, prev: acc }, i + 1);
    return v.assigned ? this.boxOf(v, ctx, loc, next) : this.ref(v.name, v, loc, ctx, next);
  }

  // ------------------------------------------------------------------ binding forms

  private letForm(n: Node & { k: 'let' }, ctx: FnCtx, body: (b: Node) => Expr): Expr {
    const bindOne = (i: number, atoms: Atom[]): Expr => {
      if (i === n.inits.length) return this.letBody(n.vars!, atoms, ctx, n.loc, () => body(n.body));
      const init = n.inits[i];
      const v = n.vars![i];
      const extras = this.liftExtras.get(v);
      if (init.k === 'lambda' && extras) {
        const name = init.name ?? n.names[i].name;
        const fn = this.lambdaFn(init, name, name, null, extras);
        this.liftedBody(fn, init, extras, liftedOnly(ctx.access));
        ctx.access.set(v, { k: 'lifted', fn });
        return bindOne(i + 1, [...atoms, NIL]);
      }
      if (init.k === 'lambda') return this.lambda(init, n.names[i].name, ctx, (a) => bindOne(i + 1, [...atoms, a]), null, v);
      return this.value(init, ctx, (a) => bindOne(i + 1, [...atoms, a]));
    };
    return bindOne(0, []);
  }

  /** Binds vars to atoms (boxing assigned ones), then continues with the body. */
  private letBody(vars: Var[], atoms: Atom[], ctx: FnCtx, loc: Loc, body: () => Expr): Expr {
    const go = (i: number): Expr => {
      if (i === vars.length) return body();
      const v = vars[i];
      if (ctx.access.get(v)?.k === 'lifted') return go(i + 1);
      if (v.assigned) {
        const lv = this.lvar(v.name.name + '_box');
        ctx.access.set(v, { k: 'boxed', lv, uninit: null });
        return { k: 'let', v: lv, rhs: { k: 'box', a: atoms[i] }, body: go(i + 1), loc };
      }
      const a = atoms[i];
      if (a.k === 'var') {
        // the variable is another name for the same local (owned or borrowed alike)
        ctx.access.set(v, { k: 'local', lv: a.v });
        return go(i + 1);
      }
      const lv = this.lvar(v.name.name);
      ctx.access.set(v, { k: 'local', lv });
      return { k: 'let', v: lv, rhs: { k: 'atom', a }, body: go(i + 1), loc };
    };
    return go(0);
  }

  private letrecForm(n: Letrec, ctx: FnCtx, body: (b: Node) => Expr): Expr {
    const vars = n.vars!;
    const isGroup = n.inits.length > 0 && n.inits.every((i) => i.k === 'lambda') && vars.every((v) => !v.assigned);
    if (!isGroup) return this.letrecGeneral(n, ctx, body);
    const lambdas = n.inits as Lambda[];
    if (vars.every((v) => this.liftExtras.has(v))) {
      const fns = lambdas.map((lam, i) => {
        const name = lam.name ?? n.names[i].name;
        return this.lambdaFn(lam, name, name, null, this.liftExtras.get(vars[i])!);
      });
      vars.forEach((v, i) => ctx.access.set(v, { k: 'lifted', fn: fns[i] }));
      const inner = liftedOnly(ctx.access);
      lambdas.forEach((lam, i) => this.liftedBody(fns[i], lam, this.liftExtras.get(vars[i])!, inner));
      return body(n.body);
    }
    if (lambdas.length === 1) {
      return this.lambda(lambdas[0], n.names[0].name, ctx, (a) => this.letBody(vars, [a], ctx, n.loc, () => body(n.body)), vars[0], vars[0]);
    }
    // Several mutually recursive procedures: one shared record of their free variables.
    const members = new Set(vars);
    const shared: Var[] = [];
    for (const lam of lambdas) for (const v of this.freeVars(lam)) if (!members.has(v) && !shared.includes(v)) shared.push(v);
    const fns = lambdas.map((lam, i) => {
      const name = lam.name ?? n.names[i].name;
      return this.lambdaFn(lam, name, name, null);
    });
    vars.forEach((v, i) => this.knownLocals.set(v, fns[i]));
    lambdas.forEach((lam, i) => {
      const inner = liftedOnly(ctx.access);
      // Members call each other (and themselves) directly; as values they are new closures over
      // the shared record (`self` would name whichever member called).
      vars.forEach((v, j) => inner.set(v, { k: 'sibling', fn: fns[j] }));
      this.lambdaBody(fns[i], lam, shared, inner, true);
    });
    return this.captureAll(shared, ctx, n.loc, (atoms) => {
      const record = this.lvar('record');
      const makeMembers = (i: number, made: Atom[]): Expr => {
        if (i === fns.length) {
          return this.letBody(vars, made, ctx, n.loc, () => body(n.body));
        }
        return this.bind({ k: 'member', fn: fns[i], record }, n.loc, fns[i].base, (a) => makeMembers(i + 1, [...made, a]));
      };
      return { k: 'let', v: record, rhs: { k: 'record', captures: atoms }, body: makeMembers(0, []), loc: n.loc };
    });
  }

  /** letrec with non-procedure inits: every variable is a box that starts uninitialised. */
  private letrecGeneral(n: Letrec, ctx: FnCtx, body: (b: Node) => Expr): Expr {
    const vars = n.vars!;
    for (const v of vars) {
      v.assigned = true;
      this.uninitVars.add(v);
    }
    const uninit: Atom = { k: 'const', c: 'OMNI_UNINIT' };
    const boxes = vars.map((v) => {
      const lv = this.lvar(v.name.name + '_box');
      ctx.access.set(v, { k: 'boxed', lv, uninit: v.name.name });
      return lv;
    });
    const init = (i: number): Expr => {
      if (i === vars.length) return body(n.body);
      const initNode = n.inits[i];
      const store = (a: Atom) =>
        this.bind({ k: 'setbox', box: { k: 'var', v: boxes[i] }, a }, n.loc, '_', () => init(i + 1));
      return initNode.k === 'lambda' ? this.lambda(initNode, n.names[i].name, ctx, store) : this.value(initNode, ctx, store);
    };
    const makeBoxes = (i: number): Expr =>
      i === vars.length ? init(0) : { k: 'let', v: boxes[i], rhs: { k: 'box', a: uninit }, body: makeBoxes(i + 1), loc: n.loc };
    return makeBoxes(0);
  }

  // ------------------------------------------------------------------ calls and try

  private callForm(n: Node & { k: 'call' }, ctx: FnCtx, isTail: boolean, k: K): Expr {
    const result: K = isTail ? (a) => ({ k: 'ret', a }) : k;
    const tailCall = isTail && !ctx.inBlock && ctx.fn !== this.main;
    const finish = (call: Rhs & { k: 'call' | 'direct' }): Expr =>
      tailCall ? { k: 'tail', call, loc: n.loc } : this.bind(call, n.loc, 'r', result);
    const f = n.fn;
    if (f.k === 'ref') {
      const target = this.directTarget(f.name.name, f.var, ctx);
      if (target && arityFits(target, n.args.length)) {
        const extras = target.lifted ? this.liftExtras.get(f.var!)! : [];
        return this.values(n.args, ctx, (userArgs) => this.captureAll(extras, ctx, n.loc, (extraArgs) => {
          const args = [...userArgs, ...extraArgs];
          if (tailCall && target === ctx.fn && !target.rest) {
            target.loops = true;
            return { k: 'jump', args, loc: n.loc };
          }
          return this.directCall(target, args, n.loc, f.loc, finish);
        }));
      }
      const local = f.var ? this.knownLocals.get(f.var) : undefined;
      if (local && arityFits(local, n.args.length)) {
        // A procedure bound to a local variable: call its C function with its closure as self.
        return this.ref(f.name, f.var, f.loc, ctx, (closure) =>
          this.values(n.args, ctx, (args) => this.directCall(local, args, n.loc, f.loc, finish, closure)),
        );
      }
      if (!f.var && !this.rebound.has(f.name.name)) {
        const prim = lookupPrimitive(f.name.name);
        if (prim) {
          return this.values(n.args, ctx, (args) => this.primOp(prim, args, n.loc, result));
        }
      }
    }
    return this.value(f, ctx, (fn) => this.values(n.args, ctx, (args) => finish({ k: 'call', fn, args })));
  }

  /** The function a call can jump to directly, if the callee is statically known. */
  private directTarget(name: string, v: Var | undefined, ctx: FnCtx): FnDef | null {
    if (!v) {
      const known = this.globals.get(name)?.known ?? null;
      // In a session, only a procedure's calls to itself are direct (so its self tail calls
      // loop); every other call goes through the global's cell, which a later input may replace.
      return this.opts.knownGlobals || known === ctx.fn ? known : null;
    }
    const acc = ctx.access.get(v);
    if (acc?.k === 'self') return ctx.fn;
    if (acc?.k === 'sibling' || acc?.k === 'lifted') return acc.fn;
    return null;
  }

  /** `calleeLoc`: where the callee is named (a global not yet defined is unbound there). */
  private directCall(fn: FnDef, args: Atom[], loc: Loc, calleeLoc: Loc, finish: (c: Rhs & { k: 'direct' }) => Expr, closure?: Atom): Expr {
    const call = (fixed: Atom[]) => {
      if (!fn.rest) return finish({ k: 'direct', fn, args: fixed, closure });
      const extra = args.slice(fn.params.length);
      return this.bind({ k: 'prim', p: primitiveByName.get('list')!, args: extra }, loc, 'rest', (r) =>
        finish({ k: 'direct', fn, args: [...fixed, r], closure }),
      );
    };
    const fixed = args.slice(0, fn.params.length);
    if (fn.global && !this.safeGlobals.has(fn.global.name)) {
      return this.bind({ k: 'global', g: fn.global, checked: true }, calleeLoc, '_', () => call(fixed));
    }
    return call(fixed);
  }

  private tryForm(n: Node & { k: 'try' }, ctx: FnCtx, k: K): Expr {
    const err = this.lvar('err');
    // The body of try is not a tail position: its tail calls are plain calls inside the block.
    const inner = { ...ctx, inBlock: true };
    const body = this.tail(n.body, inner);
    const handler = this.value(n.handler, inner, (h) =>
      this.bind({ k: 'call', fn: h, args: [{ k: 'var', v: err }] }, n.loc, 'r', (r) => ({ k: 'ret', a: r })),
    );
    return this.bind({ k: 'try', body, err, handler }, n.loc, 'v', k);
  }
}

function arityFits(fn: FnDef, n: number): boolean {
  const fixed = fn.params.length - fn.lifted;
  return fn.rest ? n >= fixed : n === fixed;
}

/** The lifted procedures visible in an access map: callable from any function in their scope. */
function liftedOnly(access: Map<Var, Access>): Map<Var, Access> {
  return new Map([...access].filter(([, a]) => a.k === 'lifted'));
}

/** Free variables of a lambda, ignoring lifting (the raw lexical ones). */
function rawFreeVars(lam: Lambda): Set<Var> {
  const bound = new Set<Var>(lam.vars ?? []);
  const seen = new Set<Var>();
  const walk = (n: Node): void => {
    if ((n.k === 'ref' || n.k === 'set') && n.var && !bound.has(n.var)) seen.add(n.var);
    if (n.k === 'lambda') for (const v of n.vars ?? []) bound.add(v);
    if (n.k === 'let' || n.k === 'letrec') for (const v of n.vars ?? []) bound.add(v);
    forEachChild(n, walk);
  };
  walk(lam.body);
  return seen;
}

export function objectName(p: Primitive): string {
  return p.cname.replace(/^omniP_/, 'omniK_');
}

/** C name of a function's static closure object (global procedures). */
export function closureObject(fn: FnDef): string {
  return `omni_o${fn.id}`;
}

function forEachChild(n: Node, f: (c: Node) => void): void {
  switch (n.k) {
    case 'set':
    case 'define':
      return f(n.value);
    case 'if':
      f(n.test);
      f(n.then);
      return f(n.else);
    case 'lambda':
      return f(n.body);
    case 'seq':
      return n.body.forEach(f);
    case 'call':
      f(n.fn);
      return n.args.forEach(f);
    case 'prim':
      return n.args.forEach(f);
    case 'let':
    case 'letrec':
      n.inits.forEach(f);
      return f(n.body);
    case 'try':
      f(n.body);
      return f(n.handler);
    default:
      return;
  }
}

/** A primitive that calls no procedure it is given and waits for no thread. */
function firstOrder(prim: Primitive | undefined): boolean {
  return prim !== undefined && !prim.higherOrder && !prim.blocking;
}

function visitNodes(n: Node, f: (m: Node) => void): void {
  f(n);
  forEachChild(n, (c) => visitNodes(c, f));
}

/** Atoms collected so far, the last one first (shared by every continuation that extends it). */
type AtomList = { readonly atom: Atom; readonly prev: AtomList } | null;

function atomArray(list: AtomList, n: number): Atom[] {
  const out = new Array<Atom>(n);
  for (let l = list, i = n - 1; l !== null; l = l.prev, i--) out[i] = l.atom;
  return out;
}
