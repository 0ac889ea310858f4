// Compile-time limits as a user meets them (issue 13): the real CLI, as a child process, on
// hostile programs in every mode — each ends quickly with status 1 and one `FILE:LINE:COL: ...`
// line on stderr, never a hang or a JavaScript stack trace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-limits-'));
const CACHE = path.join(DIR, 'cache');
/** A run that takes longer than this is a failure (the default limits stop these in a second or two). */
const TIMEOUT_MS = 30_000;

afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

function program(name: string, source: string): string {
  const file = path.join(DIR, `${name}.omni`);
  fs.writeFileSync(file, source);
  return file;
}

function omnilisp(args: string[], env: Record<string, string> = {}) {
  const start = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    cwd: DIR,
    env: { ...process.env, OMNI_CACHE_DIR: CACHE, ...env },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal, ms: Date.now() - start };
}

/** name, source, where the error is, the message after `FILE:LINE:COL: ` */
const HOSTILE: [string, string, string, RegExp][] = [
  ['loop', '(defmacro forever () (let loop ((i 0)) (loop (+ i 1))))\n(print (forever))', '2:8', /^macro expansion of 'forever' exceeded the compile-time limit of 2000000 steps$/],
  ['consing', '(defmacro hog () (let loop ((l nil)) (loop (cons 1 l))))\n(print (hog))', '2:8', /^macro expansion of 'hog' exceeded the compile-time (limit of 2000000 steps|memory limit of \d+ MB)$/],
  ['big', "(defmacro big () (cons 'list (range 0 2000000)))\n(print (length (big)))", '2:16', /^macro expansion of 'big' exceeded the compile-time limit of 500000 expanded forms$/],
  ['self-loop', "(defmacro self-loop () '(self-loop))\n(print (self-loop))", '2:8', /^macro expansion of 'self-loop' exceeded the compile-time limit of 400 nested expansions$/],
  ['nest', "(defmacro nest () '(list (nest)))\n(print (nest))", '2:8', /^macro expansion of 'nest' exceeded the compile-time limit of 400 nested expansions$/],
  [
    'deep',
    '(define (build n) (if (= n 0) nil (cons n (build (- n 1)))))\n(defmacro deep () (length (build 100000000)))\n(print (deep))',
    '3:8',
    /^macro expansion of 'deep' exceeded the compile-time stack limit of 500000 frames$/,
  ],
  ['spin', '(defmacro spin () (join (spawn (fn () (let loop () (loop))))))\n(print (spin))', '2:8', /^macro expansion of 'spin' exceeded the compile-time limit of 2000000 steps$/],
  [
    'dag',
    "(defmacro dag () (let loop ((x 1) (n 0)) (if (= n 60) (list 'quote x) (loop (list x x) (+ n 1)))))\n(print (dag))",
    '2:8',
    /^macro expansion of 'dag' exceeded the compile-time limit of 500000 expanded forms$/,
  ],
];

const MODES: [string, string[]][] = [
  ['run --aot', ['run', '--aot']],
  ['run (JIT)', ['run']],
  ['run --interp', ['run', '--interp']],
  ['emit', ['emit']],
];

describe.each(HOSTILE)('a hostile macro (%s)', (name, source, at, message) => {
  const file = program(name, source);
  it.each(MODES)('%s: status 1, FILE:LINE:COL and the limit on stderr, quickly', (_mode, args) => {
    const r = omnilisp([...args, file]);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines).toHaveLength(2); // one line, no stack trace
    expect(lines[0].startsWith(`${file}:${at}: `)).toBe(true);
    expect(lines[0].slice(`${file}:${at}: `.length)).toMatch(message);
    expect(r.ms).toBeLessThan(TIMEOUT_MS);
  });
});

describe('the limits are set by the environment', () => {
  const file = program('count', '(defmacro count () (let loop ((i 0)) (if (< i 5000) (loop (+ i 1)) i)))\n(print (count))');

  it('a program within the limit compiles and runs', () => {
    expect(omnilisp(['run', '--interp', file], { OMNI_COMPILE_STEPS: '100000' })).toMatchObject({ stdout: '5000\n', stderr: '', status: 0 });
  });

  it.each(MODES)('%s: a lower limit stops it', (_mode, args) => {
    const r = omnilisp([...args, file], { OMNI_COMPILE_STEPS: '1000' });
    expect(r).toMatchObject({ stdout: '', status: 1, stderr: `${file}:2:8: macro expansion of 'count' exceeded the compile-time limit of 1000 steps\n` });
  });

  it.each([
    ['OMNI_COMPILE_STEPS', 'abc'],
    ['OMNI_COMPILE_EXPANSION_NODES', '0'],
    ['OMNI_COMPILE_EXPANSION_DEPTH', '-1'],
    ['OMNI_COMPILE_HEAP_MB', '1.5'],
  ])('%s=%s is refused before compiling', (name, value) => {
    for (const args of [['run', '--interp', file], ['emit', file], ['run', '--aot', file]]) {
      const r = omnilisp(args, { [name]: value });
      expect(r).toMatchObject({ stdout: '', status: 1, stderr: `omnilisp: ${name} must be a positive integer, got ${JSON.stringify(value)}\n` });
    }
  });
});

describe('imports', () => {
  it('a name with a directory in it is refused at the import form', () => {
    const file = program('escape', '(print 1)\n(import ../../etc/passwd)'); // hostile path
    for (const args of [['run', '--interp', file], ['emit', file]]) {
      expect(omnilisp(args)).toMatchObject({
        stdout: '',
        status: 1,
        stderr: `${file}:2:1: invalid library name: ../../etc/passwd (a name such as violet, without a directory or extension)\n`, // hostile path
      });
    }
  });

  it('a missing library is reported without any path', () => {
    const file = program('missing', '(import nope)');
    const r = omnilisp(['emit', file], { OMNI_LIB_PATH: path.join(DIR, 'elsewhere') });
    expect(r).toMatchObject({
      status: 1,
      stderr: `${file}:1:9: library not found: nope (looked in lib/ beside the program, OMNI_LIB_PATH and the bundled libraries)\n`,
    });
  });
});
