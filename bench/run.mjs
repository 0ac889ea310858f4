#!/usr/bin/env node
// OmniLisp benchmark suite: builds every bench/programs/NAME.omni with `omnilisp build`
// (AOT, gcc -O2), compiles the equivalent bench/scheme/NAME.scm with every installed peer
// Scheme (Chicken, Gambit, Chez, Guile), runs each executable several times and prints
// the median wall time, the peak RSS and the time ratios, plus geometric means.
//
//   node bench/run.mjs [--only NAME[,NAME...]] [--runs N] [--peers chicken,gambit,chez,guile]
//                      [--cc gcc|clang] [--timeout SECONDS]
//
// Node 20, no dependencies beyond Node's standard library. See bench/README.md.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const BUILD = join(BENCH, 'build');
const CLI = join(ROOT, 'cli', 'dist', 'main.js');
const TIME = '/usr/bin/time';

// Benchmarks whose peak memory is expected to be at most Chicken's (they allocate a lot).
const ALLOCATION_HEAVY = new Set(['deriv', 'listops', 'closures', 'sort', 'primes', 'strings', 'nqueens']);

// ------------------------------------------------------------------ options

function usage(code) {
  const text = `usage: node bench/run.mjs [options]
  --only NAME[,NAME...]   run only these benchmarks (repeatable)
  --runs N                runs per executable, the median is reported (default 5)
  --peers LIST            peers to try, comma-separated (default chicken,gambit,chez,guile)
  --cc gcc|clang          C compiler for omnilisp build (default gcc)
  --timeout SECONDS       per run (default 300)
  -h, --help              this text`;
  (code ? process.stderr : process.stdout).write(text + '\n');
  process.exit(code);
}

const opts = { only: [], runs: 5, peers: ['chicken', 'gambit', 'chez', 'guile'], cc: 'gcc', timeout: 300 };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) { process.stderr.write(`${a} needs a value\n`); usage(2); }
      return argv[++i];
    };
    if (a === '--only') opts.only.push(...next().split(',').filter(Boolean));
    else if (a.startsWith('--only=')) opts.only.push(...a.slice(7).split(',').filter(Boolean));
    else if (a === '--runs' || a.startsWith('--runs=')) {
      opts.runs = Number(a === '--runs' ? next() : a.slice(7));
      if (!Number.isInteger(opts.runs) || opts.runs < 1) { process.stderr.write('--runs needs a positive integer\n'); usage(2); }
    } else if (a === '--peers') opts.peers = next().split(',').filter(Boolean);
    else if (a === '--cc') opts.cc = next();
    else if (a === '--timeout') opts.timeout = Number(next());
    else if (a === '-h' || a === '--help') usage(0);
    else { process.stderr.write(`unknown option ${a}\n`); usage(2); }
  }
}

const log = (s) => process.stderr.write(s + '\n');

// ------------------------------------------------------------------ helpers

