// The native back end as one call: source -> front end -> lower -> rc -> C text.
import type { CompileTimeEvaluator } from '../expander.js';
import type { Node } from '../ast.js';
import { Interpreter } from '../interp/interpreter.js';
import { MemoryHost } from '../interp/memory-host.js';
import { frontEnd } from '../pipeline.js';
import { type Compiled, onBigStack } from './big-stack.js';
import { type EmitOptions, emitProgram } from './emit-c.js';
import type { Program } from './ir.js';
import { lowerProgram } from './lower.js';
import { insertRc } from './rc.js';

/** Source to the back end's IR, reference counts inserted. Throws CompileError on bad source. */
export function compileToIr(source: string, file: string): Program {
  return compileWithImports(source, file).ir;
}

function compileWithImports(source: string, file: string): { ir: Program; imports: string[] } {
  const { program, imports } = frontEnd(source, file, lazyCompileTimeEvaluator());
  const ir = lowerProgram(program.forms, program.rebound, file);
  insertRc(ir.functions);
  return { ir, imports };
}

/** Source to one C translation unit. */
export function compileToC(source: string, file: string, opts: Partial<EmitOptions> = {}): string {
  return compileProgram(source, file, opts).c;
}

/**
 * Source to one C translation unit, with the library files it imported (its other inputs). A
 * program too long for this thread's stack is compiled on a big-stack thread (big-stack.ts).
 */
export function compileProgram(source: string, file: string, opts: Partial<EmitOptions> = {}): Compiled {
  try {
    return compileDirect(source, file, opts);
  } catch (e) {
    if (e instanceof RangeError) return onBigStack(source, file, opts);
    throw e;
  }
}

/** compileProgram on this thread's stack. */
export function compileDirect(source: string, file: string, opts: Partial<EmitOptions> = {}): Compiled {
  const { ir, imports } = compileWithImports(source, file);
  return { c: emitProgram(ir, { target: 'executable', lines: true, ...opts }), imports };
}

/**
 * A compile-time evaluator that creates its interpreter only when a macro needs one: helper
 * definitions are queued and run, in order, before the first macro is made or applied. Programs
 * without macros are compiled without paying for an interpreter.
 */
export function lazyCompileTimeEvaluator(create: () => Interpreter = () => new Interpreter(new MemoryHost())): CompileTimeEvaluator {
  let real: CompileTimeEvaluator | null = null;
  const pending: Node[] = [];
  const ready = (): CompileTimeEvaluator => {
    real ??= create().compileTimeEvaluator();
    for (const def of pending.splice(0)) real.defineHelper(def);
    return real;
  };
  return {
    defineHelper: (def) => void (real ? real.defineHelper(def) : pending.push(def)),
    makeMacro: (lambda) => ready().makeMacro(lambda),
    applyMacro: (macro, args) => ready().applyMacro(macro, args),
  };
}
