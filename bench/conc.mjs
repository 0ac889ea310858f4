#!/usr/bin/env node
// Concurrency benchmarks (issue 7), AOT gcc -O2, median of N runs:
//   - bench/conc/parallel-map.omni: map over 2 threads against the sequential map (speedup);
//   - bench/conc/shared-rc.omni: reference counting on a thread-local list against the same list
//     once shared (atomic counts): the cost of sharing.
//   node bench/conc.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(BENCH, '..', 'cli', 'dist', 'main.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 0) || 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function build(name) {
  const exe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'omni-conc-')), name);
  const r = spawnSync(process.execPath, [CLI, 'build', path.join(BENCH, 'conc', `${name}.omni`), '-o', exe], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return exe;
}

function time(exe, arg) {
  const xs = [];
  let out = null;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(exe, [arg], { encoding: 'utf8' });
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${exe} ${arg}: ${r.stderr}`);
    out = r.stdout.trim().split(' ').slice(1).join(' ');
  }
  return { ms: median(xs), out };
}

const pm = build('parallel-map');
const seq = time(pm, 'seq');
const par = time(pm, 'par');
if (seq.out !== par.out) throw new Error(`parallel map disagrees: ${seq.out} vs ${par.out}`);
const rc = build('shared-rc');
const local = time(rc, 'local');
const shared = time(rc, 'shared');
console.log(`cores: ${os.availableParallelism()}, median of ${runs} runs`);
console.log(`parallel map over 2 threads: sequential ${seq.ms.toFixed(1)} ms, parallel ${par.ms.toFixed(1)} ms, speedup ${(seq.ms / par.ms).toFixed(2)}x`);
console.log(`reference counting: thread-local ${local.ms.toFixed(1)} ms, shared (atomic) ${shared.ms.toFixed(1)} ms, shared costs ${(shared.ms / local.ms).toFixed(2)}x`);
