#!/usr/bin/env node
// OmniLisp benchmark suite: every bench/programs/NAME.omni (omnilisp build, gcc -O2) against the
// equivalent bench/scheme/NAME.scm under every installed peer Scheme (Chicken, Gambit, Chez, Guile).
//
// Each program's trailing top-level expressions (those after its last definition) are repeated N
// times, N calibrated per implementation so that the run takes >= --target-ms after that
// implementation's start-up; the figure compared is ms per repetition = (median - start-up) / N.
// Then peak RSS against Chicken's, and a perf profile of each OmniLisp executable split into
// alloc / free / RC / generated code / runtime / other. See bench/README.md.
//
//   node bench/run.mjs [--only NAME[,NAME...]] [--runs N] [--peers chicken,gambit,chez,guile]
//                      [--cc gcc|clang] [--timeout SECONDS] [--target-ms MS] [--max-repeat N]
//                      [--no-perf]
//
// Node 20, no dependencies beyond Node's standard library.

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

// Heads of the top-level forms that count as definitions: everything after the last one is the
// program's work, which is what gets repeated.
const DEFINERS = new Set(['define', 'defmacro', 'define-syntax', 'define-record-type']);

// N is estimated from the N = 1 run with this margin (so that noise rarely leaves a run short),
// then doubled at most this many times while the run is still below the target.
const CALIBRATION_MARGIN = 1.25;
const MAX_DOUBLINGS = 4;
// Below this many ms after start-up, one N = 1 run is mostly start-up noise: time it 3 times.
const SHORT_RUN_MS = 100;

const TARGETS = { chezGeomean: 1.0, chezWorst: 1.5, chickenGeomean: 0.5 };

// perf breakdown: which category a symbol's self time counts in. Symbols are compared after
// dropping gcc's clone suffixes (.part.0, .isra.0, .cold, ...) and version/PLT tails (@GLIBC_2.2.5,
// @plt). Exact names are tried first (in every category), then prefixes in this order; kernel
// samples ([k]) and anything unmatched are "other". Dup/drop and arithmetic fast paths that gcc
// inlined into the program's functions are counted in "generated": perf cannot separate them.
const PERF_CATEGORIES = [
  {
    key: 'alloc', label: 'alloc %',
    names: [
      // the object allocator and its size-class slabs; out-of-line copies of the header's inline
      // pool pop (omni_pool_take, omni_cons: where gcc inlines them they count in their caller)
      'omniO_alloc', 'omniO_try_alloc', 'omniO_refill', 'omniO_xmalloc', 'omniO_xrealloc', 'omniO_pool_adopt',
      'omni_pool_take', 'omni_cons',
      // constructors (their own time: header set-up, copying)
      'omniL_cons', 'omniN_float', 'omniF_closure', 'omniF_box', 'omniV_new', 'omniV_alloc', 'omniS_string',
      'omniS_cstring', 'omniS_from_utf8', 'omniS_new_symbol', 'omniD_new', 'omniE_make', 'omniT_atom',
      // glibc
      'malloc', 'calloc', 'realloc', '__libc_malloc', '__libc_calloc', '__libc_realloc', '_int_malloc',
      '_int_realloc', 'sysmalloc', 'malloc_consolidate', 'tcache_init', '_int_memalign', '_mid_memalign',
      'memalign', 'posix_memalign', 'aligned_alloc',
    ],
  },
  {
    key: 'free', label: 'free %',
    names: [
      'omniO_release', 'omniO_free_memory', 'omniO_drop_last', 'omniO_drop_child', 'omniO_children', 'omniO_push',
      'omniO_pool_release', 'omniT_free',
      'free', 'cfree', '__libc_free', '_int_free', '_int_free_merge_chunk', '_int_free_create_chunk',
      '_int_free_maybe_consolidate', 'unlink_chunk', 'munmap_chunk', 'systrim', 'heap_trim',
    ],
  },
  {
    key: 'rc', label: 'RC/GC %',
    // the out-of-line counting paths (shared/immortal objects), out-of-line copies of the header's
    // omni_dup/omni_drop, sharing walks, and the cycle collector
    names: ['omniO_inc_slow', 'omniO_dec_slow', 'omni_dup', 'omni_drop', 'omniO_share', 'omniO_visit_share', 'omniO_walk'],
    prefixes: ['omniG_'],
  },
  {
    key: 'generated', label: 'generated %',
    // the program's functions (omni_fN_NAME), expressions (omni_eN), omni_program, main, and
    // out-of-line copies of the runtime header's inline helpers (omni_add, ...)
    names: ['main'],
    prefixes: ['omni_'],
  },
  { key: 'runtime', label: 'runtime %', prefixes: ['omni'] },
  { key: 'other', label: 'other %' },
];

