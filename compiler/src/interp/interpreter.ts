// The reference interpreter: global environment, prelude, and the entry points used to run
// programs and to evaluate macros at compile time.
import type { Lambda, Node, TopLevel } from '../ast.js';
import { type CompileTimeEvaluator, Expander } from '../expander.js';
import { type Primitive, aliases, lookupPrimitive, primitives } from '../primitives.js';
import { readProgram } from '../reader.js';
import { resolveProgram, resolveTopLevel } from '../resolver.js';
import { Keyword, OError, Pair, Procedure, Sym, type Value, isList, listToArray } from '../values.js';
import { type Host, makeBuiltins } from './builtins.js';
import { Cell, type Linker, UNBOUND, compileTopLevel } from './code.js';
import type { Fuel } from './fuel.js';
import { Fiber, Scheduler } from './machine.js';
import { Builtin, type BuiltinImpl, ExitSignal, Raise, raise, typeError } from './objects.js';
import { PRELUDE_SOURCE } from './prelude.js';

/** Private helpers of the prelude: not primitives, not visible to programs. */
function preludeHelpers(): Record<string, [number, BuiltinImpl]> {
  const checkList = (name: Value, l: Value) => (isList(l) ? l : typeError(printName(name), 'list', l));
  return {
    '%check-list': [2, ([name, l]) => checkList(name, l)],
    '%check-lists': [2, ([name, ls]) => (listToArray(ls)!.forEach((l) => checkList(name, l)), ls)],
    '%check-proc': [2, ([name, f]) => (f instanceof Procedure || f instanceof Keyword ? f : typeError(printName(name), 'procedure', f))],
    '%check-vector': [2, ([name, v]) => (Array.isArray(v) ? v : typeError(printName(name), 'vector', v))],
    '%any-null?': [1, ([ls]) => (listToArray(ls)!.some((l) => l === null) ? true : null)],
    '%cars': [1, ([ls]) => listToArray(ls)!.reduceRight<Value>((acc, l) => new Pair((l as Pair).car, acc), null)],
    '%cdrs': [1, ([ls]) => listToArray(ls)!.reduceRight<Value>((acc, l) => new Pair((l as Pair).cdr, acc), null)],
    '%empty-reduce': [0, () => raise('reduce: empty list')],
  };
}

function printName(v: Value): string {
  return v instanceof Sym ? v.name : String(v);
}

function helperPrimitive(name: string, arity: number): Primitive {
  return { name, min: arity, max: arity, args: [], cname: '', higherOrder: false, blocking: false, internal: true };
}

/** A global environment: name -> cell. */
class Globals {
  readonly cells = new Map<string, Cell>();
  cell(name: string): Cell {
    let c = this.cells.get(name);
    if (!c) this.cells.set(name, (c = new Cell(name, UNBOUND)));
    return c;
  }
}

/** The outcome of running a program. */
export interface RunResult {
  /** The uncaught error, if the program ended with one. */
  error: OError | null;
  /** The status given to `exit`, if it was called. */
  exitCode: number | null;
}

export interface InterpreterOptions {
  host: Host;
  /** Directories searched by `(import NAME)`. */
  libPath: readonly string[];
}

/**
 * One interpreter instance: a global environment plus a compile-time evaluator for macros.
 * `runSource` runs whole programs; the expander calls back for macros and helper procedures.
 */
export class Interpreter {
  private readonly globals = new Globals();
  private readonly builtins: Record<string, BuiltinImpl>;
  private readonly procs = new Map<string, Builtin>();
  private readonly scheduler = new Scheduler();
  /** Names bound by the prelude (higher-order primitives written in OmniLisp). */
  private readonly preludeNames = new Set<string>();

  constructor(host: Host) {
    this.builtins = makeBuiltins(host);
    for (const p of primitives) this.procs.set(p.name, new Builtin(p, this.builtins[p.name]));
    for (const p of primitives) if (!p.internal) this.globals.cell(p.name).value = this.procs.get(p.name)!;
    for (const [alias, target] of Object.entries(aliases)) this.globals.cell(alias).value = this.procs.get(target)!;
    this.loadPrelude();
  }

