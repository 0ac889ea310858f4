// The native back end as one call: source -> front end -> lower -> rc -> C text.
import { Interpreter } from '../interp/interpreter.js';
import { MemoryHost } from '../interp/memory-host.js';
import { frontEnd } from '../pipeline.js';
import { type EmitOptions, emitProgram } from './emit-c.js';
import type { Program } from './ir.js';
import { lowerProgram } from './lower.js';
import { insertRc } from './rc.js';

/** Source to the back end's IR, reference counts inserted. Throws CompileError on bad source. */
export function compileToIr(source: string, file: string): Program {
  const { program } = frontEnd(source, file, new Interpreter(new MemoryHost()));
  const ir = lowerProgram(program.forms, program.rebound, file);
  insertRc(ir.functions);
  return ir;
}

/** Source to one C translation unit. */
export function compileToC(source: string, file: string, opts: Partial<EmitOptions> = {}): string {
  return emitProgram(compileToIr(source, file), { main: true, lines: true, ...opts });
}
