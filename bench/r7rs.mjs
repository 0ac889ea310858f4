#!/usr/bin/env node
// OmniLisp AOT (gcc -O2) against Chez Scheme on the r7rs-benchmarks ports in test/r7rs/.
//
// The Scheme side is OUR port (test/r7rs/NAME.omni), not the original program: this script turns
// the port's text into Scheme by a small source transformation ([...] vectors, (do ...) = begin)
// and runs it under Chez after bench/r7rs-prelude.scm, which defines what OmniLisp has and Chez
// lacks or means differently (print, nil/t, /, first/rest, ...). Each port is repeated N times
// (its trailing top-level expressions become (bench-main), called N times; N calibrated on Chez
// so that the Chez run takes >= 1 s after start-up), and the output must be NAME.out N times on
// both sides before anything is timed. See bench/README.md, "r7rs-benchmarks ports against Chez".
//
//   node bench/r7rs.mjs [--only NAME[,NAME...]] [--repeat N] [--runs K] [--jit]
//                       [--target-ms MS] [--max-repeat N] [--timeout SECONDS]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const PORTS = join(ROOT, 'test', 'r7rs');
const CLI = join(ROOT, 'cli', 'dist', 'main.js');
const PRELUDE = join(BENCH, 'r7rs-prelude.scm');
const BUILD = join(BENCH, 'build', 'r7rs');
const ENV_N = 'R7RS_REPEAT';

const USAGE = `usage: node bench/r7rs.mjs [options]
  --only NAME[,NAME...]   only these ports (repeatable)
  --repeat N              repetitions per program (default: calibrated on Chez)
  --runs K                timed runs per side, the median is reported (default 3)
  --jit                   add the JIT column (omnilisp run --no-cache, tcc)
  --target-ms MS          calibration target for Chez after start-up (default 1000)
  --max-repeat N          calibration cap (default 65536)
  --timeout SECONDS       per run (default 300)`;

const opts = { only: [], repeat: null, runs: 3, jit: false, targetMs: 1000, maxRepeat: 65536, timeout: 300 };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) { console.error(`${a} needs a value\n${USAGE}`); process.exit(2); }
      return argv[++i];
    };
    if (a === '--only') opts.only.push(...next().split(',').filter(Boolean));
    else if (a === '--repeat') opts.repeat = Number(next());
    else if (a === '--runs') opts.runs = Number(next());
    else if (a === '--jit') opts.jit = true;
    else if (a === '--target-ms') opts.targetMs = Number(next());
    else if (a === '--max-repeat') opts.maxRepeat = Number(next());
    else if (a === '--timeout') opts.timeout = Number(next());
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else { console.error(`unknown option ${a}\n${USAGE}`); process.exit(2); }
  }
  for (const [k, v] of [['--runs', opts.runs], ['--target-ms', opts.targetMs], ['--max-repeat', opts.maxRepeat], ['--timeout', opts.timeout]]) {
    if (!(Number.isInteger(v) && v > 0)) { console.error(`${k} must be a positive integer`); process.exit(2); }
  }
  if (opts.repeat !== null && !(Number.isInteger(opts.repeat) && opts.repeat > 0)) { console.error('--repeat must be a positive integer'); process.exit(2); }
}

const log = (msg) => process.stderr.write(msg + '\n');

