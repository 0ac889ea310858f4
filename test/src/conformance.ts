// The conformance runner: runs every case of the conformance corpus, test/conformance (format in
// its README), in one execution mode and compares stdout, exit status and the first line of stderr.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The conformance corpus: the repository's own copy, kept and extended here (see its README). */
export const CONFORMANCE_DIR = path.join(REPO_ROOT, 'test/conformance');
export const CLI = path.join(REPO_ROOT, 'cli/dist/main.js');
/** The project's own cases in the same format (memory, unwinding, and other native-specific checks). */
export const PROJECT_CASES_DIR = path.join(REPO_ROOT, 'test/cases');
/** Cases of the Violet library (lib/violet.omni), in the same format. */
export const VIOLET_CASES_DIR = path.join(REPO_ROOT, 'test/violet');
/** Ports of the r7rs-benchmarks programs, with the output of the originals under a real Scheme (its README). */
export const R7RS_DIR = path.join(REPO_ROOT, 'test/r7rs');
/** The example programs, each with its expected output (NAME.out). */
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** How each mode runs a case: the command line, given the case file name. */
export interface Mode {
  argv(file: string): string[];
  /** Runs per case, each checked (cached: the first run misses, the second hits). */
  runs: number;
  /** Each case gets its own empty cache directory. */
  freshCache: boolean;
  /** Run by the conformance test on every case (aot-tsan runs only on the concurrent ones). */
  everyCase?: false;
}

const cli = (...args: string[]) => (file: string) => [process.execPath, CLI, 'run', ...args, file];

export const MODES: Record<string, Mode> = {
  interp: { argv: cli('--interp'), runs: 1, freshCache: false },
  'aot-gcc': { argv: cli('--aot', '--cc', 'gcc'), runs: 1, freshCache: false },
  'aot-clang': { argv: cli('--aot', '--cc', 'clang'), runs: 1, freshCache: false },
  'aot-asan': { argv: cli('--aot', '--sanitize'), runs: 1, freshCache: false },
  jit: { argv: cli('--no-cache'), runs: 1, freshCache: false },
  cached: { argv: cli(), runs: 2, freshCache: true },
  'aot-tsan': { argv: cli('--aot', '--tsan'), runs: 1, freshCache: false, everyCase: false },
};

/** Sanitizer settings for every run: any report fails the run. */
export const SANITIZER_ENV = {
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=86',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1:exitcode=86',
  TSAN_OPTIONS: 'exitcode=86',
  LSAN_OPTIONS: 'exitcode=86',
};

/** Lines a sanitizer prints when it finds a problem. */
const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|WARNING: ThreadSanitizer/;

export interface Case {
  name: string;
  dir: string;
  expectedStdout: Buffer;
  expectedStatus: number;
  expectedStderrLine: string | null;
  /** The exact rest of stderr after its first line (the uncaught error's backtrace), when given. */
  expectedBacktrace: string | null;
  stdin: Buffer | null;
}

/**
 * The `.omni` files of a folder of cases, sorted. A missing folder, or one without a case, is an
 * error that names it: tests that need the cases fail rather than pass on nothing.
 */
export function caseFiles(dir = CONFORMANCE_DIR): string[] {
  const rel = path.relative(REPO_ROOT, dir) || '.';
  if (!fs.existsSync(dir)) {
    throw new Error(`the test cases are missing: ${dir} does not exist (${rel} is part of the repository: restore it with \`git checkout -- ${rel}\`)`);
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.omni'))
    .sort();
  if (files.length === 0) throw new Error(`the test cases are missing: ${dir} has no .omni file`);
  return files;
}

/** The cases of a folder (those whose name `wanted` accepts); a case without its `.out` is an error. */
export function listCases(dir = CONFORMANCE_DIR, wanted: (name: string) => boolean = () => true): Case[] {
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)) : null);
  return caseFiles(dir).filter((f) => wanted(f.slice(0, -'.omni'.length))).map((f) => {
    const name = f.slice(0, -'.omni'.length);
    const stdout = read(`${name}.out`);
    if (stdout === null) throw new Error(`case ${path.join(dir, f)} has no expected output: ${name}.out is missing`);
    const status = read(`${name}.status`);
    const err = read(`${name}.err`);
    return {
      name,
      dir,
      expectedStdout: stdout,
      expectedStatus: status ? Number(status.toString().trim()) : 0,
      expectedStderrLine: err ? err.toString().split('\n')[0] : null,
      expectedBacktrace: read(`${name}.backtrace`)?.toString() ?? null,
      stdin: read(`${name}.in`),
    };
  });
}

export interface CaseResult {
  name: string;
  ok: boolean;
  problems: string[];
  ms: number;
  stdout: Buffer;
  stderr: string;
  status: number | null;
}

export function runCommand(
  argv: string[],
  cwd: string,
  stdin: Buffer | null,
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<{ stdout: Buffer; stderr: string; status: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...SANITIZER_ENV, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), status, signal });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? undefined);
  });
}

export async function runCase(c: Case, mode: string, timeoutMs = 180_000): Promise<CaseResult> {
  const started = Date.now();
  const m = MODES[mode];
  const cacheDir = m.freshCache ? fs.mkdtempSync(path.join(os.tmpdir(), 'omni-cache-')) : null;
  const problems: string[] = [];
  let r: Awaited<ReturnType<typeof runCommand>> | null = null;
  try {
    for (let run = 1; run <= m.runs; run++) {
      r = await runCommand(m.argv(`${c.name}.omni`), c.dir, c.stdin, timeoutMs, cacheDir ? { OMNI_CACHE_DIR: cacheDir } : {});
      const tag = m.runs > 1 ? `run ${run}: ` : '';
      for (const p of checkRun(c, r)) problems.push(tag + p);
    }
  } finally {
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return { name: c.name, ok: problems.length === 0, problems, ms: Date.now() - started, stdout: r!.stdout, stderr: r!.stderr, status: r!.status };
}

/** What is wrong with one run of a case (nothing: an empty list). */
function checkRun(c: Case, r: { stdout: Buffer; stderr: string; status: number | null; signal: string | null }): string[] {
  const problems: string[] = [];
  if (!r.stdout.equals(c.expectedStdout)) problems.push(`stdout differs:\n--- expected\n${c.expectedStdout}\n--- got\n${r.stdout}`);
  if (r.status !== c.expectedStatus) problems.push(`exit status ${r.status ?? r.signal}, expected ${c.expectedStatus}`);
  if (c.expectedStatus !== 0 && c.expectedStderrLine !== null) {
    const first = r.stderr.split('\n')[0];
    if (first !== c.expectedStderrLine) problems.push(`stderr first line ${JSON.stringify(first)}, expected ${JSON.stringify(c.expectedStderrLine)}`);
  }
  if (c.expectedBacktrace !== null) {
    const rest = r.stderr.slice(r.stderr.indexOf('\n') + 1);
    if (rest !== c.expectedBacktrace) problems.push(`backtrace differs:\n--- expected\n${c.expectedBacktrace}--- got\n${rest}`);
  }
  const report = SANITIZER_REPORT.exec(r.stderr);
  if (report) problems.push(`sanitizer report:\n${r.stderr.slice(Math.max(0, report.index - 200), report.index + 3000)}`);
  return problems;
}

/** Runs cases with bounded parallelism, reporting each result as it completes. */
export async function runCases(cases: Case[], mode: string, jobs: number, onResult: (r: CaseResult) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      const r = await runCase(c, mode);
      results.push(r);
      onResult(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return results;
}
