#!/usr/bin/env node
// Command-line conformance runner:
//   node test/dist/run-conformance.js [--mode M] [--jobs N] [--dir FOLDER] [NAME-FILTER...]
// FOLDER is a folder of cases in the corpus format (default: test/conformance), e.g. test/r7rs.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MODES, listCases, runCases } from './conformance.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { mode: { type: 'string', default: 'interp' }, jobs: { type: 'string', default: String(os.availableParallelism()) }, dir: { type: 'string' } },
});
const mode = values.mode!;
if (!MODES[mode]) {
  console.error(`unknown mode ${mode}; modes: ${Object.keys(MODES).join(', ')}`);
  process.exit(2);
}
const cases = listCases(values.dir ? path.resolve(values.dir) : undefined, (name) => positionals.length === 0 || positionals.some((p) => name.includes(p)));
const results = await runCases(cases, mode, Number(values.jobs), (r) => {
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${mode} ${r.name} (${r.ms} ms)`);
  for (const p of r.problems) console.log('     ' + p.split('\n').join('\n     '));
});
const failed = results.filter((r) => !r.ok).length;
console.log(`conformance ${mode}: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
