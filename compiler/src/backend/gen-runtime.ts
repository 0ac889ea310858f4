// Writes the parts of the runtime derived from the primitive table and the header: the prototype
// section of runtime/include/omnilisp.h, runtime/src/primtab.c and the JIT host's symbol table
// runtime/host/symtab.c. Files are rewritten only when they change,
// so the runtime's Makefile rebuilds only when the table does.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { primtabSource, symtabSource, updateHeader } from './runtime-table.js';

export const RUNTIME_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'runtime');

function writeIfChanged(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeFileSync(path, text);
  return true;
}

export function generateRuntimeSources(runtimeDir = RUNTIME_DIR): string[] {
  const header = join(runtimeDir, 'include', 'omnilisp.h');
  const changed: string[] = [];
  if (writeIfChanged(header, updateHeader(readFileSync(header, 'utf8')))) changed.push(header);
  const table = join(runtimeDir, 'src', 'primtab.c');
  if (writeIfChanged(table, primtabSource())) changed.push(table);
  const symtab = join(runtimeDir, 'host', 'symtab.c');
  if (writeIfChanged(symtab, symtabSource(readFileSync(header, 'utf8')))) changed.push(symtab);
  return changed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const f of generateRuntimeSources()) console.error(`[gen-runtime] wrote ${f}`);
}
