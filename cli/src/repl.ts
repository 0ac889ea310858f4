// The REPL: each input is compiled by a Session into a C unit and run by one long-lived JIT host
// (`omni-jit repl`). Definitions and macros persist, redefinition replaces the global's cell, an
// error prints and the session goes on, a crash in a unit is reported and the next input works.
// Line editing and history come from node:readline (history kept in ~/.omni/history).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { CompileError, type CompileLimits, InternalCompilerError, RUNTIME_INCLUDE, Session, jitHost } from '@omnilisp/compiler';
import { reportInternalError } from './internal-error.js';

/** The `,` commands and what each does (`,help` prints them; Tab completes them). */
const COMMANDS: readonly (readonly [command: string, operand: string, text: string])[] = [
  [',help', '', 'this text'],
  [',quit', '', 'leave (also end of input, or (exit))'],
  [',load', 'FILE', 'compile and run FILE in this session'],
  [',emit', 'EXPR', 'show the C the input compiles to (without running it)'],
  [',doc', 'NAME', 'how NAME is called and what it is (primitive, definition, macro, special form)'],
  [',expand', 'FORM', 'FORM after macro expansion, as core forms (without running it)'],
];

const HELP = `${COMMANDS.map(([c, operand, text]) => `${c} ${operand}`.trimEnd().padEnd(16) + text).join('\n')}
Anything else is OmniLisp: each complete input is compiled and run; its value is printed.
Tab completes names in scope (primitives, definitions, imported libraries' names, macros) and commands.
`;

/** The word being typed at the end of `line`: what Tab completes. */
const WORD = /[^\s()[\]{}'`",;]*$/;

/**
 * Tab completion: the `,` commands at the start of a line, library names after `(import `, else
 * the names the session knows.
 */
export function completions(line: string, session: Pick<Session, 'names' | 'libraries'>): [string[], string] {
  if (/^\s*,[^\s]*$/.test(line)) {
    const word = line.trim();
    return [COMMANDS.map(([c]) => c).filter((c) => c.startsWith(word)), word];
  }
  const word = WORD.exec(line)?.[0] ?? '';
  const candidates = /\(import\s+[^\s()]*$/.test(line) ? session.libraries() : session.names();
  return [candidates.filter((n) => n.startsWith(word)), word];
}

const HISTORY = path.join(os.homedir(), '.omni', 'history');

/** The host's side of the protocol: sends units on fd 3, reads replies from fd 4. */
class HostConnection {
  private buffered = Buffer.alloc(0);
  private waiting: ((reply: string) => void) | null = null;
  readonly exited: Promise<number>;

  constructor(private readonly child: ChildProcess) {
    const replies = child.stdio[4] as NodeJS.ReadableStream;
    replies.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.deliver();
    });
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    (child.stdio[3] as NodeJS.WritableStream).on('error', () => undefined);
  }

  /** A complete reply: one line, or `compile N` followed by N bytes of diagnostics. */
  private deliver(): void {
    if (!this.waiting) return;
    const nl = this.buffered.indexOf(10);
    if (nl < 0) return;
    const m = /^compile (\d+)$/.exec(this.buffered.subarray(0, nl).toString());
    const end = nl + 1 + (m ? Number(m[1]) : 0);
    if (this.buffered.length < end) return;
    const reply = this.buffered.subarray(0, end).toString();
    this.buffered = this.buffered.subarray(end);
    const w = this.waiting;
    this.waiting = null;
    w(reply);
  }

  /** Runs one unit; resolves with the host's reply, or null when the host has exited. */
  run(c: string): Promise<string | null> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      void this.exited.then(() => resolve(null));
      (this.child.stdio[3] as NodeJS.WritableStream).write(`${Buffer.byteLength(c)}\n${c}`);
      this.deliver();
    });
  }

  close(): void {
    (this.child.stdio[3] as NodeJS.WritableStream).end();
  }
}

/** Runs the REPL; each input is compiled within `opts.limits` (the defaults where not given). */
/** A compile error, or an internal compiler error (the session goes on after either). */
function reportCompileFailure(e: unknown): void {
  if (e instanceof CompileError) process.stderr.write(e.message + '\n');
  else if (e instanceof InternalCompilerError) reportInternalError(e);
  else throw e;
}

