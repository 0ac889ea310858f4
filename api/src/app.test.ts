// The HTTP API end to end, through supertest against the express app: a private redis-server,
// the filesystem store and an in-process worker, so builds and runs really happen. Every endpoint
// and every error path; each describe has its own queue prefix (and store), sharing one Redis,
// except the readiness test, which stops its own.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { Validator } from '@seriousme/openapi-schema-validator';
import supertest, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildWorker, ConfigError, type ObjectStore, type ServiceConfig, connect, createLogger, createStore, storeKeys } from '@omnilisp/worker';
import { type RedisServer, eventually, startRedis, startWorker, testConfig } from '../../test/src/service-harness.js';
import { type App, createApp } from './app.js';
import { listen, parseTrustProxy, serverUrl } from './server.js';

const execFileP = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const TARGET = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
const HEX64 = /^[0-9a-f]{64}$/;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** A comment that makes a program (and so its key) new for each test. */
const fresh = () => `\n; ${randomUUID()}\n`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-app-test-'));

interface Env {
  config: ServiceConfig;
  app: App;
  redis: Redis;
  api: ReturnType<typeof supertest>;
  worker?: BuildWorker;
  close(): Promise<void>;
}

/** The app (from source) on its own prefix and store, with an in-process worker when asked. */
async function setup(redisUrl: string, env: Record<string, string>, withWorker: boolean, tweak: (c: ServiceConfig) => void = () => undefined): Promise<Env> {
  const config = testConfig(redisUrl, { OMNI_QUEUE_PREFIX: `t${randomUUID().slice(0, 8)}`, ...env });
  tweak(config);
  const redis = connect(config.redisUrl, true);
  redis.on('error', () => undefined);
  // the API's connection fails fast (503) until it is up: wait for it, as a deployment's readiness probe would
  if (redis.status !== 'ready') await once(redis, 'ready');
  const app = createApp({ config, redis, store: createStore(config.store), logger: createLogger('api', 'silent') });
  const worker = withWorker ? await startWorker(config) : undefined;
  return {
    config,
    app,
    redis,
    worker,
    api: supertest(app.app),
    close: async () => {
      await worker?.stop();
      await app.close();
      redis.disconnect();
    },
  };
}

/** Asserts the status and the `{error: {code, message, details?}}` body every error has. */
function expectError(res: Response, status: number, code: string): { code: string; message: string; details?: any } {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.type).toBe('application/json');
  expect(Object.keys(res.body)).toEqual(['error']);
  const e = res.body.error;
  expect(e.code).toBe(code);
  expect(typeof e.message).toBe('string');
  expect(e.message.length).toBeGreaterThan(0);
  for (const k of Object.keys(e)) expect(['code', 'message', 'details']).toContain(k);
  return e;
}

/** superagent's parser for raw bytes. */
const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/**
 * Polls GET /v1/builds/:key until the build is completed or failed, then reads it once more: the
 * service reads a job before its state, so the poll that first sees a finished state may carry the
 * job as it was while active (no failedReason, no returnvalue). A finished state is final, so the
 * next read is whole.
 */
async function finished(api: Env['api'], key: string, auth: Record<string, string> = {}): Promise<Response> {
  await eventually(async () => {
    const r = await api.get(`/v1/builds/${key}`).set(auth);
    expect(r.status).toBe(200);
    expect(['queued', 'active', 'completed', 'failed']).toContain(r.body.status);
    return r.body.status === 'completed' || r.body.status === 'failed' ? r : undefined;
  }, 60_000);
  const r = await api.get(`/v1/builds/${key}`).set(auth);
  expect(r.status).toBe(200);
  return r;
}

const metricValue = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = /^[^{]+\{([^}]*)\}\s+(\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[2]);
  }
  return undefined;
};

let redisServer: RedisServer;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// ==================================================================== builds, artifacts, runs

