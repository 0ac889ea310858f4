// The service under faults, with real components: a worker killed mid-build, Redis restarted,
// the S3 store (s3rver) stopped, a corrupted artifact, hostile programs in the sandbox. Each
// describe has its own queue prefix, API and workers over one private Redis and one s3rver.
import { type ChildProcess, execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildWorker, type Manifest, type ObjectStore, type ServiceConfig, StoreUnavailableError, createStore, storeKeys } from '@omnilisp/worker';
import { type Api, type RedisServer, type Reply, callApi, eventually, spawnWorker, startApi, startRedis, startWorker, testConfig } from './service-harness.js';
import { type S3TestServer, s3Env, startS3Server } from './s3-server.js';

const execFileP = promisify(execFile);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A comment that makes a program (and so its key) one never seen before. */
const fresh = () => `\n; ${randomUUID()}\n`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-faults-'));

/**
 * A program of n chained definitions, slow to compile with gcc -O2 (about 2.5 s at n = 200 on
 * two cores), printing 0 + 1 + ... + (n - 1).
 */
function chain(n: number): { source: string; expected: string } {
  let source = '(define (f0 x) x)\n';
  for (let i = 1; i < n; i++) source += `(define (f${i} x) (if (< x 0) (f${i - 1} (- x)) (+ (f${i - 1} x) ${i})))\n`;
  return { source: `${source}(print (f${n - 1} 0))${fresh()}`, expected: `${(n * (n - 1)) / 2}\n` };
}

let redis: RedisServer;
let s3: S3TestServer;

/** The API (and optionally a worker in this process) on a prefix of its own, with S3 as the store. */
class Service {
  api!: Api;
  worker?: BuildWorker;
  readonly config: ServiceConfig;
  readonly store: ObjectStore;
  readonly procs: ChildProcess[] = [];

  constructor(env: Record<string, string> = {}) {
    this.config = testConfig(redis.url, {
      OMNI_QUEUE_PREFIX: `f${randomUUID().slice(0, 8)}`,
      ...s3Env(s3),
      OMNI_RATE_LIMIT: '1000000',
      ...env,
    });
    this.store = createStore(this.config.store);
  }

  async start(worker: boolean): Promise<this> {
    this.api = await startApi(this.config);
    if (worker) this.worker = await startWorker(this.config);
    return this;
  }

  spawn(): ChildProcess {
    const p = spawnWorker(this.config, { NODE_NO_WARNINGS: '1' });
    this.procs.push(p);
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await this.worker?.stop();
    await this.api?.close();
  }

  call(method: string, route: string, body?: object): Promise<Reply> {
    return callApi(this.api.url, method, route, body);
  }

  /** Polls GET /v1/builds/:id until completed (a failed build fails the test). */
  completed(id: string, timeoutMs = 60_000): Promise<Manifest> {
    return eventually(async () => {
      const r = await this.call('GET', `/v1/builds/${id}`);
      expect(r.status).toBe(200);
      expect(r.body.status, JSON.stringify(r.body)).not.toBe('failed');
      return r.body.status === 'completed' ? (r.body.manifest as Manifest) : undefined;
    }, timeoutMs, 100);
  }

  /** The artifact, checked against the manifest. */
  async download(manifest: Manifest): Promise<Buffer> {
    const res = await fetch(`${this.api.url}/v1/artifacts/${manifest.key}`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(manifest.artifact.bytes);
    expect(sha256(bytes)).toBe(manifest.artifact.sha256);
    return bytes;
  }

  async stats(): Promise<Record<string, number>> {
    return (await this.call('GET', '/v1/cache/stats')).body;
  }
}

/** Writes an executable artifact to disk and runs it: its stdout. */
async function execute(bytes: Buffer): Promise<string> {
  const file = path.join(tmp, `prog-${randomUUID().slice(0, 8)}`);
  fs.writeFileSync(file, bytes);
  fs.chmodSync(file, 0o755);
  return (await execFileP(file, [], { encoding: 'utf8' })).stdout;
}

/** Asserts an error answer: status, code, a JSON body and, for 503, Retry-After. */
function expectError(r: Reply, status: number, code: string, jsonType = true): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  if (jsonType) expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(r.body.error.code).toBe(code);
  if (status === 503) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
}

beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3Server()]);
});

afterAll(async () => {
  await Promise.all([redis?.stop(), s3?.destroy()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a worker killed mid-build', () => {
  let svc: Service;
  beforeAll(async () => {
    svc = await new Service({ WORKER_LOCK_MS: '2000', WORKER_CONCURRENCY: '1' }).start(false);
  });
  afterAll(async () => svc?.close());

  it('has its build taken over by another worker, which completes it', async () => {
    const a = svc.spawn();
    const { source, expected } = chain(200);
    const submitted = await eventually(async () => {
      const r = await svc.call('POST', '/v1/builds', { source });
      return r.status === 202 ? r : undefined; // 503 no_workers until A has announced itself
    });
    const before = await svc.stats();
    // A is running the C compiler: kill it there
    await eventually(async () => {
      const r = await svc.call('GET', `/v1/builds/${submitted.body.id}`);
      return r.body.status === 'active' && r.body.progress?.stage === 'linking' ? true : undefined;
    });
    a.kill('SIGKILL');
    expect((await once(a, 'exit'))[1]).toBe('SIGKILL');
    const killedAt = performance.now();
    expect((await svc.call('GET', `/v1/builds/${submitted.body.id}`)).body.status).toBe('active');

    svc.worker = await startWorker(svc.config);
    const manifest = await svc.completed(submitted.body.id, 60_000);
    const takeover = performance.now() - killedAt;
    expect(await execute(await svc.download(manifest))).toBe(expected);
    expect((await svc.stats()).builds_completed - before.builds_completed).toBe(1);
    console.log(`killed worker: build completed by the second one ${takeover.toFixed(0)} ms after the kill; its build took ${manifest.timings.totalMs} ms`);
    expect(manifest.timings.totalMs).toBeGreaterThan(1000);
  });
});

describe('Redis restarting', () => {
  let svc: Service;
  let worker: ChildProcess;
  beforeAll(async () => {
    svc = await new Service().start(false);
    worker = svc.spawn();
  });
  afterAll(async () => svc?.close());

  it('fails requests fast with 503 queue_unavailable while it is down, and recovers', async () => {
    const hello = `(print "hello" (* 6 7))`;
    const ok = await eventually(async () => {
      const r = await svc.call('POST', '/v1/run', { source: hello });
      return r.status === 200 ? r : undefined;
    });
    expect(ok.body.stdout).toBe('hello 42\n');

    // runs requested all along: each answers 200, or 503 while Redis (or, just after, a worker) is missing
    const load: { status: number; code?: string; ms: number; stdout?: string }[] = [];
    let loading = true;
    const loader = (async () => {
      while (loading) {
        const r = await svc.call('POST', '/v1/run', { source: hello });
        load.push({ status: r.status, code: r.body?.error?.code, ms: r.ms, stdout: r.body?.stdout });
        await sleep(50);
      }
    })();
    let restarted: number;
    try {
      // a run in flight when Redis goes away: its answer must not wait out the run's grace period
      const slow = svc.call('POST', '/v1/run', { source: `(define (spin) (spin))\n(spin)${fresh()}`, timeoutMs: 10_000 });
      await sleep(500);
      await redis.stop();
      const requests = [
        () => svc.call('POST', '/v1/builds', { source: `(print 1)${fresh()}` }),
        () => svc.call('POST', '/v1/run', { source: hello }),
        () => svc.call('POST', '/v1/run', { source: `(print 2)${fresh()}` }),
        () => svc.call('GET', `/v1/builds/${'0'.repeat(64)}`),
        () => svc.call('GET', '/v1/cache/stats'),
      ];
      for (const request of requests) {
        const r = await request();
        expectError(r, 503, 'queue_unavailable');
        expect(r.ms).toBeLessThan(3_000);
      }
      const inFlight = await slow;
      expectError(inFlight, 503, 'queue_unavailable');
      expect(inFlight.ms).toBeLessThan(3_000);

      await redis.restart();
      restarted = performance.now();
      const ran = await eventually(async () => {
        const r = await svc.call('POST', '/v1/run', { source: hello });
        return r.status === 200 ? r : undefined;
      }, 15_000, 200);
      expect(ran.body).toMatchObject({ stdout: 'hello 42\n', exitCode: 0 });
      const submitted = await eventually(async () => {
        const r = await svc.call('POST', '/v1/builds', { source: `(print "after" (+ 1 2))${fresh()}` });
        return r.status === 202 ? r : undefined;
      }, 15_000, 200);
      const manifest = await svc.completed(submitted.body.id);
      expect(await execute(await svc.download(manifest))).toBe('after 3\n');
    } finally {
      loading = false;
      await loader;
    }
    for (const r of load) {
      expect([200, 503]).toContain(r.status);
      if (r.status === 200) expect(r.stdout).toBe('hello 42\n');
      else expect(['queue_unavailable', 'no_workers']).toContain(r.code);
      expect(r.ms).toBeLessThan(3_000);
    }
    // (whether the loader's requests fall inside the outage depends on timing: the requests above are the ones that must)
    expect(load.at(-1)!.status).toBe(200);
    console.log(`Redis restart: runs and builds answered again ${(performance.now() - restarted).toFixed(0)} ms after it was back`);
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
    expect((await svc.call('GET', '/readyz')).status).toBe(200);
  });
});

describe('the S3 store unavailable', () => {
  let svc: Service;
  beforeAll(async () => {
    svc = await new Service().start(true);
  });
  afterAll(async () => {
    await s3.restart(); // whatever a failed test left
    await svc?.close();
  });

  /** Checks that every visible key (one with a manifest) has its artifact with the manifest's bytes; counts the checks. */
  async function consistent(): Promise<number> {
    let checked = 0;
    try {
      const objects = await svc.store.list('artifacts/');
      for (const o of objects.filter((x) => x.key.endsWith('/manifest.json'))) {
        const key = o.key.split('/')[1];
        const m = JSON.parse((await svc.store.get(o.key))!.toString('utf8')) as Manifest;
        const body = await svc.store.get(storeKeys(key, m.artifact.name).artifact);
        expect(body, `${key}: a manifest without its artifact`).not.toBeNull();
        expect(sha256(body!), `${key}: an artifact whose bytes mismatch its manifest`).toBe(m.artifact.sha256);
        checked++;
      }
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
    }
    return checked;
  }

  it('answers 503 store_unavailable while it is down, and serves again when it is back', async () => {
    const cachedSource = `(print "stored")${fresh()}`;
    const first = await svc.call('POST', '/v1/builds', { source: cachedSource });
    expect(first.status).toBe(202);
    const manifest = await svc.completed(first.body.id);

    await s3.stop();
    for (const request of [
      () => svc.call('POST', '/v1/builds', { source: cachedSource }),
      () => svc.call('POST', '/v1/builds', { source: `(print "new")${fresh()}` }),
      () => svc.call('GET', `/v1/artifacts/${manifest.key}`),
      () => svc.call('GET', `/v1/artifacts/${manifest.key}/manifest`),
    ]) {
      const r = await request();
      expectError(r, 503, 'store_unavailable');
      expect(r.ms).toBeLessThan(5_000);
    }
    await s3.restart();
    const again = await svc.call('POST', '/v1/builds', { source: cachedSource });
    expect(again.status).toBe(200);
    expect(again.body.manifest).toEqual(manifest);
    expect(await execute(await svc.download(manifest))).toBe('stored\n');
    const other = await svc.call('POST', '/v1/builds', { source: `(print "new")${fresh()}` });
    expect(other.status).toBe(202);
    expect(await execute(await svc.download(await svc.completed(other.body.id)))).toBe('new\n');
  });

  it('retries a build whose upload failed; no partial artifact is ever visible', async () => {
    let watching = true;
    let checks = 0;
    const watcher = (async () => {
      while (watching) {
        checks += await consistent();
        await sleep(25);
      }
    })();
    try {
      const { source, expected } = chain(80);
      const submitted = await svc.call('POST', '/v1/builds', { source });
      expect(submitted.status).toBe(202);
      const id = submitted.body.id as string;
      // stop the store while the worker compiles: its upload fails
      await eventually(async () => ((await svc.call('GET', `/v1/builds/${id}`)).body.progress?.stage === 'linking' ? true : undefined));
      await s3.stop();
      const failed = await eventually(async () => {
        const r = await svc.call('GET', `/v1/builds/${id}`);
        return r.body.attempts >= 1 ? r : undefined;
      }, 30_000, 20);
      expect(failed.body.status).not.toBe('completed');
      expect(failed.body.status).not.toBe('failed');
      // what the failed attempt left is invisible: no manifest
      await s3.restart();
      const partial = await svc.call('GET', `/v1/artifacts/${id}`);
      if (partial.status !== 200) expectError(partial, 404, 'not_found');
      const manifest = await svc.completed(id, 30_000);
      const done = await svc.call('GET', `/v1/builds/${id}`);
      expect(done.body.status).toBe('completed');
      expect(await execute(await svc.download(manifest))).toBe(expected);
      const objects = (await svc.store.list(storeKeys(id).prefix)).map((o) => o.key).sort();
      expect(objects).toEqual([storeKeys(id).artifact, storeKeys(id).manifest, storeKeys(id).spec].sort());
    } finally {
      watching = false;
      await watcher;
    }
    expect(checks).toBeGreaterThan(0);
    expect(await consistent()).toBeGreaterThan(0);
  });

  it('fails a build whose every attempt found the store down; the same request succeeds when it is back', async () => {
    const { source, expected } = chain(60);
    const submitted = await svc.call('POST', '/v1/builds', { source });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    await s3.stop(); // before the worker's upload: it compiles for a second
    // three attempts, 1 s and 2 s apart
    const failed = await eventually(async () => {
      const r = await svc.call('GET', `/v1/builds/${id}`);
      return r.body.status === 'failed' ? r : undefined;
    }, 20_000, 100);
    expect(failed.body).toMatchObject({ attempts: 3, error: { code: 'internal' } });
    expectError(await svc.call('POST', '/v1/builds', { source }), 503, 'store_unavailable');
    await s3.restart();
    const again = await svc.call('POST', '/v1/builds', { source });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(id);
    expect(await execute(await svc.download(await svc.completed(id)))).toBe(expected);
    expect(await consistent()).toBeGreaterThan(0);
  });
});

describe('a corrupted artifact', () => {
  let svc: Service;
  beforeAll(async () => {
    svc = await new Service().start(true);
  });
  afterAll(async () => svc?.close());

  it('is detected by its SHA-256 when downloaded: 503 artifact_rebuilding, then the rebuilt bytes', async () => {
    const source = `(define (sq x) (* x x))\n(print (map sq (range 5)))${fresh()}`;
    const first = await svc.call('POST', '/v1/builds', { source });
    const manifest = await svc.completed(first.body.id);
    const before = await svc.stats();
    const object = storeKeys(manifest.key, manifest.artifact.name).artifact;
    const good = (await svc.store.get(object))!;
    const bad = Buffer.from(good);
    bad[bad.length >> 1] ^= 0xff;
    await svc.store.put(object, bad);

    const r = await svc.call('GET', `/v1/artifacts/${manifest.key}`);
    // (the route sets the artifact's headers, Content-Type included, before the check fails)
    expectError(r, 503, 'artifact_rebuilding', false);
    expect(r.body.error.details.build).toBe(`/v1/builds/${manifest.key}`);
    const rebuilt = await svc.completed(manifest.key);
    expect(rebuilt.key).toBe(manifest.key);
    const bytes = await eventually(async () => {
      const res = await fetch(`${svc.api.url}/v1/artifacts/${manifest.key}`);
      return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : undefined;
    });
    expect(sha256(bytes)).toBe(rebuilt.artifact.sha256);
    expect(sha256(bytes)).not.toBe(sha256(bad));
    expect(await execute(bytes)).toBe('(0 1 4 9 16)\n');
    expect((await svc.stats()).builds_completed - before.builds_completed).toBe(1);
  });

  it('is detected by a run, which rebuilds the tcc object: the right output, a miss', async () => {
    const source = `(print "tcc" (apply + (range 10)))${fresh()}`;
    const first = await svc.call('POST', '/v1/builds', { source, output: 'shared' });
    expect(first.status).toBe(202);
    const manifest = await svc.completed(first.body.id);
    expect(manifest).toMatchObject({ compiler: 'tcc', output: 'shared' });
    const object = storeKeys(manifest.key, manifest.artifact.name).artifact;
    await svc.store.put(object, Buffer.from('not an object file'));

    const r = await svc.call('POST', '/v1/run', { source });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ stdout: 'tcc 45\n', exitCode: 0, cache: 'miss', key: manifest.key });
    const stored = (await svc.store.get(object))!;
    const restored = JSON.parse((await svc.store.get(storeKeys(manifest.key).manifest))!.toString('utf8')) as Manifest;
    expect(sha256(stored)).toBe(restored.artifact.sha256);
    const again = await svc.call('POST', '/v1/run', { source });
    expect(again.body).toMatchObject({ stdout: 'tcc 45\n', cache: 'hit' });
  });

  it('is detected by a run by key, which rebuilds it from its stored spec', async () => {
    const first = await svc.call('POST', '/v1/builds', { source: `(print "by key" (command-line))${fresh()}`, output: 'shared' });
    const manifest = await svc.completed(first.body.id);
    const object = storeKeys(manifest.key, manifest.artifact.name).artifact;
    const good = (await svc.store.get(object))!;
    await svc.store.put(object, good.subarray(0, good.length - 1));

    const r = await svc.call('POST', '/v1/run', { key: manifest.key, args: ['a', 'b'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ stdout: 'by key (a b)\n', exitCode: 0, cache: 'miss', key: manifest.key });
    const restored = JSON.parse((await svc.store.get(storeKeys(manifest.key).manifest))!.toString('utf8')) as Manifest;
    expect(sha256((await svc.store.get(object))!)).toBe(restored.artifact.sha256);
  });
});

describe('hostile programs through POST /v1/run', () => {
  const OUTPUT_BYTES = 4096;
  let svc: Service;
  beforeAll(async () => {
    svc = await new Service({
      OMNI_RUN_MEMORY_MB: '64',
      OMNI_RUN_OUTPUT_BYTES: String(OUTPUT_BYTES),
      OMNI_RUN_PROCESSES: '16',
      OMNI_RUN_TIMEOUT_MS: '3000',
      WORKER_CONCURRENCY: '1',
    }).start(true);
  });
  afterAll(async () => svc?.close());

  async function run(source: string, timeoutMs?: number): Promise<Reply> {
    const r = await svc.call('POST', '/v1/run', { source: source + fresh(), ...(timeoutMs ? { timeoutMs } : {}) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r;
  }

  /** The service still runs a normal program correctly. */
  async function healthy(): Promise<void> {
    const r = await run('(print "still" (+ 40 2))');
    expect(r.body).toMatchObject({ stdout: 'still 42\n', stderr: '', exitCode: 0, limit: null, truncated: false });
  }

  it('stops an infinite loop at its time limit', async () => {
    const r = await run('(define (spin n) (spin (+ n 1)))\n(spin 0)', 1000);
    expect(['timeout', 'cpu']).toContain(r.body.limit);
    expect(r.body.exitCode).not.toBe(0);
    expect(r.ms).toBeLessThan(10_000);
    await healthy();
  });

  it('stops a memory bomb at its memory limit', async () => {
    const r = await run('(define (grow acc n) (grow (cons (make-vector 64 n) acc) (+ n 1)))\n(grow nil 0)');
    expect(r.body.limit, JSON.stringify(r.body)).toBe('memory');
    expect(r.body.exitCode).not.toBe(0);
    await healthy();
  });

  it('stops an output flood at its output limit, truncated', async () => {
    const r = await run('(define (flood n) (print "flooding the service" n) (flood (+ n 1)))\n(flood 0)');
    expect(r.body).toMatchObject({ limit: 'output', truncated: true });
    expect(Buffer.byteLength(r.body.stdout) + Buffer.byteLength(r.body.stderr)).toBeLessThanOrEqual(OUTPUT_BYTES);
    expect(r.body.stdout).toMatch(/^flooding the service 0\nflooding the service 1\n/);
    await healthy();
  });

  it('stops a thread bomb', async () => {
    const r = await run('(define (bomb) (spawn (fn () (bomb))) (bomb))\n(bomb)');
    expect(r.body.limit !== null || r.body.exitCode !== 0, JSON.stringify(r.body)).toBe(true);
    expect(r.ms).toBeLessThan(15_000);
    await healthy();
  });
});
