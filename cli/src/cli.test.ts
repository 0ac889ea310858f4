// The omnilisp command as a user runs it: a child process with real files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

function omnilisp(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function program(source: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-cli-'));
  const file = path.join(dir, 'prog.omni');
  fs.writeFileSync(file, source);
  return file;
}

describe('omnilisp run --interp', () => {
  it('passes the arguments after FILE to the program, options included', () => {
    const file = program('(print (command-line))');
    expect(omnilisp(['run', '--interp', file, 'a', '--flag', 'b c']).stdout).toBe('(a --flag b c)\n');
  });

  it('exits with the status given to exit, after flushing output', () => {
    const r = omnilisp(['run', '--interp', program('(display "partial") (exit 258)')]);
    expect(r).toMatchObject({ stdout: 'partial', status: 2 });
  });

  it('reports an uncaught error on stderr with status 1', () => {
    const r = omnilisp(['run', '--interp', program('(print 1)\n(error "bad thing:" 42 "x")')]);
    expect(r).toMatchObject({ stdout: '1\n', stderr: expect.stringMatching(/^error: bad thing: 42 "x"\n {2}at <top level> \(.*prog\.omni:2:1\)\n$/), status: 1 });
  });

  it('reports a compile-time error as FILE:LINE:COL without running anything', () => {
    const file = program('(print "never")\n(print (+ 1 nope))\n');
    const r = omnilisp(['run', '--interp', file]);
    expect(r).toMatchObject({ stdout: '', stderr: `${file}:2:13: unbound variable: nope\n`, status: 1 });
  });

  it('reads standard input line by line', () => {
    const file = program('(let loop ((l (read-line))) (when l (print (string-upcase l)) (loop (read-line))))');
    expect(omnilisp(['run', '--interp', file], 'ab\r\ncd\nlast').stdout).toBe('AB\nCD\nLAST\n');
  });

  it('explains a missing file', () => {
    const r = omnilisp(['run', '--interp', '/nonexistent/x.omni']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read \/nonexistent\/x\.omni/);
  });
});

describe('omnilisp --help', () => {
  it.each([[[]], [['run']]])('documents %j', (cmd) => {
    const r = omnilisp([...cmd, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: omnilisp/);
  });
});

describe('long programs', () => {
  it('a program of 3000 top-level forms compiles natively (on a big-stack thread) and runs', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `(define x${i} ${i}) (print x${i})`);
    const file = program(lines.join('\n'));
    const r = omnilisp(['run', '--no-cache', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(Array.from({ length: 3000 }, (_, i) => `${i}\n`).join(''));
  });
});

describe('internal compiler errors', () => {
  // OMNI_DEBUG_INTERNAL_ERROR=NAME makes the native back end fail at each reference to NAME
  const fault = { OMNI_DEBUG_INTERNAL_ERROR: 'boom' };
  const source = '(define boom 2)\n(define (f x)\n  (+ x 1))\n(print (f boom))\n';
  const line = (file: string) => `${file}:4:11: internal compiler error: OMNI_DEBUG_INTERNAL_ERROR: a reference to boom`;

  it.each([[['run', '--aot']], [['run', '--no-cache']], [['run']], [['emit']]])('%j: FILE:LINE:COL of the form, exit 70, no JavaScript stack', (cmd) => {
    const file = program(source);
    const r = omnilisp([...cmd, file], '', fault);
    expect(r.status, r.stderr).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(line(file));
    expect(r.stderr).not.toMatch(/\bat \S+ \(|\.js:\d+/);
  });

  it('LOG_LEVEL=debug adds the compiler stack', () => {
    const file = program(source);
    const r = omnilisp(['run', '--aot', file], '', { ...fault, LOG_LEVEL: 'debug' });
    expect(r.status).toBe(70);
    expect(r.stderr.split('\n')[0]).toBe(line(file));
    expect(r.stderr).toMatch(/at Lowerer\.ref \(/);
  });

  it('the REPL reports it for the input and goes on', () => {
    const r = omnilisp(['repl'], '(define boom 1)\n(+ boom 1)\n(+ 1 2)\n', fault);
    expect(r.stderr.split('\n')[0]).toBe('<repl>:1:4: internal compiler error: OMNI_DEBUG_INTERNAL_ERROR: a reference to boom');
    expect(r.stdout).toContain('3');
    expect(r.status).toBe(0);
  });
});
