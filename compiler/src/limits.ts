// Compile-time limits. Macros are programs that run while compiling, so one compile is given a
// budget: interpreter steps (procedure calls, plus the work of builtins proportional to the size
// of their data), forms produced by macro expansions, nesting of macro expansions, and the JS
// heap. Running out is a CompileLimitError at the form being expanded.
import { CompileError } from './errors.js';
import type { Loc } from './values.js';

export interface CompileLimits {
  /** Steps of the compile-time interpreter per compile: closure calls, plus builtin work (elements touched or allocated). */
  steps: number;
  /** Datum nodes (pairs, atoms, vector and dict elements, counted as a tree) produced by all macro expansions of one compile. */
  expansionNodes: number;
  /** Macro expansions nested in one another (including a form re-expanded by its own expansion). */
  expansionDepth: number;
  /** The JS heap (MB) the compile-time interpreter may bring the process to. */
  heapMb: number;
}

/**
 * Defaults: 100x or more above what any program of the corpus uses (compiler/README.md,
 * "Compile-time limits", has the measurements), and small enough that a hostile compile stops
 * within a second or two and well under 1 GiB.
 */
export const DEFAULT_COMPILE_LIMITS: Readonly<CompileLimits> = Object.freeze({
  steps: 2_000_000,
  expansionNodes: 500_000,
  expansionDepth: 400,
  heapMb: 512,
});

/** The environment variable of each limit. */
export const COMPILE_LIMIT_ENV: Readonly<Record<keyof CompileLimits, string>> = Object.freeze({
  steps: 'OMNI_COMPILE_STEPS',
  expansionNodes: 'OMNI_COMPILE_EXPANSION_NODES',
  expansionDepth: 'OMNI_COMPILE_EXPANSION_DEPTH',
  heapMb: 'OMNI_COMPILE_HEAP_MB',
});

const KEYS = Object.keys(DEFAULT_COMPILE_LIMITS) as (keyof CompileLimits)[];

function valid(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}

/** The defaults with `limits` applied; throws RangeError naming a value that is not a positive integer. */
export function resolveCompileLimits(limits: Partial<CompileLimits> = {}): CompileLimits {
  const out = { ...DEFAULT_COMPILE_LIMITS };
  for (const k of KEYS) {
    const v = limits[k];
    if (v === undefined) continue;
    if (!valid(v)) throw new RangeError(`compile limit ${k} must be a positive integer, got ${String(v)}`);
    out[k] = v;
  }
  return out;
}

/**
 * The limits set by OMNI_COMPILE_STEPS, OMNI_COMPILE_EXPANSION_NODES, OMNI_COMPILE_EXPANSION_DEPTH
 * and OMNI_COMPILE_HEAP_MB (unset or empty: the default). Throws an Error naming the variable for
 * a value that is not a positive integer.
 */
export function compileLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): CompileLimits {
  const out = { ...DEFAULT_COMPILE_LIMITS };
  for (const k of KEYS) {
    const name = COMPILE_LIMIT_ENV[k];
    const text = env[name]?.trim();
    if (text === undefined || text === '') continue;
    const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!valid(n)) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(env[name])}`);
    out[k] = n;
  }
  return out;
}

export type CompileLimitName = 'steps' | 'expansion' | 'memory';

/** A compile stopped by one of its limits; `limit` says which kind. */
export class CompileLimitError extends CompileError {
  constructor(
    loc: Loc,
    detail: string,
    readonly limit: CompileLimitName,
  ) {
    super(loc, detail);
    this.name = 'CompileLimitError';
  }
}
