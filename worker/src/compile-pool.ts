// A pool of compile processes (compile-child.ts). Compiling runs user code (macros), so each
// compile runs in a child process that the worker can kill: its heap is bounded by
// --max-old-space-size, its wall time by a timer here, and a compile over either bound is killed
// and reported as a limit. Children are kept warm between jobs (a fork costs far more than a
// compile); one that was killed, crashed or served its quota of jobs is replaced on demand.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompileLimits, FilePrefix, InternalErrorReport, Loc } from '@omnilisp/compiler';

/** What one compile asks of a child. */
export interface CompileRequest {
  id: number;
  source: string;
  /** The entry file's path (its imports are read from `lib/` beside it). */
  file: string;
  target: 'executable' | 'jit';
  limits: Partial<CompileLimits>;
  libPath: string[];
  /** How positions name the program's files (the build directory mapped away). */
  fileNames: FilePrefix[];
}

/** A child's answer: the C unit, a diagnostic (with the compiler's limit, if one was reached), or a crash. */
export type CompileReply =
  | { id: number; ok: { c: string; imports: string[] } }
  | { id: number; error: { loc: Loc; detail: string; limit?: CompileLimitName } }
  | { id: number; internal: InternalErrorReport }
  | { id: number; failure: string };


/** Every limit a compile can reach: the pool's (time, memory) and the compiler's own budgets. */
export type CompileLimitName = 'time' | 'memory' | 'steps' | 'expansion';

/** The child was killed at a bound the pool enforces; there is no source position to report. */
export class CompileKilled extends Error {
  constructor(
    readonly limit: 'time' | 'memory',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The compiler failed in a way that is not the program's fault: an internal compiler error (with
 * the form it was compiling) or a compile process that died; the message and stack are for the logs.
 */
export class CompilerCrashed extends Error {
  constructor(
    message: string,
    readonly internal?: InternalErrorReport,
  ) {
    super(message);
  }
}

export interface CompilePoolOptions {
  /** Children at most (the compiles that may run at once). */
  size: number;
  /** Children started at once, so the first compiles find one warm. */
  warm: number;
  timeoutMs: number;
  /** Heap of each child (--max-old-space-size). */
  memoryMb: number;
  /** The compiler's budgets (its heap check defaults to half of memoryMb, so it speaks before V8 gives out). */
  limits: Partial<CompileLimits>;
  /** Jobs a child serves before it is replaced. */
  jobsPerChild?: number;
}

interface Child {
  proc: ChildProcess;
  /** Resolves when the child has loaded the compiler; rejects if it dies first. */
  ready: Promise<void>;
  jobs: number;
  /** The end of its stderr (V8's out-of-memory report lands here). */
  stderr: string;
}

const HEAP_REPORT = /heap out of memory|heap limit/i;

/** The child's script: beside this module once built (tests import the sources, so map src/ to dist/). */
function childScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.join(path.basename(here) === 'src' ? path.join(here, '..', 'dist') : here, 'compile-child.js');
}

