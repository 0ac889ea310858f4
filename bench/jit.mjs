#!/usr/bin/env node
// JIT and cached-mode benchmarks (issue 4). Prints three tables, every ratio measured in this run:
//   1. `omnilisp run` start-up: cold (compile + tcc) and cached hit, for a hello-world program and
//      a ~300-line program, against `node -e 0` (targets: cold <= 1.5x, cached hit <= 1.2x);
//   2. the REPL round trip for `(+ 1 2)` (target: p50 <= 2 ms);
//   3. tcc-compiled code against the AOT gcc -O2 build and Chicken `csc -O3` on bench/programs
//      (target: <= 1.5x Chicken).
//
//   node bench/jit.mjs [--runs N] [--only NAME[,NAME...]]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const CLI = path.join(ROOT, 'cli', 'dist', 'main.js');
const TRIPLE = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
const HOST = path.join(ROOT, 'runtime', 'build', TRIPLE, 'omni-jit');

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 0) || 11;
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const fmt = (ms) => ms.toFixed(ms < 10 ? 2 : 1);

/** Wall time of one run in ms; throws if the command fails. */
function timeRun(cmd, argv, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return ms;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padStart(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

// ------------------------------------------------------------------ 1. start-up

function startup() {
  console.log(`\n## omnilisp run start-up (median of ${RUNS}; ratios against node -e 0 measured alongside)\n`);
  const nodeMs = median(Array.from({ length: RUNS }, () => timeRun(process.execPath, ['-e', '0'])));
  const rows = [];
  for (const name of ['hello', 'medium']) {
    const file = path.join(BENCH, 'startup', `${name}.omni`);
    const lines = fs.readFileSync(file, 'utf8').split('\n').length;
    const cold = [];
    const hit = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-bench-cache-'));
      cold.push(timeRun(process.execPath, [CLI, 'run', file], { OMNI_CACHE_DIR: dir }));
      hit.push(timeRun(process.execPath, [CLI, 'run', file], { OMNI_CACHE_DIR: dir }));
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const c = median(cold);
    const h = median(hit);
    rows.push([`${name} (${lines} lines)`, fmt(nodeMs), fmt(c), (c / nodeMs).toFixed(2), fmt(h), (h / nodeMs).toFixed(2)]);
  }
  table(['program', 'node -e 0 ms', 'cold ms', 'cold / node', 'cached hit ms', 'hit / node'], rows);
  console.log('targets: cold <= 1.5x, cached hit <= 1.2x of node -e 0');
}

// ------------------------------------------------------------------ 2. REPL round trip

async function replRoundTrip() {
  const n = 200;
  const child = spawn(process.execPath, [CLI, 'repl'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffered = '';
  let resolveLine = null;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buffered += d;
    const nl = buffered.indexOf('\n');
    if (nl >= 0 && resolveLine) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const r = resolveLine;
      resolveLine = null;
      r(line);
    }
  });
  const ask = (input) =>
    new Promise((resolve) => {
      resolveLine = resolve;
      child.stdin.write(input + '\n');
    });
  await ask('(+ 1 2)'); // warm up: host started, compiler loaded
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const out = await ask('(+ 1 2)');
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (out !== '3') throw new Error(`REPL answered ${JSON.stringify(out)}`);
  }
  child.stdin.end();
  console.log(`\n## REPL round trip for (+ 1 2) (${n} inputs, piped)\n`);
  table(['p50 ms', 'p90 ms', 'max ms'], [[fmt(pct(times, 50)), fmt(pct(times, 90)), fmt(Math.max(...times))]]);
  console.log('target: p50 <= 2 ms');
}

// ------------------------------------------------------------------ 3. tcc code speed

function codeSpeed() {
  const runs = Math.max(3, Math.floor(RUNS / 2));
  console.log(`\n## tcc-compiled code against AOT gcc -O2 and Chicken csc -O3 (median of ${runs})\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-bench-jit-'));
  const hasChicken = spawnSync('csc', ['-version']).status === 0;
  const rows = [];
  const ratios = [];
  const programs = fs.readdirSync(path.join(BENCH, 'programs')).filter((f) => f.endsWith('.omni')).map((f) => f.slice(0, -5));
  for (const name of programs.filter((p) => !ONLY || ONLY.includes(p))) {
    const src = path.join(BENCH, 'programs', `${name}.omni`);
    const cache = path.join(work, `cache-${name}`);
    timeRun(process.execPath, [CLI, 'run', src], { OMNI_CACHE_DIR: cache }); // compiles and stores the object
    const obj = fs.readdirSync(path.join(cache, 'programs')).find((f) => f.endsWith('.o'));
    const jitArgv = ['run', '-I', path.join(ROOT, 'runtime', 'include'), '--load-obj', path.join(cache, 'programs', obj)];
    const jit = median(Array.from({ length: runs }, () => timeRun(HOST, jitArgv)));
    const exe = path.join(work, name);
    timeRun(process.execPath, [CLI, 'build', src, '-o', exe]);
    const aot = median(Array.from({ length: runs }, () => timeRun(exe, [])));
    let chicken = null;
    const scm = path.join(BENCH, 'scheme', `${name}.scm`);
    if (hasChicken && fs.existsSync(scm)) {
      const cexe = path.join(work, `${name}-chicken`);
      if (spawnSync('csc', ['-O3', scm, '-o', cexe]).status === 0) chicken = median(Array.from({ length: runs }, () => timeRun(cexe, [])));
    }
    if (chicken) ratios.push(jit / chicken);
    rows.push([name, fmt(jit), fmt(aot), (jit / aot).toFixed(2), chicken ? fmt(chicken) : '-', chicken ? (jit / chicken).toFixed(2) : '-']);
  }
  table(['benchmark', 'tcc ms', 'gcc -O2 ms', 'tcc / gcc', 'Chicken ms', 'tcc / Chicken'], rows);
  if (ratios.length) {
    const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
    console.log(`geometric mean tcc / Chicken: ${geo.toFixed(2)} (target <= 1.5)`);
  } else console.log('Chicken (csc) is not installed: apt-get install chicken-bin');
  fs.rmSync(work, { recursive: true, force: true });
}

startup();
await replRoundTrip();
codeSpeed();
