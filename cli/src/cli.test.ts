// The omnilisp command as a user runs it: a child process with real files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

function omnilisp(args: string[], input = '') {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
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
    expect(r).toMatchObject({ stdout: '1\n', stderr: 'error: bad thing: 42 "x"\n', status: 1 });
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