function run(cmd, args, { timeoutMs = opts.timeout * 1000, input, env } = {}) {
  return spawnSync(cmd, args, {
    input, env: env ?? process.env, encoding: 'utf8', timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function which(name) {
  const r = run('sh', ['-c', `command -v ${name}`], { timeoutMs: 10000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

function firstLines(text, n = 6) {
  return (text ?? '').trim().split('\n').slice(0, n).join('\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function geomean(xs) {
  if (xs.length === 0) return NaN;
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

// ------------------------------------------------------------------ implementations
//
// Each implementation: detect() -> version string or null; compile(name, src, dir) ->
// { cmd: [program, ...args] } or { error }.

const GAMBIT_PRELUDE = '(declare (standard-bindings) (extended-bindings) (block))\n';

function compileResult(r, what, cmd) {
  if (r.error) return { error: `${what}: ${r.error.message}` };
  if (r.status !== 0) return { error: `${what} failed (status ${r.status}):\n${firstLines(r.stderr || r.stdout)}` };
  return { cmd };
}

const IMPLS = {
  omnilisp: {
    label: 'OmniLisp',
    detect() {
      if (!existsSync(CLI)) {
        log('cli/dist/main.js is missing: running npm run build');
        const r = run('npm', ['run', 'build'], { timeoutMs: 600000 });
        if (r.status !== 0) { log(firstLines(r.stderr || r.stdout, 20)); return null; }
      }
      return `omnilisp build --cc ${opts.cc} -O 2`;
    },
    compile(name, dir, src = join(BENCH, 'programs', `${name}.omni`)) {
      const exe = join(dir, name);
      const r = run(process.execPath, [CLI, 'build', src, '-o', exe, '--cc', opts.cc, '-O', '2'], { timeoutMs: 600000 });
      return compileResult(r, 'omnilisp build', [exe]);
    },
  },
  chicken: {
    label: 'Chicken',
    detect() {
      if (!which('csc')) return null;
      const r = run('csc', ['-version'], { timeoutMs: 20000 });
      const out = (r.stdout ?? '') + (r.stderr ?? '');
      if (!/CHICKEN/i.test(out)) return null; // e.g. Mono's csc
      const v = out.match(/Version\s+([^\s]+)/i);
      return `csc -O3${v ? ` (CHICKEN ${v[1]})` : ''}`;
    },
    compile(name, dir, src = join(BENCH, 'scheme', `${name}.scm`)) {
      const exe = join(dir, name);
      const r = run('csc', ['-O3', src, '-o', exe], { timeoutMs: 600000 });
      return compileResult(r, 'csc', [exe]);
    },
  },
  gambit: {
    label: 'Gambit',
    detect() {
      if (!which('gsc')) return null;
      const r = run('gsc', ['-v'], { timeoutMs: 20000 });
      const out = (r.stdout ?? '') + (r.stderr ?? '');
      const v = out.match(/^v([0-9][^\s]*)/m);
      if (r.status !== 0 || !v) return null;
      return `gsc -exe (Gambit ${v[1]}, standard-bindings/extended-bindings/block)`;
    },
    compile(name, dir, orig = join(BENCH, 'scheme', `${name}.scm`)) {
      const src = join(dir, `${name}.scm`);
      writeFileSync(src, GAMBIT_PRELUDE + readFileSync(orig, 'utf8'));
      const exe = join(dir, name);
      const r = run('gsc', ['-exe', '-o', exe, src], { timeoutMs: 600000 });
      return compileResult(r, 'gsc', [exe]);
    },
  },
  chez: {
    label: 'Chez',
    bin: null,
    detect() {
      for (const bin of ['chezscheme', 'chez', 'scheme']) {
        if (!which(bin)) continue;
        const r = run(bin, ['--version'], { timeoutMs: 20000 });
        const out = ((r.stdout ?? '') + (r.stderr ?? '')).trim();
        if (r.status === 0 && /^\d+\.\d+/.test(out)) { this.bin = bin; return `${bin} compile-script (Chez ${out})`; }
      }
      return null;
    },
    compile(name, dir, src = join(BENCH, 'scheme', `${name}.scm`)) {
      const obj = join(dir, `${name}.so`);
      const r = run(this.bin, ['-q'], { input: `(compile-script ${JSON.stringify(src)} ${JSON.stringify(obj)})\n`, timeoutMs: 600000 });
      if (r.status === 0 && !existsSync(obj)) return { error: `chez compile-script wrote nothing:\n${firstLines(r.stderr || r.stdout)}` };
      return compileResult(r, 'chez compile-script', [this.bin, '--script', obj]);
    },
  },
  guile: {
    label: 'Guile',
    detect() {
      if (!which('guile')) return null;
      const r = run('guile', ['--version'], { timeoutMs: 20000 });
      const v = (r.stdout ?? '').match(/Guile\)?\s+([0-9.]+)/);
      if (r.status !== 0 || !v) return null;
      return `guile compile-file + load-compiled (Guile ${v[1]})`;
    },
    compile(name, dir, src = join(BENCH, 'scheme', `${name}.scm`)) {
      const obj = join(dir, `${name}.go`);
      const code = `(use-modules (system base compile)) (compile-file ${JSON.stringify(src)} #:output-file ${JSON.stringify(obj)})`;
      const env = { ...process.env, GUILE_AUTO_COMPILE: '0' };
      const r = run('guile', ['--no-auto-compile', '-c', code], { timeoutMs: 600000, env });
      return compileResult(r, 'guile compile-file', ['guile', '--no-auto-compile', '-c', `(load-compiled ${JSON.stringify(obj)})`]);
    },
  },
};

// ------------------------------------------------------------------ measuring

const TIME_OUT = join(tmpdir(), `omnilisp-bench-time-${process.pid}.txt`);

/** Runs cmd `runs` times; returns { ms, rssKiB, output } or { error }. */
function measure(cmd, runs) {
  const times = [], rss = [];
  let output = null;
  for (let i = 0; i < runs; i++) {
    rmSync(TIME_OUT, { force: true });
    const t0 = process.hrtime.bigint();
    const r = spawnSync(TIME, ['-f', '%M', '-o', TIME_OUT, ...cmd], {
      encoding: 'utf8', timeout: opts.timeout * 1000, maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GUILE_AUTO_COMPILE: '0' },
    });
    const t1 = process.hrtime.bigint();
    if (r.error) return { error: r.error.code === 'ETIMEDOUT' ? `timeout after ${opts.timeout} s` : r.error.message };
    if (r.status !== 0) {
      const why = r.signal ? `signal ${r.signal}` : `exit ${r.status}`;
      return { error: `${why}: ${firstLines(r.stderr, 3) || firstLines(r.stdout, 3)}` };
    }
    const out = r.stdout.trim();
    if (output === null) output = out;
    else if (output !== out) return { error: `output changed between runs: ${JSON.stringify(output)} vs ${JSON.stringify(out)}` };
    times.push(Number(t1 - t0) / 1e6);
    const lines = existsSync(TIME_OUT) ? readFileSync(TIME_OUT, 'utf8').trim().split('\n') : [];
    rss.push(Number(lines[lines.length - 1]));
  }
  return { ms: median(times), rssKiB: median(rss), output, times };
}

// ------------------------------------------------------------------ main

function main() {
  if (!existsSync(TIME)) {
    log(`${TIME} is missing; install it with: apt-get install -y time`);
    process.exit(2);
  }
  const all = readdirSync(join(BENCH, 'programs')).filter((f) => f.endsWith('.omni')).map((f) => f.slice(0, -5)).sort();
  for (const o of opts.only) if (!all.includes(o)) { log(`no benchmark named ${o} (have: ${all.join(', ')})`); process.exit(2); }
  const names = opts.only.length ? all.filter((n) => opts.only.includes(n)) : all;

  const impls = ['omnilisp'];
  const skipped = [];
  for (const p of opts.peers) {
    if (!IMPLS[p]) { log(`unknown peer ${p} (known: chicken, gambit, chez, guile)`); process.exit(2); }
    const v = IMPLS[p].detect();
    if (v) { impls.push(p); IMPLS[p].version = v; } else skipped.push(p);
  }
  const ov = IMPLS.omnilisp.detect();
  if (!ov) { log('cannot build the OmniLisp CLI'); process.exit(1); }
  IMPLS.omnilisp.version = ov;

  console.log(`runs per executable: ${opts.runs} (median wall time; peak RSS from ${TIME} -f %M)`);
  for (const i of impls) console.log(`  ${IMPLS[i].label.padEnd(9)} ${IMPLS[i].version}`);
  for (const s of skipped) console.log(`  ${s.padEnd(9)} skipped: not installed`);
  console.log('');

  // Start-up cost of each implementation: a program that prints one line (not in the means).
  const startup = {};
  {
    const dir = join(BUILD, 'startup');
    mkdirSync(dir, { recursive: true });
    const omniSrc = join(dir, 'startup.omni'), scmSrc = join(dir, 'startup-src.scm');
    writeFileSync(omniSrc, '(print "startup" 1)\n');
    writeFileSync(scmSrc, '(display "startup 1") (newline)\n');
    for (const impl of impls) {
      log(`[startup] ${IMPLS[impl].label}`);
      const implDir = join(dir, impl);
      mkdirSync(implDir, { recursive: true });
      const c = IMPLS[impl].compile('startup', implDir, impl === 'omnilisp' ? omniSrc : scmSrc);
      const m = c.error ? { error: 'build failed', detail: c.error } : measure(c.cmd, opts.runs);
      if (m.error) m.error = m.error.startsWith('build') ? m.error : 'run failed';
      startup[impl] = m;
    }
  }

  // results[name][impl] = { ms, rssKiB, output } | { error }
  const results = {};
  for (const name of names) {
    results[name] = {};
    const scm = join(BENCH, 'scheme', `${name}.scm`);
    for (const impl of impls) {
      if (impl !== 'omnilisp' && !existsSync(scm)) { results[name][impl] = { error: 'no .scm' }; continue; }
      const dir = join(BUILD, impl);
      mkdirSync(dir, { recursive: true });
      log(`[${name}] ${IMPLS[impl].label}: compiling`);
      const c = IMPLS[impl].compile(name, dir);
      if (c.error) { results[name][impl] = { error: 'build failed', detail: c.error }; log(c.error); continue; }
      log(`[${name}] ${IMPLS[impl].label}: running ${opts.runs}x`);
      const m = measure(c.cmd, opts.runs);
      if (m.error) { results[name][impl] = { error: 'run failed', detail: m.error }; log(`  ${m.error}`); continue; }
      log(`  ${m.output}   ${m.times.map((t) => t.toFixed(0)).join(' ')} ms, ${m.rssKiB} KiB`);
      results[name][impl] = m;
    }
    // Checksums: OmniLisp is the reference; when it failed, the peers' most common answer.
    const r = results[name];
    let ref = r.omnilisp?.output ?? null;
    if (ref === null) {
      const counts = new Map();
      for (const impl of impls) if (r[impl]?.output != null) counts.set(r[impl].output, (counts.get(r[impl].output) ?? 0) + 1);
      ref = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    }
    r.reference = ref;
    for (const impl of impls) {
      const x = r[impl];
      if (x && x.output != null && ref !== null && x.output !== ref) {
        r[impl] = { error: 'MISMATCH', detail: `printed ${JSON.stringify(x.output)}, expected ${JSON.stringify(ref)}` };
      }
    }
  }

  // ---------------------------------------------------------------- table
  const peers = impls.filter((i) => i !== 'omnilisp');
  const header = ['benchmark', 'OmniLisp ms'];
  for (const p of peers) header.push(`${IMPLS[p].label} ms`, `Omni/${IMPLS[p].label}`);
  header.push('Omni RSS KiB');
  if (peers.includes('chicken')) header.push('Chicken RSS KiB');
  const rows = [];
  const ratios = Object.fromEntries(peers.map((p) => [p, []]));
  const problems = [];
  const memory = [];
  for (const name of names) {
    const r = results[name];
    const o = r.omnilisp;
    const row = [name, o.error ?? o.ms.toFixed(0)];
    for (const p of peers) {
      const x = r[p];
      row.push(x.error ?? x.ms.toFixed(0));
      if (!o.error && !x.error) {
        const q = o.ms / x.ms;
        ratios[p].push(q);
        row.push(q.toFixed(2));
      } else row.push('-');
    }
    row.push(o.error ? '-' : String(o.rssKiB));
    if (peers.includes('chicken')) row.push(r.chicken.error ? '-' : String(r.chicken.rssKiB));
    rows.push(row);
    for (const impl of impls) if (r[impl].error) problems.push(`${name} / ${IMPLS[impl].label}: ${r[impl].error}${r[impl].detail ? ` — ${r[impl].detail}` : ''}`);
    if (ALLOCATION_HEAVY.has(name) && peers.includes('chicken') && !o.error && !r.chicken.error) {
      memory.push({ name, omni: o.rssKiB, chicken: r.chicken.rssKiB });
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const fmt = (row) => '| ' + row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const row of rows) console.log(fmt(row));
  console.log('');
  console.log('start-up (a program printing one line; included in every time above, not in the means):');
  console.log('  ' + impls.map((i) => `${IMPLS[i].label} ${startup[i].error ?? `${startup[i].ms.toFixed(0)} ms / ${startup[i].rssKiB} KiB`}`).join(', '));
  console.log('');

  console.log('geometric mean of OmniLisp/peer time ratios (lower is better for OmniLisp):');
  const targets = { chicken: 0.5, chez: 1.3 };
  for (const p of peers) {
    const g = geomean(ratios[p]);
    const n = ratios[p].length;
    let verdict = '';
    if (targets[p] !== undefined && n > 0) verdict = g <= targets[p] ? `  target <= ${targets[p]}: met` : `  target <= ${targets[p]}: NOT met`;
    console.log(`  vs ${IMPLS[p].label.padEnd(8)} ${n ? g.toFixed(3) : 'n/a'}  (over ${n} benchmark${n === 1 ? '' : 's'})${verdict}`);
  }
  for (const p of ['chicken', 'chez']) {
    if (!peers.includes(p)) console.log(`  vs ${IMPLS[p].label.padEnd(8)} n/a (${skipped.includes(p) ? 'skipped: not installed' : 'not in --peers'})`);
  }

  if (memory.length) {
    console.log('');
    console.log('peak memory on allocation-heavy benchmarks (target: OmniLisp <= Chicken):');
    for (const m of memory) {
      const ok = m.omni <= m.chicken;
      console.log(`  ${m.name.padEnd(10)} OmniLisp ${String(m.omni).padStart(7)} KiB   Chicken ${String(m.chicken).padStart(7)} KiB   ${ok ? 'met' : 'NOT met'} (${(m.omni / m.chicken).toFixed(2)}x)`);
    }
  }
  if (problems.length) {
    console.log('');
    console.log('errors:');
    for (const p of problems) console.log(`  ${p}`);
  }
  rmSync(TIME_OUT, { force: true });
  process.exitCode = problems.length ? 1 : 0;
}

main();
