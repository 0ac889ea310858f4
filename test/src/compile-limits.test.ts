// The compile step under hostile programs, with real components (a private Redis, the API, worker
// processes, the filesystem store): macros that loop, allocate, expand without end or recurse
// deeply are stopped at their limit while innocent builds and runs complete; the worker survives,
// the same source is answered 422 at once, a job that kills its worker twice is failed, and a C
// compiler over its limit is killed with its process group.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '@omnilisp/worker';
import { type Api, type RedisServer, type Reply, callApi, eventually, spawnWorker, startApi, startRedis, testConfig } from './service-harness.js';

/** A comment that makes a program (and so its key) one never seen before. */
const fresh = () => `\n; ${randomUUID()}\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Programs whose compile never ends or never fits, each with the line:col of the macro use that must be blamed. */
const POISON: Record<string, { source: string; at: string; limits: string[] }> = {
  'endless loop': {
    source: '(defmacro forever () (let loop ((i 0)) (loop (+ i 1))))\n(print (forever))',
    at: 'main.omni:2:8',
    limits: ['steps'],
  },
  'endless allocation': {
    source: "(defmacro hog () (let loop ((l '()) (i 0)) (loop (cons (make-vector 16 i) l) (+ i 1))))\n(print (hog))",
    at: 'main.omni:2:8',
    limits: ['memory', 'steps'],
  },
  'huge expansion': { source: "(defmacro big () (cons 'list (range 0 2000000)))\n(print (length (big)))", at: 'main.omni:2:16', limits: ['expansion', 'memory'] },
  'self-expanding macro': { source: "(defmacro self-loop () '(self-loop))\n(print (self-loop))", at: 'main.omni:2:8', limits: ['expansion'] },
  'deep recursion': {
    source: '(define (deep n) (if (= n 0) 0 (+ 1 (deep (- n 1)))))\n(defmacro m () (deep 100000000))\n(print (m))',
    at: 'main.omni:3:8',
    limits: ['memory', 'steps'],
  },
  'spinning thread': {
    source: "(defmacro spin () (spawn (fn () (let loop () (loop)))) (let loop ((i 0)) (if (< i 100000000) (loop (+ i 1)) ''done)))\n(print (spin))",
    at: 'main.omni:2:8',
    limits: ['steps'],
  },
};

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis?.stop());

/** The API in this process and worker processes, on a queue prefix of their own. */
class Stack {
  api!: Api;
  readonly config: ServiceConfig;
  readonly workers: ChildProcess[] = [];

  constructor(env: Record<string, string> = {}) {
    this.config = testConfig(redis.url, { OMNI_QUEUE_PREFIX: `c${randomUUID().slice(0, 8)}`, OMNI_RATE_LIMIT: '1000000', ...env });
  }

  async start(workers = 1): Promise<this> {
    this.api = await startApi(this.config);
    for (let i = 0; i < workers; i++) this.spawn();
    await this.ready();
    return this;
  }

  spawn(env: Record<string, string> = {}, logs: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
    const p = spawnWorker(this.config, { NODE_NO_WARNINGS: '1', ...env }, logs);
    this.workers.push(p);
    return p;
  }

  /** Waits until a worker has announced itself. */
  ready(): Promise<true> {
    return eventually(async () => ((await this.call('GET', '/v1/targets')).body.targets?.length ? true : undefined));
  }

  call(method: string, route: string, body?: object): Promise<Reply> {
    return callApi(this.api.url, method, route, body);
  }

  /** Polls a build until it is completed or failed. */
  finished(id: string, timeoutMs = 60_000): Promise<any> {
    return eventually(async () => {
      const r = await this.call('GET', `/v1/builds/${id}`);
      return r.body.status === 'completed' || r.body.status === 'failed' ? r.body : undefined;
    }, timeoutMs, 50);
  }

  async close(): Promise<void> {
    for (const p of this.workers) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await this.api?.close();
  }
}

/** Child processes of pid (its compile processes, its C compilers). */
function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Processes whose command line mentions dir. */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const cmd = commandLine(Number(e));
    if (cmd.includes(dir + '/')) found.push(`${e}: ${cmd.replaceAll('\0', ' ')}`);
  }
  return found;
}

describe('hostile macros while innocent work is in flight', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await new Stack({ WORKER_CONCURRENCY: '2' }).start(1);
  });
  afterAll(async () => stack?.close());

  for (const [name, poison] of Object.entries(POISON)) {
    it(`stops ${name} at its limit; innocent jobs complete; the worker and the API stay up; the same source is a fast 422`, async () => {
      const worker = stack.workers[0];
      const source = poison.source + fresh();
      const started = performance.now();
      const submitted = await stack.call('POST', '/v1/builds', { source, output: 'shared' });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);

      // innocent builds and runs, submitted while the poison compiles
      const innocent = Array.from({ length: 4 }, (_, i) => `(define (sq x) (* x x))\n(print "innocent" ${i} (map sq (range 4)))${fresh()}`);
      const [runs, builds, ready] = await Promise.all([
        Promise.all(innocent.slice(0, 2).map((s) => stack.call('POST', '/v1/run', { source: s }))),
        Promise.all(innocent.slice(2).map((s) => stack.call('POST', '/v1/builds', { source: s }).then((r) => stack.finished(r.body.id)))),
        stack.call('GET', '/readyz'),
      ]);
      for (const [i, r] of runs.entries()) {
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body).toMatchObject({ stdout: `innocent ${i} (0 1 4 9)\n`, exitCode: 0 });
      }
      for (const b of builds) expect(b.status, JSON.stringify(b)).toBe('completed');
      expect(ready.status).toBe(200);

      const failed = await stack.finished(submitted.body.id);
      const elapsed = performance.now() - started;
      expect(failed.status, JSON.stringify(failed)).toBe('failed');
      expect(failed.error.code, JSON.stringify(failed)).toBe('compile_limit');
      expect(poison.limits).toContain(failed.error.limit);
      expect(failed.attempts).toBe(1); // never retried
      expect(failed.diagnostics[0], JSON.stringify(failed)).toBeDefined();
      expect(`${failed.diagnostics[0].file}:${failed.diagnostics[0].line}:${failed.diagnostics[0].column}`).toBe(poison.at);
      expect(JSON.stringify(failed)).not.toMatch(/\/tmp|\/work|\/home|\/root/); // no path of the worker machine
      expect(elapsed).toBeLessThan(stack.config.compile.timeoutMs + 10_000);

      // the worker process is the same one, with its compile processes (a killed one is replaced on demand)
      expect(worker.exitCode).toBeNull();
      expect(worker.signalCode).toBeNull();
      expect(children(worker.pid!).length).toBeGreaterThan(0);

      // the same source again: 422 from the negative cache, without compiling
      for (const route of ['/v1/builds', '/v1/run']) {
        const again = await stack.call('POST', route, route === '/v1/run' ? { source: source } : { source, output: 'shared' });
        expect(again.status, JSON.stringify(again.body)).toBe(422);
        expect(again.body.error.code).toBe('compile_limit');
        expect(again.body.error.details.limit).toBe(failed.error.limit);
        expect(again.ms).toBeLessThan(500);
      }
    });
  }

  it('reports the pool limits (time, memory) when the compiler budgets are out of the way', async () => {
    const loose = await new Stack({ OMNI_COMPILE_STEPS: String(1e15), OMNI_COMPILE_TIMEOUT_MS: '6000', OMNI_COMPILE_MEMORY_MB: '160' }).start(1);
    try {
      const loop = await loose.call('POST', '/v1/builds', { source: POISON['endless loop'].source + fresh(), output: 'shared' });
      const timed = await loose.finished(loop.body.id);
      expect(timed.error, JSON.stringify(timed)).toMatchObject({ code: 'compile_limit', limit: 'time' });
      expect(timed.error.message).toMatch(/6000 ms/);

      const hog = await loose.call('POST', '/v1/builds', { source: POISON['endless allocation'].source + fresh(), output: 'shared' });
      const memory = await loose.finished(hog.body.id);
      expect(memory.error, JSON.stringify(memory)).toMatchObject({ code: 'compile_limit', limit: 'memory' });

      const ok = await loose.call('POST', '/v1/run', { source: `(print "after" (+ 1 2))${fresh()}` });
      expect(ok.body, JSON.stringify(ok.body)).toMatchObject({ stdout: 'after 3\n', exitCode: 0 });
    } finally {
      await loose.close();
    }
  });

  it('compiles several programs at once (one compile process per job slot)', async () => {
    const slow = (i: number) => `(defmacro slow () (let loop ((i 0)) (if (< i 1200000) (loop (+ i 1)) ${i})))\n(print (slow))${fresh()}`;
    const worker = stack.workers[0].pid!;
    // CPU time of each compile process, sampled while two slow compiles run: both must advance at once
    const cpu = () => new Map(compileProcesses(worker).map((pid) => [pid, cpuTicks(pid)]));
    let overlapped = false;
    let last = cpu();
    const sampler = setInterval(() => {
      const now = cpu();
      if ([...now].filter(([pid, t]) => t > (last.get(pid) ?? t)).length >= 2) overlapped = true;
      last = now;
    }, 50);
    try {
      const pair = await Promise.all([1, 2].map((i) => stack.call('POST', '/v1/run', { source: slow(i) })));
      expect(pair.map((r) => r.body.stdout), JSON.stringify(pair.map((r) => r.body))).toEqual(['1\n', '2\n']);
    } finally {
      clearInterval(sampler);
    }
    expect(overlapped).toBe(true);
  });
});

/** The worker's compile processes. */
function compileProcesses(worker: number): number[] {
  return children(worker).filter((pid) => commandLine(pid).includes('compile-child'));
}

/** User + system CPU ticks of a process (0 once it is gone). */
function cpuTicks(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

describe('a build that kills its worker', () => {
  it('is handed to another worker once, and failed when it stalls a second time', async () => {
    const stack = await new Stack({ WORKER_LOCK_MS: '1500', WORKER_CONCURRENCY: '1' }).start(1);
    try {
      const r = await stack.call('POST', '/v1/builds', { source: slowToCompile(), opt: 2 });
      for (let kill = 1; kill <= 2; kill++) {
        const victim = stack.workers.at(-1)!;
        // the build is in this worker's hands once it runs gcc for it
        await eventually(async () => (children(victim.pid!).some((pid) => commandLine(pid).includes('gcc')) ? true : undefined), 60_000, 20);
        victim.kill('SIGKILL');
        await new Promise((resolve) => victim.once('exit', resolve));
        stack.spawn();
      }
      const failed = await stack.finished(r.body.id, 60_000);
      expect(failed.status, JSON.stringify(failed)).toBe('failed');
      expect(failed.error.message).toMatch(/stalled/i);
      // the third worker serves other work
      const ok = await stack.call('POST', '/v1/run', { source: `(print "third")${fresh()}` });
      expect(ok.body, JSON.stringify(ok.body)).toMatchObject({ stdout: 'third\n' });
    } finally {
      await stack.close();
    }
  });
});

/** A program that takes gcc -O2 a few seconds: a long chain of definitions. */
function slowToCompile(n = 300): string {
  let source = '(define (f0 x) x)\n';
  for (let i = 1; i < n; i++) source += `(define (f${i} x) (if (< x 0) (f${i - 1} (- x)) (+ (f${i - 1} x) ${i})))\n`;
  return `${source}(print (f${n - 1} 0))${fresh()}`;
}

describe('C compiler limits', () => {
  it('kills gcc over its wall limit with its process group: a compile_limit, nothing left running, no build directory', async () => {
    const stack = await new Stack({ OMNI_CC_TIMEOUT_MS: '400', WORKER_CONCURRENCY: '1' }).start(1);
    try {
      const r = await stack.call('POST', '/v1/builds', { source: slowToCompile(), opt: 2 });
      const failed = await stack.finished(r.body.id);
      expect(failed.error, JSON.stringify(failed)).toMatchObject({ code: 'compile_limit', limit: 'time' });
      expect(failed.error.message).toMatch(/400 ms/);
      const workDir = stack.config.worker.dir;
      await eventually(async () => (processesUnder(workDir).length === 0 ? true : undefined), 5_000);
      expect(fs.readdirSync(workDir).filter((n) => n.startsWith('build-'))).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it('a worker killed in the middle of gcc: the next worker kills the orphaned compiler and removes its build directory', async () => {
    const stack = await new Stack({ WORKER_CONCURRENCY: '1', WORKER_LOCK_MS: '60000' }).start(1);
    try {
      const workDir = stack.config.worker.dir;
      await stack.call('POST', '/v1/builds', { source: slowToCompile(400), opt: 2 });
      const running = await eventually(async () => {
        const p = processesUnder(workDir).filter((l) => /cc1|gcc|collect2|ld/.test(l));
        return p.length ? p : undefined;
      }, 30_000, 20);
      const stale = fs.readdirSync(workDir).filter((n) => n.startsWith('build-'));
      expect(stale.length, running.join('\n')).toBe(1);
      const victim = stack.workers[0];
      victim.kill('SIGKILL');
      await new Promise((resolve) => victim.once('exit', resolve));
      expect(fs.existsSync(path.join(workDir, stale[0]))).toBe(true);

      stack.spawn();
      await sleep(200);
      await eventually(async () => (fs.existsSync(path.join(workDir, stale[0])) ? undefined : true), 15_000);
      expect(processesUnder(path.join(workDir, stale[0]))).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});

describe('an internal compiler error', () => {
  it('fails the run (500 internal_error) and the build (never retried) at the form, logs the stack at debug, and the worker goes on', async () => {
    const stack = new Stack({ WORKER_CONCURRENCY: '1' });
    stack.api = await startApi(stack.config);
    const worker = stack.spawn({ OMNI_DEBUG_INTERNAL_ERROR: 'boom', LOG_LEVEL: 'debug' }, 'pipe');
    let logs = '';
    worker.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
    try {
      await stack.ready();
      const source = `(define boom 1)\n(print (+ boom 1))${fresh()}`;
      const expected = 'main.omni:2:11: internal compiler error: OMNI_DEBUG_INTERNAL_ERROR: a reference to boom';

      const run = await stack.call('POST', '/v1/run', { source });
      expect(run.status, JSON.stringify(run.body)).toBe(500);
      expect(run.body.error).toMatchObject({ code: 'internal_error', message: expected });
      expect(run.body.error.details.diagnostics).toEqual([{ file: 'main.omni', line: 2, column: 11, message: expected.slice('main.omni:2:11: '.length) }]);
      expect(JSON.stringify(run.body)).not.toMatch(/\/tmp|\/work|\/home|\/root|Lowerer|\.js:/); // no path, no stack

      const build = await stack.call('POST', '/v1/builds', { source: source + fresh() });
      const failed = await stack.finished(build.body.id);
      expect(failed, JSON.stringify(failed)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'internal_error', message: expected } });

      // the same worker serves the next program
      const ok = await stack.call('POST', '/v1/run', { source: `(print (* 6 7))${fresh()}` });
      expect(ok.body, JSON.stringify(ok.body)).toMatchObject({ stdout: '42\n', exitCode: 0 });
      expect(worker.exitCode).toBeNull();

      const lines = logs.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(lines.find((l) => l.msg === 'internal compiler error' && l.level === 50)?.err).toBe(expected);
      expect(lines.find((l) => l.msg === 'internal compiler error: stack' && l.level === 20)?.stack).toMatch(/at Lowerer\.ref/);
    } finally {
      await stack.close();
    }
  });
});