export class CompilePool {
  private readonly idle: Child[] = [];
  private readonly live = new Set<Child>();
  private readonly waiting: ((c: Child) => void)[] = [];
  private readonly script = childScript();
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: CompilePoolOptions) {
    for (let i = 0; i < Math.min(opts.warm, opts.size); i++) this.idle.push(this.spawn());
  }

  /** Process ids of the live children (for tests and cleanup). */
  pids(): number[] {
    return [...this.live].map((c) => c.proc.pid!).filter(Boolean);
  }

  /**
   * Compiles one program. Resolves with the C unit; rejects with a CompileReply error (as
   * CompileDiagnostic), CompileKilled (time, memory) or CompilerCrashed.
   */
  async compile(job: Omit<CompileRequest, 'id' | 'limits'>): Promise<{ c: string; imports: string[] }> {
    const child = await this.acquire();
    let healthy = false;
    try {
      await child.ready;
      const reply = await this.ask(child, { ...job, id: this.nextId++, limits: this.limits() });
      healthy = !('error' in reply && reply.error.limit === 'memory');
      if ('ok' in reply) return reply.ok;
      if ('error' in reply) throw new CompileDiagnostic(reply.error.loc, reply.error.detail, reply.error.limit);
      if ('internal' in reply) throw new CompilerCrashed(reply.internal.stack, reply.internal);
      throw new CompilerCrashed(reply.failure);
    } finally {
      this.release(child, healthy);
    }
  }

  /** Stops every child; compiles in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.live) c.proc.kill('SIGKILL');
    this.idle.length = 0;
    await Promise.all([...this.live].map((c) => new Promise<void>((resolve) => (c.proc.exitCode !== null || c.proc.signalCode !== null ? resolve() : c.proc.once('exit', () => resolve())))));
  }

  private limits(): Partial<CompileLimits> {
    return { heapMb: Math.floor(this.opts.memoryMb / 2), ...this.opts.limits };
  }

  private spawn(): Child {
    const proc = fork(this.script, [], {
      // V8 sizes the young generation from the heap limit: a small limit would make every compile
      // scavenge several times as often (hello.omni: 20 ms instead of 13), so it keeps its own size
      execArgv: [`--max-old-space-size=${this.opts.memoryMb}`, '--max-semi-space-size=16'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const child: Child = { proc, jobs: 0, stderr: '', ready: Promise.resolve() };
    child.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => m?.ready && (proc.off('exit', onExit), resolve());
      const onExit = () => reject(new CompilerCrashed(`the compile process exited while starting: ${child.stderr.trim()}`));
      proc.once('message', onMessage);
      proc.once('exit', onExit);
    });
    child.ready.catch(() => undefined);
    proc.stderr!.on('data', (d: Buffer) => void (child.stderr = (child.stderr + d.toString()).slice(-4096)));
    proc.on('error', () => undefined);
    proc.once('exit', () => this.forget(child));
    this.live.add(child);
    return child;
  }

  private forget(child: Child): void {
    this.live.delete(child);
    const i = this.idle.indexOf(child);
    if (i >= 0) this.idle.splice(i, 1);
    // a waiter would otherwise wait for a child that is no longer coming back
    if (this.waiting.length && !this.closed && this.live.size < this.opts.size) this.waiting.shift()!(this.spawn());
  }

  private acquire(): Promise<Child> {
    if (this.closed) return Promise.reject(new CompilerCrashed('the compile pool is closed'));
    const warm = this.idle.pop();
    if (warm) return Promise.resolve(warm);
    if (this.live.size < this.opts.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(child: Child, healthy: boolean): void {
    child.jobs++;
    const alive = child.proc.exitCode === null && child.proc.signalCode === null;
    // a child that is gone or to be replaced leaves through forget(), on its exit
    if (!alive || !healthy || this.closed || child.jobs >= (this.opts.jobsPerChild ?? 200)) {
      if (alive) child.proc.kill('SIGKILL');
      return;
    }
    const next = this.waiting.shift();
    if (next) next(child);
    else this.idle.push(child);
  }

  /** Sends one request and waits for its reply, the timeout, or the child's death. */
  private ask(child: Child, req: CompileRequest): Promise<CompileReply> {
    const { proc } = child;
    return new Promise<CompileReply>((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        settle();
      };
      const onMessage = (m: CompileReply) => m?.id === req.id && done(() => resolve(m));
      const onExit = (code: number | null, signal: string | null) =>
        done(() =>
          reject(
            HEAP_REPORT.test(child.stderr)
              ? new CompileKilled('memory', `compiling exceeded the compile-time memory limit of ${this.opts.memoryMb} MB`)
              : new CompilerCrashed(`the compile process died (${signal ?? `exit ${code}`}): ${child.stderr.trim().slice(-500)}`),
          ),
        );
      const timer = setTimeout(() => {
        done(() => reject(new CompileKilled('time', `compiling took longer than the compile-time limit of ${this.opts.timeoutMs} ms`)));
        proc.kill('SIGKILL');
      }, this.opts.timeoutMs);
      proc.on('message', onMessage);
      proc.once('exit', onExit);
      proc.send(req);
    });
  }
}

/** A compile error with its position (and the compiler's limit, when one was reached). */
export class CompileDiagnostic extends Error {
  constructor(
    readonly loc: Loc,
    readonly detail: string,
    readonly limit?: CompileLimitName,
  ) {
    super(detail);
  }
}