// ------------------------------------------------------------------ options

const USAGE = `usage: node bench/run.mjs [options]
  --only NAME[,NAME...]   run only these benchmarks (repeatable)
  --runs N                timed runs per executable, the median is reported (default 3)
  --peers LIST            peers to try, comma-separated (default chicken,gambit,chez,guile)
  --cc gcc|clang          C compiler for omnilisp build (default gcc)
  --timeout SECONDS       per run (default 300)
  --target-ms MS          each repeated run must take at least this long after start-up (default 1000)
  --max-repeat N          cap on the repetition count N (default 65536)
  --no-perf               skip the perf breakdown of the OmniLisp executables
  -h, --help              this text`;

function usage(code) {
  (code ? process.stderr : process.stdout).write(USAGE + '\n');
  process.exit(code);
}

function parseOptions(argv) {
  const opts = {
    only: [], runs: 3, peers: ['chicken', 'gambit', 'chez', 'guile'], cc: 'gcc', timeout: 300,
    targetMs: 1000, maxRepeat: 65536, perf: true,
  };
  const positive = (name, v) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) { process.stderr.write(`${name} needs a positive integer\n`); usage(2); }
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i], inline = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { inline = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) { process.stderr.write(`${a} needs a value\n`); usage(2); }
      return argv[++i];
    };
    if (a === '--only') opts.only.push(...next().split(',').filter(Boolean));
    else if (a === '--runs') opts.runs = positive(a, next());
    else if (a === '--peers') opts.peers = next().split(',').filter(Boolean);
    else if (a === '--cc') opts.cc = next();
    else if (a === '--timeout') opts.timeout = positive(a, next());
    else if (a === '--target-ms') opts.targetMs = positive(a, next());
    else if (a === '--max-repeat') opts.maxRepeat = positive(a, next());
    else if (a === '--no-perf') opts.perf = false;
    else if (a === '-h' || a === '--help') usage(0);
    else { process.stderr.write(`unknown option ${a}\n`); usage(2); }
  }
  return opts;
}

const opts = parseOptions(process.argv.slice(2));
const log = (s) => process.stderr.write(s + '\n');

// ------------------------------------------------------------------ helpers

function run(cmd, args, { timeoutMs = opts.timeout * 1000, input, env } = {}) {
  return spawnSync(cmd, args, {
    input, env: env ?? process.env, encoding: 'utf8', timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
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

/** Milliseconds with about three significant digits. */
function fmtMs(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Prints a markdown table; the first column is left-aligned, the others right-aligned. */
function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const fmt = (row) => '| ' + row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w, i) => '-'.repeat(w + 1) + (i === 0 ? '-' : ':')).join('|') + '|');
  for (const row of rows) console.log(fmt(row));
}

// ------------------------------------------------------------------ scanning the program text
//
// Just enough of a reader to find the top-level forms of an OmniLisp or Scheme file and the symbol
// at the head of each: comments (; #| |# #;), strings with escapes, characters (#\( #\space),
// brackets of three kinds ( [ { and the prefixes #( #u8( ' ` , ,@ #'. Nothing is interpreted.

class ScanError extends Error {}

