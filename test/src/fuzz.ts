#!/usr/bin/env node
// The differential fuzzer: generated programs (program-generator.ts) run in the reference
// interpreter, through the JIT (tcc) and as gcc-built executables must agree (differential.ts).
// A program that disagrees is reduced (reduce.ts) to a small one that disagrees the same way;
// the original, the reduced program and a report are saved, and the reduced program is printed.
//
//   npm run fuzz -- --seed 1 --count 10000 [--jobs 2] [--size 14] [--o2-every 8]
//        [--sanitize-every 16] [--modes jit,O0,O2,asan] [--cc gcc|clang] [--save DIR]
//        [--no-reduce] [--reduce-time 300] [--reduce-tests 1500] [--no-leak-check]
//        [--timeout 60] [--verbose] [SEED...]
//   npm run fuzz -- --file PROGRAM.omni [--modes ...]
//
// Every program runs in the interpreter (in this process), through the JIT and built with
// gcc -O0; every --o2-every-th program is also built with -O2 and every --sanitize-every-th with
// ASan+UBSan+LSan (0: never). --modes replaces that plan with a fixed list of modes for every
// program. Positional SEEDs replace --seed/--count (--from is --seed's old name). --file checks
// one program file in every mode (or --modes). Progress goes to stderr, mismatches and the
// summary to stdout; the exit status is 1 when any program disagrees (2 for bad options).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type DiffOptions,
  type DiffResult,
  NATIVE_MODES,
  type NativeMode,
  SANITIZER_RUN_ENV,
  checkProgram,
  defaultJobs,
  describeRuns,
  ensureRuntime,
  formatMismatch,
  modeName,
  modesFor,
  semaphore,
} from './differential.js';
import { generateProgram } from './program-generator.js';
import { reduce } from './reduce.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string' },
    from: { type: 'string' },
    count: { type: 'string', default: '100' },
    size: { type: 'string', default: '14' },
    'o2-every': { type: 'string', default: '8' },
    'sanitize-every': { type: 'string', default: '16' },
    modes: { type: 'string' },
    cc: { type: 'string', default: 'gcc' },
    jobs: { type: 'string', default: String(Math.min(2, defaultJobs())) },
    save: { type: 'string' },
    file: { type: 'string' },
    'no-reduce': { type: 'boolean', default: false },
    'reduce-time': { type: 'string', default: '300' },
    'reduce-tests': { type: 'string', default: '1500' },
    'no-leak-check': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '60' },
    verbose: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const fail = (message: string): never => {
  console.error(`fuzz: ${message}`);
  process.exit(2);
};
const int = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(`--${name}: not a non-negative integer: ${v}`);
  return n;
};
const first = int('seed', values.seed ?? values.from ?? '1');
const count = int('count', values.count!);
const size = int('size', values.size!);
const o2Every = int('o2-every', values['o2-every']!);
const sanitizeEvery = int('sanitize-every', values['sanitize-every']!);
const jobs = Math.max(1, int('jobs', values.jobs!));
const reduceMs = int('reduce-time', values['reduce-time']!) * 1000;
const reduceTests = int('reduce-tests', values['reduce-tests']!);
const timeoutMs = int('timeout', values.timeout!) * 1000;
const cc = values.cc!;
if (cc !== 'gcc' && cc !== 'clang') fail(`--cc: gcc or clang, not ${cc}`);
const fixedModes: NativeMode[] | null = values.modes
  ? values.modes.split(',').map((m) => (NATIVE_MODES.includes(m as NativeMode) ? (m as NativeMode) : fail(`--modes: one of ${NATIVE_MODES.join(', ')}, not ${m}`)))
  : null;
const sanitizerEnv = values['no-leak-check'] ? { ...SANITIZER_RUN_ENV, ASAN_OPTIONS: 'detect_leaks=0' } : SANITIZER_RUN_ENV;
const saveDir = path.resolve(values.save ?? fs.mkdtempSync(path.join(os.tmpdir(), 'omni-fuzz-')));
fs.mkdirSync(saveDir, { recursive: true });

