// The omnilisp command in a real terminal: a pseudo-terminal from util-linux `script`, keys typed
// one group at a time, the screen read back. Tab completion and the `,` commands of the REPL, and
// what a mistyped command says.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from '@omnilisp/compiler';
import { describe, expect, it } from 'vitest';
import { unknownCommand } from './commands.js';
import { completions } from './repl.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** What a terminal shows, without colour and cursor sequences, with \r\n as \n. */
const screen = (raw: string) => raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r+\n/g, '\n');

/**
 * Runs `omnilisp ARGS` on a pseudo-terminal and types each key group in turn: after a group that
 * ends a line it waits for the next prompt (the input has run), after any other for the terminal
 * to be quiet for a moment (readline has handled it). Resolves with the screen.
 */
async function inTerminal(args: string[], keys: string[], cwd = os.tmpdir()): Promise<string> {
  expect(spawnSync('script', ['--version']).status, 'util-linux `script` is missing (Debian package bsdutils)').toBe(0);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-tty-home-'));
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...process.env, HOME: home, TERM: 'xterm' } });
  let raw = '';
  let changed = Date.now();
  child.stdout.on('data', (d: Buffer) => {
    raw += d.toString('utf8');
    changed = Date.now();
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const quiet = async (ms: number) => {
    while (Date.now() - changed < ms) await new Promise((r) => setTimeout(r, 25));
  };
  const prompts = () => raw.split('omni> ').length;
  const until = async (done: () => boolean) => {
    for (const deadline = Date.now() + 10_000; !done() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 25));
  };
  await until(() => prompts() > 1 || raw.length > 0);
  await quiet(200);
  // a Tab on its own, never in one chunk with other keys: readline takes a chunk for a paste
  for (const k of keys.flatMap((g) => g.split(/(\t)/).filter(Boolean))) {
    const seen = prompts();
    child.stdin.write(k);
    changed = Date.now(); // its echo is still to come
    if (k.endsWith('\r') && k !== ',quit\r') await until(() => prompts() > seen);
    await quiet(200);
  }
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await closed;
  clearTimeout(timer);
  fs.rmSync(home, { recursive: true, force: true });
  return screen(raw);
}

describe('the REPL in a terminal', () => {
  it('completes primitives, definitions, library names and commands with Tab', async () => {
    const out = await inTerminal(['repl'], [
      '(define (my-function x) (* x 10))\r',
      '(my-fu\t',
      ' 4)\r',
      '(string-sp\t',
      ' "a b" " ")\r',
      '(import vio\t',
      ')\r',
      '(freq\t',
      ' (list 1 1 2))\r',
      ',do\t',
      ' my-function\r',
      ',quit\r',
    ]);
    expect(out).toContain('omni> (my-function 4)\n40\n');
    expect(out).toContain('omni> (string-split "a b" " ")\n("a" "b")\n');
    expect(out).toContain('omni> (import violet)\n');
    expect(out).toMatch(/omni> \(frequencies \(list 1 1 2\)\)\n#\{1 2 2 1\}\n/);
    expect(out).toContain('omni> ,doc my-function\n(my-function x)\n  a procedure defined in this session\n');
  });

  it('lists the candidates on a second Tab; ,help documents ,doc and ,expand', async () => {
    const out = await inTerminal(['repl'], ['(string-j\t', '\x15', '(vector-\t', '\t', '\x15', ',help\r', ',quit\r']);
    expect(out).toContain('omni> (string-join');
    expect(out).toMatch(/vector->list\s+vector-copy\s+vector-fill!\s+vector-length\s+vector-map\s+vector-ref\s+vector-set!/);
    expect(out).toMatch(/,doc NAME +how NAME is called/);
    expect(out).toMatch(/,expand FORM +FORM after macro expansion/);
    expect(out).toContain('Tab completes names in scope');
  });

  it(',doc and ,expand', async () => {
    const out = await inTerminal(['repl'], [',doc substring\r', ',doc frob\r', ',expand (when (> 2 1) (print "yes"))\r', ',expand (let* ((a 1) (b a)) b)\r', ',quit\r']);
    expect(out).toContain('(substring string int [int])\n  a primitive procedure: 2 to 3 arguments\n');
    expect(out).toContain(',doc: frob is not defined\n');
    expect(out).toContain('(if (> 2 1) (print "yes") nil)\n');
    expect(out).toContain('(let ((a 1)) (let ((b a)) b))\n');
  });
});

describe('a command that is not one', () => {
  it('names the nearest command, in a terminal and not', async () => {
    const out = await inTerminal(['frob'], []);
    expect(out).toBe("error: unknown command 'frob'\ndid you mean 'run'?\nomnilisp --help lists the commands\n");
    const piped = spawnSync(process.execPath, [CLI, 'biuld'], { encoding: 'utf8' });
    expect([piped.status, piped.stdout, piped.stderr]).toEqual([1, '', "error: unknown command 'biuld'\ndid you mean 'build'?\nomnilisp --help lists the commands\n"]);
  });

  it('says how to run a program given where a command goes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-tty-'));
    fs.writeFileSync(path.join(dir, 'hello.omni'), '(print "hi")\n');
    expect(await inTerminal(['hello.omni'], [], dir)).toBe("error: unknown command 'hello.omni'\nto run a program: omnilisp run hello.omni\n");
  });

  it('suggests only what is near, and lets commands, options and no argument through', () => {
    const commands = ['emit', 'build', 'run', 'repl', 'cache', 'remote', 'help'];
    expect(unknownCommand('zzzz', commands)).toBe("error: unknown command 'zzzz'\nomnilisp --help lists the commands\n");
    expect(unknownCommand('rpel', commands)).toContain("did you mean 'repl'?");
    for (const ok of ['run', 'help', '--help', '-V']) expect(unknownCommand(ok, commands)).toBeNull();
  });
});

describe('completions', () => {
  const session = new Session(path.join(os.tmpdir(), 'repl.omni'));
  session.compile('(define (my-function x) x)');

  it('completes the word at the cursor from names in scope, commands at a line start, libraries after import', () => {
    expect(completions('(my-f', session)).toEqual([['my-function'], 'my-f']);
    expect(completions("(list 'a (car-", session)[0]).toEqual([]);
    expect(completions('(map (fn (x) (vector-le', session)).toEqual([['vector-length'], 'vector-le']);
    expect(completions('(le', session)[0]).toEqual(['length', 'let', 'let*', 'letrec', 'letrec*']);
    expect(completions(',e', session)).toEqual([[',emit', ',expand'], ',e']);
    expect(completions('(import vi', session)).toEqual([['violet'], 'vi']);
  });
});
