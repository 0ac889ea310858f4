// Compiling on a big stack. The back end's passes recurse over the IR, whose nesting grows with
// the length of a body, so a program of a thousand or so top-level forms can exceed Node's
// default stack. compileProgram then compiles it again on a worker thread with a 1 GiB stack
// (reserved; pages are committed on use), synchronously for its caller: the calling thread
// sleeps on a shared flag until the answer is posted.
//
// The compiling thread may die (V8 ends a worker whose heap is full without running any of its
// code, and a module that fails to load never runs), and a sleeping caller cannot see a thread
// end. So a supervisor thread — a few lines of plain JavaScript, nothing to load — starts the
// compiling one and answers for it: its result, or what ended it.
import v8 from 'node:v8';
import { MessageChannel, type MessagePort, Worker, isMainThread, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { CompileError, InternalCompilerError, type InternalErrorReport, isStackOverflow } from '../errors.js';
import { type CompileLimitName, CompileLimitError } from '../limits.js';
import type { FrontEndOptions } from '../pipeline.js';
import type { Loc } from '../values.js';
import type { EmitOptions } from './emit-c.js';

export type Compiled = { c: string; imports: string[] };
type Reply =
  | { ok: Compiled }
  | { compileError: { loc: Loc; detail: string; limit?: CompileLimitName } }
  | { outOfMemory: number }
  | { internal: InternalErrorReport }
  | { failure: string };

const STACK_MB = 1024;

interface Job {
  source: string;
  file: string;
  opts: Partial<EmitOptions>;
  options: FrontEndOptions;
}

/** What the supervisor is given. */
interface Supervision {
  job: Job;
  port: MessagePort;
  done: Int32Array;
  heapMb: number;
  stackMb: number;
  /** This module, which the compiling thread runs. */
  url: string;
  execArgv: string[] | undefined;
}

/**
 * Node options for the threads: the process's own, except when they are about its main script
 * (`-e CODE`, `--input-type`), which would change how the threads load: then none.
 */
function threadExecArgv(): string[] | undefined {
  return process.execArgv.some((a) => /^(-e|--eval|-p|--print|--input-type)(=|$)/.test(a)) ? [] : undefined;
}

/**
 * The supervisor thread (evaluated source: there is nothing to load; valid as a script and as a
 * module, whichever --input-type the process has). Replies like Reply; whatever comes first —
 * the compiler's reply, its error, its exit — is the answer.
 */
const SUPERVISOR = `
import('node:worker_threads').then(({ Worker, workerData }) => {
  const { job, port, done, heapMb, stackMb, url, execArgv } = workerData;
  let answered = false;
  const answer = (reply) => {
    if (answered) return;
    answered = true;
    port.postMessage(reply);
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  };
  try {
    const compiler = new Worker(new URL(url), { workerData: { compile: job }, execArgv, resourceLimits: { stackSizeMb: stackMb, maxOldGenerationSizeMb: heapMb } });
    compiler.on('message', answer);
    compiler.on('error', (e) => answer(e && e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { outOfMemory: heapMb } : { failure: String((e && e.stack) || e) }));
    compiler.on('exit', (code) => answer({ failure: 'the big-stack compilation ended without an answer (exit status ' + code + ')' }));
  } catch (e) {
    answer({ failure: String((e && e.stack) || e) });
  }
});
`;

/**
 * Runs compileDirect(source, file, opts, options) on a big-stack thread and returns (or throws)
 * its result. The thread's heap is limited like the caller's; filling it is a CompileLimitError
 * ('memory') at the start of the file.
 */
export function onBigStack(source: string, file: string, opts: Partial<EmitOptions>, options: FrontEndOptions = {}): Compiled {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const heapMb = Math.floor(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
  const execArgv = threadExecArgv();
  const data: Supervision = { job: { source, file, opts, options }, port: port2, done, heapMb, stackMb: STACK_MB, url: import.meta.url, execArgv };
  const supervisor = new Worker(SUPERVISOR, { eval: true, execArgv, workerData: data, transferList: [port2] });
  supervisor.unref();
  Atomics.wait(done, 0, 0);
  const reply = receiveMessageOnPort(port1)?.message as Reply | undefined;
  void supervisor.terminate();
  port1.close();
  if (!reply) throw new Error('the big-stack compilation ended without an answer');
  if ('ok' in reply) return reply.ok;
  if ('compileError' in reply) {
    const { loc, detail, limit } = reply.compileError;
    throw limit ? new CompileLimitError(loc, detail, limit) : new CompileError(loc, detail);
  }
  if ('outOfMemory' in reply) {
    throw new CompileLimitError({ file, line: 1, col: 1 }, `program too large to compile: the compiler ran out of memory (${reply.outOfMemory} MB)`, 'memory');
  }
  if ('internal' in reply) throw InternalCompilerError.from(reply.internal);
  throw new InternalCompilerError({ file, line: 1, col: 1 }, reply.failure.split('\n')[0], reply.failure);
}

/** The compiling thread: compile, post the outcome to the supervisor. */
async function compile(job: Job): Promise<void> {
  const { source, file, opts, options } = job;
  const { compileDirect } = await import('./compile.js');
  let reply: Reply;
  try {
    reply = { ok: compileDirect(source, file, opts, options) };
  } catch (e) {
    if (e instanceof CompileLimitError) reply = { compileError: { loc: e.loc, detail: e.detail, limit: e.limit } };
    else if (e instanceof CompileError) reply = { compileError: { loc: e.loc, detail: e.detail } };
    else if (isStackOverflow(e)) reply = { compileError: { loc: { file, line: 1, col: 1 }, detail: 'program too large to compile' } };
    else if (e instanceof InternalCompilerError) reply = { internal: e.report() };
    else reply = { failure: (e as Error).stack ?? String(e) };
  }
  parentPort!.postMessage(reply);
}

if (!isMainThread && parentPort && (workerData as { compile?: Job } | null)?.compile) void compile((workerData as { compile: Job }).compile);
