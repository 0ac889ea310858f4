// Differential testing: a generated program (program-generator.ts) must behave the same in the
// reference interpreter, as JIT-compiled code (tcc, in the omni-jit host) and as native
// executables built by the C back end with gcc (-O0, -O2, and sanitized) — the same standard
// output, the same exit status and the same first line of standard error (LANGUAGE.md §10: an
// uncaught error prints `error: ...` and exits 1). A sanitized build (ASan + UBSan + LSan) must
// in addition print no sanitizer report.
//
// What runs is what the command line runs, minus a Node start per step: the interpreter is
// `interpretFile` (what `omnilisp run --interp` calls), the C comes from `compileProgram` (what
// `omnilisp build` and `omnilisp run --no-cache` call), gcc gets `compileCommand`'s command line
// (what `buildExecutable` runs) and the JIT is the omni-jit host fed C on fd 3 (what `runInHost`
// does). Interpreter and C generation run in this process; gcc, the executables and the JIT host
// are child processes. For programs that may not terminate (a reducer's candidates) the
// interpreter can run through the CLI instead, under a timeout (`interp: 'cli'`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CompileError,
  MemoryHost,
  RUNTIME_INCLUDE,
  compileCommand,
  compileLimitsFromEnv,
  compileProgram,
  interpretFile,
  jitHost,
  runtimeLibrary,
} from '@omnilisp/compiler';
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

/** Runs a command to completion with a timeout; never rejects for a nonzero exit. `fd3`: text written to a pipe on fd 3 (and fd 4 is a drained pipe), as the JIT host expects. */
export function runProcess(
  argv: readonly string[],
  opts: { cwd?: string; env?: Readonly<Record<string, string>>; timeoutMs?: number; fd3?: string } = {},
): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Sanitizer settings inherited from the caller would change what a native run prints.
    const env: Record<string, string | undefined> = { ...process.env, ASAN_OPTIONS: undefined, UBSAN_OPTIONS: undefined, LSAN_OPTIONS: undefined, ...opts.env };
    const stdio: ('ignore' | 'pipe')[] = opts.fd3 !== undefined ? ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'];
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, stdio, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    if (opts.fd3 !== undefined) {
      const control = child.stdio[4] as NodeJS.ReadableStream;
      control.on('data', () => undefined);
      control.on('error', () => undefined);
      const source = child.stdio[3] as NodeJS.WritableStream;
      source.on('error', () => undefined);
      source.end(opts.fd3);
    }
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
 * Builds the runtime libraries (release and, when asked, sanitized) and the JIT host if missing,
 * once and up front, so that concurrent builds do not race to run make in the runtime directory.
 */
export function ensureRuntime(sanitize = true): void {
  runtimeLibrary('release');
  if (sanitize) runtimeLibrary('asan');
  jitHost();
}

// ---------------------------------------------------------------------------------------------
// Modes

/** The native modes compared against the interpreter. */
export type NativeMode = 'jit' | 'O0' | 'O2' | 'asan';
export const NATIVE_MODES: readonly NativeMode[] = ['jit', 'O0', 'O2', 'asan'];

/** A mode's name in reports: jit-tcc, aot-gcc-O0, aot-gcc-O2, aot-gcc-asan. */
export function modeName(m: NativeMode, cc = 'gcc'): string {
  return m === 'jit' ? 'jit-tcc' : `aot-${cc}-${m}`;
}

/**
 * The modes of the index-th program of a run: the JIT and gcc -O0 always; every o2Every-th
 * program also at -O2 (the default optimisation of `omnilisp build`), every sanitizeEvery-th
 * also with ASan+UBSan+LSan (-O1). 0 turns a fraction off. The two fractions are offset so they
 * fall on different programs when they can.
 */
export function modesFor(index: number, o2Every: number, sanitizeEvery: number): NativeMode[] {
  const modes: NativeMode[] = ['jit', 'O0'];
  if (o2Every > 0 && (index + Math.floor(o2Every / 2)) % o2Every === 0) modes.push('O2');
  if (sanitizeEvery > 0 && index % sanitizeEvery === 0) modes.push('asan');
  return modes;
}

export interface DiffOptions {
  /** Program size passed to generateProgram. */
  size?: number;
  /** The native modes to compare with the interpreter (default jit and O0). */
  modes?: readonly NativeMode[];
  cc?: 'gcc' | 'clang';
  /** Serialises the expensive steps (C builds) across concurrent calls. */
  buildLimit?: <T>(job: () => Promise<T>) => Promise<T>;
  /** Keep the temporary directory (its path is in the result). */
  keep?: boolean;
  timeoutMs?: number;
  /** Environment of sanitized runs (default SANITIZER_RUN_ENV). */
  sanitizerEnv?: Readonly<Record<string, string>>;
  /**
   * How the interpreter runs: in this process (default; the program must terminate) or through
   * `omnilisp run --interp` under the timeout (for programs that might loop, e.g. while reducing).
   */
  interp?: 'in-process' | 'cli';
}

