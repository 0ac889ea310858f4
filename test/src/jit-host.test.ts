// The libtcc JIT host (runtime/host/omni-jit.c) driven directly over its protocol: C on fd 3,
// control replies on fd 4, the program's own stdin/stdout/stderr untouched.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNTIME_INCLUDE, Session, compileProgram, jitHost } from '@omnilisp/compiler';

const HOST = jitHost();

const tmpdirs: string[] = [];
function tmpdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-jittest-'));
  tmpdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpdirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface HostRun {
  stdout: string;
  stderr: string;
  /** Everything the host wrote on fd 4. */
  control: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the host once: `c` (if given) is written to fd 3, which is then closed. */
function runHost(args: string[], c?: string, env: Record<string, string> = {}): Promise<HostRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(HOST, args, { stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const out = { stdout: '', stderr: '', control: '' };
    child.stdout!.on('data', (d: Buffer) => (out.stdout += d));
    child.stderr!.on('data', (d: Buffer) => (out.stderr += d));
    (child.stdio[4] as NodeJS.ReadableStream).on('data', (d: Buffer) => (out.control += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ ...out, status, signal });
    });
    child.stdin!.end();
    const fd3 = child.stdio[3] as NodeJS.WritableStream;
    fd3.on('error', () => undefined);
    fd3.end(c ?? '');
  });
}

const jitC = (source: string, file = '/virtual/prog.omni') => compileProgram(source, file, { target: 'jit' }).c;
const runArgs = (...rest: string[]) => ['run', '-I', RUNTIME_INCLUDE, ...rest];

describe('omni-jit run', () => {
  it('is the host jitHost() names', () => {
    expect(fs.existsSync(HOST)).toBe(true);
    expect(HOST).toMatch(/runtime\/build\/[^/]+\/omni-jit$/);
  });

  it('runs the program given on fd 3 with the arguments after --; stdout is only the program\'s', async () => {
    const c = jitC('(display "out:") (print (command-line)) (print (length (command-line)))');
    const r = await runHost(runArgs('--', 'a', '--flag', 'b c'), c);
    expect(r).toEqual({ stdout: 'out:(a --flag b c)\n3\n', stderr: '', control: '', status: 0, signal: null });
    expect(await runHost(runArgs(), c)).toMatchObject({ stdout: 'out:nil\n0\n', status: 0 });
  });

  it('exits with the program\'s status, after flushing its output', async () => {
    expect(await runHost(runArgs(), jitC('(display "partial") (exit 5)'))).toEqual({ stdout: 'partial', stderr: '', control: '', status: 5, signal: null });
    expect(await runHost(runArgs(), jitC('(display "partial") (exit 258)'))).toMatchObject({ stdout: 'partial', status: 2 });
    const r = await runHost(runArgs(), jitC('(print 1)\n(error "bad thing:" 42 "x")\n(print 2)'));
    expect(r).toEqual({ stdout: '1\n', stderr: 'error: bad thing: 42 "x"\n  at <top level> (/virtual/prog.omni:2:1)\n', control: '', status: 1, signal: null });
  });

  it('reads standard input as the program\'s own', async () => {
    const c = jitC('(let loop ((l (read-line))) (when l (print (string-upcase l)) (loop (read-line))))');
    const r = await new Promise<string>((resolve) => {
      const child = spawn(HOST, runArgs(), { stdio: ['pipe', 'pipe', 'inherit', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d));
      child.on('close', () => resolve(out));
      child.stdin!.end('ab\ncd\n');
      (child.stdio[3] as NodeJS.WritableStream).end(c);
    });
    expect(r).toBe('AB\nCD\n');
  });

  it('--save-obj writes the object and reports `saved` on fd 4; --load-obj runs it without C', async () => {
    const dir = tmpdir();
    const obj = path.join(dir, 'prog.o');
    const c = jitC('(define (greet who) (string-append "hello " who))\n(for-each (fn (a) (print (greet a))) (command-line))\n(exit (length (command-line)))');
    const saved = await runHost(runArgs('--save-obj', obj, '--', 'Ada', 'Bob'), c);
    expect(saved).toEqual({ stdout: 'hello Ada\nhello Bob\n', stderr: '', control: 'saved\n', status: 2, signal: null });
    const bytes = fs.readFileSync(obj);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x7fELF');

    const loaded = await runHost(runArgs('--load-obj', obj, '--', 'Cy'));
    expect(loaded).toEqual({ stdout: 'hello Cy\n', stderr: '', control: '', status: 1, signal: null });
    // C on fd 3 is ignored when an object is given
    expect(await runHost(runArgs('--load-obj', obj), jitC('(print "other")'))).toMatchObject({ stdout: '', status: 0 });
    // the same C gives the same object
    const again = path.join(dir, 'again.o');
    await runHost(runArgs('--save-obj', again), c);
    expect(fs.readFileSync(again).equals(bytes)).toBe(true);
  });

  it('reports an object it cannot load as an internal error (status 70)', async () => {
    const dir = tmpdir();
    const obj = path.join(dir, 'junk.o');
    fs.writeFileSync(obj, 'not an object file');
    const r = await runHost(runArgs('--load-obj', obj));
    expect(r.status).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^omnilisp: internal error: cannot load the cached object/);
  });

  it('reports C that tcc rejects as an internal error with tcc\'s message', async () => {
    const r = await runHost(runArgs(), 'this is not C');
    expect(r.status).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^omnilisp: internal error: tcc failed\n.*error/);
  });
});

