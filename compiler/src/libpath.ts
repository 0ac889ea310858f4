// Where `(import NAME)` looks for libraries. Its own module (node builtins only), so the CLI's
// cache lookup can re-resolve a cached program's imports without loading the compiler.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The libraries shipped with OmniLisp (`lib/` at the repository root). */
export const BUNDLED_LIB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lib');

/** Where `(import NAME)` looks: the program's own `lib/`, then $OMNI_LIB_PATH, then the bundled libraries. */
export function libraryPath(programFile: string): string[] {
  const fromEnv = (process.env.OMNI_LIB_PATH ?? '').split(path.delimiter).filter(Boolean);
  return [path.join(path.dirname(programFile), 'lib'), ...fromEnv, BUNDLED_LIB_DIR];
}

/** The file `(import NAME)` loads for a program on a search path, or undefined. */
export function findLibrary(name: string, searchPath: readonly string[]): string | undefined {
  return searchPath.map((dir) => path.join(dir, `${name}.omni`)).find((p) => fs.existsSync(p));
}
