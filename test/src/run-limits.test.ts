// The run-time edge cases of POST /v1/run, through the real service (a private Redis, the API and
// a worker, which runs the program in omni-sandbox with the JIT host) under the default run limits
// (512 MiB resident, 256 processes and threads): a runaway recursion is `stack overflow`, not the
// memory limit; a vector too large to allocate is an ordinary error; 101 threads spawned and
// joined always pass; 300 live threads always end as the limit "threads". Then the same programs
// in the CLI's native modes, where they apply.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildWorker } from '@omnilisp/worker';
import { type Api, type RedisServer, REPO, callApi, startApi, startRedis, startWorker, testConfig } from './service-harness.js';

const execFileP = promisify(execFile);
const CLI = path.join(REPO, 'cli', 'dist', 'main.js');

const RUNAWAY = '(print "start")\n(define (runaway n) (+ 1 (runaway (+ n 1))))\n(print (runaway 0))\n';
const HUGE_VECTOR = (n: string) => `(print (try (make-vector ${n} 0) error-message))\n(make-vector ${n} 0)\n`;
const PMAP_101 = `
(define (pmap f xs) (map join (map (fn (x) (spawn (fn () (f x)))) xs)))
(print (fold + 0 (pmap (fn (x) (* x x)) (range 101))))
`;
/** n threads alive at once: each waits for the gate, which opens once all are spawned. */
const GATED = (n: number) => `
(define gate (channel))
(define threads (map (fn (i) (spawn (fn () (recv! gate) i))) (range ${n})))
(close! gate)
(print (fold + 0 (map join threads)))
`;

interface RunBody {
  stdout: string;
  stderr: string;
  exitCode: number;
  limit: string | null;
  truncated: boolean;
  cache: string;
}

describe('run-time limits through POST /v1/run', () => {
  let redis: RedisServer;
  let api: Api;
  let worker: BuildWorker;

  beforeAll(async () => {
    redis = await startRedis();
    const config = testConfig(redis.url, { OMNI_QUEUE_PREFIX: `rl${randomUUID().slice(0, 8)}`, OMNI_RATE_LIMIT: '1000000' });
    // the defaults under test
    expect(config.limits.runMemoryMb).toBe(512);
    expect(config.limits.runProcesses).toBe(256);
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await redis?.stop();
  });

  async function run(source: string): Promise<RunBody> {
    const r = await callApi(api.url, 'POST', '/v1/run', { source });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as RunBody;
  }

  it('reports a runaway recursion on the main thread as `stack overflow`, not as the memory limit', async () => {
    const r = await run(RUNAWAY);
    expect(r).toMatchObject({ stdout: 'start\n', exitCode: 1, limit: null, truncated: false });
    expect(r.stderr.split('\n')[0]).toBe('error: stack overflow');
  });

  it('still reaches the 1,000,000 frames the language guarantees', async () => {
    for (const name of ['deep-nontail-sum-1m', 'deep-mutual-recursion-1m', 'memory-deep-list-1m']) {
      const file = path.join(REPO, 'test', 'conformance', `${name}.omni`);
      const r = await run(fs.readFileSync(file, 'utf8'));
      expect(r, name).toMatchObject({ stdout: fs.readFileSync(file.replace(/\.omni$/, '.out'), 'utf8'), stderr: '', exitCode: 0, limit: null });
    }
  });

  it('makes (make-vector 2000000000 0) an error that try catches, and prints it when uncaught', async () => {
    const r = await run(HUGE_VECTOR('2000000000'));
    expect(r).toMatchObject({
      stdout: 'make-vector: cannot allocate 2000000000 elements\n',
      stderr: 'error: make-vector: cannot allocate 2000000000 elements\n  at <top level> (main.omni:2:1)\n',
      exitCode: 1,
      limit: null,
    });
  });

  it('passes a parallel map of 101 threads spawned and joined, 10 times in a row', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await run(PMAP_101);
      expect(r, `run ${i}`).toMatchObject({ stdout: '338350\n', stderr: '', exitCode: 0, limit: null });
    }
  });

  it('passes 256 live threads, and ends 300 as the limit "threads", 5 times in a row', async () => {
    const full = await run(GATED(256));
    expect(full).toMatchObject({ stdout: '32640\n', stderr: '', exitCode: 0, limit: null });
    for (let i = 0; i < 5; i++) {
      const r = await run(GATED(300));
      expect(r, `run ${i}`).toMatchObject({
        stdout: '',
        stderr: 'error: spawn: cannot create a thread (limit of 256 threads reached)\n',
        exitCode: 1,
        limit: 'threads',
      });
    }
  });
});

describe("the same edge cases in the CLI's native modes", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-run-limits-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(mode: string[], source: string): Promise<{ stdout: string; stderr: string; code: number }> {
    const file = path.join(dir, `p${randomUUID().slice(0, 8)}.omni`);
    fs.writeFileSync(file, source);
    try {
      const { stdout, stderr } = await execFileP(process.execPath, [CLI, 'run', ...mode, file], { env: { ...process.env, OMNI_CACHE_DIR: path.join(dir, 'cache') } });
      return { stdout, stderr, code: 0 };
    } catch (e) {
      const err = e as { stdout: string; stderr: string; code: number };
      return { stdout: err.stdout, stderr: err.stderr, code: err.code };
    }
  }

  // more than any machine can hold (2e9 elements would be allocated where 16 GB fit)
  for (const mode of [['--no-cache'], ['--aot'], []]) {
    it(`makes a vector too large to allocate an error that try catches (${mode.join(' ') || 'cached'})`, async () => {
      const r = await cli(mode, HUGE_VECTOR('1000000000000'));
      expect(r).toEqual({
        stdout: 'make-vector: cannot allocate 1000000000000 elements\n',
        stderr: expect.stringMatching(/^error: make-vector: cannot allocate 1000000000000 elements\n {2}at <top level> \(.*\.omni:2:1\)\n$/),
        code: 1,
      });
    });
  }

  it('runs 300 live threads natively (no limit of the runtime outside the sandbox)', async () => {
    const r = await cli(['--no-cache'], GATED(300));
    expect(r).toEqual({ stdout: '44850\n', stderr: '', code: 0 });
  });
});
