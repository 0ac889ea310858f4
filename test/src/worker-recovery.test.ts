// Jobs left active in a persistent Redis by a worker that was killed (SIGKILL), settled by the
// next worker as recovery.ts says: each once (a first stall requeued and then completed, a
// second failed with a `stalled` reason), in one log line, and what the API answers agrees. Real processes, a private
// redis-server.
import { type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_QUEUE, type BuildJob, type BuildSpec, RUN_QUEUE, type ServiceConfig, connect, contentKey, liveWorkers } from '@omnilisp/worker';
import { type Api, type RedisServer, type Reply, callApi, eventually, spawnWorker, startApi, startRedis, testConfig } from './service-harness.js';

/** A gcc -O2 build of a few seconds (service-faults.test.ts has the same program): still compiling when its worker is killed. */
function slowBuild(n = 200): string {
  let source = '(define (f0 x) x)\n';
  for (let i = 1; i < n; i++) source += `(define (f${i} x) (if (< x 0) (f${i - 1} (- x)) (+ (f${i - 1} x) ${i})))\n`;
  return `${source}(print (f${n - 1} 0))\n; ${randomUUID()}\n`;
}

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

let redis: RedisServer;
let config: ServiceConfig;
let api: Api;
let conn: Redis;
const procs: ChildProcess[] = [];

/** A worker process whose JSON log lines (info and up) are collected. */
function worker(): { proc: ChildProcess; lines: LogLine[] } {
  const proc = spawnWorker(config, { LOG_LEVEL: 'info', NODE_NO_WARNINGS: '1' }, 'pipe');
  procs.push(proc);
  const lines: LogLine[] = [];
  let rest = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const text = rest + d.toString();
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as LogLine);
  });
  return { proc, lines };
}

beforeAll(async () => {
  redis = await startRedis();
  // a short lock, still longer than a worker's start: the killed worker's locks are there when the next one starts
  config = testConfig(redis.url, { OMNI_QUEUE_PREFIX: `r${randomUUID().slice(0, 8)}`, WORKER_LOCK_MS: '3000', WORKER_CONCURRENCY: '2', OMNI_RATE_LIMIT: '1000000' });
  api = await startApi(config);
  conn = connect(config.redisUrl, false);
});

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  conn?.disconnect();
  await api?.close();
  await redis?.stop();
});

/** How many of each event the queue's event stream has for a job. */
async function events(queue: string, id: string): Promise<Record<string, number>> {
  const entries = (await conn.xrange(`${config.prefix}:${queue}:events`, '-', '+')) as [string, string[]][];
  const seen: Record<string, number> = {};
  for (const [, fields] of entries) {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]] = fields[i + 1];
    if (f.jobId === id) seen[f.event] = (seen[f.event] ?? 0) + 1;
  }
  return seen;
}