/** A `repl` session: units go on fd 3 as "<bytes>\n<C>", replies come from fd 4. */
class ReplHost {
  readonly child;
  stdout = '';
  stderr = '';
  private control = Buffer.alloc(0);
  private waiting: ((reply: string | null) => void) | null = null;
  private ended = false;
  readonly exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string> = {}) {
    this.child = spawn(HOST, ['repl', '-I', RUNTIME_INCLUDE], { stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d));
    (this.child.stdio[4] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      this.control = Buffer.concat([this.control, d]);
      this.deliver();
    });
    (this.child.stdio[3] as NodeJS.WritableStream).on('error', () => undefined);
    this.exited = new Promise((resolve) =>
      this.child.on('close', (status, signal) => {
        this.ended = true;
        this.waiting?.(null);
        resolve({ status, signal });
      }),
    );
  }

  /** One complete reply (a line, or `compile N\n` and N bytes), or nothing yet. */
  private deliver(): void {
    if (!this.waiting) return;
    const nl = this.control.indexOf(10);
    if (nl < 0) return;
    const line = this.control.subarray(0, nl).toString('utf8');
    const m = /^compile (\d+)$/.exec(line);
    const end = nl + 1 + (m ? Number(m[1]) : 0);
    if (this.control.length < end) return;
    const reply = this.control.subarray(0, end).toString('utf8');
    this.control = this.control.subarray(end);
    const w = this.waiting;
    this.waiting = null;
    w(reply);
  }

  /** Sends one unit; resolves with the reply, or null when the host has exited. */
  send(c: string): Promise<string | null> {
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting = resolve;
      (this.child.stdio[3] as NodeJS.WritableStream).write(`${Buffer.byteLength(c)}\n${c}`);
      this.deliver();
    });
  }

  /** Bytes left on fd 4 after the last reply (there should be none). */
  get leftover(): string {
    return this.control.toString('utf8');
  }

  async end() {
    (this.child.stdio[3] as NodeJS.WritableStream).end();
    return this.exited;
  }
}

const NULL_DEREF = '#include "omnilisp.h"\nOValue omni_unit(OState *S) { return *(OValue *)0; }\n';