const lineOf = (src, offset) => src.slice(0, offset).split('\n').length;
const ATOM_DELIMITER = /[\s()[\]{}";'`,]/;
const CLOSER = { '(': ')', '[': ']', '{': '}' };

/** End offset of the #| ... |# comment starting at i (they nest). */
function blockCommentEnd(src, i) {
  let depth = 0, j = i;
  do {
    if (src.startsWith('#|', j)) { depth++; j += 2; }
    else if (src.startsWith('|#', j)) { depth--; j += 2; }
    else if (j >= src.length) throw new ScanError(`unterminated #| comment (line ${lineOf(src, i)})`);
    else j++;
  } while (depth > 0);
  return j;
}

/** End offset of the string literal starting at i. */
function stringEnd(src, i) {
  let j = i + 1;
  while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
  if (j >= src.length) throw new ScanError(`unterminated string (line ${lineOf(src, i)})`);
  return j + 1;
}

/** End offset of the atom starting at i: a symbol, number, #t, a character #\x, #\space, #\( ... */
function atomEnd(src, i) {
  let j = i;
  // The character right after #\ belongs to the literal whatever it is, `(` and `;` included.
  if (src.startsWith('#\\', i)) j = i + 2 + (src.codePointAt(i + 2) > 0xffff ? 2 : 1);
  while (j < src.length && !ATOM_DELIMITER.test(src[j])) {
    if (src[j] === '|') { // |a symbol with spaces|
      const k = src.indexOf('|', j + 1);
      if (k < 0) throw new ScanError(`unterminated |symbol| (line ${lineOf(src, j)})`);
      j = k + 1;
    } else j++;
  }
  return j;
}

/** Tokens of src: { type: open|close|atom|prefix|skip, start, end, text }; comments dropped. */
function lex(src) {
  const tokens = [];
  const push = (type, start, end) => tokens.push({ type, start, end, text: src.slice(start, end) });
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === ';') { const j = src.indexOf('\n', i); i = j < 0 ? src.length : j + 1; continue; }
    if (src.startsWith('#|', i)) { i = blockCommentEnd(src, i); continue; }
    if (i === 0 && src.startsWith('#!')) { const j = src.indexOf('\n'); i = j < 0 ? src.length : j + 1; continue; }
    if (src.startsWith('#;', i)) { push('skip', i, i + 2); i += 2; continue; }
    if (c === '"') { const j = stringEnd(src, i); push('atom', i, j); i = j; continue; }
    const open = /^(?:#(?:u8|vu8)?)?[([{]/.exec(src.slice(i, i + 4));
    if (open) { push('open', i, i + open[0].length); i += open[0].length; continue; }
    if (c === ')' || c === ']' || c === '}') { push('close', i, i + 1); i++; continue; }
    const prefix = /^(?:,@|[`',]|#[`',]@?)/.exec(src.slice(i, i + 3));
    if (prefix) { push('prefix', i, i + prefix[0].length); i += prefix[0].length; continue; }
    const j = atomEnd(src, i);
    push('atom', i, j);
    i = j;
  }
  return tokens;
}

/**
 * The top-level forms of src, in order: [{ start, end, head }], head being the symbol a list form
 * starts with (null for anything else). Datums commented out with #; are left out.
 */
function topLevelForms(src) {
  const tokens = lex(src);
  let k = 0;
  const unexpectedEnd = (from) => new ScanError(`unbalanced brackets: the form at line ${lineOf(src, from)} never closes`);

  // Reads the datum at tokens[k] (after any #; comments), advancing k: { start, end, head, atom }.
  function datum() {
    while (tokens[k]?.type === 'skip') { k++; datum(); }
    const t = tokens[k++];
    if (!t) throw new ScanError('#; at the end of the text');
    if (t.type === 'atom') return { start: t.start, end: t.end, head: null, atom: t.text };
    if (t.type === 'close') throw new ScanError(`unexpected ${t.text} (line ${lineOf(src, t.start)})`);
    if (t.type === 'prefix') {
      if (!tokens[k]) throw unexpectedEnd(t.start);
      return { start: t.start, end: datum().end, head: null, atom: null };
    }
    // An open bracket: read elements up to the matching close.
    const want = CLOSER[t.text[t.text.length - 1]];
    let head = null, first = true;
    for (;;) {
      const u = tokens[k];
      if (!u) throw unexpectedEnd(t.start);
      if (u.type === 'skip') { k++; datum(); continue; }
      if (u.type === 'close') {
        if (u.text !== want) throw new ScanError(`${u.text} closes ${t.text} of line ${lineOf(src, t.start)} (line ${lineOf(src, u.start)})`);
        k++;
        return { start: t.start, end: u.end, head, atom: null };
      }
      const d = datum();
      // [ is a vector in OmniLisp but a list in R6RS Scheme: a head either way (no program has a
      // top-level vector starting with `define`).
      if (first && (t.text === '(' || t.text === '[') && d.atom !== null && !d.atom.startsWith('"')) head = d.atom;
      first = false;
    }
  }

  const forms = [];
  while (k < tokens.length) {
    if (tokens[k].type === 'skip') { k++; datum(); continue; }
    const { start, end, head } = datum();
    forms.push({ start, end, head });
  }
  return forms;
}

/**
 * The program with its trailing top-level expressions (after the last definition) moved into
 * (define (bench-main) ...) and called n times. The same text works in OmniLisp and in Scheme.
 * Returns { text, kept }: kept counts non-definitions before the last definition (run once).
 */
function repeatedProgram(src, n) {
  const forms = topLevelForms(src);
  let last = -1;
  forms.forEach((f, i) => { if (DEFINERS.has(f.head)) last = i; });
  const moved = forms.slice(last + 1);
  if (moved.length === 0) throw new ScanError('no top-level expression after the last definition');
  const kept = forms.slice(0, last + 1).filter((f) => !DEFINERS.has(f.head)).length;
  const cut = moved[0].start;
  // The body ends with a newline before `)` so that a trailing ; comment cannot swallow it.
  const text = `${src.slice(0, cut)};; ---- added by bench/run.mjs: the expressions after the last definition, run ${n} times
(define (bench-main)
${src.slice(cut).trimEnd()}
)
(let bench-repeat ((bench-i ${n}))
  (when (> bench-i 0)
    (bench-main)
    (bench-repeat (- bench-i 1))))
`;
  return { text, kept };
}

// ------------------------------------------------------------------ implementations
//
// Each implementation: detect() -> version string or null; compile(src, dir, base) ->
// { cmd: [program, ...args] } or { error }, writing its files under dir.

const GAMBIT_PRELUDE = '(declare (standard-bindings) (extended-bindings) (block))\n';

function compileResult(r, what, cmd) {
  if (r.error) return { error: `${what}: ${r.error.message}` };
  if (r.status !== 0) return { error: `${what} failed (status ${r.status}):\n${firstLines(r.stderr || r.stdout)}` };
  return { cmd };
}

const IMPLS = {
  omnilisp: {
    label: 'OmniLisp',
    ext: 'omni',
    detect() {
      if (!existsSync(CLI)) {
        log('cli/dist/main.js is missing: running npm run build');
        const r = run('npm', ['run', 'build'], { timeoutMs: 600000 });
        if (r.status !== 0) { log(firstLines(r.stderr || r.stdout, 20)); return null; }
      }
      return `omnilisp build --cc ${opts.cc} -O 2`;
    },
    compile(src, dir, base) {
      const exe = join(dir, base);
      const r = run(process.execPath, [CLI, 'build', src, '-o', exe, '--cc', opts.cc, '-O', '2'], { timeoutMs: 600000 });
      return compileResult(r, 'omnilisp build', [exe]);
    },
  },
  chicken: {
    label: 'Chicken',
    ext: 'scm',
    detect() {
      if (!which('csc')) return null;
      const r = run('csc', ['-version'], { timeoutMs: 20000 });
      const out = (r.stdout ?? '') + (r.stderr ?? '');
      if (!/CHICKEN/i.test(out)) return null; // e.g. Mono's csc
      const v = out.match(/Version\s+([^\s]+)/i);
      return `csc -O3${v ? ` (CHICKEN ${v[1]})` : ''}`;
    },
    compile(src, dir, base) {
      const exe = join(dir, base);
      const r = run('csc', ['-O3', src, '-o', exe], { timeoutMs: 600000 });
      return compileResult(r, 'csc', [exe]);
    },
  },
  gambit: {
    label: 'Gambit',
    ext: 'scm',
    detect() {
      if (!which('gsc')) return null;
      const r = run('gsc', ['-v'], { timeoutMs: 20000 });
      const out = (r.stdout ?? '') + (r.stderr ?? '');
      const v = out.match(/^v([0-9][^\s]*)/m);
      if (r.status !== 0 || !v) return null;
      return `gsc -exe (Gambit ${v[1]}, standard-bindings/extended-bindings/block)`;
    },
    compile(src, dir, base) {
      const withPrelude = join(dir, `${base}-gsc.scm`);
      writeFileSync(withPrelude, GAMBIT_PRELUDE + readFileSync(src, 'utf8'));
      const exe = join(dir, base);
      const r = run('gsc', ['-exe', '-o', exe, withPrelude], { timeoutMs: 600000 });
      return compileResult(r, 'gsc', [exe]);
    },
  },
  chez: {
    label: 'Chez',
    ext: 'scm',
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
    compile(src, dir, base) {
      const obj = join(dir, `${base}.so`);
      rmSync(obj, { force: true });
      const r = run(this.bin, ['-q'], { input: `(compile-script ${JSON.stringify(src)} ${JSON.stringify(obj)})\n`, timeoutMs: 600000 });
      if (r.status === 0 && !existsSync(obj)) return { error: `chez compile-script wrote nothing:\n${firstLines(r.stderr || r.stdout)}` };
      return compileResult(r, 'chez compile-script', [this.bin, '--script', obj]);
    },
  },
  guile: {
    label: 'Guile',
    ext: 'scm',
    detect() {
      if (!which('guile')) return null;
      const r = run('guile', ['--version'], { timeoutMs: 20000 });
      const v = (r.stdout ?? '').match(/Guile\)?\s+([0-9.]+)/);
      if (r.status !== 0 || !v) return null;
      return `guile compile-file + load-compiled (Guile ${v[1]})`;
    },
    compile(src, dir, base) {
      const obj = join(dir, `${base}.go`);
      const code = `(use-modules (system base compile)) (compile-file ${JSON.stringify(src)} #:output-file ${JSON.stringify(obj)})`;
      const env = { ...process.env, GUILE_AUTO_COMPILE: '0' };
      const r = run('guile', ['--no-auto-compile', '-c', code], { timeoutMs: 600000, env });
      return compileResult(r, 'guile compile-file', ['guile', '--no-auto-compile', '-c', `(load-compiled ${JSON.stringify(obj)})`]);
    },
  },
};

const sourceOf = (impl, name) =>
  impl === 'omnilisp' ? join(BENCH, 'programs', `${name}.omni`) : join(BENCH, 'scheme', `${name}.scm`);

/** Writes NAME repeated n times to build/repeat/IMPL/NAME.EXT and compiles it: { cmd, kept } or { error }. */
function buildRepeated(impl, name, n) {
  let prog;
  try {
    prog = repeatedProgram(readFileSync(sourceOf(impl, name), 'utf8'), n);
  } catch (e) {
    if (e instanceof ScanError) return { error: `${sourceOf(impl, name)}: ${e.message}` };
    throw e;
  }
  const dir = join(BUILD, 'repeat', impl);
  mkdirSync(dir, { recursive: true });
  const src = join(dir, `${name}.${IMPLS[impl].ext}`);
  writeFileSync(src, prog.text);
  const c = IMPLS[impl].compile(src, dir, name);
  return c.error ? c : { ...c, kept: prog.kept };
}

// ------------------------------------------------------------------ measuring

const TIME_OUT = join(tmpdir(), `omnilisp-bench-time-${process.pid}.txt`);

/** One run of cmd under /usr/bin/time: { ms, rssKiB, stdout } or { error }. */
function runOnce(cmd) {
  rmSync(TIME_OUT, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%M', '-o', TIME_OUT, ...cmd], {
    encoding: 'utf8', timeout: opts.timeout * 1000, maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GUILE_AUTO_COMPILE: '0' },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) return { error: r.error.code === 'ETIMEDOUT' ? `timeout after ${opts.timeout} s` : r.error.message };
  if (r.status !== 0) {
    const why = r.signal ? `signal ${r.signal}` : `exit ${r.status}`;
    return { error: `${why}: ${firstLines(r.stderr, 3) || firstLines(r.stdout, 3)}` };
  }
  const lines = existsSync(TIME_OUT) ? readFileSync(TIME_OUT, 'utf8').trim().split('\n') : [];
  return { ms, rssKiB: Number(lines[lines.length - 1]), stdout: r.stdout };
}

