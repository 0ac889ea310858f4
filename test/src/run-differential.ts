#!/usr/bin/env node
// Differential testing over many seeds: generated programs run in the interpreter and as native
// executables must agree (see differential.ts).
//
//   node test/dist/run-differential.js --from 1 --count 500 [--size 14] [--sanitize-every 4]
//        [--cc gcc|clang] [--jobs N] [--save DIR] [--no-leak-check] [--quiet] [SEED...]
//
// --sanitize-every 0 disables sanitized builds, 1 sanitizes every program. --no-leak-check runs
// sanitized builds with ASAN_OPTIONS=detect_leaks=0 (to look for other reports behind a known leak).
// Positional SEEDs replace --from/--count. Every mismatch is printed with its seed and program;
// with --save DIR each mismatching program is also written to DIR/seed<N>.omni.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type DiffResult, SANITIZER_RUN_ENV, checkSeed, defaultJobs, ensureRuntime, formatMismatch, pool, semaphore } from './differential.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '1' },
    count: { type: 'string', default: '100' },
    size: { type: 'string', default: '14' },
    'sanitize-every': { type: 'string', default: '4' },
    cc: { type: 'string', default: 'gcc' },
    jobs: { type: 'string', default: String(defaultJobs()) },
    save: { type: 'string' },
    'no-leak-check': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const int = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) {
    console.error(`--${name}: not an integer: ${v}`);
    process.exit(2);
  }
  return n;
};
const from = int('from', values.from!);
const count = int('count', values.count!);
const size = int('size', values.size!);
const every = int('sanitize-every', values['sanitize-every']!);
const jobs = int('jobs', values.jobs!);
const cc = values.cc!;
if (cc !== 'gcc' && cc !== 'clang') {
  console.error(`--cc: gcc or clang, not ${cc}`);
  process.exit(2);
}
const seeds = positionals.length > 0 ? positionals.map((p) => int('seed', p)) : Array.from({ length: count }, (_, i) => from + i);
/** Every `every`-th seed (counting from the first) also gets a sanitized build. */
const sanitized = (index: number) => every > 0 && index % every === 0;

const sanitizerEnv = values['no-leak-check'] ? { ...SANITIZER_RUN_ENV, ASAN_OPTIONS: 'detect_leaks=0' } : SANITIZER_RUN_ENV;

ensureRuntime(every > 0);
const started = Date.now();
const limit = semaphore(jobs);
const bad: DiffResult[] = [];
let done = 0;
await pool(
  seeds.map((seed, index) => ({ seed, index })),
  jobs,
  ({ seed, index }) => checkSeed(seed, { size, cc, sanitize: sanitized(index), buildLimit: limit, sanitizerEnv }),
  (r) => {
    done++;
    if (r.problems.length > 0) {
      bad.push(r);
      console.log(`MISMATCH seed ${r.seed}\n${formatMismatch(r)}\n`);
      if (values.save) {
        fs.mkdirSync(values.save, { recursive: true });
        fs.writeFileSync(path.join(values.save, `seed${r.seed}.omni`), r.program);
      }
    } else if (!values.quiet) {
      const modes = r.natives.map((n) => n.mode).join(', ');
      console.log(`ok   seed ${r.seed} [${modes}] (${done}/${seeds.length})`);
    } else if (done % 50 === 0) {
      console.log(`... ${done}/${seeds.length} done, ${bad.length} mismatch`);
    }
  },
);
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`differential: ${seeds.length - bad.length} agree, ${bad.length} mismatch (${secs} s)`);
if (bad.length > 0) console.log(`mismatching seeds: ${bad.map((r) => r.seed).sort((a, b) => a - b).join(' ')}`);
process.exit(bad.length === 0 ? 0 : 1);
