// The native back end as one call: source -> front end -> lower -> rc -> C text.
import { compilingAt, isStackOverflow } from '../errors.js';
import type { CompileTimeEvaluator } from '../expander.js';
import type { Node } from '../ast.js';
import type { Fuel } from '../interp/fuel.js';
import { Interpreter } from '../interp/interpreter.js';
import { MemoryHost } from '../interp/memory-host.js';
import { type FrontEndOptions, frontEnd } from '../pipeline.js';
import { type Compiled, onBigStack } from './big-stack.js';
import { type EmitOptions, emitProgram } from './emit-c.js';
import type { Program } from './ir.js';
import { lowerProgram } from './lower.js';
import { insertRc } from './rc.js';

/**
 * Source to the back end's IR, reference counts inserted. Throws CompileError on bad source,
 * CompileLimitError when a compile-time limit (options.limits, else the defaults) stops it.
 */
export function compileToIr(source: string, file: string, options: FrontEndOptions = {}): Program {
  return compileWithImports(source, file, options).ir;
}

function compileWithImports(source: string, file: string, options: FrontEndOptions): { ir: Program; imports: string[] } {
  const { program, imports } = frontEnd(source, file, lazyCompileTimeEvaluator(), options);
  const ir = lowerProgram(program.forms, program.rebound, file);
  insertRc(ir.functions);
  return { ir, imports };
}

/** Source to one C translation unit. */
export function compileToC(source: string, file: string, opts: Partial<EmitOptions> = {}, options: FrontEndOptions = {}): string {
  return compileProgram(source, file, opts, options).c;
}

/**
 * Source to one C translation unit, with the library files it imported (its other inputs). A
 * program too long for this thread's stack is compiled on a big-stack thread (big-stack.ts).
 */
export function compileProgram(source: string, file: string, opts: Partial<EmitOptions> = {}, options: FrontEndOptions = {}): Compiled {
  try {
    return compileDirect(source, file, opts, options);
  } catch (e) {
    if (isStackOverflow(e)) return onBigStack(source, file, opts, options);
    throw e;
  }
}

/** compileProgram on this thread's stack. */
export function compileDirect(source: string, file: string, opts: Partial<EmitOptions> = {}, options: FrontEndOptions = {}): Compiled {
  return compilingAt({ file, line: 1, col: 1 }, () => {
    const { ir, imports } = compileWithImports(source, file, options);
    return { c: emitProgram(ir, { target: 'executable', lines: true, ...opts }), imports };
  });
}

/**
 * A compile-time evaluator that creates its interpreter only when a macro needs one: helper
 * definitions are queued and run, in order, before the first macro is made or applied. Programs
 * without macros are compiled without paying for an interpreter.
 */
export function lazyCompileTimeEvaluator(create: () => Interpreter = () => new Interpreter(new MemoryHost())): CompileTimeEvaluator {
  let real: CompileTimeEvaluator | null = null;
  let fuel: Fuel | null = null;
  const pending: Node[] = [];
  const ready = (): CompileTimeEvaluator => {
    if (!real) {
      real = create().compileTimeEvaluator();
      if (fuel) real.setFuel?.(fuel);
    }
    for (const def of pending.splice(0)) real.defineHelper(def);
    return real;
  };
  return {
    defineHelper: (def) => void (real ? real.defineHelper(def) : pending.push(def)),
    makeMacro: (lambda) => ready().makeMacro(lambda),
    applyMacro: (macro, args) => ready().applyMacro(macro, args),
    setFuel: (f) => {
      fuel = f;
      real?.setFuel?.(f);
    },
  };
}