interface Job {
  seed: number;
  index: number;
  program: string;
  modes: NativeMode[];
  interp: DiffOptions['interp'];
}
const jobsList: Job[] = [];
if (values.file) {
  const program = fs.readFileSync(values.file, 'utf8');
  jobsList.push({ seed: 0, index: 0, program, modes: fixedModes ?? [...NATIVE_MODES], interp: 'cli' });
} else {
  const seeds = positionals.length > 0 ? positionals.map((p) => int('seed', p)) : Array.from({ length: count }, (_, i) => first + i);
  seeds.forEach((seed, index) => jobsList.push({ seed, index, program: '', modes: fixedModes ?? modesFor(index, o2Every, sanitizeEvery), interp: 'in-process' }));
}

ensureRuntime(jobsList.some((j) => j.modes.includes('asan')));
const buildLimit = semaphore(jobs);
const base: DiffOptions = { size, cc: cc as 'gcc' | 'clang', buildLimit, sanitizerEnv, timeoutMs };

/** Maps a report name (jit-tcc, aot-gcc-O2) back to its mode. */
const modeOf = (name: string): NativeMode => NATIVE_MODES.find((m) => modeName(m, cc) === name)!;

/** Reduces a mismatching program; saves original, reduced and a report; returns the report's path. */
async function reduceAndSave(r: DiffResult, job: Job): Promise<{ dir: string; reduced: string; report: string }> {
  const dir = path.join(saveDir, values.file ? path.basename(values.file, '.omni') : `seed${r.seed}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'original.omni'), r.program);
  const signature = r.kinds.join(' ');
  const involved = [...new Set(r.kinds.map((k) => modeOf(k.split(':')[0])))];
  let reduced = r.program;
  let note = 'not reduced (--no-reduce)';
  if (!values['no-reduce']) {
    const started = Date.now();
    const red = await reduce(
      r.program,
      async (candidate) => {
        const c = await checkProgram(r.seed, candidate, { ...base, modes: involved, interp: 'cli', timeoutMs: Math.min(timeoutMs, 10_000) });
        return !c.interp.timedOut && c.kinds.join(' ') === signature;
      },
      { maxTests: reduceTests, timeLimitMs: reduceMs },
    );
    reduced = red.program;
    note = `reduced from ${r.program.split('\n').length - 1} to ${reduced.split('\n').length - 1} lines in ${red.tests} tests, ${((Date.now() - started) / 1000).toFixed(0)} s (${red.stopped})`;
  }
  fs.writeFileSync(path.join(dir, 'reduced.omni'), reduced);
  // What every mode of the original plan does with the reduced program.
  const again = await checkProgram(r.seed, reduced, { ...base, modes: job.modes, interp: 'cli' });
  const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const cli = path.relative(process.cwd(), path.join(repo, 'cli/dist/main.js'));
  const file = path.join(dir, 'reduced.omni');
  const report = [
    `# Differential mismatch: ${values.file ? values.file : `seed ${r.seed}`} (${signature})`,
    '',
    `${note}.`,
    '',
    'Reduced program:',
    '',
    '```lisp',
    reduced.trimEnd(),
    '```',
    '',
    'Reproduce:',
    '',
    '```sh',
    `node ${cli} run --interp ${file}            # reference interpreter`,
    `node ${cli} run --no-cache ${file}          # jit-tcc`,
    `node ${cli} build ${file} -o /tmp/x -O 0 && /tmp/x   # aot-${cc}-O0`,
    `node ${cli} build ${file} -o /tmp/x && /tmp/x        # aot-${cc}-O2`,
    `node ${cli} build ${file} -o /tmp/x --sanitize && /tmp/x   # aot-${cc}-asan`,
    `npm run fuzz -- --file ${file} --modes ${job.modes.join(',')}`,
    ...(values.file ? [] : [`npm run fuzz -- --size ${size} --modes ${job.modes.join(',')} ${r.seed}   # the original program`]),
    '```',
    '',
    `What each mode does with the reduced program (${again.kinds.length > 0 ? again.kinds.join(' ') : 'it agrees now: the disagreement did not survive reduction as checked here'}):`,
    '',
    '```',
    describeRuns(again),
    '```',
    '',
    'Differences on the original program:',
    '',
    '```',
    r.problems.join('\n'),
    '```',
    '',
    '<details><summary>original program</summary>',
    '',
    '```lisp',
    r.program.trimEnd(),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'report.md'), report);
  return { dir, reduced, report: path.join(dir, 'report.md') };
}

// ---------------------------------------------------------------------------------------------

