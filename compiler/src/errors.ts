// Diagnostics raised while reading, expanding or resolving a program.
import type { Loc } from './values.js';

/** A compile-time error, printed as `FILE:LINE:COL: message`. */
export class CompileError extends Error {
  constructor(
    readonly loc: Loc,
    readonly detail: string,
  ) {
    super(`${loc.file}:${loc.line}:${loc.col}: ${detail}`);
    this.name = 'CompileError';
  }
}

/**
 * A bug in the compiler, not in the program: an unexpected exception in one of its passes,
 * reported at the form being compiled when it happened as
 * `FILE:LINE:COL: internal compiler error: MESSAGE`. `internalStack` is the original stack, for
 * the logs (never shown to a service's client).
 */
export class InternalCompilerError extends Error {
  constructor(
    readonly loc: Loc,
    readonly detail: string,
    readonly internalStack: string,
  ) {
    super(`${loc.file}:${loc.line}:${loc.col}: internal compiler error: ${detail}`);
    this.name = 'InternalCompilerError';
  }

  /** As plain data, to cross to another thread or process (InternalCompilerError.from makes it again). */
  report(): InternalErrorReport {
    return { loc: this.loc, detail: this.detail, stack: this.internalStack };
  }

  static from(r: InternalErrorReport): InternalCompilerError {
    return new InternalCompilerError(r.loc, r.detail, r.stack);
  }
}

/** An internal compiler error as plain data: where, what, and the compiler's stack (for logs). */
export interface InternalErrorReport {
  loc: Loc;
  detail: string;
  stack: string;
}

/**
 * What an exception thrown while compiling the form at `loc` means: compile errors, internal
 * errors raised deeper (at a more precise form) and a full JavaScript stack (which the caller
 * retries on a bigger one) go on as they are; anything else is a bug of the compiler, located here.
 */
export function asCompilerError(e: unknown, loc: Loc): unknown {
  if (e instanceof CompileError || e instanceof InternalCompilerError || isStackOverflow(e)) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  return new InternalCompilerError(loc, err.message, err.stack ?? err.message);
}

/** V8's `Maximum call stack size exceeded`. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** Runs `f`, turning an unexpected exception into an InternalCompilerError at `loc` (asCompilerError). */
export function compilingAt<T>(loc: Loc, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asCompilerError(e, loc);
  }
}
