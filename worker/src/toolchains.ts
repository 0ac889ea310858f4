// What this worker can build: one toolchain per (target triple, compiler) pair that has its
// compiler installed and its runtime prebuilt, with the versions that enter content keys.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED_LIB_DIR } from '@omnilisp/compiler/libpath';
import { hostTriple } from '@omnilisp/compiler/platform';
import { RUNTIME_DIR, jitHost, runtimeLibrary } from '@omnilisp/compiler/toolchain';
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

/** The toolchains available here for the given targets (all supported ones when empty). */
export function detectToolchains(targets: readonly string[] = []): Toolchain[] {
  const host = hostTriple();
  const wanted = targets.length ? targets : [host];
  const found: Toolchain[] = [];
  if (!wanted.includes(host)) return found;
  const staticRuntime = sha256(Buffer.concat([fs.readFileSync(runtimeLibrary('release', host)), fs.readFileSync(HEADER)]));
  for (const cc of ['gcc', 'clang'] as const) {
    const version = commandVersion(cc, ['--version']);
    if (version) found.push({ target: host, compiler: cc, output: 'executable', runtimeVersion: staticRuntime, ccVersion: version });
  }
  const jit = jitHost(host);
  found.push({
    target: host,
    compiler: 'tcc',
    output: 'shared',
    runtimeVersion: fs.readFileSync(`${jit}.version`, 'utf8').trim(),
    ccVersion: `libtcc ${commandVersion('tcc', ['-v']) ?? ''}`.trim(),
  });
  return found;
}
