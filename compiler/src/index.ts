// Public API of the OmniLisp compiler package.
export * from './ast.js';
export * from './errors.js';
export * from './values.js';
export * from './primitives.js';
export { readProgram, parseNumber, type Datum } from './reader.js';
export { printValue, formatFloat } from './printer.js';
export { Expander, type CompileTimeEvaluator } from './expander.js';
export { resolveProgram, resolveTopLevel, programGlobals, definedGlobals, type ResolvedProgram } from './resolver.js';
export { Interpreter, type RunResult } from './interp/interpreter.js';
export { ProcessHost } from './interp/host.js';
export type { Host } from './interp/builtins.js';
export * from './pipeline.js';
export { MemoryHost, interpretSource, type SourceRun } from './interp/memory-host.js';
export { compileProgram, compileToC, compileToIr } from './backend/compile.js';
export type { EmitOptions } from './backend/emit-c.js';
export * from './backend/toolchain.js';
export { primtabSource, symtabSource, updateHeader } from './backend/runtime-table.js';
export { Session, type Unit } from './backend/session.js';