export interface ModeResult {
  mode: string;
  /** Null when the build failed (then buildError says why). */
  run: Outcome | null;
  buildError: string | null;
  buildMs: number;
}

/** One way in which a mode disagrees with the interpreter. */
export type ProblemKind = 'stdout' | 'exit' | 'stderr' | 'sanitizer' | 'build';

export interface DiffResult {
  seed: number;
  size: number;
  program: string;
  interp: Outcome;
  natives: ModeResult[];
  /** Human-readable differences; empty when everything agrees. */
  problems: string[];
  /** The kinds of the problems, as `MODE:KIND` (e.g. `jit-tcc:stdout`), sorted, without repeats. */
  kinds: string[];
  /** Milliseconds spent in each phase (interp, c, gcc-O0, run-O0, jit, ...). */
  times: Record<string, number>;
  dir: string;
}

const firstLine = (s: string): string => s.split('\n')[0];

export const describeExit = (o: Outcome): string =>
  o.timedOut ? 'timed out' : o.signal !== null ? `killed by ${o.signal}` : `exit ${o.status}`;

/** What differs between the interpreter's outcome and a native run of the same program. */
export function compareOutcomes(interp: Outcome, native: Outcome, mode: string, sanitized: boolean): string[] {
  return compareDetailed(interp, native, mode, sanitized).map((p) => p.text);
}