/**
 * Runs cmd `runs` times, each run's output must be exactly `expected` (null: only the same in
 * every run). Returns { ms, rssKiB, times, stdout } (medians) or { error, detail }.
 */
function measure(cmd, runs, expected = null) {
  const times = [], rss = [];
  let stdout = null;
  for (let i = 0; i < runs; i++) {
    const r = runOnce(cmd);
    if (r.error) return { error: 'run failed', detail: r.error };
    if (expected !== null && r.stdout !== expected) {
      return { error: 'MISMATCH', detail: `the repeated run printed ${describeOutput(r.stdout)}, expected ${describeOutput(expected)}` };
    }
    if (stdout !== null && r.stdout !== stdout) return { error: 'run failed', detail: 'output changed between runs' };
    stdout = r.stdout;
    times.push(r.ms);
    rss.push(r.rssKiB);
  }
  return { ms: median(times), rssKiB: median(rss), times, stdout };
}

/** A short description of a program's output for error messages. */
function describeOutput(s) {
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const distinct = [...new Set(lines)];
  if (distinct.length === 1) return `${JSON.stringify(distinct[0])} x ${lines.length}`;
  return `${lines.length} lines, ${JSON.stringify(s.slice(0, 120))}${s.length > 120 ? '...' : ''}`;
}

