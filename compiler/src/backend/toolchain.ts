// Building native executables: the prebuilt runtime library per target triple and the C compiler
// invocation. Used by the CLI and by the build service.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RUNTIME_DIR } from './gen-runtime.js';

export { RUNTIME_DIR };
export type CCompiler = 'gcc' | 'clang';
export type RuntimeVariant = 'release' | 'asan';

export interface NativeBuildOptions {
  cc: CCompiler;
  /** -O level: 0 or 2. */
  opt: 0 | 2;
  /** Fully static executable. */
  static: boolean;
  /** AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer), against the sanitized runtime. */
  sanitize: boolean;
}

export const DEFAULT_BUILD: NativeBuildOptions = { cc: 'gcc', opt: 2, static: false, sanitize: false };

let tripleCache: string | null = null;

/** The host's target triple in Debian's spelling (gcc's), e.g. `x86_64-linux-gnu`. */
export function hostTriple(): string {
  tripleCache ??= execFileSync('gcc', ['-dumpmachine'], { encoding: 'utf8' }).trim();
  return tripleCache;
}

/** Path of the runtime library for a variant; built with make when missing. */
export function runtimeLibrary(variant: RuntimeVariant, triple = hostTriple()): string {
  const lib = path.join(RUNTIME_DIR, 'build', variant === 'asan' ? `${triple}-asan` : triple, 'libomni.a');
  if (!fs.existsSync(lib)) {
    const r = spawnSync('make', ['-s', '-C', RUNTIME_DIR, variant], { encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(lib)) throw new Error(`building the runtime failed:\n${r.stderr}`);
  }
  return lib;
}

/** The C compiler command line that turns cFile into an executable. */
export function compileCommand(cFile: string, out: string, o: NativeBuildOptions): string[] {
  const flags = ['-std=c99', '-w', `-O${o.sanitize ? 1 : o.opt}`, '-I', path.join(RUNTIME_DIR, 'include')];
  if (o.sanitize) flags.push('-g', '-fno-omit-frame-pointer', '-fsanitize=address,undefined');
  if (o.static) flags.push('-static');
  const lib = runtimeLibrary(o.sanitize ? 'asan' : 'release');
  return [o.cc, ...flags, cFile, lib, '-lm', '-lpthread', '-o', out];
}

/** Compiles C source text to an executable; throws with the compiler's diagnostics on failure. */
export function buildExecutable(cSource: string, out: string, o: NativeBuildOptions = DEFAULT_BUILD): void {
  const cFile = `${out}.${process.pid}.c`;
  fs.writeFileSync(cFile, cSource);
  try {
    const [cmd, ...args] = compileCommand(cFile, out, o);
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${cmd} failed:\n${r.stderr}`);
  } finally {
    fs.rmSync(cFile, { force: true });
  }
}