describe('the API with a worker', () => {
  let env: Env;
  let api: Env['api'];
  /** A completed gcc build shared by the tests below. */
  let hello: { source: string; key: string; manifest: any };

  beforeAll(async () => {
    env = await setup(redisServer.url, { OMNI_MAX_BODY_BYTES: '4096', OMNI_MAX_SOURCE_BYTES: '2048', OMNI_MAX_FILES: '4' }, true);
    api = env.api;
  });
  afterAll(async () => env?.close());

  it('builds with gcc: 202, then completed with a manifest; the same request again is a 200 hit', async () => {
    const source = `(print "hello" (command-line))${fresh()}`;
    const r = await api.post('/v1/builds').send({ source });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const key = r.body.key;
    expect(key).toMatch(HEX64);
    expect(r.body.id).toBe(key);
    expect(['queued', 'active']).toContain(r.body.status);
    expect(r.body.links).toEqual({ self: `/v1/builds/${key}`, artifact: `/v1/artifacts/${key}`, manifest: `/v1/artifacts/${key}/manifest` });
    expect(r.body.manifest).toBeUndefined();

    const done = await finished(api, key);
    expect(done.body).toMatchObject({ id: key, key, status: 'completed' });
    const m = done.body.manifest;
    expect(m).toMatchObject({ key, target: TARGET, output: 'executable', compiler: 'gcc', opt: 2, static: false, entry: 'main.omni', diagnostics: [] });
    expect(m.files).toEqual([{ name: 'main.omni', bytes: Buffer.byteLength(source), sha256: sha256(source) }]);
    expect(m.artifact.sha256).toMatch(HEX64);
    expect(m.artifact.bytes).toBeGreaterThan(1000);
    expect(m.artifact.cBytes).toBeGreaterThan(0);
    expect(m.versions).toEqual({ compiler: expect.any(String), runtime: expect.any(String), cc: expect.stringMatching(/gcc|GCC/) });
    for (const t of ['compileMs', 'ccMs', 'uploadMs', 'totalMs']) expect(m.timings[t]).toBeGreaterThanOrEqual(0);
    expect(m.timings.totalMs).toBeGreaterThan(0);
    expect(new Date(m.createdAt).getTime()).toBeGreaterThan(Date.now() - 120_000);

    const again = await api.post('/v1/builds').send({ source });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: key, key, status: 'completed', manifest: m, links: r.body.links });
    hello = { source, key, manifest: m };
  });

  it('serves the artifact: bytes hashing to the ETag, HEAD, If-None-Match, the manifest; the executable runs', async () => {
    const { key, manifest } = hello;
    const r = await api.get(`/v1/artifacts/${key}`).buffer(true).parse(binary);
    expect(r.status).toBe(200);
    const body = r.body as Buffer;
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body.length).toBe(manifest.artifact.bytes);
    expect(r.headers.etag).toBe(`"${sha256(body)}"`);
    expect(r.headers['x-content-sha256']).toBe(sha256(body));
    expect(sha256(body)).toBe(manifest.artifact.sha256);
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="${manifest.artifact.name}"`);
    expect(r.headers['cache-control']).toMatch(/immutable/);

    const head = await api.head(`/v1/artifacts/${key}`).buffer(true).parse(binary);
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBe(r.headers.etag);
    expect(head.headers['x-content-sha256']).toBe(manifest.artifact.sha256);
    expect(head.headers['content-length']).toBe(String(manifest.artifact.bytes));
    expect((head.body as Buffer | undefined)?.length ?? 0).toBe(0);

    const notModified = await api.get(`/v1/artifacts/${key}`).set('If-None-Match', r.headers.etag).buffer(true).parse(binary);
    expect(notModified.status).toBe(304);
    expect((notModified.body as Buffer).length).toBe(0);
    expect(notModified.headers.etag).toBe(r.headers.etag);
    const listed = await api.get(`/v1/artifacts/${key}`).set('If-None-Match', `"${'0'.repeat(64)}", ${r.headers.etag}`).buffer(true).parse(binary);
    expect(listed.status).toBe(304);
    const other = await api.get(`/v1/artifacts/${key}`).set('If-None-Match', `"${'0'.repeat(64)}"`).buffer(true).parse(binary);
    expect(other.status).toBe(200);
    expect(sha256(other.body)).toBe(manifest.artifact.sha256);

    const mr = await api.get(`/v1/artifacts/${key}/manifest`);
    expect(mr.status).toBe(200);
    expect(mr.body).toEqual(manifest);
    expect(mr.headers.etag).toBe(r.headers.etag);

    const exe = path.join(tmp, `hello-${key.slice(0, 8)}`);
    fs.writeFileSync(exe, body);
    fs.chmodSync(exe, 0o755);
    const out = await execFileP(exe, ['Ada', 'Lovelace']);
    expect(out.stdout).toBe('hello (Ada Lovelace)\n');
    expect(out.stderr).toBe('');
  });

  it('keys: another source, opt and static give other keys for gcc; tcc ignores opt and static', async () => {
    const { source, key } = hello;
    const other = await api.post('/v1/builds').send({ source: `${source} ` });
    const opt0 = await api.post('/v1/builds').send({ source, opt: 0 });
    const opt2 = await api.post('/v1/builds').send({ source, opt: 2 });
    const stat = await api.post('/v1/builds').send({ source, static: true });
    expect(opt2.status).toBe(200); // opt 2 is the default: the same key, already built
    expect(opt2.body.key).toBe(key);
    for (const r of [other, opt0, stat]) expect(r.status).toBe(202);
    const keys = [key, other.body.key, opt0.body.key, stat.body.key];
    expect(new Set(keys).size).toBe(4);

    const tccSource = `(print "tcc keys")${fresh()}`;
    const t1 = await api.post('/v1/builds').send({ source: tccSource, output: 'shared' });
    const t2 = await api.post('/v1/builds').send({ source: tccSource, output: 'shared', compiler: 'tcc', opt: 2, static: true });
    expect(t1.status).toBe(202);
    expect(t2.body.key).toBe(t1.body.key);

    const [o0, st, tc] = await Promise.all([finished(api, opt0.body.key), finished(api, stat.body.key), finished(api, t1.body.key)]);
    expect(o0.body.manifest).toMatchObject({ compiler: 'gcc', opt: 0, static: false });
    expect(st.body.status, JSON.stringify(st.body)).toBe('completed');
    expect(st.body.manifest).toMatchObject({ compiler: 'gcc', opt: 2, static: true });
    expect(tc.body.manifest).toMatchObject({ compiler: 'tcc', output: 'shared', opt: 0, static: false });
    await finished(api, other.body.key);
  });

  it('builds with clang and a shared object with tcc (which /v1/run runs by key)', async () => {
    const source = `(print "compiled by" (car (command-line)))${fresh()}`;
    const clang = await api.post('/v1/builds').send({ source, compiler: 'clang', opt: 0 });
    const shared = await api.post('/v1/builds').send({ source, output: 'shared' });
    expect(clang.status).toBe(202);
    expect(shared.status).toBe(202);
    expect(clang.body.key).not.toBe(shared.body.key);
    const [c, s] = await Promise.all([finished(api, clang.body.key), finished(api, shared.body.key)]);
    expect(c.body.manifest).toMatchObject({ compiler: 'clang', output: 'executable', opt: 0, target: TARGET });
    expect(c.body.manifest.versions.cc).toMatch(/clang/);
    expect(s.body.manifest).toMatchObject({ compiler: 'tcc', output: 'shared', target: TARGET });

    const bin = await api.get(`/v1/artifacts/${clang.body.key}`).buffer(true).parse(binary);
    const exe = path.join(tmp, 'clang-exe');
    fs.writeFileSync(exe, bin.body);
    fs.chmodSync(exe, 0o755);
    expect((await execFileP(exe, ['clang'])).stdout).toBe('compiled by clang\n');

    const obj = await api.get(`/v1/artifacts/${shared.body.key}`).buffer(true).parse(binary);
    expect(sha256(obj.body)).toBe(s.body.manifest.artifact.sha256);
    const run = await api.post('/v1/run').send({ key: shared.body.key, args: ['tcc'] });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body).toMatchObject({ stdout: 'compiled by tcc\n', stderr: '', exitCode: 0, limit: null, key: shared.body.key });
  });

  it('builds several files: main.omni imports lib/NAME.omni; entry picks the program', async () => {
    const tag = fresh();
    const files = {
      'main.omni': `(import greet)\n(print (greet "main"))${tag}`,
      'other.omni': `(import greet)\n(print (greet "other") (command-line))`,
      'lib/greet.omni': `(define (greet who) (str "hi from " who))`,
    };
    const b = await api.post('/v1/builds').send({ files, output: 'shared' });
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    const done = await finished(api, b.body.key);
    expect(done.body.status).toBe('completed');
    expect(done.body.manifest.entry).toBe('main.omni');
    expect(done.body.manifest.files.map((f: { name: string }) => f.name).sort()).toEqual(['lib/greet.omni', 'main.omni', 'other.omni']);
    const byKey = await api.post('/v1/run').send({ key: b.body.key });
    expect(byKey.body.stdout).toBe('hi from main\n');

    const other = await api.post('/v1/run').send({ files, entry: 'other.omni', args: ['x'] });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body.stdout).toBe('hi from other (x)\n');
    expect(other.body.key).not.toBe(b.body.key);

    // the only top-level file is the entry
    const single = await api.post('/v1/run').send({ files: { 'prog.omni': `(import greet)\n(print (greet "prog"))${tag}`, 'lib/greet.omni': files['lib/greet.omni'] } });
    expect(single.status, JSON.stringify(single.body)).toBe(200);
    expect(single.body.stdout).toBe('hi from prog\n');

    // several top-level files and no main.omni: entry is required, and must name one of them
    const two = { 'a.omni': '(print 1)', 'b.omni': '(print 2)' };
    expectError(await api.post('/v1/builds').send({ files: two }), 400, 'invalid_request');
    expectError(await api.post('/v1/builds').send({ files: two, entry: 'c.omni' }), 400, 'invalid_request');
    expectError(await api.post('/v1/builds').send({ files: {} }), 400, 'invalid_request');
    const chosen = await api.post('/v1/run').send({ files: two, entry: 'b.omni' });
    expect(chosen.body.stdout).toBe('2\n');
  });

  it('runs programs: stdout, stdin, args, exit status, uncaught errors; a miss, then a hit', async () => {
    const source = `(print "args:" (command-line))\n(define line (read-line))\n(print (str "read " line))\n(display "no newline")${fresh()}`;
    const first = await api.post('/v1/run').send({ source, stdin: 'first line\nsecond\n', args: ['-v', 'two words'] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      stdout: 'args: (-v two words)\nread first line\nno newline',
      stderr: '',
      exitCode: 0,
      limit: null,
      truncated: false,
      cache: 'miss',
    });
    expect(first.body.key).toMatch(HEX64);
    for (const t of ['fetchMs', 'buildMs', 'runMs', 'totalMs', 'requestMs']) expect(typeof first.body.timings[t]).toBe('number');
    expect(first.body.timings.buildMs).toBeGreaterThan(0);

    const second = await api.post('/v1/run').send({ source, stdin: 'other\n' });
    expect(second.body).toMatchObject({ stdout: 'args: nil\nread other\nno newline', exitCode: 0, cache: 'hit', key: first.body.key });
    expect(second.body.timings.buildMs).toBe(0);

    // the run compiled a shared artifact under that key: it is in the store
    const m = await api.get(`/v1/artifacts/${first.body.key}/manifest`);
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ key: first.body.key, compiler: 'tcc', output: 'shared' });

    const byKey = await api.post('/v1/run').send({ key: first.body.key, stdin: 'by key', args: ['k'] });
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ stdout: 'args: (k)\nread by key\nno newline', exitCode: 0, cache: 'hit', key: first.body.key });

    const exit3 = await api.post('/v1/run').send({ source: `(display "bye")\n(exit 3)\n(print "unreached")${fresh()}` });
    expect(exit3.body).toMatchObject({ stdout: 'bye', stderr: '', exitCode: 3, limit: null });

    const raised = await api.post('/v1/run').send({ source: `(print "before")\n(define (f x) (+ 1 (error "boom" x)))\n(f 42)\n(print "after")${fresh()}` });
    expect(raised.status).toBe(200);
    // the backtrace follows the error, positions in the request's own file name
    const stderr = 'error: boom 42\n  at f (main.omni:2:20)\n  at <top level> (main.omni:3:1)\n';
    expect(raised.body).toMatchObject({ stdout: 'before\n', stderr, exitCode: 1, limit: null });
    // a frame in a bundled library is named lib/NAME, never by a path of the worker
    const inLibrary = await api.post('/v1/run').send({ source: `(import violet)\n(frequencies 5)${fresh()}` });
    expect(inLibrary.body.stderr).toMatch(/^error: for-each: expected list, got 5\n {2}at frequencies \(lib\/violet\.omni:\d+:\d+\)\n {2}at <top level> \(main\.omni:2:1\)\n$/);
  });

  it('runs: unknown key 404, a key with a program 400, a gcc artifact is not runnable (404), an infinite loop hits its limit', async () => {
    expectError(await api.post('/v1/run').send({ key: 'e'.repeat(64) }), 404, 'not_found');
    expectError(await api.post('/v1/run').send({ key: hello.key, source: '(print 1)' }), 400, 'invalid_request');
    expectError(await api.post('/v1/run').send({ key: 'E'.repeat(64) }), 400, 'invalid_request');
    expectError(await api.post('/v1/run').send({ key: hello.key }), 404, 'not_found');
    expectError(await api.post('/v1/run').send({ source: '(print 1)', timeoutMs: 0 }), 400, 'invalid_request');
    expectError(await api.post('/v1/run').send({ source: '(print 1)', args: 'a b' }), 400, 'invalid_request');

    const started = Date.now();
    const loop = await api.post('/v1/run').send({ source: `(define (f) (f))\n(f)${fresh()}`, timeoutMs: 500 });
    expect(loop.status, JSON.stringify(loop.body)).toBe(200);
    expect(['timeout', 'cpu']).toContain(loop.body.limit);
    expect(loop.body.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('rejects malformed requests with JSON errors', async () => {
    const bad = await api.post('/v1/builds').set('Content-Type', 'application/json').send('{"source": ');
    expectError(bad, 400, 'invalid_json');
    expectError(await api.post('/v1/builds').set('Content-Type', 'application/json').send('"(print 1)"'), 400, 'invalid_json');
    expectError(await api.post('/v1/builds').set('Content-Type', 'text/plain').send('(print 1)'), 415, 'unsupported_media_type');
    expectError(await api.post('/v1/run').type('form').send({ source: '(print 1)' }), 415, 'unsupported_media_type');
    const latin1 = api.post('/v1/builds').set('Content-Type', 'application/json; charset=latin1').send('{"source": "(print 1)"}');
    expectError(await latin1, 415, 'unsupported_media_type');
    const compressed = api.post('/v1/builds').set({ 'Content-Type': 'application/json', 'Content-Encoding': 'compress' }).send('{"source": "(print 1)"}');
    expectError(await compressed, 415, 'unsupported_media_type');
    expectError(await api.post('/v1/builds').send({}), 400, 'invalid_request');
    expectError(await api.post('/v1/run').send({}), 400, 'invalid_request');
    expectError(await api.post('/v1/builds').send([]), 400, 'invalid_request');
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', files: { 'main.omni': '(print 1)' } }), 400, 'invalid_request');

    const unknown = expectError(await api.post('/v1/builds').send({ source: '(print 1)', sauce: 'x' }), 400, 'invalid_request');
    expect(unknown.message).toMatch(/sauce/);
    expect(unknown.details).toEqual([expect.objectContaining({ message: expect.stringMatching(/sauce/) })]);
    expectError(await api.post('/v1/run').send({ source: '(print 1)', output: 'shared' }), 400, 'invalid_request');

    for (const name of ['../x.omni', 'a/b.omni', 'lib/../x.omni', 'main.txt', '.omni', 'lib/sub/x.omni']) {
      const e = expectError(await api.post('/v1/builds').send({ files: { [name]: '(print 1)' } }), 400, 'invalid_request');
      expect(e.details[0].path).toBe(`files.${name}`);
    }
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', entry: '../main.omni' }), 400, 'invalid_request');

    const wrongType = expectError(await api.post('/v1/builds').send({ source: 42 }), 400, 'invalid_request');
    expect(wrongType.details).toEqual([expect.objectContaining({ path: 'source' })]);
    const compiler = expectError(await api.post('/v1/builds').send({ source: '(print 1)', compiler: 'icc' }), 400, 'invalid_request');
    expect(compiler.details[0].path).toBe('compiler');
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', opt: 1 }), 400, 'invalid_request');
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', output: 'library' }), 400, 'invalid_request');
  });

  it('enforces the body, source and file-count limits (413)', async () => {
    // the body limit (4096 bytes) is checked before anything else
    expectError(await api.post('/v1/builds').send({ source: `(print "${'x'.repeat(5000)}")` }), 413, 'payload_too_large');
    expectError(await api.post('/v1/run').send({ source: '(print 1)', stdin: 'y'.repeat(5000) }), 413, 'payload_too_large');
    // the source limit (2048 bytes) counts every file, in bytes (not characters)
    const big = expectError(await api.post('/v1/builds').send({ source: `(print "${'x'.repeat(2100)}")` }), 413, 'source_too_large');
    expect(big.message).toMatch(/2048/);
    const halves = { 'main.omni': `(print "${'a'.repeat(1100)}")`, 'lib/b.omni': `(print "${'b'.repeat(1100)}")` };
    expectError(await api.post('/v1/builds').send({ files: halves }), 413, 'source_too_large');
    expectError(await api.post('/v1/run').send({ source: `(print "${'é'.repeat(1100)}")` }), 413, 'source_too_large');
    // at most 4 files
    const five = Object.fromEntries(['main', 'a', 'b', 'c', 'd'].map((n, i) => [n === 'main' ? 'main.omni' : `lib/${n}.omni`, `(print ${i})`]));
    expectError(await api.post('/v1/builds').send({ files: five }), 413, 'too_many_files');
    const four = Object.fromEntries(Object.entries(five).slice(0, 4));
    const ok = await api.post('/v1/run').send({ files: four });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.stdout).toBe('0\n');
  });

  it('answers 400 unsupported_target with the available targets', async () => {
    const t = expectError(await api.post('/v1/builds').send({ source: '(print 1)', target: 'riscv64-unknown-elf' }), 400, 'unsupported_target');
    expect(t.details.available).toEqual(expect.arrayContaining([{ target: TARGET, compiler: 'gcc', output: 'executable' }, { target: TARGET, compiler: 'tcc', output: 'shared' }]));
    const targets = await api.get('/v1/targets');
    expect(t.details.available).toEqual(targets.body.targets);
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', compiler: 'gcc', output: 'shared' }), 400, 'unsupported_target');
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', compiler: 'tcc', output: 'executable' }), 400, 'unsupported_target');
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', target: '' }), 400, 'invalid_request');
    // naming the target explicitly works
    const ok = await api.post('/v1/builds').send({ source: hello.source, target: TARGET });
    expect(ok.status).toBe(200);
    expect(ok.body.key).toBe(hello.key);
  });

  it('rejects bad keys (400) and answers unknown keys 404', async () => {
    for (const bad of ['xyz', 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(63)}g`]) {
      expectError(await api.get(`/v1/builds/${bad}`), 400, 'bad_key');
      expectError(await api.get(`/v1/artifacts/${bad}`), 400, 'bad_key');
      expectError(await api.get(`/v1/artifacts/${bad}/manifest`), 400, 'bad_key');
    }
    const unknown = 'f'.repeat(64);
    expectError(await api.get(`/v1/builds/${unknown}`), 404, 'not_found');
    expectError(await api.get(`/v1/artifacts/${unknown}`), 404, 'not_found');
    expectError(await api.get(`/v1/artifacts/${unknown}/manifest`), 404, 'not_found');
    const head = await api.head(`/v1/artifacts/${unknown}`);
    expect(head.status).toBe(404);
    // a malformed percent-escape is the client's error, not the server's
    expectError(await api.get('/v1/builds/%E0%A4%A'), 400, 'invalid_request');
    expectError(await api.get('/v1/artifacts/%zz'), 400, 'invalid_request');
  });

  it('answers unknown routes and methods 404 in JSON', async () => {
    for (const [method, url] of [
      ['get', '/nope'],
      ['get', '/v1/nope'],
      ['get', '/v1/builds'],
      ['put', '/v1/builds'],
      ['delete', `/v1/builds/${'a'.repeat(64)}`],
      ['get', '/v2/builds'],
    ] as const) {
      const e = expectError(await api[method](url), 404, 'not_found');
      expect(e.message).toContain(url);
    }
  });

  it('finds syntax errors at once: 422 with diagnostics at the right position', async () => {
    const source = '(print 1)\n  (print 2))\n';
    for (const route of ['/v1/builds', '/v1/run']) {
      const e = expectError(await api.post(route).send({ source }), 422, 'compile_error');
      expect(e.details).toEqual({ diagnostics: [{ file: 'main.omni', line: 2, column: 12, message: "unexpected ')'" }] });
      expect(e.message).toBe("main.omni:2:12: unexpected ')'");
    }
    const files = { 'main.omni': '(import bad)\n(print 1)', 'lib/bad.omni': '(define x "unterminated' };
    const e = expectError(await api.post('/v1/builds').send({ files }), 422, 'compile_error');
    expect(e.details.diagnostics).toEqual([{ file: 'lib/bad.omni', line: 1, column: 11, message: 'unterminated string' }]);
  });

  it('reports other compile errors from the worker: a failed build with diagnostics; a run answers 422', async () => {
    const source = `(define (f x) (+ x 1))\n(print (f nope))${fresh()}`;
    const b = await api.post('/v1/builds').send({ source });
    expect(b.status).toBe(202);
    const failed = await finished(api, b.body.key);
    expect(failed.body).toMatchObject({ key: b.body.key, status: 'failed', error: { code: 'compile_error', message: expect.stringContaining('nope') } });
    expect(failed.body.diagnostics).toEqual([{ file: 'main.omni', line: 2, column: 11, message: 'unbound variable: nope' }]);
    expect(failed.body.manifest).toBeUndefined();
    expectError(await api.get(`/v1/artifacts/${b.body.key}`), 404, 'not_found');
    // the same request again is answered from the negative cache: 422 at once, nothing queued
    const retry = expectError(await api.post('/v1/builds').send({ source }), 422, 'compile_error');
    expect(retry.details.diagnostics).toEqual(failed.body.diagnostics);

    const run = expectError(await api.post('/v1/run').send({ source }), 422, 'compile_error');
    expect(run.details.diagnostics).toEqual(failed.body.diagnostics);

    const files = { 'main.omni': `(import broken)\n(print (g 1))${fresh()}`, 'lib/broken.omni': '(define (g x)\n  (h x))' };
    const inLib = expectError(await api.post('/v1/run').send({ files }), 422, 'compile_error');
    expect(inLib.details.diagnostics).toEqual([{ file: 'lib/broken.omni', line: 2, column: 4, message: 'unbound variable: h' }]);
  });

  it('GET /v1/cache/stats: shape, and hits and misses counted', async () => {
    const s0 = (await api.get('/v1/cache/stats')).body;
    expect(s0).toMatchObject({
      artifacts: { count: expect.any(Number), bytes: expect.any(Number) },
      hits: expect.any(Number),
      misses: expect.any(Number),
      builds_completed: expect.any(Number),
      builds_failed: expect.any(Number),
      runs: expect.any(Number),
      queues: { builds: expect.any(Object), runs: expect.any(Object) },
      store: { kind: 'fs', location: env.config.store.storeDir },
    });
    expect(s0.artifacts.count).toBeGreaterThan(0);
    expect(s0.hitRatio).toBeCloseTo(s0.hits / (s0.hits + s0.misses));
    expect(s0.builds_failed).toBeGreaterThan(0); // the compile errors above

    const source = `(print "stats")${fresh()}`;
    const miss = await api.post('/v1/builds').send({ source, output: 'shared' });
    expect(miss.status).toBe(202);
    await finished(api, miss.body.key);
    const s1 = (await api.get('/v1/cache/stats')).body;
    expect(s1.misses).toBe(s0.misses + 1);
    expect(s1.hits).toBe(s0.hits);
    expect(s1.builds_completed).toBe(s0.builds_completed + 1);
    expect(s1.artifacts.count).toBe(s0.artifacts.count + 1);
    expect(s1.artifacts.bytes).toBeGreaterThan(s0.artifacts.bytes);

    expect((await api.post('/v1/builds').send({ source, output: 'shared' })).status).toBe(200);
    const run = await api.post('/v1/run').send({ source });
    expect(run.body.cache).toBe('hit');
    const s2 = (await api.get('/v1/cache/stats')).body;
    expect(s2.hits).toBe(s1.hits + 2);
    expect(s2.misses).toBe(s1.misses);
    expect(s2.runs).toBe(s1.runs + 1);
    expect(s2.hitRatio).toBeCloseTo(s2.hits / (s2.hits + s2.misses));
  });

  it('GET /v1/targets lists what the worker builds', async () => {
    const r = await api.get('/v1/targets');
    expect(r.status).toBe(200);
    const expected = env.worker!.toolchains.map((t) => ({ target: t.target, compiler: t.compiler, output: t.output }));
    expect(r.body.targets).toEqual(expect.arrayContaining(expected));
    expect(r.body.targets).toHaveLength(expected.length);
    for (const c of ['gcc', 'clang']) expect(r.body.targets).toContainEqual({ target: TARGET, compiler: c, output: 'executable' });
    expect(r.body.targets).toContainEqual({ target: TARGET, compiler: 'tcc', output: 'shared' });
  });

  it('/healthz, /readyz and /metrics', async () => {
    const h = await api.get('/healthz');
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ status: 'ok' });
    const r = await api.get('/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ready', redis: 'ok', store: 'ok' });

    // the build-duration histogram is fed by queue events: give the last ones a moment
    const text = await eventually(async () => {
      const m = await api.get('/metrics');
      expect(m.status).toBe(200);
      expect(m.headers['content-type']).toMatch(/^text\/plain/);
      return (metricValue(m.text, 'omni_build_duration_seconds_count', { compiler: 'gcc', target: TARGET }) ?? 0) > 0 ? m.text : undefined;
    }, 10_000);
    for (const name of ['omni_http_request_duration_seconds', 'omni_queue_jobs', 'omni_build_duration_seconds', 'omni_cache_requests_total', 'omni_cache_hit_ratio']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(metricValue(text, 'omni_build_duration_seconds_count', { compiler: 'tcc', target: TARGET })).toBeGreaterThan(0);
    expect(metricValue(text, 'omni_http_request_duration_seconds_count', { method: 'POST', route: '/v1/builds', status: '202' })).toBeGreaterThan(0);
    expect(metricValue(text, 'omni_http_request_duration_seconds_count', { method: 'GET', route: '/v1/builds/:id', status: '200' })).toBeGreaterThan(0);
    // errors are labelled by the route they happened on, and unknown paths are not labels
    expect(metricValue(text, 'omni_http_request_duration_seconds_count', { method: 'POST', route: '/v1/builds', status: '400' })).toBeGreaterThan(0);
    expect(metricValue(text, 'omni_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThan(0);
    expect(text).not.toMatch(/route="[^"]*[0-9a-f]{64}/);
    expect(metricValue(text, 'omni_cache_requests_total', { kind: 'build', result: 'hit' })).toBeGreaterThan(0);
    expect(metricValue(text, 'omni_cache_requests_total', { kind: 'build', result: 'miss' })).toBeGreaterThan(0);
    expect(metricValue(text, 'omni_cache_requests_total', { kind: 'run', result: 'hit' })).toBeGreaterThan(0);
    expect(metricValue(text, 'omni_cache_requests_total', { kind: 'run', result: 'miss' })).toBeGreaterThan(0);
    expect(metricValue(text, 'omni_queue_jobs', { queue: 'builds', state: 'failed' })).toBeGreaterThan(0);
    const stats = (await api.get('/v1/cache/stats')).body;
    expect(metricValue(text, 'omni_cache_hit_ratio', {}) ?? Number(/^omni_cache_hit_ratio (\S+)$/m.exec(text)?.[1])).toBeCloseTo(stats.hitRatio);
  });

  it('GET /v1/openapi.json: an OpenAPI 3.1 document covering every route and both request schemas', async () => {
    const r = await api.get('/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    const validation = await new Validator().validate(doc);
    expect(validation.errors ?? [], JSON.stringify(validation.errors)).toEqual([]);
    expect(validation.valid).toBe(true);
    expect((await new Validator().validate({ ...doc, paths: { '/x': { get: { responses: { 200: {} } } } } })).valid).toBe(false); // it does reject
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });

    // every route app.ts registers is documented, with its method
    const appSource = fs.readFileSync(path.join(HERE, 'app.ts'), 'utf8');
    const routes = [...appSource.matchAll(/\b(app|v1)\.(get|post|put|patch|delete)\('([^']+)'/g)].map(([, router, method, p]) => ({
      method,
      path: `${router === 'v1' ? '/v1' : ''}${p}`.replace(/:(\w+)/g, '{$1}'),
    }));
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const { method, path: p } of routes) {
      expect(doc.paths[p], p).toBeDefined();
      expect(doc.paths[p][method], `${method} ${p}`).toBeDefined();
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m} ${p}`));
    expect(documented.sort()).toEqual(routes.map((x) => `${x.method} ${x.path}`).sort());

    // structure: every operation has responses with descriptions; path parameters match the template
    for (const [p, ops] of Object.entries<Record<string, any>>(doc.paths)) {
      expect(p.startsWith('/')).toBe(true);
      const templated = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${p}`).toBeGreaterThan(0);
        for (const [status, resp] of Object.entries<any>(op.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof resp.description).toBe('string');
        }
        const params = (op.parameters ?? []).filter((x: any) => x.in === 'path');
        expect(params.map((x: any) => x.name).sort()).toEqual(templated.sort());
        for (const x of params) expect(x.required).toBe(true);
        if (method === 'post') expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
      }
    }
    // every $ref resolves
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === '$ref' ? refs.push(x as string) : walk(x);
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    const schemes = doc.security.flatMap((s: object) => Object.keys(s));
    for (const s of schemes) expect(doc.components.securitySchemes[s]).toBeDefined();

    // the request schemas are the zod ones: every field, strict
    const build = doc.components.schemas.BuildRequest;
    expect(build.type).toBe('object');
    expect(Object.keys(build.properties).sort()).toEqual(['compiler', 'entry', 'files', 'opt', 'output', 'source', 'static', 'target']);
    expect(build.additionalProperties).toBe(false);
    expect(build.properties.compiler.enum).toEqual(['gcc', 'clang', 'tcc']);
    expect(build.properties.output.enum).toEqual(['executable', 'shared']);
    const run = doc.components.schemas.RunRequest;
    expect(Object.keys(run.properties).sort()).toEqual(['args', 'entry', 'files', 'key', 'source', 'stdin', 'timeoutMs']);
    expect(run.additionalProperties).toBe(false);
    expect(run.properties.key.pattern).toBe('^[0-9a-f]{64}$');
    expect(run.required ?? []).toEqual([]);
  });
});