/** Start-up of an implementation: a program that prints one line, median of max(5, runs) runs. */
function measureStartup(impl) {
  const dir = join(BUILD, 'startup', impl);
  mkdirSync(dir, { recursive: true });
  const src = join(dir, `startup.${IMPLS[impl].ext}`);
  writeFileSync(src, impl === 'omnilisp' ? '(print "startup" 1)\n' : '(display "startup 1") (newline)\n');
  const c = IMPLS[impl].compile(src, dir, 'startup');
  if (c.error) return { error: 'build failed', detail: c.error };
  return measure(c.cmd, Math.max(5, opts.runs), 'startup 1\n');
}

/**
 * Times one implementation on one benchmark whose N = 1 build and run are `first`: calibrates N,
 * builds the repeated program, times it. Returns { perRep, n, ms, rssKiB, short, cmd } or { error, detail }.
 */
function calibrateAndTime(impl, name, first, reference, startupMs) {
  const label = `[${name}] ${IMPLS[impl].label}`;
  let net1 = first.ms - startupMs;
  if (net1 < SHORT_RUN_MS) {
    const more = measure(first.cmd, 2, reference);
    if (more.error) return more;
    net1 = median([first.ms, ...more.times]) - startupMs;
  }
  let n = Math.min(opts.maxRepeat, Math.max(1, Math.ceil((opts.targetMs * CALIBRATION_MARGIN) / Math.max(net1, 1))));
  for (let attempt = 0; ; attempt++) {
    const b = n === 1 ? first : buildRepeated(impl, name, n);
    if (b.error) return { error: 'build failed', detail: b.error };
    log(`${label}: N=${n} (N=1 took ${fmtMs(net1)} ms after start-up), ${opts.runs} runs`);
    const m = measure(b.cmd, opts.runs, reference.repeat(n));
    if (m.error) return { ...m, detail: `N=${n}: ${m.detail}` };
    const net = m.ms - startupMs;
    log(`  ${m.times.map((t) => t.toFixed(0)).join(' ')} ms; ${fmtMs(net)} ms after start-up, ${m.rssKiB} KiB`);
    if (net >= opts.targetMs || n >= opts.maxRepeat || attempt >= MAX_DOUBLINGS) {
      if (!(net > 0)) return { error: 'too fast', detail: `N=${n}: no time left after start-up` };
      return { perRep: net / n, n, ms: m.ms, rssKiB: m.rssKiB, short: net < opts.targetMs, cmd: b.cmd };
    }
    n = Math.min(n * 2, opts.maxRepeat);
  }
}