describe('omni-jit repl', () => {
  it('runs units in one session: definitions persist, values print, errors reply `error`', async () => {
    const host = new ReplHost();
    const s = new Session();
    expect(await host.send(s.compile('(define x 41)').c)).toBe('ok\n');
    expect(await host.send(s.compile('(define (inc n) (+ n 1))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(inc x)').c)).toBe('ok\n');
    expect(await host.send(s.compile('(car 1)').c)).toBe('error\n');
    expect(await host.send(s.compile('(define (inc n) (+ n 100))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(display "x") (inc x)').c)).toBe('ok\n');
    expect(await host.send(s.compile('(define (boom) (error "bad thing:" 42))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(print "before") (boom) (print "after")').c)).toBe('error\n');
    expect(await host.send(s.compile('x').c)).toBe('ok\n');
    expect(await host.end()).toEqual({ status: 0, signal: null });
    expect(host.stdout).toBe('42\nx141\nbefore\n41\n');
    expect(host.stderr).toBe(
      'error: car: expected pair, got 1\n  at <top level> (<repl>:1:1)\nerror: bad thing: 42\n  at boom (<repl>:1:16)\n  at <top level> (<repl>:1:18)\n',
    );
    expect(host.leftover).toBe('');
  });

  it('replies `crash SIGSEGV` to a unit that dereferences NULL, and the next unit still works', async () => {
    const host = new ReplHost();
    const s = new Session();
    expect(await host.send(s.compile('(define kept "still here")').c)).toBe('ok\n');
    expect(await host.send(NULL_DEREF)).toBe('crash SIGSEGV\n');
    expect(await host.send(s.compile('(+ 1 2)').c)).toBe('ok\n');
    expect(await host.send(NULL_DEREF)).toBe('crash SIGSEGV\n');
    expect(await host.send(NULL_DEREF)).toBe('crash SIGSEGV\n');
    expect(await host.send(s.compile('kept').c)).toBe('ok\n');
    expect(await host.send(s.compile('(define (f n) (* n 2))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(f 21)').c)).toBe('ok\n');
    expect(await host.end()).toEqual({ status: 0, signal: null });
    expect(host.stdout).toBe('3\n"still here"\n42\n');
    expect(host.stderr).toBe('');
  });

  it('replies `crash SIGSEGV` when C recursion reaches the guard page of a small stack', async () => {
    const host = new ReplHost({ OMNI_JIT_STACK_MB: '16' });
    const s = new Session();
    expect(await host.send(s.compile('(define (nest n acc) (if (= n 0) acc (nest (- n 1) (list acc))))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(define a (nest 1000000 nil))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(define b (nest 1000000 nil))').c)).toBe('ok\n');
    // the output written before the crash is flushed
    expect(await host.send(s.compile('(display "before ") (equal? a b)').c)).toBe('crash SIGSEGV\n');
    expect(await host.send(s.compile('(equal? (nest 10 nil) (nest 10 nil))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(equal? a b)').c)).toBe('crash SIGSEGV\n');
    expect(await host.send(s.compile('(define (inf n) (+ 1 (inf n)))').c)).toBe('ok\n');
    expect(await host.send(s.compile('(inf 1)').c)).toBe('error\n');
    expect(await host.send(s.compile('(+ 2 2)').c)).toBe('ok\n');
    expect(await host.end()).toEqual({ status: 0, signal: null });
    expect(host.stdout).toBe('before t\n4\n');
    expect(host.stderr.split('\n').slice(0, 2)).toEqual(['error: stack overflow', '  at inf (<repl>:1:22)']);
  });

  it('replies `compile N` and tcc\'s message (N bytes) to a unit that is not valid C; the session goes on', async () => {
    const host = new ReplHost();
    const s = new Session();
    const reply = await host.send('this is not C');
    expect(reply).toMatch(/^compile (\d+)\n<string>:1: error: .+\n$/);
    const [head, ...rest] = reply!.split('\n');
    expect(Number(head.split(' ')[1])).toBe(Buffer.byteLength(rest.join('\n')));
    expect(await host.send(s.compile('(+ 1 2)').c)).toBe('ok\n');
    // the count is of bytes, not characters
    const utf8 = await host.send('#error café\n');
    expect(utf8).toBe(`compile ${Buffer.byteLength('<string>:1: error: #error café\n')}\n<string>:1: error: #error café\n`);
    // a unit calling something the runtime does not have
    const undef = await host.send('#include "omnilisp.h"\nvoid omni_no_such_function(void);\nOValue omni_unit(OState *S) { omni_no_such_function(); return OMNI_NIL; }\n');
    expect(undef).toMatch(/^compile \d+\n.*omni_no_such_function/s);
    expect(await host.send(s.compile('(* 6 7)').c)).toBe('ok\n');
    // valid C without omni_unit
    expect(await host.send('#include "omnilisp.h"\nint not_a_unit;\n')).toMatch(/^compile \d+\n/);
    expect(await host.send(s.compile('(* 2 5)').c)).toBe('ok\n');
    expect(await host.end()).toEqual({ status: 0, signal: null });
    expect(host.stdout).toBe('3\n42\n10\n');
    expect(host.stderr).toBe('');
    expect(host.leftover).toBe('');
  });

  it('ends the session with the status given to (exit)', async () => {
    const host = new ReplHost();
    const s = new Session();
    expect(await host.send(s.compile('(display "bye")').c)).toBe('ok\n');
    expect(await host.send(s.compile('(display "last") (exit 3)').c)).toBeNull();
    expect(await host.exited).toEqual({ status: 3, signal: null });
    expect(host.stdout).toBe('byenil\nlast');
    expect(host.leftover).toBe('');
  });

  it('ends the session with status 0 when fd 3 closes, also with no unit at all', async () => {
    const host = new ReplHost();
    expect(await host.end()).toEqual({ status: 0, signal: null });
    expect(host.stdout + host.stderr + host.leftover).toBe('');
  });
});
