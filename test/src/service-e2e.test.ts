// The compile-and-cache service end to end over real HTTP: the API on a loopback port, a private
// redis-server, s3rver as the object store, and workers in this process or as processes of their
// own. Builds are downloaded, verified against their manifests and run; cache hits and concurrent
// identical requests must not build again.
import { execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildWorker, type Manifest, type ObjectStore, type ServiceConfig, connect, createStore, liveWorkers, storeKeys } from '@omnilisp/worker';
import { listCases } from './conformance.js';
import { type Api, type RedisServer, eventually, spawnWorker, startApi, startRedis, startWorker, testConfig } from './service-harness.js';
import { type S3TestServer, s3Env, startS3Server } from './s3-server.js';

const execFileP = promisify(execFile);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A comment that makes a program (and so its key) one never seen before. */
const fresh = () => `\n; ${randomUUID()}\n`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-e2e-'));
/** Conformance cases small enough to build several times: stdout only, exit 0, no input. */
const CASES = ['atoms', 'closures-capture', 'closures-counters'];

let redis: RedisServer;
let s3: S3TestServer;
let config: ServiceConfig;
let api: Api;
let store: ObjectStore;
let client: Redis;
let worker: BuildWorker | undefined;
const children: ChildProcess[] = [];

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

async function call(method: string, route: string, body?: object): Promise<Reply> {
  const res = await fetch(api.url + route, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Polls GET /v1/builds/:id until the build is completed and returns its manifest. */
async function completed(id: string, timeoutMs = 60_000): Promise<Manifest> {
  return eventually(async () => {
    const r = await call('GET', `/v1/builds/${id}`);
    expect(r.status).toBe(200);
    expect(r.body.status).not.toBe('failed');
    return r.body.status === 'completed' ? (r.body.manifest as Manifest) : undefined;
  }, timeoutMs, 100);
}

/** Downloads the artifact and checks it against the manifest (size, SHA-256, ETag header). */
async function download(manifest: Manifest): Promise<Buffer> {
  const res = await fetch(`${api.url}/v1/artifacts/${manifest.key}`);
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(bytes.length).toBe(manifest.artifact.bytes);
  expect(sha256(bytes)).toBe(manifest.artifact.sha256);
  expect(res.headers.get('x-content-sha256')).toBe(manifest.artifact.sha256);
  return bytes;
}

/** Writes an executable artifact to disk and runs it. */
async function runExecutable(bytes: Buffer, args: string[] = []): Promise<string> {
  const file = path.join(tmp, `prog-${randomUUID().slice(0, 8)}`);
  fs.writeFileSync(file, bytes);
  fs.chmodSync(file, 0o755);
  return (await execFileP(file, args, { encoding: 'utf8' })).stdout;
}

/** Submits a build and waits for it: the manifest and whether it was answered from the cache. */
async function build(request: object): Promise<{ manifest: Manifest; cached: boolean; id: string }> {
  const r = await call('POST', '/v1/builds', request);
  expect([200, 202], JSON.stringify(r.body)).toContain(r.status);
  return { manifest: r.status === 200 ? r.body.manifest : await completed(r.body.id), cached: r.status === 200, id: r.body.id };
}

const stats = async () => (await call('GET', '/v1/cache/stats')).body;

beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3Server()]);
  config = testConfig(redis.url, {
    ...s3Env(s3),
    OMNI_RATE_LIMIT: '1000000',
  });
  client = connect(config.redisUrl, false);
  store = createStore(config.store);
  api = await startApi(config);
  worker = await startWorker(config);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await worker?.stop();
  await api?.close();
  client?.disconnect();
  await Promise.all([redis?.stop(), s3?.destroy()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the service over HTTP, with S3', () => {
  it('builds a gcc executable: 202, polled to completed, downloaded, verified against its manifest, run', async () => {
    const source = `(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(print "fib" (fib 20))
(print (map (fn (x) (* x x)) (list 1 2 3)) (car (command-line)))${fresh()}`;
    const started = performance.now();
    const submitted = await call('POST', '/v1/builds', { source, output: 'executable', compiler: 'gcc' });
    expect(submitted.status).toBe(202);
    expect(submitted.body.id).toMatch(/^[0-9a-f]{64}$/);
    expect(submitted.body.key).toBe(submitted.body.id);
    expect(['queued', 'active']).toContain(submitted.body.status);
    const manifest = await completed(submitted.body.id);
    const latency = performance.now() - started;
    expect(manifest).toMatchObject({ key: submitted.body.key, output: 'executable', compiler: 'gcc', opt: 2, entry: 'main.omni' });
    expect(manifest.files).toEqual([{ name: 'main.omni', bytes: Buffer.byteLength(source), sha256: sha256(Buffer.from(source)) }]);
    const bytes = await download(manifest);
    expect(await runExecutable(bytes, ['Ada'])).toBe('fib 6765\n(1 4 9) Ada\n');
    console.log(`gcc -O2 build through the service: ${latency.toFixed(0)} ms request to completed; manifest timings ${JSON.stringify(manifest.timings)}`);
  });

  it('redirects downloads to a presigned S3 URL when OMNI_PRESIGN_DOWNLOADS is set', async () => {
    const { manifest } = await build({ source: `(print "presigned")${fresh()}` });
    const presigning = await startApi({ ...config, presignDownloads: true });
    try {
      const res = await fetch(`${presigning.url}/v1/artifacts/${manifest.key}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('etag')).toBe(`"${manifest.artifact.sha256}"`);
      const location = res.headers.get('location')!;
      expect(location.startsWith(s3.endpoint)).toBe(true);
      const bytes = Buffer.from(await (await fetch(location)).arrayBuffer());
      expect(sha256(bytes)).toBe(manifest.artifact.sha256);
      expect(await runExecutable(bytes)).toBe('presigned\n');
    } finally {
      await presigning.close();
    }
  });

  it('runs conformance cases identically as gcc executables and as tcc runs (POST /v1/run)', async () => {
    const cases = listCases().filter((c) => CASES.includes(c.name));
    expect(cases.map((c) => c.name)).toEqual(CASES);
    await Promise.all(
      cases.map(async (c) => {
        const source = fs.readFileSync(path.join(c.dir, `${c.name}.omni`), 'utf8');
        expect(c.expectedStatus).toBe(0);
        const { manifest } = await build({ source, compiler: 'gcc' });
        const gccOut = Buffer.from(await runExecutable(await download(manifest)));
        const run = await call('POST', '/v1/run', { source });
        expect(run.status, JSON.stringify(run.body)).toBe(200);
        expect(run.body).toMatchObject({ exitCode: 0, limit: null, truncated: false, stderr: '' });
        const tccOut = Buffer.from(run.body.stdout as string);
        expect(gccOut.equals(c.expectedStdout), `${c.name}: gcc output`).toBe(true);
        expect(tccOut.equals(gccOut), `${c.name}: tcc output`).toBe(true);
      }),
    );
  });

  it('answers 20 identical concurrent requests with one build', async () => {
    const source = `(print (apply + (range 100)))${fresh()}`;
    const before = await stats();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/v1/builds', { source })));
    const ids = new Set(answers.map((a) => a.body.id));
    const keys = new Set(answers.map((a) => a.body.key));
    expect(ids.size).toBe(1);
    expect(keys).toEqual(ids);
    for (const a of answers) expect([200, 202]).toContain(a.status);
    const [key] = ids as Set<string>;
    const manifest = await completed(key);
    expect(await runExecutable(await download(manifest))).toBe('4950\n');
    const after = await stats();
    expect(after.builds_completed - before.builds_completed).toBe(1);
    expect(after.misses + after.hits - before.misses - before.hits).toBe(20);
    const objects = (await store.list(storeKeys(key).prefix)).map((o) => o.key).sort();
    expect(objects).toEqual([storeKeys(key).artifact, storeKeys(key).manifest, storeKeys(key).spec].sort());
    expect(after.artifacts.count - before.artifacts.count).toBe(1);
  });

  it('answers an identical request from the cache without any worker: 200, nothing queued', async () => {
    const source = `(print "cached" (* 6 7))${fresh()}`;
    const first = await build({ source });
    expect(first.cached).toBe(false);
    await worker!.stop();
    worker = undefined;
    // past the API's reuse of the worker list: it must see that no worker is left
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await call('GET', '/v1/targets')).body.targets).toEqual([]);
    const counts = await api.app.service.builds.getJobCounts();
    const before = await stats();
    const again = await call('POST', '/v1/builds', { source });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, key: first.id, status: 'completed', manifest: first.manifest });
    expect(await api.app.service.builds.getJobCounts()).toEqual(counts);
    expect(await api.app.service.builds.getJob(first.id)).toBeUndefined();
    const after = await stats();
    expect(after.hits - before.hits).toBe(1);
    expect(after.builds_completed).toBe(before.builds_completed);
    expect(after.queues.builds).toEqual(counts);
    expect(await runExecutable(await download(again.body.manifest))).toBe('cached 42\n');
    // a program never built needs a worker, and so does every run: 503 no_workers at once
    for (const [route, body] of [
      ['/v1/builds', { source: `(print 1)${fresh()}` }],
      ['/v1/run', { source: '(print 1)' }],
      ['/v1/run', { key: first.id }],
    ] as const) {
      const started = performance.now();
      const r = await call('POST', route, body);
      expect(r.status, JSON.stringify(r.body)).toBe(503);
      expect(r.body.error.code).toBe('no_workers');
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it('shares 10 different builds between two worker processes', async () => {
    expect(worker).toBeUndefined();
    const env = { WORKER_CONCURRENCY: '1', NODE_NO_WARNINGS: '1' };
    const procs = [spawnWorker(config, env), spawnWorker(config, env)];
    children.push(...procs);
    const pids = procs.map((p) => p.pid!);
    await eventually(async () => {
      const live = await liveWorkers(client, config.prefix);
      return pids.every((pid) => live.some((w) => w.workerId.startsWith(`${pid}-`))) || undefined;
    });
    // the API reuses the (empty) list of live workers for a moment
    await eventually(async () => ((await call('GET', '/v1/targets')).body.targets.length ? true : undefined));
    const sources = Array.from({ length: 10 }, (_, i) => `(define (tri n) (if (= n 0) 0 (+ n (tri (- n 1)))))\n(print ${i} (tri ${i * 10}))${fresh()}`);
    const submitted = await Promise.all(sources.map((source) => call('POST', '/v1/builds', { source })));
    for (const s of submitted) expect(s.status).toBe(202);
    expect(new Set(submitted.map((s) => s.body.id)).size).toBe(10);
    // both processes consume: with one job each at a time, two builds are active at once
    let active = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        active = Math.max(active, (await api.app.service.builds.getJobCounts('active')).active);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const manifests = await Promise.all(submitted.map((s) => completed(s.body.id, 90_000)));
    polling = false;
    await poll;
    expect(active).toBe(2);
    for (const [i, m] of manifests.entries()) {
      expect(await runExecutable(await download(m))).toBe(`${i} ${(i * 10 * (i * 10 + 1)) / 2}\n`);
    }
    for (const p of procs) {
      expect(p.exitCode).toBeNull();
      p.kill('SIGTERM');
    }
    await Promise.all(procs.map(async (p) => expect((await once(p, 'exit'))[0]).toBe(0)));
  });
});