function run(cmd, args, { timeoutMs = opts.timeout * 1000, input, env } = {}) {
  return spawnSync(cmd, args, {
    input, env: env ?? process.env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024,
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const geomean = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

function firstLines(text, n = 6) {
  return (text ?? '').trim().split('\n').slice(0, n).join('\n');
}

/** One run of cmd with R7RS_REPEAT=n: { ms, stdout } or { error }. */
function timed(cmd, n) {
  const env = { ...process.env, [ENV_N]: String(n) };
  const t0 = process.hrtime.bigint();
  const r = run(cmd[0], cmd.slice(1), { env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) return { error: r.error.code === 'ETIMEDOUT' ? `timeout after ${opts.timeout} s` : r.error.message };
  if (r.status !== 0) return { error: `exit ${r.status ?? r.signal}: ${firstLines(r.stderr || r.stdout, 3)}` };
  return { ms, stdout: r.stdout };
}

// ------------------------------------------------------------------ sides

let chezBin = null;
function detectChez() {
  for (const bin of ['chezscheme', 'chez', 'scheme']) {
    const r = run('sh', ['-c', `command -v ${bin}`], { timeoutMs: 10000 });
    if (r.status !== 0) continue;
    const v = run(bin, ['--version'], { timeoutMs: 20000 });
    const out = (v.stdout + v.stderr).trim();
    if (v.status === 0 && /^\d+\.\d+/.test(out)) { chezBin = bin; return out; }
  }
  return null;
}

/** Chez: compile-script (as bench/run.mjs does: default optimize-level, safe), run with --script. */
function buildChez(name, schemeText, dir) {
  const src = join(dir, `${name}.scm`), obj = join(dir, `${name}.so`);
  writeFileSync(src, schemeText);
  const r = run(chezBin, ['-q'], { input: `(compile-script ${JSON.stringify(src)} ${JSON.stringify(obj)})\n`, timeoutMs: 600000 });
  if (r.status !== 0 || !existsSync(obj) || /Exception/.test(r.stdout + r.stderr)) {
    return { error: `chez compile-script: ${firstLines(r.stderr || r.stdout)}` };
  }
  if (/Warning/.test(r.stdout + r.stderr)) log(`  chez compile-script: ${firstLines(r.stderr || r.stdout, 3)}`);
  return { cmd: [chezBin, '--script', obj] };
}

function buildOmni(name, omniText, dir) {
  const src = join(dir, `${name}.omni`), exe = join(dir, name);
  writeFileSync(src, omniText);
  const r = run(process.execPath, [CLI, 'build', src, '-o', exe, '--cc', 'gcc', '-O', '2'], { timeoutMs: 900000 });
  if (r.status !== 0 || !existsSync(exe)) return { error: `omnilisp build: ${firstLines(r.stderr || r.stdout)}` };
  return { cmd: [exe], src };
}

// ------------------------------------------------------------------ the repeated program

class NotComparable extends Error {}

/** Offset in src of a reader position (1-based line, column in code points). */
function offsetOf(src, lineStarts, loc) {
  const start = lineStarts[loc.line - 1];
  let off = start;
  for (let c = 1; c < loc.col; c++) off += src.codePointAt(off) > 0xffff ? 2 : 1;
  return off;
}

function isDefinition(value) {
  if (!value || typeof value !== 'object' || value.car === undefined) return false;
  const head = value.car?.name;
  if (head === 'define' || head === 'defmacro') return true;
  if (head === 'do' || head === 'begin') {
    for (let p = value.cdr; p && p.car !== undefined; p = p.cdr) if (isDefinition(p.car)) return true;
  }
  return false;
}

/**
 * The port with its trailing top-level expressions (those after the last definition) moved into
 * (define (bench-main) ...), followed by a loop that calls it R7RS_REPEAT times.
 * Returns { text, moved, kept } (kept: expressions before the last definition, which run once).
 */
function repeatedProgram(readProgram, src, file) {
  const datums = readProgram(src, file);
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  let lastDef = -1;
  datums.forEach((d, i) => { if (isDefinition(d.value)) lastDef = i; });
  const moved = datums.slice(lastDef + 1);
  if (moved.length === 0) throw new NotComparable('no top-level expression after the last definition');
  const kept = datums.slice(0, lastDef + 1).filter((d) => !isDefinition(d.value)).length;
  const cut = offsetOf(src, lineStarts, moved[0].loc);
  const text = `${src.slice(0, cut)}
;; ---- added by bench/r7rs.mjs: the expressions above this port's end, repeated R7RS_REPEAT times
(define (bench-main)
${src.slice(cut)}
)
(let bench-repeat ((bench-i (string->number (getenv "${ENV_N}"))))
  (when (> bench-i 0)
    (bench-main)
    (bench-repeat (- bench-i 1))))
`;
  // Names the port defines at top level (not its macros): declared first on the Chez side, so that
  // code compiled before a definition refers to the program's variable and not to a Chez built-in
  // of the same name (quicksort's partition), as OmniLisp's whole-program scoping does.
  const defined = [];
  for (const d of datums) {
    const v = d.value;
    if (v?.car?.name !== 'define') continue;
    const target = v.cdr?.car;
    const sym = target?.car !== undefined ? target.car : target;
    if (sym?.name && !defined.includes(sym.name)) defined.push(sym.name);
  }
  return { text, moved: moved.length, kept, defined };
}

const DELIM = /[\s()[\]{}";']/;

/**
 * OmniLisp text -> Chez text: `[a b]` becomes `(vector a b)` in code and `#(a b)` under quote or
 * quasiquote; `(do e...)` (OmniLisp's begin) becomes `(begin e...)`; strings, chars and comments
 * are copied untouched. A dict literal `#{...}` has no Chez counterpart: NotComparable.
 */
function toScheme(src) {
  let out = '';
  let i = 0;
  const n = src.length;
  // Context stack: 'code' | 'quoted' | 'quasi'; pending: context of the next datum (after ' ` , ,@).
  const stack = [{ ctx: 'code', first: false }];
  let pending = null;
  const ctxNow = () => pending ?? stack[stack.length - 1].ctx;
  const atom = () => { pending = null; stack[stack.length - 1].first = false; };
  while (i < n) {
    const c = src[i];
    if (c === ';') {
      const j = src.indexOf('\n', i);
      const end = j < 0 ? n : j;
      out += src.slice(i, end); i = end; continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1); i = j + 1; atom(); continue;
    }
    if (c === '#' && src[i + 1] === '|') {
      let depth = 0, j = i;
      do {
        if (src.startsWith('#|', j)) { depth++; j += 2; }
        else if (src.startsWith('|#', j)) { depth--; j += 2; }
        else j++;
      } while (depth > 0 && j < n);
      out += src.slice(i, j); i = j; continue;
    }
    if (c === '#' && src[i + 1] === ';') { out += '#;'; i += 2; pending = 'quoted'; continue; }
    if (c === '#' && src[i + 1] === '\\') {
      let j = i + 3; // the char after #\ is always part of the literal
      while (j < n && !DELIM.test(src[j])) j++;
      out += src.slice(i, j); i = j; atom(); continue;
    }
    if (c === '#' && src[i + 1] === '{') {
      const line = src.slice(0, i).split('\n').length;
      throw new NotComparable(`dict literal #{...} (line ${line}): Chez has no counterpart`);
    }
    if (c === "'" || c === '`' || c === ',') {
      let len = 1;
      if (c === ',' && src[i + 1] === '@') len = 2;
      out += src.slice(i, i + len); i += len;
      const cur = ctxNow();
      if (c === "'") pending = 'quoted';
      else if (c === '`') pending = cur === 'quoted' ? 'quoted' : 'quasi';
      else pending = cur === 'quasi' ? 'code' : cur;
      stack[stack.length - 1].first = false;
      continue;
    }
    if (c === '(' || c === '[') {
      const ctx = ctxNow();
      pending = null;
      stack[stack.length - 1].first = false;
      if (c === '(') out += '(';
      else out += ctx === 'code' ? '(vector ' : '#(';
      stack.push({ ctx, first: c === '(' && ctx === 'code' });
      i++; continue;
    }
    if (c === ')' || c === ']') {
      if (stack.length > 1) stack.pop();
      out += ')'; i++; pending = null; continue;
    }
    if (/\s/.test(c)) { out += c; i++; continue; }
    // a token: symbol, number, #t/#f, #x..
    let j = i;
    while (j < n && !DELIM.test(src[j])) j++;
    const tok = src.slice(i, j);
    const top = stack[stack.length - 1];
    out += top.first && pending === null && tok === 'do' ? 'begin' : tok;
    i = j; atom();
  }
  return out;
}

// ------------------------------------------------------------------ main

async function main() {
  if (!existsSync(CLI)) {
    log('cli/dist/main.js is missing: running npx tsc -b');
    const r = run('npx', ['tsc', '-b'], { timeoutMs: 600000 });
    if (r.status !== 0 || !existsSync(CLI)) { log(firstLines(r.stderr || r.stdout)); process.exit(1); }
  }
  const { readProgram } = await import('@omnilisp/compiler');
  const chezVersion = detectChez();
  if (!chezVersion) { log('Chez Scheme (scheme / chezscheme) is not installed'); process.exit(2); }
  const prelude = readFileSync(PRELUDE, 'utf8');

  const all = readdirSync(PORTS).filter((f) => f.endsWith('.omni')).map((f) => f.slice(0, -5))
    .filter((n) => existsSync(join(PORTS, `${n}.out`))).sort();
  for (const o of opts.only) if (!all.includes(o)) { log(`no port named ${o} with a .out (have: ${all.join(', ')})`); process.exit(2); }
  const names = opts.only.length ? all.filter((n) => opts.only.includes(n)) : all;

  console.log(`Chez ${chezVersion} (compile-script, default optimize-level, run with --script after bench/r7rs-prelude.scm)`);
  console.log(`OmniLisp AOT: omnilisp build --cc gcc -O 2${opts.jit ? '; JIT: omnilisp run --no-cache (tcc, compile time included)' : ''}`);
  console.log(`median of ${opts.runs} runs, start-up subtracted; N ${opts.repeat ? `= ${opts.repeat} (--repeat)` : `calibrated: doubled until Chez takes >= ${opts.targetMs} ms (cap ${opts.maxRepeat})`}`);
  console.log('');

  // Start-up on each side: a one-line program built the same way (the Chez one includes the prelude).
  const sdir = join(BUILD, 'startup');
  mkdirSync(sdir, { recursive: true });
  const startup = {};
  {
    const hello = '(print "startup" 1)\n';
    const sides = {
      chez: buildChez('startup', `${prelude}\n${toScheme(hello)}`, sdir),
      aot: buildOmni('startup', hello, sdir),
    };
    if (opts.jit) sides.jit = { cmd: [process.execPath, CLI, 'run', '--no-cache', join(sdir, 'startup.omni')] };
    for (const [side, b] of Object.entries(sides)) {
      if (b.error) { log(b.error); process.exit(1); }
      const ms = [];
      for (let k = 0; k < Math.max(5, opts.runs); k++) {
        const r = timed(b.cmd, 1);
        if (r.error) { log(`start-up ${side}: ${r.error}`); process.exit(1); }
        ms.push(r.ms);
      }
      startup[side] = median(ms);
      log(`[startup] ${side}: ${startup[side].toFixed(1)} ms`);
    }
  }

  const results = [];
  const skipped = [];
  for (const name of names) {
    const dir = join(BUILD, name);
    mkdirSync(dir, { recursive: true });
    const expected = readFileSync(join(PORTS, `${name}.out`), 'utf8');
    try {
      const src = readFileSync(join(PORTS, `${name}.omni`), 'utf8');
      const prog = repeatedProgram(readProgram, src, `${name}.omni`);
      const declare = prog.defined.map((d) => `(define ${d} #f)`).join('\n');
      const scheme = `${prelude}\n;; ---- test/r7rs/${name}.omni, transformed by bench/r7rs.mjs\n${declare}\n${toScheme(prog.text)}`;
      log(`[${name}] building (Chez, then OmniLisp gcc -O2)`);
      const chez = buildChez(name, scheme, dir);
      if (chez.error) throw new NotComparable(chez.error);
      const aot = buildOmni(name, prog.text, dir);
      if (aot.error) throw new NotComparable(aot.error);
      const sides = { chez, aot };
      if (opts.jit) sides.jit = { cmd: [process.execPath, CLI, 'run', '--no-cache', aot.src] };

      // One repetition must print NAME.out exactly, on every side.
      for (const [side, b] of Object.entries(sides)) {
        const r = timed(b.cmd, 1);
        if (r.error) throw new NotComparable(`${side} failed: ${r.error}`);
        if (r.stdout !== expected) throw new NotComparable(`${side} output differs from ${name}.out: ${diffLine(r.stdout, expected)}`);
      }

      // N: doubled until Chez runs >= target after start-up.
      let n = opts.repeat ?? 1;
      let chezOut = null;
      if (opts.repeat === null) {
        for (;;) {
          const r = timed(chez.cmd, n);
          if (r.error) throw new NotComparable(`chez failed at N=${n}: ${r.error}`);
          chezOut = r.stdout;
          const net = r.ms - startup.chez;
          log(`  calibrate N=${n}: Chez ${net.toFixed(0)} ms`);
          if (net >= opts.targetMs || n >= opts.maxRepeat) break;
          n = Math.min(n * 2, opts.maxRepeat);
        }
      }

      // Time each side; every run's output is checked.
      const want = expected.repeat(n);
      const res = { name, n, note: '' , kept: prog.kept };
      const outputs = {};
      for (const [side, b] of Object.entries(sides)) {
        log(`  ${side}: ${opts.runs} runs at N=${n}`);
        const ms = [];
        for (let k = 0; k < opts.runs; k++) {
          const r = timed(b.cmd, n);
          if (r.error) throw new NotComparable(`${side} failed at N=${n}: ${r.error}`);
          if (outputs[side] === undefined) outputs[side] = r.stdout;
          else if (outputs[side] !== r.stdout) throw new NotComparable(`${side}: output differs between runs at N=${n}`);
          ms.push(r.ms - startup[side]);
        }
        res[side] = median(ms);
        log(`    ${ms.map((x) => x.toFixed(0)).join(' ')} ms`);
      }
      for (const side of Object.keys(sides)) {
        if (outputs[side] !== want) {
          // A port with state kept across repetitions (a random generator, a counter) prints
          // something else from the 2nd repetition on. Accept it only if all sides agree exactly.
          const agree = Object.values(outputs).every((o) => o === outputs.chez);
          if (!agree) throw new NotComparable(`at N=${n} the sides disagree (${side}: ${diffLine(outputs[side], outputs.chez)})`);
          res.note = '*';
        }
      }
      if (chezOut !== null && chezOut !== outputs.chez) throw new NotComparable('chez output differs between calibration and timing runs');
      if (!(res.chez > 0 && res.aot > 0 && (!opts.jit || res.jit > 0))) {
        throw new NotComparable(`a time after start-up is not positive at N=${n} (use a larger --repeat)`);
      }
      res.ratio = res.aot / res.chez;
      if (opts.jit) res.jitRatio = res.jit / res.chez;
      results.push(res);
      log(`  => Chez ${res.chez.toFixed(0)} ms, AOT ${res.aot.toFixed(0)} ms, ratio ${res.ratio.toFixed(2)}${res.note}`);
    } catch (e) {
      if (!(e instanceof NotComparable)) {
        if (e?.constructor?.name === 'CompileError') { skipped.push({ name, why: `reader: ${e.message}` }); continue; }
        throw e;
      }
      skipped.push({ name, why: e.message.replace(/\s+/g, ' ').slice(0, 300) });
      log(`  not compared: ${e.message}`);
    }
  }

  // ---------------------------------------------------------------- table
  const header = ['program', 'N', 'Chez ms', 'OmniLisp AOT ms', 'AOT/Chez'];
  if (opts.jit) header.push('JIT ms', 'JIT/Chez');
  const rows = results.map((r) => {
    const row = [r.name + r.note, String(r.n), r.chez.toFixed(0), r.aot.toFixed(0), r.ratio.toFixed(2)];
    if (opts.jit) row.push(r.jit.toFixed(0), r.jitRatio.toFixed(2));
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row) => '| ' + row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w, i) => '-'.repeat(w + 1) + (i === 0 ? '-' : ':')).join('|') + '|');
  for (const row of rows) console.log(fmt(row));
  console.log('');
  console.log(`start-up subtracted: Chez (with the prelude) ${startup.chez.toFixed(0)} ms, OmniLisp AOT ${startup.aot.toFixed(0)} ms${opts.jit ? `, JIT ${startup.jit.toFixed(0)} ms` : ''}`);
  if (results.length) {
    console.log(`geometric mean of OmniLisp AOT/Chez: ${geomean(results.map((r) => r.ratio)).toFixed(3)} over ${results.length} programs`);
    if (opts.jit) console.log(`geometric mean of OmniLisp JIT/Chez: ${geomean(results.map((r) => r.jitRatio)).toFixed(3)}`);
  }
  if (results.some((r) => r.note)) {
    console.log('* output of the later repetitions differs from the .out (state kept across repetitions); both sides printed exactly the same');
  }
  const kept = results.filter((r) => r.kept > 0);
  if (kept.length) console.log(`top-level expressions before the last definition run once, not repeated: ${kept.map((r) => `${r.name} (${r.kept})`).join(', ')}`);
  if (skipped.length) {
    console.log('');
    console.log('not compared:');
    for (const s of skipped) console.log(`  ${s.name}: ${s.why}`);
  }
}

function diffLine(got, want) {
  const g = got.split('\n'), w = want.split('\n');
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] !== w[i]) return `line ${i + 1}: got ${JSON.stringify((g[i] ?? '<end>').slice(0, 80))}, expected ${JSON.stringify((w[i] ?? '<end>').slice(0, 80))}`;
  }
  return 'same lines';
}

main().catch((e) => { console.error(e); process.exit(1); });
