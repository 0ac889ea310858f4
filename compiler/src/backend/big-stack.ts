// Compiling on a big stack. The back end's passes recurse over the IR, whose nesting grows with
// the length of a body, so a program of a thousand or so top-level forms can exceed Node's
// default stack. compileProgram then compiles it again on a worker thread with a 1 GiB stack
// (reserved; pages are committed on use), synchronously for its caller: the calling thread
// sleeps on a shared flag until the worker has posted the result.
import { MessageChannel, Worker, isMainThread, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { CompileError } from '../errors.js';
import { type CompileLimitName, CompileLimitError } from '../limits.js';
import type { FrontEndOptions } from '../pipeline.js';
import type { Loc } from '../values.js';
import type { EmitOptions } from './emit-c.js';

export type Compiled = { c: string; imports: string[] };
type Reply = { ok: Compiled } | { compileError: { loc: Loc; detail: string; limit?: CompileLimitName } } | { failure: string };

const STACK_MB = 1024;

interface Job {
  source: string;
  file: string;
  opts: Partial<EmitOptions>;
  options: FrontEndOptions;
}

/** Runs compileDirect(source, file, opts, options) on a big-stack thread and returns (or throws) its result. */
export function onBigStack(source: string, file: string, opts: Partial<EmitOptions>, options: FrontEndOptions = {}): Compiled {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const job: Job = { source, file, opts, options };
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { ...job, port: port2, done },
    transferList: [port2],
    resourceLimits: { stackSizeMb: STACK_MB },
  });
  worker.unref();
  Atomics.wait(done, 0, 0);
  const reply = receiveMessageOnPort(port1)?.message as Reply | undefined;
  void worker.terminate();
  port1.close();
  if (!reply) throw new Error('the big-stack compilation ended without an answer');
  if ('ok' in reply) return reply.ok;
  if ('compileError' in reply) {
    const { loc, detail, limit } = reply.compileError;
    throw limit ? new CompileLimitError(loc, detail, limit) : new CompileError(loc, detail);
  }
  throw new Error(reply.failure);
}

/** The worker's side: compile, post the outcome, wake the caller. */
async function serve(): Promise<void> {
  const { source, file, opts, options, port, done } = workerData as Job & { port: MessagePort; done: Int32Array };
  const { compileDirect } = await import('./compile.js');
  let reply: Reply;
  try {
    reply = { ok: compileDirect(source, file, opts, options) };
  } catch (e) {
    if (e instanceof CompileLimitError) reply = { compileError: { loc: e.loc, detail: e.detail, limit: e.limit } };
    else if (e instanceof CompileError) reply = { compileError: { loc: e.loc, detail: e.detail } };
    else if (e instanceof RangeError) reply = { compileError: { loc: { file, line: 1, col: 1 }, detail: 'program too large to compile' } };
    else reply = { failure: (e as Error).stack ?? String(e) };
  }
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

if (!isMainThread && parentPort && (workerData as { done?: unknown } | null)?.done) void serve();
