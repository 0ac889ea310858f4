// Differential testing: a generated program (program-generator.ts) must behave the same in the
// reference interpreter and as a native executable built by the C back end — the same standard
// output, the same exit status and the same first line of standard error (LANGUAGE.md §10: an
// uncaught error prints `error: ...` and exits 1). A sanitized build (ASan + UBSan + LSan) must
// in addition print no sanitizer report.
//
// Everything goes through the real command line (`omnilisp run --interp`, `omnilisp build`), so
// what is compared is exactly what a user sees.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runtimeLibrary } from '@omnilisp/compiler';
import { CLI } from './conformance.js';
import { generateProgram } from './program-generator.js';

/** Environment of sanitized executables: leaks are reported, the first UB report stops the run. */
export const SANITIZER_RUN_ENV: Readonly<Record<string, string>> = {
  ASAN_OPTIONS: 'detect_leaks=1',
  UBSAN_OPTIONS: 'halt_on_error=1',
};

/** What a sanitizer prints when it finds a problem. */
export const SANITIZER_REPORT = /ERROR: (?:AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (?:Address|Leak|UndefinedBehavior)Sanitizer/;

export interface Outcome {
  stdout: string;
  stderr: string;
  /** Exit status, or null when killed by a signal. */
  status: number | null;
  signal: string | null;
  timedOut: boolean;
  ms: number;
}

/** Runs a command to completion with a timeout; never rejects for a nonzero exit. */
export function runProcess(
  argv: readonly string[],
  opts: { cwd?: string; env?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Sanitizer settings inherited from the caller would change what a native run prints.
    const env: Record<string, string | undefined> = { ...process.env, ASAN_OPTIONS: undefined, UBSAN_OPTIONS: undefined, LSAN_OPTIONS: undefined, ...opts.env };
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        status,
        signal,
        timedOut,
        ms: Date.now() - started,
      });
    });
  });
}

