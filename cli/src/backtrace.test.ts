// Backtraces of uncaught errors from every way the omnilisp command runs a program, and the
// native debugging aids: `build -g` under gdb, `run --keep-c`, the #line mapping of `emit`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

const SOURCE = `(define (inner x) (+ 1 (car x)))
(define (middle y) (* 2 (inner y)))
(define (outer z) (- (middle z) 3))
(print (outer 5))
`;

const EXPECTED = `error: car: expected pair, got 5
  at inner (bt.omni:1:24)
  at middle (bt.omni:2:25)
  at outer (bt.omni:3:22)
  at <top level> (bt.omni:4:8)
`;

/** A fresh directory holding bt.omni; commands run there, so positions name `bt.omni`. */
function workdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-bt-'));
  fs.writeFileSync(path.join(dir, 'bt.omni'), SOURCE);
  return dir;
}

function omnilisp(dir: string, args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('an uncaught error prints its backtrace', () => {
  it.each([
    ['the interpreter', ['--interp']],
    ['AOT gcc -O2', ['--aot']],
    ['AOT gcc -O0', ['--aot', '-O', '0']],
    ['AOT clang -O2', ['--aot', '--cc', 'clang']],
    ['the JIT without the cache', ['--no-cache']],
  ])('%s', (_mode, flags) => {
    expect(omnilisp(workdir(), ['run', ...flags, 'bt.omni'])).toEqual({ stdout: '', stderr: EXPECTED, status: 1 });
  });

  it('the JIT, then the cached run of the same program', () => {
    const dir = workdir();
    const env = { OMNI_CACHE_DIR: path.join(dir, 'cache') };
    expect(omnilisp(dir, ['run', 'bt.omni'], '', env)).toEqual({ stdout: '', stderr: EXPECTED, status: 1 });
    expect(omnilisp(dir, ['cache', 'stats', '--json'], '', env).stdout).toMatch(/"entries": ?1/);
    expect(omnilisp(dir, ['run', 'bt.omni'], '', env)).toEqual({ stdout: '', stderr: EXPECTED, status: 1 });
  });

  it('a binary from omnilisp build', () => {
    const dir = workdir();
    expect(omnilisp(dir, ['build', 'bt.omni', '-o', 'bt']).status).toBe(0);
    const r = spawnSync(path.join(dir, 'bt'), { encoding: 'utf8' });
    expect({ stderr: r.stderr, status: r.status }).toEqual({ stderr: EXPECTED, status: 1 });
  });

  it('the REPL, which goes on after it', () => {
    const r = omnilisp(workdir(), ['repl'], '(define (f x) (car x))\n(+ 1 (f 5))\n(print "still here")\n');
    expect(r.stderr).toBe('error: car: expected pair, got 5\n  at f (<repl>:1:15)\n  at <top level> (<repl>:1:6)\n');
    expect(r.stdout).toContain('still here');
  });
});

describe('native debugging', () => {
  it('omnilisp build -g: gdb stops in a Lisp function at its .omni file and line', () => {
    const gdb = spawnSync('gdb', ['--version'], { encoding: 'utf8' });
    expect(gdb.status, 'gdb is missing: scripts/setup.sh installs the Debian package gdb').toBe(0);
    const dir = workdir();
    expect(omnilisp(dir, ['build', '-g', 'bt.omni', '-o', 'bt'])).toMatchObject({ status: 0, stderr: '' });
    // the C is kept beside the executable; its function names carry the Lisp names
    const fn = /static OValue (omni_f\d+_inner)\(/.exec(fs.readFileSync(path.join(dir, 'bt.c'), 'utf8'))?.[1];
    expect(fn).toBeDefined();
    const r = spawnSync('gdb', ['-batch', '-nx', '-ex', `break ${fn}`, '-ex', 'run', '-ex', 'bt 2', '-ex', 'frame 0', './bt'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toMatch(new RegExp(`Breakpoint 1(\\.\\d+)?, ${fn} \\(.*\\) at .*bt\\.omni:1\\n1\\t\\(define \\(inner x\\) \\(\\+ 1 \\(car x\\)\\)\\)`));
    expect(r.stdout).toMatch(/#1 .*omni_f\d+_middle .* at .*bt\.omni:2/);
  });

  it('run --keep-c DIR keeps the C, mapped to the source by #line', () => {
    const dir = workdir();
    for (const flags of [[], ['--aot']]) {
      fs.rmSync(path.join(dir, 'c'), { recursive: true, force: true });
      expect(omnilisp(dir, ['run', ...flags, '--keep-c', 'c', 'bt.omni'])).toMatchObject({ stderr: EXPECTED, status: 1 });
      const c = fs.readFileSync(path.join(dir, 'c', 'bt.c'), 'utf8');
      expect(c).toContain('#line 1 "bt.omni"');
      expect(c).toContain('#line 4 "bt.omni"');
      // code of no source line is mapped to the kept C file itself
      expect(c).toMatch(/#line \d+ "c\/bt\.c"/);
    }
    expect(omnilisp(dir, ['run', '--interp', '--keep-c', 'c', 'bt.omni'])).toMatchObject({ status: 1, stderr: expect.stringContaining('--keep-c needs a native mode') });
  });

  it('omnilisp emit maps the C to the source lines', () => {
    const r = omnilisp(workdir(), ['emit', 'bt.omni']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('#line 2 "bt.omni"');
    expect(r.stdout).toMatch(/omniE_at\(S, omni_sites\(\) \+ \d+\);/);
  });
});