// ==================================================================== hostile input (issue 13)

describe('hostile input: NUL bytes, invalid manifests, corrupt artifacts, local copies', () => {
  let env: Env;
  let api: Env['api'];
  let store: ObjectStore;
  /** The worker keeps local copies up to this many bytes (a few tcc objects). */
  const LOCAL_BOUND = 6_000;

  beforeAll(async () => {
    env = await setup(redisServer.url, {}, true, (c) => void (c.worker.localObjectsBytes = LOCAL_BOUND));
    api = env.api;
    store = createStore(env.config.store);
  });
  afterAll(async () => env?.close());

  const objects = () => path.join(env.config.worker.dir, 'objects');
  const readLine = `(define l (read-line))\n(print (string-length l))\n(write l)\n(newline)`;

  it('NUL bytes: in args a 400 naming the field; in stdin and string literals they are carried; elsewhere a 400 or a FILE:LINE:COL error', async () => {
    const e = expectError(await api.post('/v1/run').send({ source: '(print 1)', args: ['ok', 'a\0b'] }), 400, 'invalid_request');
    expect(e.details).toEqual([{ path: 'args.1', message: 'a program argument cannot contain a NUL byte' }]);
    expect(e.message).toMatch(/^args\.1: /);

    // stdin: the program reads the NUL (a 3-character line), and its output carries it back
    const stdin = await api.post('/v1/run').send({ source: `${readLine}${fresh()}`, stdin: 'a\0b\nrest' });
    expect(stdin.status, JSON.stringify(stdin.body)).toBe(200);
    expect(stdin.body).toMatchObject({ stdout: '3\n"a\\x0;b"\n', exitCode: 0 });
    const echoed = await api.post('/v1/run').send({ source: `(display (read-line))${fresh()}`, stdin: '\0\0x' });
    expect(echoed.body.stdout).toBe('\0\0x');

    // source: a NUL inside a string literal is a character of the string
    const literal = await api.post('/v1/run').send({ source: `(display "a\0b")${fresh()}` });
    expect(literal.status, JSON.stringify(literal.body)).toBe(200);
    expect(literal.body.stdout).toBe('a\0b');
    // a bare NUL is read as a symbol: an unbound variable, reported where it is
    const bare = expectError(await api.post('/v1/run').send({ source: `(print 1)\n\0\n${fresh()}` }), 422, 'compile_error');
    expect(bare.details.diagnostics).toEqual([{ file: 'main.omni', line: 2, column: 1, message: 'unbound variable: \0' }]);
    expect(bare.message).toBe('main.omni:2:1: unbound variable: \0');

    // names, keys and targets with a NUL are refused at the edge
    expect(expectError(await api.post('/v1/builds').send({ files: { 'ma\0in.omni': '(print 1)' } }), 400, 'invalid_request').details[0].path).toBe('files.ma\0in.omni');
    expect(expectError(await api.post('/v1/run').send({ files: { 'main.omni': '(print 1)' }, entry: 'main.omni\0' }), 400, 'invalid_request').details[0].path).toBe('entry');
    expectError(await api.post('/v1/run').send({ key: `${'a'.repeat(63)}\0` }), 400, 'invalid_request');
    expectError(await api.get(`/v1/artifacts/${'a'.repeat(63)}%00`), 400, 'bad_key');
    expectError(await api.post('/v1/builds').send({ source: '(print 1)', target: 'x86_64\0-linux-gnu' }), 400, 'unsupported_target');
  });

  /** A completed tcc build of a fresh program: its key and manifest. */
  async function built(): Promise<{ key: string; manifest: any; source: string }> {
    const source = `(print "stored" (command-line))${fresh()}`;
    const b = await api.post('/v1/builds').send({ source, output: 'shared' });
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    const done = await finished(api, b.body.key);
    expect(done.body.status).toBe('completed');
    return { key: b.body.key, manifest: done.body.manifest, source };
  }

  /** Waits for GET of the artifact to answer 200 again (the rebuild done) and checks its bytes. */
  async function rebuilt(key: string, manifest: any): Promise<void> {
    const r = await eventually(async () => {
      const g = await api.get(`/v1/artifacts/${key}`).buffer(true).parse(binary);
      return g.status === 200 ? g : undefined;
    }, 60_000);
    expect(sha256(r.body)).toBe(r.headers['x-content-sha256']);
    expect(r.body.length).toBe(manifest.artifact.bytes);
  }

  const invalidManifests: [string, (m: any) => string][] = [
    ['not JSON', () => '{"key": "trunc'],
    ['JSON of another shape', () => JSON.stringify({ hello: 'world' })],
    ['another key', (m) => JSON.stringify({ ...m, key: sha256('another') })],
    ['a path as artifact name', (m) => JSON.stringify({ ...m, artifact: { ...m.artifact, name: '../../../etc/passwd' } })], // hostile path
  ];

  it.each(invalidManifests)('an invalid manifest (%s): download, HEAD and the manifest route answer 503 artifact_rebuilding, and the key is rebuilt', async (_what, make) => {
    const { key, manifest } = await built();
    for (const route of [`/v1/artifacts/${key}`, `/v1/artifacts/${key}/manifest`, 'HEAD']) {
      await store.put(storeKeys(key).manifest, Buffer.from(make(manifest)));
      const r = route === 'HEAD' ? await api.head(`/v1/artifacts/${key}`) : await api.get(route);
      expect(r.status, route).toBe(503);
      if (route !== 'HEAD') expect(expectError(r, 503, 'artifact_rebuilding').message).toMatch(/invalid manifest/);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.headers['x-content-sha256']).toBeUndefined();
      await rebuilt(key, manifest);
    }
  });

  it('an invalid manifest: a build request rebuilds the key (not a 200 with it, not a permanent failure); a run by key and by source rebuild it', async () => {
    const { key, manifest, source } = await built();
    await store.put(storeKeys(key).manifest, Buffer.from('not json'));
    const again = await api.post('/v1/builds').send({ source, output: 'shared' });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect((await finished(api, key)).body.manifest.artifact.sha256).toBe(manifest.artifact.sha256);
    expect((await api.post('/v1/builds').send({ source, output: 'shared' })).status).toBe(200);

    // by key: the worker finds the manifest invalid, discards the key and rebuilds it from the stored spec
    await store.put(storeKeys(key).manifest, Buffer.from(JSON.stringify({ ...manifest, key: sha256('x') })));
    const byKey = await api.post('/v1/run').send({ key, args: ['k'] });
    expect(byKey.status, JSON.stringify(byKey.body)).toBe(200);
    expect(byKey.body).toMatchObject({ stdout: 'stored (k)\n', exitCode: 0, cache: 'miss' });
    expect((await api.get(`/v1/artifacts/${key}/manifest`)).body.artifact.sha256).toBe(manifest.artifact.sha256);

    // by source: the program the run compiles is under its own (shared) key
    const run = await api.post('/v1/run').send({ source, args: ['s'] });
    expect(run.body.stdout).toBe('stored (s)\n');
    await store.put(storeKeys(run.body.key).manifest, Buffer.from('[]'));
    fs.rmSync(path.join(objects(), `${run.body.key}.o`), { force: true }); // no local copy either: the worker must use the store
    const rerun = await api.post('/v1/run').send({ source, args: ['t'] });
    expect(rerun.status, JSON.stringify(rerun.body)).toBe(200);
    expect(rerun.body).toMatchObject({ stdout: 'stored (t)\n', cache: 'miss' });
    expect((await api.get(`/v1/artifacts/${run.body.key}/manifest`)).status).toBe(200);
  });

  it('an invalid manifest and no usable stored spec: the key is deleted (404), and builds again from a request', async () => {
    const { key, source } = await built();
    await store.put(storeKeys(key).manifest, Buffer.from('garbage'));
    await store.put(storeKeys(key).spec, Buffer.from(JSON.stringify({ files: { '../../x.omni': '(print 1)' }, entry: '../../x.omni' })));
    expectError(await api.get(`/v1/artifacts/${key}`), 404, 'not_found');
    expect(await store.list(storeKeys(key).prefix)).toEqual([]);
    expect((await api.post('/v1/builds').send({ source, output: 'shared' })).status).toBe(202);
    expect((await finished(api, key)).body.status).toBe('completed');
  });

  it('HEAD of an artifact whose bytes do not match its manifest: 503 artifact_rebuilding (as GET), never 200; then 200 once rebuilt', async () => {
    const { key, manifest } = await built();
    const where = storeKeys(key, manifest.artifact.name).artifact;
    const good = (await store.get(where))!;
    for (const damage of [Buffer.alloc(good.length, 0x41), good.subarray(0, good.length - 1)]) {
      await store.put(where, damage);
      const head = await api.head(`/v1/artifacts/${key}`);
      expect(head.status).toBe(503);
      expect(head.headers['retry-after']).toBe('1');
      expect(head.headers.etag).toBeUndefined();
      expect(head.headers['x-content-sha256']).toBeUndefined();
      const ok = await eventually(async () => {
        const h = await api.head(`/v1/artifacts/${key}`);
        return h.status === 200 ? h : undefined;
      }, 60_000);
      expect(ok.headers['x-content-sha256']).toBe(manifest.artifact.sha256);
      expect(ok.headers['content-length']).toBe(String(manifest.artifact.bytes));
      expect(sha256((await store.get(where))!)).toBe(manifest.artifact.sha256);
    }
    // a missing artifact is corrupt too
    await store.delete(where);
    expect((await api.head(`/v1/artifacts/${key}`)).status).toBe(503);
    await rebuilt(key, manifest);
  });

  it("the worker's local copies are verified before use: a damaged copy is never run, it is fetched again", async () => {
    const source = `(print "local" (command-line))${fresh()}`;
    const first = await api.post('/v1/run').send({ source, args: ['1'] });
    expect(first.body).toMatchObject({ stdout: 'local (1)\n', cache: 'miss' });
    const key = first.body.key;
    const copy = path.join(objects(), `${key}.o`);
    const manifest = (await api.get(`/v1/artifacts/${key}/manifest`)).body;
    expect(sha256(fs.readFileSync(copy))).toBe(manifest.artifact.sha256);

    // damaged in place, same size: a program that would crash or misbehave if loaded
    fs.writeFileSync(copy, Buffer.alloc(manifest.artifact.bytes, 0xcc));
    const second = await api.post('/v1/run').send({ source, args: ['2'] });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ stdout: 'local (2)\n', stderr: '', exitCode: 0, cache: 'hit' });
    expect(second.body.timings.fetchMs).toBeGreaterThan(0); // it came from the store
    expect(sha256(fs.readFileSync(copy))).toBe(manifest.artifact.sha256);

    // truncated; then a run by key (which checks the copy against the store's manifest)
    fs.truncateSync(copy, 10);
    const third = await api.post('/v1/run').send({ key, args: ['3'] });
    expect(third.body).toMatchObject({ stdout: 'local (3)\n', exitCode: 0, cache: 'hit' });
    expect(sha256(fs.readFileSync(copy))).toBe(manifest.artifact.sha256);

    // unchanged, it is used as is: no store read at all (fetchMs 0) for a run by source
    const fourth = await api.post('/v1/run').send({ source, args: ['4'] });
    expect(fourth.body).toMatchObject({ stdout: 'local (4)\n', cache: 'hit' });
    expect(fourth.body.timings.fetchMs).toBe(0);
    // leases are gone after the runs
    expect(fs.readdirSync(objects()).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it(`the worker keeps at most config.worker.localObjectsBytes (${LOCAL_BOUND}) of local copies, least recently used out`, async () => {
    const keys: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await api.post('/v1/run').send({ source: `(print "bound ${i}")${fresh()}` });
      expect(r.body.stdout).toBe(`bound ${i}\n`);
      keys.push(r.body.key);
      const files = fs.readdirSync(objects()).filter((n) => n.endsWith('.o') && !n.startsWith('.'));
      const bytes = files.reduce((n, f) => n + fs.statSync(path.join(objects(), f)).size, 0);
      expect(bytes).toBeLessThanOrEqual(LOCAL_BOUND);
    }
    const kept = new Set(fs.readdirSync(objects()));
    expect(kept.has(`${keys[7]}.o`)).toBe(true); // the newest is kept
    expect(kept.has(`${keys[0]}.o`)).toBe(false); // the oldest went first
    // an evicted program still runs: fetched from the store again
    const again = await api.post('/v1/run').send({ key: keys[0] });
    expect(again.body).toMatchObject({ stdout: 'bound 0\n', cache: 'hit' });
  });
});

