// What a build is: the program's files and how to build them, and its content key. Shared by the
// API (which computes the key at the edge) and the worker (which builds under it).
import { createHash } from 'node:crypto';

export const OUTPUTS = ['executable', 'shared'] as const;
export const COMPILERS = ['gcc', 'clang', 'tcc'] as const;
export type Output = (typeof OUTPUTS)[number];
export type Compiler = (typeof COMPILERS)[number];

/** File names a program may upload: `NAME.omni` (the program) or `lib/NAME.omni` (its libraries). */
export const FILE_NAME = /^(lib\/)?[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.omni$/;

/** A normalized build request: everything the artifact depends on besides tool versions. */
export interface BuildSpec {
  /** File name -> source text; the entry plus the libraries it may import. */
  files: Record<string, string>;
  /** The program's file (a key of files). */
  entry: string;
  target: string;
  output: Output;
  compiler: Compiler;
  /** Optimization level (0 or 2; always 0 for tcc, which has one). */
  opt: 0 | 2;
  /** A fully static executable (gcc and clang executables only). */
  static: boolean;
}

/** The versions a key depends on: the compiler build and the runtime the artifact links against. */
export interface ToolVersions {
  compiler: string;
  runtime: string;
}

/** Milliseconds to one decimal, as timings are reported. */
export const round = (ms: number): number => Math.round(ms * 10) / 10;

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Settings that do not apply to a compiler/output pair are normalized away, so they cannot split
 * keys; musl executables are always static.
 */
export function normalizeSpec(spec: BuildSpec): BuildSpec {
  const tcc = spec.compiler === 'tcc';
  const executable = !tcc && spec.output === 'executable';
  return { ...spec, opt: tcc ? 0 : spec.opt, static: executable && (spec.static || spec.target.endsWith('-musl')) };
}

/**
 * The content key: SHA-256 over every input of the artifact (each file's name and contents, the
 * entry, the target and build settings, the compiler and runtime versions). Identical requests
 * share it; any difference gives another key.
 */
export function contentKey(spec: BuildSpec, versions: ToolVersions): string {
  const s = normalizeSpec(spec);
  const files = Object.keys(s.files)
    .sort()
    .map((name) => [name, sha256(s.files[name])]);
  return sha256(
    JSON.stringify({
      v: 1,
      files,
      entry: s.entry,
      target: s.target,
      output: s.output,
      compiler: s.compiler,
      opt: s.opt,
      static: s.static,
      versions: [versions.compiler, versions.runtime],
    }),
  );
}

/** A content key: 64 lowercase hex digits. */
export const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** Where a key's objects live in the store. The manifest is written last: it marks the key complete. */
export const storeKeys = (key: string, artifactName?: string) => ({
  manifest: `artifacts/${key}/manifest.json`,
  /** The build spec (sources and settings), kept so a corrupt artifact can be rebuilt. */
  spec: `artifacts/${key}/spec.json`,
  artifact: `artifacts/${key}/${artifactName ?? 'program'}`,
  prefix: `artifacts/${key}/`,
});

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** `FILE:LINE:COL: message`, as compile errors are printed everywhere. */
export const formatDiagnostic = (d: Diagnostic): string => `${d.file}:${d.line}:${d.column}: ${d.message}`;

/** Everything known about a built artifact; stored as JSON next to it. */
export interface Manifest {
  key: string;
  target: string;
  output: Output;
  compiler: Compiler;
  opt: 0 | 2;
  static: boolean;
  entry: string;
  files: { name: string; bytes: number; sha256: string }[];
  artifact: { name: string; bytes: number; sha256: string; cBytes: number };
  versions: { compiler: string; runtime: string; cc: string };
  diagnostics: Diagnostic[];
  timings: { compileMs: number; ccMs: number; uploadMs: number; totalMs: number };
  createdAt: string;
}
