// The native back end as one call: source -> front end -> lower -> rc -> C text.
import { compilingAt, isStackOverflow } from '../errors.js';
import { shownFileName } from '../libpath.js';
import { type FrontEndOptions, frontEnd, lazyCompileTimeEvaluator } from '../pipeline.js';
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
  const ir = lowerProgram(program.forms, program.rebound, shownFileName(file, options.fileNames));
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
  return compilingAt({ file: shownFileName(file, options.fileNames), line: 1, col: 1 }, () => {
    const { ir, imports } = compileWithImports(source, file, options);
    return { c: emitProgram(ir, { target: 'executable', lines: true, ...opts }), imports };
  });
}

