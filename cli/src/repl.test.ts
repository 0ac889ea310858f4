// The REPL as a user runs it: `omnilisp` (or `omnilisp repl`) with its input piped in (no prompts
// are printed then), and once through a pseudo-terminal (`script`), where the prompt appears.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** A scratch directory (also HOME, so no test touches the user's ~/.omni). */
const scratchDirs: string[] = [];
function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-repltest-'));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Session {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs one REPL session with `input` piped to it. */
function repl(input: string, opts: { args?: string[]; env?: Record<string, string>; cwd?: string } = {}): Session {
  const home = scratch();
  const r = spawnSync(process.execPath, [CLI, ...(opts.args ?? [])], {
    input,
    encoding: 'utf8',
    cwd: opts.cwd ?? home,
    env: { ...process.env, HOME: home, ...opts.env },
    timeout: 30_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const HELP = `,help           this text
,quit           leave (also end of input, or (exit))
,load FILE      compile and run FILE in this session
,emit EXPR      show the C the input compiles to (without running it)
,doc NAME       how NAME is called and what it is (primitive, definition, macro, special form)
,expand FORM    FORM after macro expansion, as core forms (without running it)
Anything else is OmniLisp: each complete input is compiled and run; its value is printed.
Tab completes names in scope (primitives, definitions, imported libraries' names, macros) and commands.
`;

const CRASHED = 'error: the program crashed (SIGSEGV); the session goes on\n';

describe('omnilisp REPL (piped input)', () => {
  it('starts with no arguments and with `repl`; end of input ends the session with status 0', () => {
    expect(repl('')).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(repl('', { args: ['repl'] })).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(repl('(+ 40 2)\n', { args: ['repl'] })).toEqual({ stdout: '42\n', stderr: '', status: 0 });
    // no newline after the last input
    expect(repl('(+ 1 2)\n(* 6 7)')).toEqual({ stdout: '3\n42\n', stderr: '', status: 0 });
  });

  it('keeps definitions across inputs and prints the value of each expression', () => {
    const r = repl(['(define x 40)', '(define (add2 n) (+ n 2))', '(add2 x)', 'x', '"str"', "'(1 \"s\" #\\b 2.5)", '(define y (add2 x))', 'y'].join('\n') + '\n');
    expect(r).toEqual({ stdout: '42\n40\n"str"\n(1 "s" #\\b 2.5)\n42\n', stderr: '', status: 0 });
  });

  it('redefinition of a procedure takes effect for later calls, including calls from procedures defined before it', () => {
    const input = [
      '(define (f x) (* x 2))',
      '(define (g x) (+ (f x) 1))',
      '(g 5)',
      '(define (f x) (* x 10))',
      '(g 5)',
      '(f 1)',
      '(define n 1)',
      '(define (get-n) n)',
      '(get-n)',
      '(define n 2)',
      '(get-n)',
      '(set! n 3)',
      '(get-n)',
    ].join('\n');
    expect(repl(input + '\n')).toEqual({ stdout: '11\n51\n10\n1\n2\nnil\n3\n', stderr: '', status: 0 });
  });

  it('keeps macros, and the compile-time helpers they use, across inputs', () => {
    const input = [
      '(defmacro swap! (a b) (let ((tmp (gensym))) `(let ((,tmp ,a)) (set! ,a ,b) (set! ,b ,tmp))))',
      '(define p 1)',
      '(define q 2)',
      '(swap! p q)',
      '(list p q)',
      '(define (twice-form x) (list (quote list) x x))',
      '(defmacro twice (x) (twice-form x))',
      '(twice (+ 1 2))',
      '(define (uses-macro) (twice p))',
      '(uses-macro)',
    ].join('\n');
    const r = repl(input + '\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('nil\n(2 1)\n(3 3)\n(2 2)\n');
    expect(r.status).toBe(0);
  });

  it('reads a form split over several lines, strings with newlines and parentheses, and comments', () => {
    const input = [
      '(define (f a',
      '          b)',
      '  ; a comment with ) and (',
      '  (+ a',
      '     b))',
      '(f 1',
      '   2)',
      '"a',
      '(b',
      ')"',
      '(string-length "x',
      'y")',
      '#| a block comment',
      '   (spanning lines |#',
      '(list "semi ; \\" )" ',
      '  #\\()',
      '',
      '   ',
      '(f 20 22)',
    ].join('\n');
    const r = repl(input + '\n');
    expect(r).toEqual({ stdout: '3\n"a\\n(b\\n)"\n3\n("semi ; \\" )" #\\()\n42\n', stderr: '', status: 0 });
  });

  it('reports an uncaught error on stderr and goes on', () => {
    const r = repl(['(car 1)', '(+ 1 2)', '(print 1) (error "bad thing:" 42 "x") (print 2)', '(define (f) (vector-ref [1 2] 5))', '(f)', '(* 2 3)'].join('\n') + '\n');
    expect(r.stdout).toBe('3\n1\n6\n');
    expect(r.stderr.split('\n')).toEqual([
      'error: car: expected pair, got 1',
      '  at <top level> (<repl>:1:1)',
      'error: bad thing: 42 "x"',
      '  at <top level> (<repl>:1:11)',
      expect.stringMatching(/^error: vector-ref: .*5/),
      '  at f (<repl>:1:13)',
      '  at <top level> (<repl>:1:1)',
      '',
    ]);
    expect(r.status).toBe(0);
  });

  it('reports an input a macro nests past the compiler\'s stack (run or ,expand) as a compile error, and goes on', () => {
    const deep = '(defmacro deepq () (list (quote quote) (let loop ((n 300000) (acc 1)) (if (= n 0) acc (loop (- n 1) (list acc))))))';
    const r = repl([deep, ',expand (deepq)', '(length (deepq))', '(+ 1 2)'].join('\n') + '\n');
    expect(r).toEqual({ stdout: '3\n', stderr: '<expand>:1:1: input nested too deeply to compile\n<repl>:1:1: input nested too deeply to compile\n', status: 0 });
  });

  it('reports a compile error as FILE:LINE:COL, keeps nothing of that input, and goes on', () => {
    const input = ['(define (f)', '  (+ 1 nope))', '(+ 1 2)', '(f)', '(define ok 5) (+ 1 nope2)', 'ok', '(+ 1 2'].join('\n');
    const r = repl(input + '\n)\n');
    expect(r.stdout).toBe('3\n3\n');
    expect(r.stderr.split('\n')).toEqual([
      '<repl>:2:8: unbound variable: nope',
      '<repl>:1:2: unbound variable: f',
      '<repl>:1:20: unbound variable: nope2',
      '<repl>:1:1: unbound variable: ok',
      '',
    ]);
    expect(r.status).toBe(0);
  });

  it('reports a crash (C recursion in equal? reaching the guard page) and the next input works', () => {
    const input = [
      '(define keep 7)',
      '(define (nest n acc) (if (= n 0) acc (nest (- n 1) (list acc))))',
      '(define a (nest 1000000 nil))',
      '(define b (nest 1000000 nil))',
      '(equal? a b)',
      '(+ 1 2)',
      'keep',
      '(equal? (nest 3 nil) (nest 3 nil))',
      '(equal? a b)',
      '(+ 1 3)',
    ].join('\n');
    const r = repl(input + '\n', { env: { OMNI_JIT_STACK_MB: '16' } });
    expect(r).toEqual({ stdout: '3\n7\nt\n4\n', stderr: CRASHED + CRASHED, status: 0 });
  });

  it('reports deep OmniLisp recursion as a stack overflow error and goes on', () => {
    const r = repl('(define (inf n) (+ 1 (inf n)))\n(inf 1)\n(+ 1 1)\n', { env: { OMNI_JIT_STACK_MB: '16' } });
    expect(r).toMatchObject({ stdout: '2\n', status: 0 });
    // ten frames of the recursion, the rest folded, then the top level
    const frames = '  at inf (<repl>:1:22)\n'.repeat(10);
    const head = `error: stack overflow\n${frames}`;
    expect(r.stderr.slice(0, head.length)).toBe(head);
    expect(r.stderr.slice(head.length)).toMatch(/^ {2}\.\.\. [0-9 ]+ more frames of inf\n {2}at <top level> \(<repl>:1:1\)\n$/);
  });

  it('(exit N) ends the session with status N after flushing output; later inputs are not run', () => {
    expect(repl('(+ 1 1)\n(display "bye") (exit 3)\n(print "never")\n')).toEqual({ stdout: '2\nbye', stderr: '', status: 3 });
    expect(repl('(exit)\n(print "never")\n')).toEqual({ stdout: '', stderr: '', status: 0 });
  });

  it('prints the output of display inside an input before that input\'s result and the next one', () => {
    const input = ['(define (noisy) (display "side ") 42)', '(noisy)', '(display "x") 5', '(begin (display "a") (display "b") (newline) 1)', '2'].join('\n');
    expect(repl(input + '\n')).toEqual({ stdout: 'side 42\nx5\nab\n1\n2\n', stderr: '', status: 0 });
    // interleaved with the REPL's own output (,help)
    expect(repl('(display "first ") 1\n,help\n(display "last")\n').stdout).toBe('first 1\n' + HELP + 'lastnil\n');
  });

  it(',help lists the commands; an unknown command is reported and the session goes on', () => {
    expect(repl(',help\n')).toEqual({ stdout: HELP, stderr: '', status: 0 });
    expect(repl(',foo bar\n  ,help  \n(+ 1 1)\n')).toEqual({ stdout: HELP + '2\n', stderr: 'unknown command ,foo; ,help lists them\n', status: 0 });
  });

  it(',quit ends the session with status 0; later inputs are not run', () => {
    expect(repl('1\n,quit\n2\n')).toEqual({ stdout: '1\n', stderr: '', status: 0 });
  });

  it(',load FILE compiles and runs the file in the session', () => {
    const dir = scratch();
    const lib = path.join(dir, 'defs.omni');
    fs.writeFileSync(lib, '(define z 7)\n(define (zz) (* z 6))\n(defmacro unless2 (c e) `(if ,c nil ,e))\n');
    const bad = path.join(dir, 'bad.omni');
    fs.writeFileSync(bad, '(define w 1)\n\n  (print (+ w nope))\n');
    const r = repl([`,load ${lib}`, '(zz)', '(unless2 nil (+ z 1))', `,load ${bad}`, 'w', ',load /nonexistent/x.omni', '(+ z 1)', ',load defs.omni', 'z'].join('\n') + '\n', { cwd: dir });
    expect(r.stdout).toBe('42\n8\n8\n7\n');
    expect(r.stderr.split('\n')).toEqual([
      `${bad}:3:15: unbound variable: nope`,
      '<repl>:1:1: unbound variable: w',
      expect.stringMatching(/^,load: cannot read \/nonexistent\/x\.omni: ENOENT/),
      '',
    ]);
    expect(r.status).toBe(0);
  });

  it(',load of a file ending in (exit N) ends the session with status N', () => {
    const dir = scratch();
    const file = path.join(dir, 'ends.omni');
    fs.writeFileSync(file, '(display "loaded") (exit 4)\n');
    expect(repl(`,load ${file}\n(print "never")\n`)).toEqual({ stdout: 'loaded', stderr: '', status: 4 });
  });

  it(',emit EXPR shows the C of the input without running it or defining anything', () => {
    const r = repl(',emit (begin (display "RUN") (+ 1 2))\n,emit (define emitted 1)\nemitted\n(+ 2 2)\n');
    expect(r.stdout).toMatch(/OValue omni_unit\(OState \*S\)/);
    expect(r.stdout).toMatch(/#include "omnilisp.h"/);
    expect(r.stdout).not.toMatch(/RUN3/);
    expect(r.stdout.endsWith('}\n4\n')).toBe(true);
    expect(r.stderr).toBe('<repl>:1:1: unbound variable: emitted\n');
    expect(r.status).toBe(0);
    // a compile error in ,emit is reported and the session goes on
    expect(repl(',emit (+ 1 nope)\n(+ 1 1)\n')).toEqual({ stdout: '2\n', stderr: '<emit>:1:6: unbound variable: nope\n', status: 0 });
  });

  // BUG (reported): ,emit compiles with a fresh Session, so it knows none of the session's
  // definitions or macros, although the same input compiles and runs fine in the session.
  it(',emit EXPR sees the definitions and macros of the session', () => {
    const r = repl('(define (f x) x)\n(defmacro m () 1)\n,emit (f (m))\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/OValue omni_unit\(OState \*S\)/);
  });

  // BUG (reported): an input that fails to compile leaves its `(import NAME)` marked as imported
  // in the session's expander, so a later `(import NAME)` does nothing and the library's
  // definitions never exist in the session.
  it('an import in an input that failed to compile can be repeated later', () => {
    const dir = scratch();
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib', 'mylib.omni'), '(define (who) "mylib")\n');
    const r = repl('(import mylib) (+ 1 nope)\n(import mylib)\n(who)\n', { cwd: dir });
    expect(r).toEqual({ stdout: '"mylib"\n', stderr: '<repl>:1:21: unbound variable: nope\n', status: 0 });
  });

  it('finds libraries for (import NAME) in lib/ under the working directory', () => {
    const dir = scratch();
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib', 'mylib.omni'), '(define (who) "mylib")\n');
    expect(repl('(import mylib)\n(who)\n', { cwd: dir })).toEqual({ stdout: '"mylib"\n', stderr: '', status: 0 });
  });
});

describe('omnilisp REPL (pseudo-terminal)', () => {
  it('prints the prompt, the result of a typed input, and leaves on ,quit', async () => {
    // script(1) gives the REPL a terminal; it is util-linux's, in Debian's essential bsdutils
    if (spawnSync('script', ['--version']).status !== 0) throw new Error('script (util-linux, Debian package bsdutils) is needed to give the REPL a pseudo-terminal');
    const home = scratch();
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)}`, '/dev/null'], {
      cwd: home,
      env: { ...process.env, HOME: home, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    const waiters: { re: RegExp; from: number; resolve: () => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (!w.re.test(out.slice(w.from))) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      check();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const waitFor = (re: RegExp, from = 0) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ re, from, resolve });
        check();
        void closed.then(() => reject(new Error(`session ended before ${re}; output: ${JSON.stringify(out)}`)));
      });
    try {
      await waitFor(/omni> /);
      const mark = out.length;
      child.stdin.write('(define (sq x)\r');
      await waitFor(/\.\.\. {3}/, mark);
      child.stdin.write('  (* x x))\r');
      await waitFor(/omni> /, out.length);
      const before = out.length;
      child.stdin.write('(sq 12)\r');
      await waitFor(/\r\n144\r\n[^]*omni> /, before);
      child.stdin.write(',quit\r');
      child.stdin.end();
      expect(await closed).toBe(0);
    } finally {
      clearTimeout(timer);
      child.kill();
    }
    expect(out).toMatch(/^OmniLisp REPL — ,help for commands\r\n/);
    expect(out).toContain('omni> ');
    expect(out).toMatch(/\(sq 12\)\r+\n144\r\n/);
    // the history is kept in ~/.omni/history
    expect(fs.readFileSync(path.join(home, '.omni', 'history'), 'utf8')).toContain('(sq 12)');
  });
});
