// What this worker can build: one toolchain per (target triple, compiler) pair that has its
// compiler installed and its runtime prebuilt, with the versions that enter content keys.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED_LIB_DIR } from '@omnilisp/compiler/libpath';
import { hostTriple } from '@omnilisp/compiler/platform';
import { RUNTIME_DIR, jitHost, runtimeLibrary, targetToolchains } from '@omnilisp/compiler/toolchain';
import { type Compiler, type Output, sha256 } from './spec.js';

export interface Toolchain {
  target: string;
  compiler: Compiler;
  /** What it produces: gcc/clang link executables; tcc compiles objects for the JIT host. */
  output: Output;
  /** Version of the runtime artifacts are linked against (a hash of the prebuilt runtime). */
  runtimeVersion: string;
  /** The C compiler's own version string. */
  ccVersion: string;
}

/** The compiler's version: its build id plus the bundled libraries programs may import. */
export function compilerVersion(): string {
  const buildId = fs.readFileSync(path.join(RUNTIME_DIR, '..', 'compiler', 'dist', 'BUILD_ID'), 'utf8').trim();
  const libs = fs
    .readdirSync(BUNDLED_LIB_DIR)
    .filter((f) => f.endsWith('.omni'))
    .sort()
    .map((f) => `${f}:${sha256(fs.readFileSync(path.join(BUNDLED_LIB_DIR, f)))}`);
  return sha256([buildId, ...libs].join('\n'));
}

function commandVersion(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : null;
}

const HEADER = path.join(RUNTIME_DIR, 'include', 'omnilisp.h');

/** The runtime version for gcc/clang artifacts of a triple: its prebuilt library and the header. */
function staticRuntimeVersion(triple: string): string | null {
  try {
    return sha256(Buffer.concat([fs.readFileSync(runtimeLibrary('release', triple)), fs.readFileSync(HEADER)]));
  } catch {
    return null; // the runtime cannot be built for it here (its cross compiler is missing)
  }
}

/**
 * The toolchains available here for the given targets (every supported one when empty): each
 * installed C compiler of a target whose runtime is (or can be) built, plus tcc for the host.
 */
export function detectToolchains(targets: readonly string[] = []): Toolchain[] {
  const host = hostTriple();
  const found: Toolchain[] = [];
  for (const [triple, target] of Object.entries(targetToolchains())) {
    if (targets.length && !targets.includes(triple)) continue;
    const compilers = Object.entries(target.compilers).flatMap(([cc, cmd]) => {
      const version = commandVersion(cmd[0], ['--version']);
      return version ? [{ cc: cc as Compiler, version }] : [];
    });
    const runtimeVersion = compilers.length ? staticRuntimeVersion(triple) : null;
    if (runtimeVersion) for (const { cc, version } of compilers) found.push({ target: triple, compiler: cc, output: 'executable', runtimeVersion, ccVersion: version });
    if (triple !== host) continue;
    const jit = jitHost(host);
    found.push({
      target: host,
      compiler: 'tcc',
      output: 'shared',
      runtimeVersion: fs.readFileSync(`${jit}.version`, 'utf8').trim(),
      ccVersion: `libtcc ${commandVersion('tcc', ['-v']) ?? ''}`.trim(),
    });
  }
  return found;
}