/** A limit on how many async jobs run at once. */
export function semaphore(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Default number of programs handled at once: a small pool (C compilation is CPU-bound). */
export function defaultJobs(): number {
  const env = Number(process.env.OMNI_DIFF_JOBS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Builds the runtime libraries (release and sanitized) if missing, once and up front, so that
 * concurrent builds do not race to run make in the runtime directory.
 */
export function ensureRuntime(sanitize = true): void {
  runtimeLibrary('release');
  if (sanitize) runtimeLibrary('asan');
}

export interface DiffOptions {
  /** Program size passed to generateProgram. */
  size?: number;
  /** Also build and run with --sanitize. */
  sanitize?: boolean;
  cc?: 'gcc' | 'clang';
  /** Serialises the expensive steps (C builds) across concurrent calls. */
  buildLimit?: <T>(job: () => Promise<T>) => Promise<T>;
  /** Keep the temporary directory (its path is in the result). */
  keep?: boolean;
  timeoutMs?: number;
  /** Environment of sanitized runs (default SANITIZER_RUN_ENV). */
  sanitizerEnv?: Readonly<Record<string, string>>;
}

export interface ModeResult {
  mode: string;
  /** Null when the build failed (then buildError says why). */
  run: Outcome | null;
  buildError: string | null;
  buildMs: number;
}

export interface DiffResult {
  seed: number;
  size: number;
  program: string;
  interp: Outcome;
  natives: ModeResult[];
  /** Human-readable differences; empty when everything agrees. */
  problems: string[];
  dir: string;
}

const firstLine = (s: string): string => s.split('\n')[0];

const describeExit = (o: Outcome): string =>
  o.timedOut ? 'timed out' : o.signal !== null ? `killed by ${o.signal}` : `exit ${o.status}`;

/** What differs between the interpreter's outcome and a native run of the same program. */
export function compareOutcomes(interp: Outcome, native: Outcome, mode: string, sanitized: boolean): string[] {
  const problems: string[] = [];
  if (native.stdout !== interp.stdout) problems.push(`${mode}: stdout differs\n${unifiedDiff(interp.stdout, native.stdout)}`);
  if (native.status !== interp.status || native.signal !== interp.signal || native.timedOut !== interp.timedOut) {
    problems.push(`${mode}: interpreter ${describeExit(interp)}, native ${describeExit(native)}`);
  }
  if (firstLine(native.stderr) !== firstLine(interp.stderr)) {
    problems.push(`${mode}: stderr first line differs\n  interp: ${JSON.stringify(firstLine(interp.stderr))}\n  native: ${JSON.stringify(firstLine(native.stderr))}`);
  }
  if (sanitized) {
    const m = SANITIZER_REPORT.exec(native.stderr);
    if (m) problems.push(`${mode}: sanitizer report\n${native.stderr.slice(Math.max(0, m.index - 300), m.index + 4000)}`);
  }
  return problems;
}

/** A line-by-line comparison: the first differing line with a little context. */
export function unifiedDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 2);
  const show = (xs: string[], sign: string) =>
    xs.slice(from, i + 3).map((l, k) => `${from + k === i ? sign : ' '} ${from + k + 1}| ${l}`).join('\n');
  return `  first difference at line ${i + 1}\n  --- interpreter\n${show(a, '-')}\n  --- native\n${show(b, '+')}`;
}

/** Builds FILE with the CLI; returns the executable or the build's error output. */
async function build(file: string, exe: string, cc: string, sanitize: boolean, timeoutMs: number): Promise<{ ok: boolean; error: string; ms: number }> {
  const argv = [process.execPath, CLI, 'build', file, '-o', exe, '--cc', cc, ...(sanitize ? ['--sanitize'] : [])];
  const r = await runProcess(argv, { cwd: path.dirname(file), timeoutMs });
  const ok = r.status === 0 && fs.existsSync(exe);
  return { ok, error: ok ? '' : `${describeExit(r)}\n${r.stderr}${r.stdout}`, ms: r.ms };
}

/** Runs the interpreter on a program file through the CLI. */
export function runInterpreter(file: string, timeoutMs = 60_000): Promise<Outcome> {
  return runProcess([process.execPath, CLI, 'run', '--interp', file], { cwd: path.dirname(file), timeoutMs });
}

/** Checks one program: interpreter vs native (gcc by default), and optionally vs a sanitized build. */
export async function checkProgram(seed: number, program: string, o: DiffOptions = {}): Promise<DiffResult> {
  const size = o.size ?? 14;
  const cc = o.cc ?? 'gcc';
  const timeoutMs = o.timeoutMs ?? 120_000;
  const limit = o.buildLimit ?? (<T>(job: () => Promise<T>) => job());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `omni-diff-${seed}-`));
  const file = path.join(dir, `seed${seed}.omni`);
  fs.writeFileSync(file, program);
  try {
    const interp = await runInterpreter(file, timeoutMs);
    const natives: ModeResult[] = [];
    const problems: string[] = [];
    const modes: [string, boolean][] = [[`aot-${cc}`, false]];
    if (o.sanitize) modes.push([`aot-${cc}-sanitize`, true]);
    for (const [mode, sanitized] of modes) {
      const exe = path.join(dir, `seed${seed}-${mode}`);
      const b = await limit(() => build(file, exe, cc, sanitized, timeoutMs));
      if (!b.ok) {
        natives.push({ mode, run: null, buildError: b.error, buildMs: b.ms });
        problems.push(`${mode}: build failed: ${b.error}`);
        continue;
      }
      const run = await runProcess([exe], { cwd: dir, env: sanitized ? (o.sanitizerEnv ?? SANITIZER_RUN_ENV) : {}, timeoutMs });
      natives.push({ mode, run, buildError: null, buildMs: b.ms });
      problems.push(...compareOutcomes(interp, run, mode, sanitized));
    }
    return { seed, size, program, interp, natives, problems, dir };
  } finally {
    if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Generates the program of a seed and checks it (see checkProgram). */
export function checkSeed(seed: number, o: DiffOptions = {}): Promise<DiffResult> {
  return checkProgram(seed, generateProgram(seed, o.size ?? 14), o);
}

/** A report of a mismatch with everything needed to reproduce it. */
export function formatMismatch(r: DiffResult): string {
  const lines = [
    `differential mismatch for seed ${r.seed} (generateProgram(${r.seed}, ${r.size}))`,
    ...r.problems.map((p) => '* ' + p),
    `--- interpreter: ${describeExit(r.interp)}, stderr ${JSON.stringify(r.interp.stderr.slice(0, 500))}`,
    ...r.natives.filter((n) => n.run).map((n) => `--- ${n.mode}: ${describeExit(n.run!)}, stderr ${JSON.stringify(n.run!.stderr.slice(0, 500))}`),
    `--- program (seed ${r.seed}):`,
    r.program,
  ];
  return lines.join('\n');
}

/** Runs jobs over items with at most `jobs` in flight, reporting each result as it completes. */
export async function pool<T, R>(items: readonly T[], jobs: number, fn: (item: T) => Promise<R>, onResult?: (r: R, item: T) => void): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
      onResult?.(results[i], items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