  private loadPrelude(): void {
    const env = new Globals();
    for (const [name, c] of this.globals.cells) env.cell(name).value = c.value;
    for (const [name, [arity, impl]] of Object.entries(preludeHelpers())) env.cell(name).value = new Builtin(helperPrimitive(name, arity), impl);
    const noMacros = {
      defineHelper: () => undefined,
      makeMacro: () => raise('no macros in the prelude'),
      applyMacro: () => raise('no macros in the prelude'),
    };
    const nodes = new Expander({ libPath: [], evaluator: noMacros }).expandProgram(readProgram(PRELUDE_SOURCE, '<prelude>'));
    const defined = new Set(nodes.flatMap((n) => (n.k === 'define' ? [n.name.name] : [])));
    const { forms } = resolveProgram(nodes, { globals: { has: () => true } });
    this.execute(forms, { ...this.linker(env, defined), hidden: true });
    for (const name of defined) {
      if (name.startsWith('%')) continue;
      this.preludeNames.add(name);
      this.globals.cell(name).value = env.cell(name).value;
    }
  }

  /** How code compiled against `env` finds globals; names in `rebound` are never inlined. */
  private linker(env: Globals, rebound: ReadonlySet<string> | 'all'): Linker {
    return {
      cell: (name) => env.cell(name),
      fixedPrimitive: (name) => {
        if (rebound === 'all' || rebound.has(name) || this.preludeNames.has(name)) return undefined;
        return lookupPrimitive(name);
      },
      callsPrimitive: (name) => rebound !== 'all' && !rebound.has(name) && lookupPrimitive(name) !== undefined,
      impl: (p) => this.builtins[p.name],
      proc: (p) => this.procs.get(p.name) ?? null,
    };
  }

  /** Runs resolved top-level forms on the main fiber; returns the fiber when it stops. */
  private execute(forms: readonly TopLevel[], linker: Linker): Fiber {
    const compiled = forms.map((f) => compileTopLevel(f, linker));
    return this.scheduler.runUntilDone(Fiber.program({ forms: compiled }));
  }

  /** Runs a resolved program in this interpreter's global environment. */
  runProgram(forms: readonly TopLevel[], rebound: ReadonlySet<string>): RunResult {
    try {
      const fiber = this.execute(forms, this.linker(this.globals, rebound));
      return { error: fiber.error, exitCode: null };
    } catch (e) {
      if (e instanceof ExitSignal) return { error: null, exitCode: e.code };
      throw e;
    }
  }

  /** Applies a procedure to arguments to completion; an OmniLisp error is thrown as `Raise`. */
  apply(fn: Value, args: Value[]): Value {
    const fiber = this.scheduler.runUntilDone(Fiber.applying(fn, args, null));
    if (fiber.error) throw new Raise(fiber.error);
    return fiber.result;
  }

  /** The compile-time evaluator handed to the expander (helper procedures and macros). */
  compileTimeEvaluator(): CompileTimeEvaluator {
    const lenient = { globals: { has: () => true }, lenient: true };
    const all = 'all' as const;
    return {
      defineHelper: (def: Node) => {
        this.execute([resolveTopLevel(def, lenient)], this.linker(this.globals, all));
      },
      makeMacro: (lambda: Lambda): Procedure =>
        this.evalExpression(resolveTopLevel(lambda, lenient), this.linker(this.globals, all)) as Procedure,
      applyMacro: (macro: Procedure, args: Value[]): Value => {
        try {
          return this.apply(macro, args);
        } catch (e) {
          if (e instanceof Raise) throw new Error(e.error.message);
          throw e;
        }
      },
      setFuel: (fuel: Fuel) => this.scheduler.setFuel(fuel),
    };
  }

  private evalExpression(top: TopLevel, linker: Linker): Value {
    const fiber = this.scheduler.runUntilDone(Fiber.program({ forms: [compileTopLevel(top, linker)] }));
    if (fiber.error) throw new Raise(fiber.error);
    return fiber.result;
  }
}
