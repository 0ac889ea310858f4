// Building native executables: the prebuilt runtime library per target triple and the C compiler
// invocation. Used by the CLI and by the build service.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hostTriple } from '../platform.js';
import { RUNTIME_DIR } from './gen-runtime.js';

export { RUNTIME_DIR };
export type CCompiler = 'gcc' | 'clang';
export type RuntimeVariant = 'release' | 'asan' | 'tsan';
/** `address`: AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer; `thread`: ThreadSanitizer. */
export type Sanitizer = 'none' | 'address' | 'thread';

export interface NativeBuildOptions {
  cc: CCompiler;
  /** -O level: 0 or 2. */
  opt: 0 | 2;
  /** Fully static executable. */
  static: boolean;
  /** A sanitizer build, against the runtime built with the same sanitizer. */
  sanitize: Sanitizer;
  /** The target triple (default: the host's); other triples use the cross compilers in TARGETS. */
  triple?: string;
  /** Debug information (-g): with the C's #line directives, debuggers show the .omni source. */
  debug?: boolean;
}

/** How to build for a target triple: the compiler commands and the runtime build's make variables. */
export interface TargetToolchain {
  /** The command (and leading flags) of each C compiler that can build for the target. */
  compilers: Partial<Record<CCompiler, string[]>>;
  /** Executables are always fully static (musl). */
  alwaysStatic: boolean;
  /** Variables for `make -C runtime release` that build the target's runtime. */
  make: string[];
  /** How to run its executables on this host (an emulator for foreign architectures), if needed. */
  runner?: string[];
}

/** The supported targets: the host's own, plus cross targets from an x86_64 Debian host. */
export function targetToolchains(): Record<string, TargetToolchain> {
  const host = hostTriple();
  return {
    [host]: { compilers: { gcc: ['gcc'], clang: ['clang'] }, alwaysStatic: false, make: [] },
    ...(host === 'x86_64-linux-gnu'
      ? {
          'aarch64-linux-gnu': {
            compilers: { gcc: ['aarch64-linux-gnu-gcc'], clang: ['clang', '--target=aarch64-linux-gnu'] },
            alwaysStatic: false,
            make: ['CC=aarch64-linux-gnu-gcc', 'TRIPLE=aarch64-linux-gnu'],
            runner: ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'],
          },
          'x86_64-linux-musl': { compilers: { gcc: ['musl-gcc'] }, alwaysStatic: true, make: ['CC=musl-gcc', 'TRIPLE=x86_64-linux-musl'] },
        }
      : {}),
  };
}

function targetToolchain(triple: string): TargetToolchain {
  const t = targetToolchains()[triple];
  if (!t) throw new Error(`unsupported target ${triple}`);
  return t;
}

export const DEFAULT_BUILD: NativeBuildOptions = { cc: 'gcc', opt: 2, static: false, sanitize: 'none' };

export { hostTriple };

/** Path of the runtime library for a variant; built with make when missing. */
export function runtimeLibrary(variant: RuntimeVariant, triple = hostTriple()): string {
  return built(path.join(RUNTIME_DIR, 'build', variant === 'release' ? triple : `${triple}-${variant}`, 'libomni.a'), variant, targetToolchain(triple).make);
}

/** `file`, after running the runtime Makefile's `target` (with make variables) when it is missing. */
function built(file: string, target: string, vars: string[] = []): string {
  if (!fs.existsSync(file)) {
    const r = spawnSync('make', ['-s', '-C', RUNTIME_DIR, target, ...vars], { encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(file)) throw new Error(`building ${file} (make ${target}) failed:\n${r.stderr}`);
  }
  return file;
}

/** The C compiler command line that turns cFile into an executable. */
export function compileCommand(cFile: string, out: string, o: NativeBuildOptions): string[] {
  const triple = o.triple ?? hostTriple();
  const target = targetToolchain(triple);
  const cc = target.compilers[o.cc];
  if (!cc) throw new Error(`${o.cc} does not build for ${triple}`);
  const sanitized = o.sanitize !== 'none';
  const flags = ['-std=c99', '-w', `-O${sanitized ? 0 : o.opt}`, '-I', path.join(RUNTIME_DIR, 'include')];
  if (o.debug || sanitized) flags.push('-g', '-fno-omit-frame-pointer');
  if (sanitized) flags.push('-DOMNI_SANITIZE'); // malloc per object (omnilisp.h's OMNI_POOLED), as the sanitized runtime
  if (o.sanitize === 'address') flags.push('-fsanitize=address,undefined');
  if (o.sanitize === 'thread') flags.push('-fsanitize=thread');
  if (o.static || target.alwaysStatic) flags.push('-static');
  const lib = runtimeLibrary(o.sanitize === 'address' ? 'asan' : o.sanitize === 'thread' ? 'tsan' : 'release', triple);
  return [...cc, ...flags, cFile, lib, '-lm', '-lpthread', '-o', out];
}

/**
 * Compiles C source text to an executable; throws with the compiler's diagnostics on failure.
 * The C is written to `keepC` and left there when given, else to a temporary file.
 */
export function buildExecutable(cSource: string, out: string, o: NativeBuildOptions = DEFAULT_BUILD, keepC?: string): void {
  const cFile = keepC ?? `${out}.${process.pid}.c`;
  fs.writeFileSync(cFile, cSource);
  try {
    const [cmd, ...args] = compileCommand(cFile, out, o);
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${cmd} failed:\n${r.stderr}`);
  } finally {
    if (!keepC) fs.rmSync(cFile, { force: true });
  }
}

// ---------------------------------------------------------------- the JIT host

/** The libtcc host (runtime/build/<triple>/omni-jit); built with make when missing. */
export function jitHost(triple = hostTriple()): string {
  return built(path.join(RUNTIME_DIR, 'build', triple, 'omni-jit'), 'jit');
}

/** The runtime's version: the SHA-256 of the JIT host binary (which contains the runtime). */
export function runtimeVersion(triple = hostTriple()): string {
  return fs.readFileSync(`${jitHost(triple)}.version`, 'utf8').trim();
}

/** Include directory units are compiled against. */
export const RUNTIME_INCLUDE = path.join(RUNTIME_DIR, 'include');