const started = Date.now();
const total = jobsList.length;
const bad: { seed: number; kinds: string[]; dir: string }[] = [];
const phase: Record<string, { ms: number; n: number }> = {};
let done = 0;
/** Programs checked (done, or being reduced). */
let checked = 0;
let lastProgress = 0;
const tty = process.stderr.isTTY;

function progress(force = false): void {
  const now = Date.now();
  if (!force && now - lastProgress < (tty ? 500 : 15_000)) return;
  lastProgress = now;
  const secs = (now - started) / 1000;
  const rate = done / Math.max(secs, 0.001);
  const eta = rate > 0 ? (total - done) / rate : 0;
  const line = `fuzz: ${done}/${total} programs, ${rate.toFixed(2)}/s, ${(secs / 60).toFixed(1)} min, ETA ${(eta / 60).toFixed(1)} min, ${bad.length} mismatch${bad.length === 1 ? '' : 'es'}`;
  process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
}

console.log(`fuzz: ${total} program${total === 1 ? '' : 's'}${values.file ? ` (${values.file})` : `, seeds ${jobsList[0]?.seed}..${jobsList.at(-1)?.seed}`}, size ${size}, ${jobs} job${jobs === 1 ? '' : 's'}, modes: interp vs ${fixedModes ? fixedModes.join(',') : `jit,O0 + O2 every ${o2Every || 'never'} + asan every ${sanitizeEvery || 'never'}`} (${cc}); mismatches saved in ${saveDir}`);

let next = 0;
async function worker(): Promise<void> {
  while (next < jobsList.length) {
    const job = jobsList[next++];
    const genStart = performance.now();
    const program = job.program || generateProgram(job.seed, size);
    const genMs = performance.now() - genStart;
    const r = await checkProgram(job.seed, program, { ...base, modes: job.modes, interp: job.interp });
    checked++;
    r.times.generate = genMs;
    for (const [k, ms] of Object.entries(r.times)) {
      phase[k] ??= { ms: 0, n: 0 };
      phase[k].ms += ms;
      phase[k].n++;
    }
    if (r.problems.length > 0) {
      const entry = { seed: job.seed, kinds: r.kinds, dir: '' };
      bad.push(entry);
      if (tty) process.stderr.write('\n');
      console.log(`\nMISMATCH ${values.file ?? `seed ${job.seed}`}: ${r.kinds.join(' ')}`);
      if (values.verbose) console.log(formatMismatch(r));
      else console.log(r.problems.join('\n'));
      progress(true);
      const saved = await reduceAndSave(r, job);
      entry.dir = saved.dir;
      console.log(`--- reduced program (${saved.report}):\n${saved.reduced}`);
    } else if (values.verbose) {
      console.log(`ok   seed ${job.seed} [${r.natives.map((n) => n.mode).join(', ')}]`);
    }
    done++;
    progress();
  }
}
/** The summary of what is done so far; exits 1 when any program disagreed (130 when interrupted and all agreed). */
function finish(interrupted: boolean): never {
  progress(true);
  if (tty) process.stderr.write('\n');
  if (interrupted) console.log(`fuzz: interrupted after ${checked} of ${total} programs`);
  const total_ = checked;
  const secs = (Date.now() - started) / 1000;
  const perProgram = Object.entries(phase)
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([k, v]) => `${k} ${(v.ms / v.n).toFixed(0)} ms (${v.n}x)`)
    .join(', ');
  console.log(
    `fuzz: ${total_ - bad.length} agree, ${bad.length} mismatch${bad.length === 1 ? '' : 'es'}; ${total_} programs in ${secs.toFixed(1)} s (${(total_ / secs).toFixed(2)} programs/s, ${jobs} job${jobs === 1 ? '' : 's'})`,
  );
  console.log(`fuzz: mean time per phase (and how many programs had it): ${perProgram}`);
  if (bad.length > 0) {
    console.log('fuzz: mismatches:');
    for (const b of bad.sort((x, y) => x.seed - y.seed)) console.log(`  ${values.file ?? `seed ${b.seed}`}: ${b.kinds.join(' ')} -> ${b.dir}`);
}
  process.exit(bad.length > 0 ? 1 : interrupted ? 130 : 0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => finish(true));
await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, jobsList.length)) }, worker));
finish(false);