// ==================================================================== auth

describe('the API with keys', () => {
  let env: Env;
  const user = { Authorization: 'Bearer u1' };
  const admin = { Authorization: 'Bearer a1' };

  beforeAll(async () => {
    env = await setup(redisServer.url, { OMNI_API_KEYS: 'u1', OMNI_ADMIN_KEYS: 'a1' }, true);
  });
  afterAll(async () => env?.close());

  it('needs a known key on /v1 (401 with WWW-Authenticate), but not on health, metrics and the document', async () => {
    const none = await env.api.get('/v1/targets');
    expectError(none, 401, 'unauthorized');
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await env.api.get('/v1/targets').set('Authorization', 'Bearer u2');
    expectError(wrong, 401, 'unauthorized');
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    expectError(await env.api.get('/v1/targets').set('Authorization', 'Basic dTE6'), 401, 'unauthorized');
    expectError(await env.api.get('/v1/targets').set('Authorization', 'u1'), 401, 'unauthorized');
    expectError(await env.api.post('/v1/builds').send({ source: '(print 1)' }), 401, 'unauthorized');
    expectError(await env.api.delete('/v1/cache'), 401, 'unauthorized');
    expect((await env.api.get('/v1/targets').set('Authorization', 'bearer u1')).status).toBe(200);
    for (const p of ['/healthz', '/readyz', '/metrics', '/v1/openapi.json']) expect((await env.api.get(p)).status, p).toBe(200);
  });

  it('lets a user key build and read, only an admin key clear the cache', async () => {
    const source = `(print "auth")${fresh()}`;
    const b = await env.api.post('/v1/builds').set(user).send({ source, output: 'shared' });
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    const done = await finished(env.api, b.body.key, user);
    expect(done.body.status).toBe('completed');
    expect((await env.api.get(`/v1/artifacts/${b.body.key}/manifest`).set(user)).status).toBe(200);
    expect((await env.api.get(`/v1/artifacts/${b.body.key}/manifest`).set(admin)).status).toBe(200);
    const run = await env.api.post('/v1/run').set(user).send({ source });
    expect(run.body.stdout).toBe('auth\n');
    expect((await env.api.get('/v1/cache/stats').set(user)).body.artifacts.count).toBe(1);

    expectError(await env.api.delete('/v1/cache').set(user), 403, 'forbidden');
    expect((await env.api.get(`/v1/artifacts/${b.body.key}/manifest`).set(user)).status).toBe(200);

    const cleared = await env.api.delete('/v1/cache').set(admin);
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toBeGreaterThanOrEqual(3); // spec, artifact, manifest
    expectError(await env.api.get(`/v1/artifacts/${b.body.key}/manifest`).set(user), 404, 'not_found');
    expectError(await env.api.get(`/v1/artifacts/${b.body.key}`).set(user), 404, 'not_found');
    expectError(await env.api.get(`/v1/builds/${b.body.key}`).set(user), 404, 'not_found');
    const stats = (await env.api.get('/v1/cache/stats').set(admin)).body;
    expect(stats).toMatchObject({ artifacts: { count: 0, bytes: 0 }, hits: 0, misses: 0, runs: 0, builds_completed: 0, hitRatio: null });

    // a run compiles into the store, and the cache is cleared of it too
    expect((await env.api.get(`/v1/artifacts/${run.body.key}/manifest`).set(user)).status).toBe(404);

    // it builds again afterwards: a miss
    const again = await env.api.post('/v1/builds').set(user).send({ source, output: 'shared' });
    expect(again.status).toBe(202);
    expect(again.body.key).toBe(b.body.key);
    expect((await finished(env.api, b.body.key, user)).body.status).toBe('completed');
  });

  it('POST /v1/run {key} after DELETE /v1/cache answers 404, though the worker kept a local copy', async () => {
    const source = `(print "gone")${fresh()}`;
    const first = await env.api.post('/v1/run').set(user).send({ source });
    expect(first.body.stdout).toBe('gone\n');
    expect((await env.api.post('/v1/run').set(user).send({ key: first.body.key })).body).toMatchObject({ stdout: 'gone\n', cache: 'hit' });
    expect((await env.api.delete('/v1/cache').set(admin)).status).toBe(200);
    expectError(await env.api.post('/v1/run').set(user).send({ key: first.body.key }), 404, 'not_found');
    // by source it still runs: the program is compiled (or its local copy used) again
    expect((await env.api.post('/v1/run').set(user).send({ source })).body.stdout).toBe('gone\n');
  });
});

