// The front end as one call, and the interpreter's whole-program entry point.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from './ast.js';
import { backtraceLines } from './backtrace.js';
import { CompileError, asCompilerError, isStackOverflow } from './errors.js';
import { type CompileTimeEvaluator, type CompileUsage, Expander } from './expander.js';
import type { Host } from './interp/builtins.js';
import { ProcessHost } from './interp/host.js';
import type { Fuel } from './interp/fuel.js';
import { Interpreter } from './interp/interpreter.js';
import { MemoryHost } from './interp/memory-host.js';
import { type FilePrefix, libraryPath, shownFileName } from './libpath.js';
import type { CompileLimits } from './limits.js';
import { printValue } from './printer.js';
import { readProgram } from './reader.js';
import { type ResolvedProgram, programGlobals, resolveProgram } from './resolver.js';
import type { OError } from './values.js';

export { BUNDLED_LIB_DIR, describeLibraryPath, isValidLibraryName, libraryPath } from './libpath.js';

/** How a program is compiled: its compile-time limits and where `import` looks. */
export interface FrontEndOptions {
  /** Limits of this compile; each one not given is the default (DEFAULT_COMPILE_LIMITS). */
  limits?: Partial<CompileLimits>;
  /** Directories searched by `(import NAME)`, instead of libraryPath(file). */
  libPath?: readonly string[];
  /** How positions name imported files (ExpanderOptions.fileNames). */
  fileNames?: readonly FilePrefix[];
}

export interface FrontEndResult {
  /** Expanded top-level core forms. */
  nodes: Node[];
  /** The same forms, resolved against the whole program. */
  program: ResolvedProgram;
  /** Library files the program imported. */
  imports: string[];
  /** What the compile used of its limits. */
  usage: CompileUsage;
}

/**
 * Reads, expands (running macros at compile time in `compileTime`, within `options.limits`) and
 * resolves a program. Throws CompileError for any problem in the source, CompileLimitError (a
 * CompileError) when a limit stops it.
 */
export function frontEnd(source: string, file: string, compileTime: Interpreter | CompileTimeEvaluator, options: FrontEndOptions = {}): FrontEndResult {
  const evaluator = compileTime instanceof Interpreter ? compileTime.compileTimeEvaluator() : compileTime;
  const expander = new Expander({ libPath: options.libPath ?? libraryPath(file), evaluator, limits: options.limits, programFile: file, fileNames: options.fileNames });
  try {
    const nodes = expander.expandProgram(readProgram(source, shownFileName(file, options.fileNames)));
    const program = resolveProgram(nodes, { globals: programGlobals(nodes) });
    return { nodes, program, imports: expander.importedFiles, usage: expander.usage };
  } catch (e) {
    // Macros can build forms nested more deeply than the recursive passes can walk.
    const at = { file: shownFileName(file, options.fileNames), line: 1, col: 1 };
    if (isStackOverflow(e)) throw new CompileError(at, 'program nested too deeply to compile');
    throw asCompilerError(e, at);
  }
}

/** The first line of standard error for an uncaught error: `error: MESSAGE IRRITANT...`. */
export function uncaughtErrorLine(e: OError): string {
  let line = `error: ${e.message}`;
  for (let v = e.irritants; v !== null && typeof v === 'object' && 'car' in v; v = v.cdr) line += ' ' + printValue(v.car, true);
  return line;
}

/** What an uncaught error prints on standard error: its first line, then its backtrace. */
export function uncaughtErrorReport(e: OError): string {
  return [uncaughtErrorLine(e), ...backtraceLines(e.trace).map((l) => `  ${l}`)].join('\n') + '\n';
}

export interface InterpretOptions {
  /** The program's command-line arguments. */
  args?: readonly string[];
  /** Overrides the process host (tests). */
  host?: Host & { flush(): void };
  /** Where diagnostics go (default: process stderr). */
  stderr?: (text: string) => void;
  /** Compile-time limits and library path (default: the defaults, libraryPath(file)). */
  frontEnd?: FrontEndOptions;
}

/** Runs a program file with the reference interpreter; returns the process exit status. */
export function interpretFile(file: string, opts: InterpretOptions = {}): number {
  const host = opts.host ?? new ProcessHost(opts.args ?? []);
  const stderr = opts.stderr ?? ((t: string) => fs.writeSync(2, t));
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    stderr(`omnilisp: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const { program } = frontEnd(source, file, lazyCompileTimeEvaluator(() => new Interpreter(host)), opts.frontEnd);
    const result = new Interpreter(host).runProgram(program.forms, program.rebound);
    host.flush();
    if (result.exitCode !== null) return result.exitCode;
    if (result.error) {
      stderr(uncaughtErrorReport(result.error));
      return 1;
    }
    return 0;
  } catch (e) {
    host.flush();
    if (e instanceof CompileError) {
      stderr(e.message + '\n');
      return 1;
    }
    throw e;
  }
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
