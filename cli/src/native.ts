// Running native code: the JIT host (one program, C over fd 3 or a cached object) and the cached
// mode's lookup/compile/store cycle. Loaded without the compiler for cache hits; the compiler is
// imported only when something must be compiled.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibrary, libraryPath } from '@omnilisp/compiler/libpath';
import { hostTriple } from '@omnilisp/compiler/platform';
import { type Input, type KeySettings, ProgramCache, sha256 } from './cache.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNTIME_DIR = path.join(REPO, 'runtime');
export const TRIPLE = hostTriple();
const BUILT_HOST = path.join(RUNTIME_DIR, 'build', TRIPLE, 'omni-jit');

export interface RunResult {
  status: number;
  /** The host reported the object it was asked to save as complete. */
  saved: boolean;
}

export interface HostRun {
  host: string;
  args: readonly string[];
  /** The program's C (sent over fd 3), unless loadObj is given. */
  c?: string;
  saveObj?: string;
  loadObj?: string;
}

/** A finished program's exit status, shell style (128 + signal number when it was killed, said on stderr). */
export function programStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal) process.stderr.write(`omnilisp: program killed by ${signal}\n`);
  return 128 + (signal ? osConstants.signals[signal] : 0);
}

/** Runs one program in the JIT host; stdin/stdout/stderr are the program's own. */
export function runInHost(run: HostRun): Promise<RunResult> {
  const argv = ['run', '-I', path.join(RUNTIME_DIR, 'include')];
  if (run.saveObj) argv.push('--save-obj', run.saveObj);
  if (run.loadObj) argv.push('--load-obj', run.loadObj);
  argv.push('--', ...run.args);
  return new Promise((resolve, reject) => {
    const child = spawn(run.host, argv, { stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe'] });
    let saved = false;
    const control = child.stdio[4] as NodeJS.ReadableStream;
    control.on('data', (d: Buffer) => {
      if (d.toString().includes('saved')) saved = true;
    });
    const source = child.stdio[3] as NodeJS.WritableStream;
    source.on('error', () => undefined);
    source.end(run.c ?? '');
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ status: programStatus(code, signal), saved });
    });
  });
}

/** The settings part of a cache key for the JIT mode, read from the build outputs. */
export function keySettings(file: string, flags: readonly string[] = []): KeySettings {
  return {
    compiler: fs.readFileSync(path.join(REPO, 'compiler', 'dist', 'BUILD_ID'), 'utf8').trim(),
    runtime: fs.readFileSync(`${BUILT_HOST}.version`, 'utf8').trim(),
    triple: TRIPLE,
    mode: 'jit',
    flags,
    file,
  };
}

/** Runs FILE from the cache when possible. Returns null when it is not cached (nothing was run). */
export async function runCached(file: string, args: readonly string[], cache = new ProgramCache()): Promise<RunResult | null> {
  if (!fs.existsSync(`${BUILT_HOST}.version`)) return null;
  const settings = keySettings(file);
  const source = fs.readFileSync(file);
  const searchPath = libraryPath(file);
  const hit = cache.find(cache.lookupKey(settings, source), (name) => findLibrary(name, searchPath));
  if (!hit) return null;
  cache.recordHit(hit.entry);
  const host = cache.host(TRIPLE, settings.runtime, BUILT_HOST);
  return runInHost({ host, args, loadObj: hit.object });
}

/** Compiles FILE (C from the compiler), runs it, and stores the object in the cache. */
export async function compileRunAndStore(file: string, c: string, imports: string[], args: readonly string[], cache = new ProgramCache()): Promise<RunResult> {
  // build the host (and its version file) if this checkout has not yet (loaded only on a miss)
  (await import('@omnilisp/compiler/toolchain')).jitHost(TRIPLE);
  const settings = keySettings(file);
  const source = fs.readFileSync(file);
  const inputs: Input[] = imports.map((p) => ({ name: path.basename(p, '.omni'), path: p, sha256: sha256(fs.readFileSync(p)) }));
  const tmp = cache.temporaryObject();
  cache.recordMiss();
  const host = cache.host(TRIPLE, settings.runtime, BUILT_HOST);
  try {
    const r = await runInHost({ host, args, c, saveObj: tmp });
    if (r.saved) cache.store(cache.lookupKey(settings, source), file, settings, source, inputs, tmp);
    return r;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