// ==================================================================== rate limits

describe('rate limits', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setup(redisServer.url, { OMNI_API_KEYS: 'k1,k2', OMNI_RATE_LIMIT: '3' }, false);
  });
  afterAll(async () => env?.close());

  it('allows OMNI_RATE_LIMIT requests a minute per key, then 429 with Retry-After', async () => {
    const k1 = { Authorization: 'Bearer k1' };
    for (let i = 0; i < 3; i++) {
      const r = await env.api.get('/v1/targets').set(k1);
      expect(r.status).toBe(200);
      expect(r.headers['ratelimit-limit']).toBe('3');
      expect(r.headers['ratelimit-remaining']).toBe(String(2 - i));
    }
    const limited = await env.api.get('/v1/targets').set(k1);
    const e = expectError(limited, 429, 'rate_limited');
    expect(e.message).toMatch(/3 requests per minute/);
    const retry = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retry)).toBe(true);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // any route under /v1 counts, including POSTs
    expectError(await env.api.post('/v1/builds').set(k1).send({ source: '(print 1)' }), 429, 'rate_limited');

    // another key has its own budget; routes outside /v1 are not limited
    expect((await env.api.get('/v1/targets').set('Authorization', 'Bearer k2')).status).toBe(200);
    expect((await env.api.get('/healthz')).status).toBe(200);
  });
});

