// One build: the program's files -> C (the compiler package) -> gcc/clang executable or tcc object
// (for the JIT host) against the prebuilt runtime, with its manifest.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CompileError, compileProgram } from '@omnilisp/compiler';
import { RUNTIME_INCLUDE, compileCommand, jitHost } from '@omnilisp/compiler/toolchain';
import { type BuildSpec, type Diagnostic, type Manifest, formatDiagnostic, normalizeSpec, round, sha256 } from './spec.js';
import type { Toolchain } from './toolchains.js';

/** The program does not compile; diagnostics say where and why. */
export class CompileFailure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

export interface Built {
  manifest: Manifest;
  body: Buffer;
}

export type Stage = 'compiling' | 'linking';

/** Writes the program's files under dir (names were validated at the edge: `NAME.omni` or `lib/NAME.omni`). */
function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/** OmniLisp -> C; a CompileError becomes diagnostics with the file names as uploaded. */
function toC(spec: BuildSpec, dir: string): string {
  const entry = path.join(dir, spec.entry);
  try {
    return compileProgram(spec.files[spec.entry], entry, { target: spec.output === 'shared' ? 'jit' : 'executable' }).c;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    const file = path.relative(dir, e.loc.file) || spec.entry;
    throw new CompileFailure([{ file, line: e.loc.line, column: e.loc.col, message: e.detail }]);
  }
}

/** Runs a command; `fd3` is written to its fd 3. Rejects with its stderr when it fails. */
function run(cmd: string, args: string[], fd3?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe', fd3 === undefined ? 'ignore' : 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
    if (fd3 !== undefined) {
      const input = child.stdio[3] as NodeJS.WritableStream;
      input.on('error', () => undefined);
      input.end(fd3);
    }
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed (${code}):\n${stderr}`))));
  });
}

/** The C compiler step: an executable (gcc/clang) or an object for the JIT host (tcc). */
async function compileC(c: string, spec: BuildSpec, dir: string, out: string): Promise<void> {
  if (spec.compiler === 'tcc') return run(jitHost(spec.target), ['compile', '-I', RUNTIME_INCLUDE, '--save-obj', out], c);
  const cFile = path.join(dir, 'program.c');
  fs.writeFileSync(cFile, c);
  const [cmd, ...args] = compileCommand(cFile, out, { cc: spec.compiler, opt: spec.opt, static: spec.static, sanitize: 'none', triple: spec.target });
  return run(cmd, args);
}

/** Builds spec under key in a fresh directory below workRoot (removed afterwards). */
export async function buildArtifact(
  key: string,
  rawSpec: BuildSpec,
  toolchain: Toolchain,
  compilerVersion: string,
  workRoot: string,
  onStage: (stage: Stage) => void | Promise<void> = () => undefined,
): Promise<Built> {
  const spec = normalizeSpec(rawSpec);
  fs.mkdirSync(workRoot, { recursive: true });
  const dir = fs.mkdtempSync(path.join(workRoot, 'build-'));
  try {
    await onStage('compiling');
    const started = performance.now();
    writeFiles(dir, spec.files);
    const c = toC(spec, dir);
    const compileMs = round(performance.now() - started);
    await onStage('linking');
    const linking = performance.now();
    const name = spec.output === 'shared' ? 'program.o' : 'program';
    const out = path.join(dir, name);
    await compileC(c, spec, dir, out);
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
      versions: { compiler: compilerVersion, runtime: toolchain.runtimeVersion, cc: toolchain.ccVersion },
      diagnostics: [],
      timings: { compileMs, ccMs, uploadMs: 0, totalMs: round(compileMs + ccMs) },
      createdAt: new Date().toISOString(),
    };
    return { manifest, body };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
