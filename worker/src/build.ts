// One build: the program's files -> C (in a compile process of the pool: the front end runs user
// macros) -> gcc/clang executable or tcc object (for the JIT host) against the prebuilt runtime,
// with its manifest. Every step is bounded: the front end by the pool, each C compiler by a wall
// time and an address-space limit, killed with its process group when it overruns.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FilePrefix } from '@omnilisp/compiler';
import { BUNDLED_LIB_DIR } from '@omnilisp/compiler/libpath';
import { RUNTIME_DIR, RUNTIME_INCLUDE, compileCommand, jitHost } from '@omnilisp/compiler/toolchain';
import { type CompileLimitName, CompileDiagnostic, CompileKilled, type CompilePool, CompilerCrashed } from './compile-pool.js';
import { type BuildSpec, type Diagnostic, type Manifest, formatDiagnostic, normalizeSpec, round, sha256 } from './spec.js';
import { processAlive } from './processes.js';
import type { Toolchain } from './toolchains.js';

/** The program does not compile, or compiling it reached a limit; diagnostics say where and why. */
export class CompileFailure extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly limit?: CompileLimitName,
    message = diagnostics.map(formatDiagnostic).join('\n'),
  ) {
    super(message);
  }
}

/**
 * The compiler failed on this program (a bug of the compiler, not the program's fault): the form
 * it was compiling, when it knows, and the original stack, for the worker's logs only.
 */
export class InternalCompileFailure extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly internalStack: string,
  ) {
    super(diagnostics.length ? diagnostics.map(formatDiagnostic).join('\n') : 'internal compiler error: the compiler failed on this program (the failure is logged on the worker)');
  }
}

/** A message that may name files of this machine, with every absolute path replaced by `<path>`. */
function withoutPaths(message: string): string {
  return message.replace(/(^|[\s'"`(=:])\/[^\s'"`)]*/g, '$1<path>');
}

export interface Built {
  manifest: Manifest;
  body: Buffer;
}

export type Stage = 'compiling' | 'linking';

/** Bounds on each C compiler invocation. */
export interface CcLimits {
  timeoutMs: number;
  memoryMb: number;
}

export interface BuildContext {
  toolchain: Toolchain;
  compilerVersion: string;
  /** Where build directories are made (one per build, removed afterwards). */
  workRoot: string;
  pool: CompilePool;
  cc: CcLimits;
  onStage?: (stage: Stage) => void | Promise<void>;
}

/** Build directories are `build-<worker pid>-*`, so a worker can tell which ones a dead worker left. */
export const buildDirPrefix = (pid = process.pid) => `build-${pid}-`;

/** Writes the program's files under dir (names were validated at the edge: `NAME.omni` or `lib/NAME.omni`). */
function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/**
 * How positions name the files of a build (diagnostics, backtraces, #line): relative to the build
 * directory, or `lib/NAME` for a bundled library; the compiler never sees where they are.
 */
const fileNames = (dir: string): FilePrefix[] => [
  { prefix: BUNDLED_LIB_DIR + path.sep, replacement: 'lib/' },
  { prefix: dir + path.sep, replacement: '' },
];

/**
 * OmniLisp -> C in the pool. Imports resolve only to the request's own `lib/` and the bundled
 * libraries (never OMNI_LIB_PATH or anything else on the worker).
 */
async function toC(spec: BuildSpec, dir: string, pool: CompilePool): Promise<string> {
  try {
    const target = spec.output === 'shared' ? 'jit' : 'executable';
    const libPath = [path.join(dir, 'lib'), BUNDLED_LIB_DIR];
    return (await pool.compile({ source: spec.files[spec.entry], file: path.join(dir, spec.entry), target, libPath, fileNames: fileNames(dir) })).c;
  } catch (e) {
    if (e instanceof CompileDiagnostic) {
      throw new CompileFailure([{ file: e.loc.file, line: e.loc.line, column: e.loc.col, message: e.detail }], e.limit);
    }
    if (e instanceof CompileKilled) throw new CompileFailure([], e.limit, e.message);
    if (e instanceof CompilerCrashed) {
      const ice = e.internal;
      const where = ice ? [{ file: ice.loc.file, line: ice.loc.line, column: ice.loc.col, message: `internal compiler error: ${withoutPaths(ice.detail)}` }] : [];
      throw new InternalCompileFailure(where, e.message);
    }
    throw e;
  }
}

/**
 * Runs a C compiler in its own process group, under an address-space and CPU-time limit (set by
 * sh's ulimit, inherited by cc1, as and ld) and a wall-time limit; `fd3` is written to its fd 3.
 * Over a limit the whole group is killed and the build fails with that limit.
 */
function runCompiler(cmd: string, args: string[], dir: string, limits: CcLimits, fd3?: string): Promise<void> {
  const ulimits = `ulimit -v ${limits.memoryMb * 1024} && ulimit -t ${Math.ceil(limits.timeoutMs / 1000)} && exec "$0" "$@"`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', ulimits, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe', fd3 === undefined ? 'ignore' : 'pipe'], detached: true });
    const pgid = child.pid;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pgid) killQuietly(-pgid);
    }, limits.timeoutMs);
    child.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-16_384)));
    if (fd3 !== undefined) {
      const input = child.stdio[3] as NodeJS.WritableStream;
      input.on('error', () => undefined);
      input.end(fd3);
    }
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pgid) killQuietly(-pgid); // whatever it left behind
      const name = path.basename(cmd);
      if (code === 0) return resolve();
      if (timedOut || signal === 'SIGXCPU') return reject(new CompileFailure([], 'time', `${name} took longer than the C compiler limit of ${limits.timeoutMs} ms`));
      if (/memory exhausted|out of memory|cannot allocate|std::bad_alloc/i.test(stderr)) {
        return reject(new CompileFailure([], 'memory', `${name} exceeded the C compiler memory limit of ${limits.memoryMb} MB`));
      }
      // the message reaches clients (a build's failedReason): no path of this machine in it
      reject(new Error(`${name} failed (${signal ?? code}):\n${stderr.replaceAll(dir, '<build>').replaceAll(RUNTIME_DIR, '<runtime>')}`));
    });
  });
}