function compareDetailed(interp: Outcome, native: Outcome, mode: string, sanitized: boolean): { kind: ProblemKind; text: string }[] {
  const problems: { kind: ProblemKind; text: string }[] = [];
  if (native.stdout !== interp.stdout) problems.push({ kind: 'stdout', text: `${mode}: stdout differs\n${unifiedDiff(interp.stdout, native.stdout)}` });
  if (native.status !== interp.status || native.signal !== interp.signal || native.timedOut !== interp.timedOut) {
    problems.push({ kind: 'exit', text: `${mode}: interpreter ${describeExit(interp)}, native ${describeExit(native)}` });
  }
  if (firstLine(native.stderr) !== firstLine(interp.stderr)) {
    problems.push({
      kind: 'stderr',
      text: `${mode}: stderr first line differs\n  interp: ${JSON.stringify(firstLine(interp.stderr))}\n  native: ${JSON.stringify(firstLine(native.stderr))}`,
    });
  }
  if (sanitized) {
    const m = SANITIZER_REPORT.exec(native.stderr);
    if (m) problems.push({ kind: 'sanitizer', text: `${mode}: sanitizer report\n${native.stderr.slice(Math.max(0, m.index - 300), m.index + 4000)}` });
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

/** Runs the interpreter on a program file through the CLI. */
export function runInterpreter(file: string, timeoutMs = 60_000): Promise<Outcome> {
  return runProcess([process.execPath, CLI, 'run', '--interp', file], { cwd: path.dirname(file), timeoutMs });
}

/** Runs the interpreter on a program file in this process, as `omnilisp run --interp` does. */
export function interpretInProcess(file: string): Outcome {
  const started = Date.now();
  const host = new MemoryHost();
  let stderr = '';
  let status: number;
  try {
    status = interpretFile(file, { host, stderr: (t) => void (stderr += t), frontEnd: { limits: compileLimitsFromEnv() } });
  } catch (e) {
    // The CLI would die with Node's uncaught-exception report (exit 1 after a stack trace).
    stderr += `interpreter crashed: ${(e as Error).stack ?? String(e)}\n`;
    status = 1;
  }
  return { stdout: host.stdout, stderr, status, signal: null, timedOut: false, ms: Date.now() - started };
}

type CResult = { c: string } | { outcome: Outcome } | { error: string };

/** The C of a program for a target, or the compile error as the CLI reports it (exit 1), or a compiler crash. */
function generateC(source: string, file: string, target: 'executable' | 'jit'): CResult {
  try {
    return { c: compileProgram(source, file, { target }, { limits: compileLimitsFromEnv() }).c };
  } catch (e) {
    if (e instanceof CompileError) return { outcome: { stdout: '', stderr: e.message + '\n', status: 1, signal: null, timedOut: false, ms: 0 } };
    return { error: `compiler crashed: ${(e as Error).stack ?? String(e)}` };
  }
}

/** Checks one program: the interpreter against each native mode (default jit and gcc -O0). */
export async function checkProgram(seed: number, program: string, o: DiffOptions = {}): Promise<DiffResult> {
  const size = o.size ?? 14;
  const cc = o.cc ?? 'gcc';
  const timeoutMs = o.timeoutMs ?? 120_000;
  const modes = o.modes ?? ['jit', 'O0'];
  const limit = o.buildLimit ?? (<T>(job: () => Promise<T>) => job());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `omni-diff-${seed}-`));
  const file = path.join(dir, `seed${seed}.omni`);
  fs.writeFileSync(file, program);
  const times: Record<string, number> = {};
  const timed = <T>(phase: string, f: () => T): T => {
    const t = performance.now();
    try {
      return f();
    } finally {
      times[phase] = (times[phase] ?? 0) + performance.now() - t;
    }
  };
  const timedAsync = async <T>(phase: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      times[phase] = (times[phase] ?? 0) + performance.now() - t;
    }
  };
  try {
    const interp = o.interp === 'cli' ? await timedAsync('interp', () => runInterpreter(file, timeoutMs)) : timed('interp', () => interpretInProcess(file));
    const natives: ModeResult[] = [];
    const problems: { kind: ProblemKind; mode: string; text: string }[] = [];
    const cFor = new Map<string, CResult>();
    const cOf = (target: 'executable' | 'jit'): CResult => {
      if (!cFor.has(target)) cFor.set(target, timed(`c-${target}`, () => generateC(program, file, target)));
      return cFor.get(target)!;
    };
    for (const m of modes) {
      const mode = modeName(m, cc);
      const sanitized = m === 'asan';
      const gen = cOf(m === 'jit' ? 'jit' : 'executable');
      let run: Outcome;
      let buildMs = 0;
      if ('error' in gen) {
        natives.push({ mode, run: null, buildError: gen.error, buildMs: 0 });
        problems.push({ kind: 'build', mode, text: `${mode}: ${gen.error}` });
        continue;
      } else if ('outcome' in gen) {
        run = gen.outcome;
      } else if (m === 'jit') {
        run = await timedAsync('jit', () => runProcess([jitHost(), 'run', '-I', RUNTIME_INCLUDE, '--'], { cwd: dir, timeoutMs, fd3: gen.c }));
      } else {
        const exe = path.join(dir, `seed${seed}-${m}`);
        const cFile = `${exe}.c`;
        fs.writeFileSync(cFile, gen.c);
        const argv = compileCommand(cFile, exe, { cc, opt: m === 'O0' ? 0 : 2, static: false, sanitize: sanitized ? 'address' : 'none' });
        const b = await limit(() => timedAsync(`${cc}-${m}`, () => runProcess(argv, { cwd: dir, timeoutMs })));
        buildMs = b.ms;
        if (b.status !== 0 || !fs.existsSync(exe)) {
          const error = `${argv[0]} failed (${describeExit(b)})\n${b.stderr.slice(0, 4000)}`;
          natives.push({ mode, run: null, buildError: error, buildMs });
          problems.push({ kind: 'build', mode, text: `${mode}: build failed: ${error}` });
          continue;
        }
        run = await timedAsync(`run-${m}`, () => runProcess([exe], { cwd: dir, env: sanitized ? (o.sanitizerEnv ?? SANITIZER_RUN_ENV) : {}, timeoutMs }));
      }
      natives.push({ mode, run, buildError: null, buildMs });
      problems.push(...compareDetailed(interp, run, mode, sanitized).map((p) => ({ ...p, mode })));
    }
    const kinds = [...new Set(problems.map((p) => `${p.mode}:${p.kind}`))].sort();
    return { seed, size, program, interp, natives, problems: problems.map((p) => p.text), kinds, times, dir };
  } finally {
    if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Generates the program of a seed and checks it (see checkProgram). */
export function checkSeed(seed: number, o: DiffOptions = {}): Promise<DiffResult> {
  return checkProgram(seed, generateProgram(seed, o.size ?? 14), o);
}

/** What each mode printed, for a report. */
export function describeRuns(r: DiffResult, max = 2000): string {
  const show = (name: string, o: Outcome) =>
    [`--- ${name}: ${describeExit(o)}`, `stdout:`, indent(o.stdout.slice(0, max) || '(empty)'), `stderr:`, indent(o.stderr.slice(0, max) || '(empty)')].join('\n');
  const parts = [show('interpreter', r.interp)];
  for (const n of r.natives) parts.push(n.run ? show(n.mode, n.run) : `--- ${n.mode}: build failed\n${indent(n.buildError ?? '')}`);
  return parts.join('\n');
}

const indent = (s: string): string =>
  s
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');

/** A report of a mismatch with everything needed to reproduce it. */
export function formatMismatch(r: DiffResult): string {
  const lines = [
    `differential mismatch for seed ${r.seed} (generateProgram(${r.seed}, ${r.size})): ${r.kinds.join(' ')}`,
    ...r.problems.map((p) => '* ' + p),
    `--- interpreter: ${describeExit(r.interp)}, stderr ${JSON.stringify(r.interp.stderr.slice(0, 500))}`,
    ...r.natives.filter((n) => n.run).map((n) => `--- ${n.mode}: ${describeExit(n.run!)}, stderr ${JSON.stringify(n.run!.stderr.slice(0, 500))}`),
    `--- program (seed ${r.seed}):`,
    r.program,
  ];
  return lines.join('\n');
}

/** Runs jobs over items with at most `jobs` in flight, reporting each result as it completes. */
export async function pool<T, R>(items: readonly T[], jobs: number, fn: (item: T) => Promise<R>, onResult?: (r: R, item: T) => void | Promise<void>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
      await onResult?.(results[i], items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