// ==================================================================== trust proxy, server limits

describe('X-Forwarded-For and the rate limit', () => {
  const xff = (env: Env, address: string) => env.api.get('/v1/targets').set('X-Forwarded-For', address);

  it('with trust proxy off (the default), X-Forwarded-For does not change the client: different values share one bucket', async () => {
    const env = await setup(redisServer.url, { OMNI_RATE_LIMIT: '2' }, false);
    try {
      expect((await xff(env, '198.51.100.1')).status).toBe(200);
      expect((await xff(env, '198.51.100.2')).status).toBe(200);
      expectError(await xff(env, '198.51.100.3'), 429, 'rate_limited');
      expectError(await env.api.get('/v1/targets'), 429, 'rate_limited');
    } finally {
      await env.close();
    }
  });

  for (const trust of ['loopback', '1', '127.0.0.1/8,::1', 'true']) {
    it(`with OMNI_TRUST_PROXY=${trust}, the forwarded address is the client: each has its own bucket`, async () => {
      const env = await setup(redisServer.url, { OMNI_RATE_LIMIT: '2', OMNI_TRUST_PROXY: trust }, false);
      try {
        for (const a of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect((await xff(env, a)).status, a).toBe(200);
        expect((await xff(env, '198.51.100.1')).status).toBe(200);
        expectError(await xff(env, '198.51.100.1'), 429, 'rate_limited');
        expect((await xff(env, '198.51.100.4')).status).toBe(200);
      } finally {
        await env.close();
      }
    });
  }

  it('OMNI_TRUST_PROXY: parsed into what express takes; an address express refuses is a configuration error naming the variable', async () => {
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy(' false ')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8 ,fd00::/8')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    const redis = connect(redisServer.url, true);
    redis.on('error', () => undefined);
    try {
      for (const bad of ['10.0.0.300', 'proxy.example.com', '10.0.0.0/40']) {
        const config = testConfig(redisServer.url, { OMNI_TRUST_PROXY: bad });
        expect(() => createApp({ config, redis, store: createStore(config.store), logger: createLogger('api', 'silent') }), bad).toThrow(ConfigError);
        expect(() => createApp({ config, redis, store: createStore(config.store), logger: createLogger('api', 'silent') })).toThrow(/OMNI_TRUST_PROXY/);
      }
    } finally {
      redis.disconnect();
    }
  });
});

describe('server limits: slow clients are cut off', () => {
  let env: Env;
  let server: import('node:http').Server;
  let port: number;
  const HEADERS_MS = 300;
  const REQUEST_MS = 700;

  beforeAll(async () => {
    env = await setup(redisServer.url, { OMNI_HEADERS_TIMEOUT_MS: String(HEADERS_MS), OMNI_REQUEST_TIMEOUT_MS: String(REQUEST_MS), HOST: '127.0.0.1', PORT: '0' }, false);
    server = await listen(env.app.app, env.config);
    port = Number(new URL(serverUrl(server)).port);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await env?.close();
  });

  /** Opens a connection, feeds it with feed(socket) and resolves when the server closes it: how long it took and what it said. */
  function slowClient(feed: (s: net.Socket) => NodeJS.Timeout): Promise<{ ms: number; answer: string }> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      let answer = '';
      let timer: NodeJS.Timeout | undefined;
      const started = Date.now();
      s.on('connect', () => (timer = feed(s)));
      s.on('data', (d) => (answer += d.toString()));
      s.on('error', () => undefined); // a reset after the server gives up is a close too
      s.on('close', () => {
        clearInterval(timer);
        resolve({ ms: Date.now() - started, answer });
      });
      setTimeout(() => {
        clearInterval(timer);
        s.destroy();
        reject(new Error('the server did not cut the slow client off within 10 s'));
      }, 10_000).unref();
    });
  }

  it('applies the configured values (and the keep-alive, header-count and per-socket bounds)', () => {
    expect(server.headersTimeout).toBe(HEADERS_MS);
    expect(server.requestTimeout).toBe(REQUEST_MS);
    expect(server.keepAliveTimeout).toBeLessThanOrEqual(HEADERS_MS);
    expect(server.maxHeadersCount).toBeGreaterThan(0);
    expect(server.maxRequestsPerSocket).toBeGreaterThan(0);
  });

  it('headers sent a line at a time: cut off after the headers timeout, with a 408', async () => {
    const r = await slowClient((s) => {
      s.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
      let n = 0;
      return setInterval(() => s.write(`X-Slow-${n++}: a\r\n`), 50);
    });
    expect(r.ms).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(r.ms).toBeLessThan(HEADERS_MS + 1000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a body that never completes: cut off after the request timeout', async () => {
    const r = await slowClient((s) => {
      s.write('POST /v1/builds HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"source": "');
      return setInterval(() => s.write('x'), 50);
    });
    expect(r.ms).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(r.ms).toBeLessThan(REQUEST_MS + 1500);
    expect(r.answer).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('a connection that sends nothing, and an idle keep-alive connection, are closed too; a prompt client is served', async () => {
    const silent = await slowClient(() => setInterval(() => undefined, 1000));
    expect(silent.ms).toBeLessThan(HEADERS_MS + 1000);
    const idle = await slowClient((s) => {
      s.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      return setInterval(() => undefined, 1000);
    });
    expect(idle.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(idle.ms).toBeLessThan(HEADERS_MS + 2000); // Node keeps an idle connection up to a second beyond keepAliveTimeout
    const ok = await fetch(`${serverUrl(server)}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
  });
});

// ==================================================================== no workers, no keys

describe('the API without workers or keys', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setup(redisServer.url, {}, false);
  });
  afterAll(async () => env?.close());

  it('answers 503 no_workers for builds and runs, but still checks the request first', async () => {
    for (const route of ['/v1/builds', '/v1/run']) {
      const r = await env.api.post(route).send({ source: '(print 1)' });
      expectError(r, 503, 'no_workers');
      expect(r.headers['retry-after']).toBe('5');
      expectError(await env.api.post(route).send({ source: '(print 1))' }), 422, 'compile_error');
      expectError(await env.api.post(route).send({ source: '(print 1)', bogus: true }), 400, 'invalid_request');
    }
    expect((await env.api.get('/v1/targets')).body).toEqual({ targets: [] });
  });

  it('allows everything without keys, including clearing the cache', async () => {
    const r = await env.api.delete('/v1/cache');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ deleted: 0 });
    const s = await env.api.get('/v1/cache/stats');
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ artifacts: { count: 0, bytes: 0 }, hits: 0, misses: 0, hitRatio: null });
  });
});

// ==================================================================== Redis down

describe('readiness when Redis stops', () => {
  let own: RedisServer;
  let env: Env;
  beforeAll(async () => {
    own = await startRedis();
    env = await setup(own.url, {}, false);
    // the service's queues have no 'error' listeners: without these, BullMQ prints every failed reconnection
    for (const q of [env.app.service.builds, env.app.service.runs]) q.on('error', () => undefined);
  });
  afterAll(async () => {
    // bounded: QueueEvents.close() never returns if its connection is still reconnecting (see the report)
    await Promise.race([env?.close(), new Promise((r) => setTimeout(r, 10_000))]);
    await own?.stop();
  });

  /** Stops the server with SHUTDOWN (the harness's stop() cannot be followed by restart(): see the report). */
  const shutdown = async () => {
    const c = connect(own.url, true);
    c.on('error', () => undefined);
    await once(c, 'ready');
    await c.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    c.disconnect();
    await eventually(async () => ((await fetchReady()).redis !== 'ok' ? true : undefined), 10_000);
  };
  const fetchReady = async () => (await env.api.get('/readyz')).body as { redis: string };

  it('answers /readyz 503 naming Redis, 503 queue_unavailable for /v1, and recovers when Redis is back', async () => {
    expect((await env.api.get('/readyz')).status).toBe(200);
    await shutdown();
    const r = await env.api.get('/readyz');
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('unavailable');
    expect(r.body.store).toBe('ok');
    expect(r.body.redis).not.toBe('ok');
    expect(typeof r.body.redis).toBe('string');
    expect((await env.api.get('/healthz')).status).toBe(200);
    expect((await env.api.get('/metrics')).status).toBe(200);
    for (const req of [env.api.post('/v1/builds').send({ source: '(print 1)' }), env.api.get('/v1/cache/stats'), env.api.get(`/v1/builds/${'a'.repeat(64)}`)]) {
      const q = await req;
      expectError(q, 503, 'queue_unavailable');
      expect(q.headers['retry-after']).toBe('2');
    }

    await own.restart();
    await eventually(async () => ((await env.api.get('/readyz')).status === 200 ? true : undefined), 15_000, 100);
    expect((await env.api.get('/v1/cache/stats')).status).toBe(200);
    expectError(await env.api.post('/v1/builds').send({ source: '(print 1)' }), 503, 'no_workers'); // Redis answers again
    // the queue-event listeners (what a run waits on) reconnect on their own schedule: jobs added
    // now are seen again (and closing them while they still reconnect would hang: see the report)
    const svc = env.app.service as unknown as Record<'builds' | 'runs' | 'buildEvents' | 'runEvents', any>;
    for (const [queue, events] of [[svc.runs, svc.runEvents], [svc.builds, svc.buildEvents]]) {
      await eventually(async () => {
        const id = `probe-${randomUUID()}`;
        const seen = new Promise((resolve) => events.once(`added:${id}`, resolve));
        await queue.add('probe', {}, { jobId: id });
        return Promise.race([seen.then(() => true), new Promise<undefined>((r) => setTimeout(r, 500))]);
      }, 20_000, 0);
    }
  });
});
