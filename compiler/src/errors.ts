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