export async function repl(opts: { limits?: Partial<CompileLimits> } = {}): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  const session = new Session(path.join(process.cwd(), 'repl.omni'), { limits: opts.limits });
  const child = spawn(jitHost(), ['repl', '-I', RUNTIME_INCLUDE], { stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe'] });
  const host = new HostConnection(child);
  const history = interactive && fs.existsSync(HISTORY) ? fs.readFileSync(HISTORY, 'utf8').split('\n').filter(Boolean).reverse() : [];
  const completer = (line: string) => completions(line, session);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: interactive, history, historySize: 1000, completer });
  const prompt = (p: string) => {
    if (interactive) {
      rl.setPrompt(p);
      rl.prompt();
    }
  };
  if (interactive) process.stdout.write('OmniLisp REPL — ,help for commands\n');

  /** Compiles and runs one input; returns the host's exit status if it ended the session. */
  const evaluate = async (source: string, file = '<repl>'): Promise<number | null> => {
    let c: string;
    try {
      c = session.compile(source, file).c;
    } catch (e) {
      reportCompileFailure(e);
      return null;
    }
    rl.pause();
    const reply = await host.run(c);
    rl.resume();
    if (reply === null) return host.exited;
    if (reply.startsWith('crash')) process.stderr.write(`error: the program crashed (${reply.slice(6).trim()}); the session goes on\n`);
    else if (reply.startsWith('compile')) process.stderr.write(`omnilisp: internal error: tcc rejected the unit:\n${reply.slice(reply.indexOf('\n') + 1)}`);
    return null;
  };

  const command = async (line: string): Promise<number | 'quit' | null> => {
    const cmd = line.trim().split(/\s+/)[0];
    const arg = line.trim().slice(cmd.length).trim();
    switch (cmd) {
      case ',help':
        process.stdout.write(HELP);
        return null;
      case ',quit':
        return 'quit';
      case ',load': {
        let text: string;
        try {
          text = fs.readFileSync(arg, 'utf8');
        } catch (e) {
          process.stderr.write(`,load: cannot read ${arg}: ${(e as Error).message}\n`);
          return null;
        }
        return evaluate(text, arg);
      }
      case ',emit':
        try {
          process.stdout.write(session.compile(arg, '<emit>', { dryRun: true }).c);
        } catch (e) {
          reportCompileFailure(e);
        }
        return null;
      case ',doc': {
        const doc = arg ? session.describe(arg) : null;
        if (doc !== null) process.stdout.write(doc + '\n');
        else process.stderr.write(arg ? `,doc: ${arg} is not defined\n` : ',doc needs a name: ,doc NAME\n');
        return null;
      }
      case ',expand':
        try {
          process.stdout.write(session.expand(arg) + '\n');
        } catch (e) {
          reportCompileFailure(e);
        }
        return null;
      default:
        process.stderr.write(`unknown command ${cmd}; ,help lists them\n`);
        return null;
    }
  };

  let pending = '';
  let status = 0;
  prompt('omni> ');
  for await (const line of rl) {
    if (pending === '' && line.trim().startsWith(',')) {
      const r = await command(line);
      if (r === 'quit') break;
      if (typeof r === 'number') {
        status = r;
        break;
      }
      prompt('omni> ');
      continue;
    }
    pending += (pending ? '\n' : '') + line;
    if (pending.trim() === '' || Session.needsMore(pending)) {
      prompt(pending.trim() === '' ? 'omni> ' : '...   ');
      if (pending.trim() === '') pending = '';
      continue;
    }
    const source = pending;
    pending = '';
    const r = await evaluate(source);
    if (r !== null) {
      status = r;
      rl.close();
      return status;
    }
    prompt('omni> ');
  }
  if (interactive) {
    fs.mkdirSync(path.dirname(HISTORY), { recursive: true });
    fs.writeFileSync(HISTORY, [...(rl as unknown as { history: string[] }).history].reverse().join('\n') + '\n');
  }
  host.close();
  await host.exited;
  return status;
}