describe('jobs left active by a killed worker', () => {
  it('are requeued or failed once each by the next worker, in one summary line; a live worker\'s job is left alone; the API answers accordingly', async () => {
    const a = worker();
    const caps = await eventually(async () => (await liveWorkers(conn, config.prefix))[0]);
    const gcc = caps.toolchains.find((t) => t.compiler === 'gcc' && t.target === 'x86_64-linux-gnu')!;
    const builds = new Queue<BuildJob>(BUILD_QUEUE, { connection: conn, prefix: config.prefix });
    const runQueue = new Queue(RUN_QUEUE, { connection: conn, prefix: config.prefix });
    const buildSpec = (): BuildSpec => ({ files: { 'main.omni': slowBuild() }, entry: 'main.omni', target: gcc.target, output: 'executable', compiler: 'gcc', opt: 2, static: false });
    const keyOf = (spec: BuildSpec) => contentKey(spec, { compiler: caps.compilerVersion, runtime: gcc.runtimeVersion });

    // two runs through the API (2 attempts each), spinning until their time limit: A's two run slots
    const spin = (n: number) => callApi(api.url, 'POST', '/v1/run', { source: `(define (spin) (spin))\n(spin)\n; ${n} ${randomUUID()}`, timeoutMs: 1500 });
    const runs: Promise<Reply>[] = [spin(1), spin(2)];
    // and a build with a single attempt, as the API would add it otherwise
    const spec = buildSpec();
    const key = keyOf(spec);
    await builds.add('build', { key, spec }, { jobId: key, attempts: 1, removeOnComplete: true, removeOnFail: { age: 3600 } });
    const runIds = await eventually(async () => {
      const active = await runQueue.getJobs(['active']);
      return active.length === 2 && (await builds.getJobState(key)) === 'active' ? active.map((j) => j.id!) : undefined;
    }, 30_000, 20);

    // a run in the hands of a live worker (this test), which keeps renewing its lock
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const liveConn = connect(config.redisUrl, false);
    const live = new Worker(RUN_QUEUE, async () => (await held, { stdout: 'live', stderr: '', exitCode: 0, limit: null, truncated: false, cache: 'hit', key, timings: { fetchMs: 0, buildMs: 0, runMs: 0, totalMs: 0 } }), {
      connection: liveConn,
      prefix: config.prefix,
      lockDuration: config.worker.lockMs,
    });
    const liveJob = await runQueue.add('run', { key, stdin: '', args: [], timeoutMs: 1000 }, { attempts: 1 });
    await eventually(async () => ((await liveJob.getState()) === 'active' ? true : undefined));

    // all of A's jobs are in its hands: kill it there
    a.proc.kill('SIGKILL');
    await once(a.proc, 'exit');
    expect(await runQueue.getActiveCount()).toBe(3);
    // a build an earlier stalled check gave up on (BullMQ marks it so, then fails it when a worker takes it)
    const spec2 = buildSpec();
    const key2 = keyOf(spec2);
    await builds.add('build', { key: key2, spec: spec2 }, { jobId: key2, attempts: 3, removeOnComplete: true, removeOnFail: { age: 3600 } });
    await conn.hset(`${config.prefix}:${BUILD_QUEUE}:${key2}`, 'defa', 'job stalled more than allowable limit');
    // the killed worker's locks are still there as B starts: B waits for them to expire
    for (const id of [...runIds, key]) expect(await conn.pttl(`${config.prefix}:${id === key ? BUILD_QUEUE : RUN_QUEUE}:${id}:lock`)).toBeGreaterThan(config.worker.lockMs - 1000);

    const b = worker();
    const answers = await Promise.all(runs);
    // the runs' API requests, still waiting, are answered by B's runs
    for (const r of answers) {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.limit).toBe('timeout');
    }
    // the build's first stall: handed to B, which builds it (a single attempt is not used up by a stall)
    const status = await eventually(async () => {
      const r = await callApi(api.url, 'GET', `/v1/builds/${key}`);
      return r.body.status === 'completed' ? r : undefined;
    }, 60_000);
    expect(status.status).toBe(200);
    const status2 = await eventually(async () => {
      const r = await callApi(api.url, 'GET', `/v1/builds/${key2}`);
      return r.body.status === 'failed' ? r : undefined;
    });
    expect(status2.body.error).toEqual({ code: 'internal', message: 'stalled: the worker running the job stopped before finishing it more than once' });

    const summary = await eventually(async () => b.lines.find((l) => l.msg.startsWith('recovered ')), 10_000);
    expect(summary.msg).toBe('recovered 4 jobs left by an earlier worker (3 requeued, 1 failed: stalled)');
    expect(summary.level).toBe(30);
    await sleep(1000);
    expect(b.lines.filter((l) => /recovered|stalled|job failed/.test(l.msg))).toEqual([summary]);

    // exactly once each: each run and the first build were handed back and completed by B, the second build failed once; BullMQ's own stalled check did nothing
    for (const id of runIds) {
      const seen = await events(RUN_QUEUE, id);
      expect(seen).toMatchObject({ active: 2, completed: 1 });
      expect(seen.failed ?? 0).toBe(0);
      expect(seen.stalled ?? 0).toBe(0);
      const job = (await runQueue.getJob(id))!;
      expect(await job.getState()).toBe('completed');
      expect(job.stalledCounter).toBe(1);
    }
    const built = await events(BUILD_QUEUE, key);
    expect(built).toMatchObject({ active: 2, completed: 1 });
    expect(built.failed ?? 0).toBe(0);
    expect(built.stalled ?? 0).toBe(0);
    expect(await events(BUILD_QUEUE, key2)).toMatchObject({ active: 1, failed: 1 });

    // the live worker's run was left alone: it finishes it now, once
    expect(await liveJob.getState()).toBe('active');
    release();
    await eventually(async () => ((await liveJob.getState()) === 'completed' ? true : undefined));
    const liveEvents = await events(RUN_QUEUE, liveJob.id!);
    expect(liveEvents).toMatchObject({ active: 1, completed: 1 });
    expect(liveEvents.failed ?? 0).toBe(0);
    await live.close();
    liveConn.disconnect();
    await builds.close();
    await runQueue.close();
  });
});
