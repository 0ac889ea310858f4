// Where `(import NAME)` looks for libraries. Its own module (node builtins only), so the CLI's
// cache lookup can re-resolve a cached program's imports without loading the compiler.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A renaming of the files under a directory in source positions: `prefix` becomes `replacement`. */
export interface FilePrefix {
  readonly prefix: string;
  readonly replacement: string;
}

/** How positions name `file`: the first matching prefix replaced, else the file as it is. */
export function shownFileName(file: string, names: readonly FilePrefix[] = []): string {
  const map = names.find((m) => file.startsWith(m.prefix));
  return map ? map.replacement + file.slice(map.prefix.length) : file;
}

/** The libraries shipped with OmniLisp (`lib/` at the repository root). */
export const BUNDLED_LIB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lib');

/** Where `(import NAME)` looks: the program's own `lib/`, then $OMNI_LIB_PATH, then the bundled libraries. */
export function libraryPath(programFile: string): string[] {
  const fromEnv = (process.env.OMNI_LIB_PATH ?? '').split(path.delimiter).filter(Boolean);
  return [path.join(path.dirname(programFile), 'lib'), ...fromEnv, BUNDLED_LIB_DIR];
}

/**
 * A library name names a file in a library directory and nothing else: no directory separators,
 * no `..`, no leading `.`, not absolute, no NUL.
 */
export function isValidLibraryName(name: string): boolean {
  return name !== '' && !/[/\\\0]/.test(name) && !name.includes('..') && !name.startsWith('.') && !path.isAbsolute(name);
}

/** The file `(import NAME)` loads for a program on a search path, or undefined (also for an invalid name). */
export function findLibrary(name: string, searchPath: readonly string[]): string | undefined {
  if (!isValidLibraryName(name)) return undefined;
  return searchPath.map((dir) => path.join(dir, `${name}.omni`)).find((p) => fs.existsSync(p));
}

/**
 * The search path in words, for `library not found` (never a path: the service must not show
 * its own directories): "lib/ beside the program, OMNI_LIB_PATH and the bundled libraries".
 */
export function describeLibraryPath(searchPath: readonly string[], programFile?: string): string {
  const fromEnv = new Set((process.env.OMNI_LIB_PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.resolve(d)));
  const beside = programFile === undefined ? undefined : path.resolve(path.dirname(programFile), 'lib');
  const labels: string[] = [];
  for (const dir of searchPath.map((d) => path.resolve(d))) {
    const label =
      dir === beside ? 'lib/ beside the program' : dir === BUNDLED_LIB_DIR ? 'the bundled libraries' : fromEnv.has(dir) ? 'OMNI_LIB_PATH' : 'the library path given to the compiler';
    if (!labels.includes(label)) labels.push(label);
  }
  if (labels.length === 0) return 'no library directories';
  return labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}