/** SIGKILL to a process, or to a process group when target is negative (-pgid). */
function killQuietly(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The C compiler step: an executable (gcc/clang) or an object for the JIT host (tcc). */
async function compileC(c: string, spec: BuildSpec, dir: string, out: string, limits: CcLimits): Promise<void> {
  if (spec.compiler === 'tcc') return runCompiler(jitHost(spec.target), ['compile', '-I', RUNTIME_INCLUDE, '--save-obj', out], dir, limits, c);
  const cFile = path.join(dir, 'program.c');
  fs.writeFileSync(cFile, c);
  const [cmd, ...args] = compileCommand(cFile, out, { cc: spec.compiler, opt: spec.opt, static: spec.static, sanitize: 'none', triple: spec.target });
  return runCompiler(cmd, args, dir, limits);
}

/**
 * Removes the build directories under workRoot that a worker no longer running left behind (a
 * killed worker cannot clean up), after killing the C compilers still working in them (found by
 * the directory in their command line); with `all`, this worker's own too (on shutdown, when no
 * build is running).
 */
export function cleanBuildDirs(workRoot: string, all = false): number {
  let names: string[];
  try {
    names = fs.readdirSync(workRoot);
  } catch {
    return 0;
  }
  const stale = names
    .filter((name) => {
      const owner = Number(/^build-(\d+)-/.exec(name)?.[1] ?? NaN);
      return Number.isInteger(owner) && (owner === process.pid ? all : !processAlive(owner));
    })
    .map((name) => path.join(workRoot, name));
  if (!stale.length) return 0;
  for (const pid of processesUsing(stale)) killQuietly(pid);
  for (const dir of stale) fs.rmSync(dir, { recursive: true, force: true });
  return stale.length;
}

/** Processes (other than this one) whose command line names one of dirs. */
function processesUsing(dirs: string[]): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (dirs.some((d) => cmdline.includes(d + path.sep))) found.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Builds spec under key in a fresh directory below the work root (removed afterwards). */
export async function buildArtifact(key: string, rawSpec: BuildSpec, ctx: BuildContext): Promise<Built> {
  const spec = normalizeSpec(rawSpec);
  const onStage = ctx.onStage ?? (() => undefined);
  fs.mkdirSync(ctx.workRoot, { recursive: true });
  const dir = fs.mkdtempSync(path.join(ctx.workRoot, buildDirPrefix()));
  try {
    await onStage('compiling');
    const started = performance.now();
    writeFiles(dir, spec.files);
    const c = await toC(spec, dir, ctx.pool);
    const compileMs = round(performance.now() - started);
    await onStage('linking');
    const linking = performance.now();
    const name = spec.output === 'shared' ? 'program.o' : 'program';
    const out = path.join(dir, name);
    await compileC(c, spec, dir, out, ctx.cc);
    const body = fs.readFileSync(out);
    const ccMs = round(performance.now() - linking);
    const manifest: Manifest = {
      key,
      target: spec.target,
      output: spec.output,
      compiler: spec.compiler,
      opt: spec.opt,
      static: spec.static,
      entry: spec.entry,
      files: Object.keys(spec.files)
        .sort()
        .map((n) => ({ name: n, bytes: Buffer.byteLength(spec.files[n]), sha256: sha256(spec.files[n]) })),
      artifact: { name, bytes: body.length, sha256: sha256(body), cBytes: Buffer.byteLength(c) },
      versions: { compiler: ctx.compilerVersion, runtime: ctx.toolchain.runtimeVersion, cc: ctx.toolchain.ccVersion },
      diagnostics: [],
      timings: { compileMs, ccMs, uploadMs: 0, totalMs: round(compileMs + ccMs) },
      createdAt: new Date().toISOString(),
    };
    return { manifest, body };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