/** The answer most implementations printed at N = 1 (used only when OmniLisp itself failed). */
function mostCommon(outputs) {
  const counts = new Map();
  for (const o of outputs) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Every implementation on one benchmark: { [impl]: cell }, a cell being a calibrateAndTime result. */
function benchmark(name, impls, startup) {
  const cells = {}, first = {};
  // N = 1: builds the transformation and checks the output against OmniLisp's line.
  for (const impl of impls) {
    if (!existsSync(sourceOf(impl, name))) { cells[impl] = { error: 'no source' }; continue; }
    if (startup[impl].error) { cells[impl] = { error: 'no start-up time' }; continue; }
    log(`[${name}] ${IMPLS[impl].label}: building N=1`);
    const b = buildRepeated(impl, name, 1);
    if (b.error) { cells[impl] = { error: 'build failed', detail: b.error }; log(b.error); continue; }
    const r = runOnce(b.cmd);
    if (r.error) { cells[impl] = { error: 'run failed', detail: `N=1: ${r.error}` }; log(r.error); continue; }
    first[impl] = { ...r, cmd: b.cmd, kept: b.kept };
  }
  const reference = first.omnilisp?.stdout ?? mostCommon(Object.values(first).map((f) => f.stdout));
  for (const impl of impls) {
    const f = first[impl];
    if (!f) continue;
    if (f.stdout !== reference) {
      cells[impl] = { error: 'MISMATCH', detail: `printed ${describeOutput(f.stdout)}, expected ${describeOutput(reference)}` };
      log(`[${name}] ${IMPLS[impl].label}: ${cells[impl].detail}`);
      continue;
    }
    cells[impl] = calibrateAndTime(impl, name, f, reference, startup[impl].ms);
    cells[impl].kept = f.kept;
    if (cells[impl].error) log(`  ${cells[impl].error}: ${cells[impl].detail}`);
  }
  return { cells, reference };
}

// ------------------------------------------------------------------ perf breakdown

/** null when perf can record here, else why not. */
function perfUnavailable() {
  if (!which('perf')) return 'perf is not installed';
  const file = join(tmpdir(), `omnilisp-bench-perf-probe-${process.pid}.data`);
  const r = run('perf', ['record', '-e', 'cpu-clock', '-q', '-o', file, '--', 'true'], { timeoutMs: 60000 });
  rmSync(file, { force: true });
  if (r.error || r.status !== 0) return `perf record does not work here: ${firstLines(r.stderr || r.error?.message, 2)}`;
  return null;
}

const perfExact = new Map();
for (const c of PERF_CATEGORIES) for (const n of c.names ?? []) perfExact.set(n, c.key);

/** The category of a perf symbol (see PERF_CATEGORIES). */
function perfCategory(symbol, kernel) {
  if (kernel) return 'other';
  const s = symbol.replace(/@.*$/, '').replace(/(\.(?:part|isra|constprop|cold|lto_priv|localalias)(?:\.\d+)?)+$/, '');
  if (perfExact.has(s)) return perfExact.get(s);
  for (const c of PERF_CATEGORIES) if ((c.prefixes ?? []).some((p) => s.startsWith(p))) return c.key;
  return 'other';
}

/**
 * One run of cmd under perf record (cpu-clock: this VM has no hardware counters), then
 * perf report by symbol. Returns { share: { [category]: % }, top: [[symbol, %]...] } or { error }.
 */
function perfBreakdown(name, cmd) {
  const dir = join(BUILD, 'perf');
  mkdirSync(dir, { recursive: true });
  const data = join(dir, `${name}.data`);
  const rec = run('perf', ['record', '-e', 'cpu-clock', '-F', '1999', '-q', '-o', data, '--', ...cmd]);
  if (rec.error || rec.status !== 0) return { error: `perf record: ${firstLines(rec.stderr || rec.error?.message, 2)}` };
  const rep = run('perf', ['report', '-i', data, '--no-children', '--sort', 'sym', '--stdio', '-q']);
  if (rep.error || rep.status !== 0) return { error: `perf report: ${firstLines(rep.stderr || rep.error?.message, 2)}` };
  // Lines look like "    27.37%  [.] omniO_try_alloc" ([k] for the kernel).
  const share = Object.fromEntries(PERF_CATEGORIES.map((c) => [c.key, 0]));
  const symbols = [];
  for (const line of rep.stdout.split('\n')) {
    const m = /^\s*([\d.]+)%\s+\[(.)\]\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    const pct = Number(m[1]);
    share[perfCategory(m[3], m[2] === 'k')] += pct;
    symbols.push([m[3], pct]);
  }
  if (symbols.length === 0) return { error: 'perf report listed no samples' };
  symbols.sort((a, b) => b[1] - a[1]);
  return { share, top: symbols.slice(0, 3) };
}

// ------------------------------------------------------------------ report

function printResults(names, impls, results, startup) {
  const peers = impls.filter((i) => i !== 'omnilisp');
  const hasChicken = peers.includes('chicken');
  const cell = (x) => (x.error ? x.error : fmtMs(x.perRep));
  const header = ['benchmark', 'OmniLisp ms/rep', 'N'];
  for (const p of peers) header.push(`${IMPLS[p].label} ms/rep`, 'N', `Omni/${IMPLS[p].label}`);
  header.push('Omni RSS KiB');
  if (hasChicken) header.push('Chicken RSS KiB');

  const ratios = Object.fromEntries(peers.map((p) => [p, []]));
  const rows = [];
  for (const name of names) {
    const r = results[name].cells, o = r.omnilisp;
    const row = [name, cell(o), o.error ? '-' : String(o.n)];
    for (const p of peers) {
      const x = r[p];
      row.push(cell(x), x.error ? '-' : String(x.n));
      if (!o.error && !x.error) {
        const q = o.perRep / x.perRep;
        ratios[p].push({ name, q });
        row.push(q.toFixed(2));
      } else row.push('-');
    }
    row.push(o.error ? '-' : String(o.rssKiB));
    if (hasChicken) row.push(r.chicken.error ? '-' : String(r.chicken.rssKiB));
    rows.push(row);
  }
  printTable(header, rows);
  console.log('');
  console.log('start-up subtracted (a program printing one line, median; ms/rep = (median - start-up) / N):');
  console.log('  ' + impls.map((i) => `${IMPLS[i].label} ${startup[i].error ?? `${startup[i].ms.toFixed(1)} ms`}`).join(', '));
  const short = [];
  for (const name of names) for (const impl of impls) if (results[name].cells[impl].short) short.push(`${name}/${IMPLS[impl].label}`);
  if (short.length) console.log(`below --target-ms even at the last N (cap or doublings reached): ${short.join(', ')}`);
  const kept = names.filter((n) => results[n].cells.omnilisp.kept > 0);
  if (kept.length) console.log(`top-level expressions before the last definition run once, not repeated: ${kept.join(', ')}`);
  console.log('');

  console.log('geometric mean of OmniLisp/peer ratios of ms per repetition (below 1: OmniLisp is faster):');
  for (const p of peers) {
    const qs = ratios[p].map((x) => x.q);
    const g = geomean(qs);
    let verdict = '';
    if (p === 'chez' && qs.length) {
      const above = ratios[p].filter((x) => x.q > TARGETS.chezWorst);
      verdict = `  target <= ${TARGETS.chezGeomean}: ${g <= TARGETS.chezGeomean ? 'met' : 'NOT met'}; ` +
        `no program above ${TARGETS.chezWorst}x: ${above.length ? `NOT met (${above.map((x) => `${x.name} ${x.q.toFixed(2)}`).join(', ')})` : 'met'}`;
    }
    if (p === 'chicken' && qs.length) verdict = `  target <= ${TARGETS.chickenGeomean}: ${g <= TARGETS.chickenGeomean ? 'met' : 'NOT met'}`;
    console.log(`  vs ${IMPLS[p].label.padEnd(8)} ${qs.length ? g.toFixed(3) : 'n/a'}  (over ${qs.length} benchmark${qs.length === 1 ? '' : 's'})${verdict}`);
  }
  for (const p of ['chicken', 'chez']) {
    if (!peers.includes(p)) console.log(`  vs ${IMPLS[p].label.padEnd(8)} n/a (${opts.peers.includes(p) ? 'not installed' : 'not in --peers'})`);
  }

  if (hasChicken) {
    console.log('');
    console.log('peak RSS of the repeated runs, every program (target: OmniLisp <= Chicken):');
    const missed = [];
    let compared = 0;
    for (const name of names) {
      const o = results[name].cells.omnilisp, c = results[name].cells.chicken;
      if (o.error || c.error) { console.log(`  ${name.padEnd(10)} n/a`); continue; }
      compared++;
      const ok = o.rssKiB <= c.rssKiB;
      if (!ok) missed.push(name);
      console.log(`  ${name.padEnd(10)} OmniLisp ${String(o.rssKiB).padStart(7)} KiB   Chicken ${String(c.rssKiB).padStart(7)} KiB   ${ok ? 'met' : 'NOT met'} (${(o.rssKiB / c.rssKiB).toFixed(2)}x)`);
    }
    console.log(`  => ${missed.length ? `NOT met on ${missed.length} of ${compared}: ${missed.join(', ')}` : `met on all ${compared}`}`);
  }
}

function printPerf(names, results, perf) {
  console.log('');
  if (perf.unavailable) { console.log(`perf breakdown: skipped, ${perf.unavailable}`); return; }
  console.log('perf breakdown of the OmniLisp repeated executables (perf record -e cpu-clock -F 1999, self time');
  console.log('by symbol; inlined dup/drop and arithmetic fast paths count as "generated"):');
  console.log('');
  const header = ['program', ...PERF_CATEGORIES.map((c) => c.label)];
  const rows = [], tops = [];
  for (const name of names) {
    const p = perf[name];
    if (!p) continue;
    if (p.error) { rows.push([name, ...PERF_CATEGORIES.map((_, i) => (i === 0 ? p.error : ''))]); continue; }
    rows.push([name, ...PERF_CATEGORIES.map((c) => p.share[c.key].toFixed(1))]);
    tops.push(`  ${name.padEnd(10)} ${p.top.map(([s, q]) => `${s} ${q.toFixed(1)}%`).join(', ')}`);
  }
  printTable(header, rows);
  console.log('');
  console.log('top 3 symbols:');
  for (const t of tops) console.log(t);
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
    if (!IMPLS[p] || p === 'omnilisp') { log(`unknown peer ${p} (known: chicken, gambit, chez, guile)`); process.exit(2); }
    const v = IMPLS[p].detect();
    if (v) { impls.push(p); IMPLS[p].version = v; } else skipped.push(p);
  }
  const ov = IMPLS.omnilisp.detect();
  if (!ov) { log('cannot build the OmniLisp CLI'); process.exit(1); }
  IMPLS.omnilisp.version = ov;
  const perfWhyNot = opts.perf ? perfUnavailable() : 'not requested (--no-perf)';

  console.log(`${opts.runs} timed runs per executable (median wall time; peak RSS from ${TIME} -f %M, median)`);
  console.log(`N per implementation: estimated from the N=1 run x${CALIBRATION_MARGIN} so that a run takes >= ${opts.targetMs} ms after start-up, doubled while short (at most ${MAX_DOUBLINGS}x, cap ${opts.maxRepeat})`);
  for (const i of impls) console.log(`  ${IMPLS[i].label.padEnd(9)} ${IMPLS[i].version}`);
  for (const s of skipped) console.log(`  ${s.padEnd(9)} skipped: not installed`);
  console.log('');

  const startup = {};
  for (const impl of impls) {
    log(`[startup] ${IMPLS[impl].label}`);
    startup[impl] = measureStartup(impl);
    if (startup[impl].error) log(`  ${startup[impl].error}: ${startup[impl].detail}`);
  }

  const results = {};
  for (const name of names) results[name] = benchmark(name, impls, startup);

  const perf = { unavailable: perfWhyNot };
  if (!perfWhyNot) {
    for (const name of names) {
      const o = results[name].cells.omnilisp;
      if (o.error) continue;
      log(`[${name}] perf record at N=${o.n}`);
      perf[name] = perfBreakdown(name, o.cmd);
    }
  }

  printResults(names, impls, results, startup);
  printPerf(names, results, perf);

  const problems = [];
  for (const impl of impls) if (startup[impl].error) problems.push(`start-up / ${IMPLS[impl].label}: ${startup[impl].error} — ${startup[impl].detail}`);
  for (const name of names) {
    for (const impl of impls) {
      const x = results[name].cells[impl];
      if (x.error) problems.push(`${name} / ${IMPLS[impl].label}: ${x.error}${x.detail ? ` — ${x.detail}` : ''}`);
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
