// The object store behaviour suite, run against both backends: the local directory and S3 (a local
// s3rver). Then S3 outages: a stopped server, a closed port, a missing bucket.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3_TEST_CREDENTIALS, type S3TestServer, startS3Server } from '../../../test/src/s3-server.js';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { FsStore, type ObjectStore, S3Store, StoreUnavailableError, createStore } from './index.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Rejects with StoreUnavailableError; returns how long it took (ms). */
async function unavailable(p: Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  await expect(p).rejects.toBeInstanceOf(StoreUnavailableError);
  return Date.now() - t0;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const tmpDirs: string[] = [];
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-store-'));
  tmpDirs.push(d);
  return d;
};

let server: S3TestServer;
const s3Stores: S3Store[] = [];
const s3Store = (over: Partial<ConstructorParameters<typeof S3Store>[0]> = {}) => {
  const s = new S3Store({
    endpoint: server.endpoint,
    region: 'us-east-1',
    bucket: server.bucket,
    forcePathStyle: true,
    ...S3_TEST_CREDENTIALS,
    ...over,
  });
  s3Stores.push(s);
  return s;
};

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  for (const s of s3Stores) s.destroy();
  await server?.destroy();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.each([
  { kind: 'fs', make: (): ObjectStore => new FsStore(tmpDir()) },
  { kind: 's3', make: (): ObjectStore => s3Store() },
])('$kind store', ({ kind, make }) => {
  let store: ObjectStore;
  let n = 0;
  /** A fresh key namespace per test. */
  const ns = () => `t${n++}-${randomBytes(3).toString('hex')}/`;

  beforeAll(async () => {
    store = make();
    await store.ping();
  });

  it('knows its kind and location', () => {
    expect(store.kind).toBe(kind);
    expect(store.location).toMatch(kind === 'fs' ? /omni-store-/ : /127\.0\.0\.1:\d+\/omni-test$/);
  });

  it('put, get, head and open round-trip', async () => {
    const key = `${ns()}artifacts/abc/manifest.json`;
    const body = Buffer.from('{"hello":"world"}');
    await store.put(key, body, 'application/json');
    expect(await store.get(key)).toEqual(body);
    expect(await store.head(key)).toEqual({ key, size: body.length });
    const opened = await store.open(key);
    expect(opened?.size).toBe(body.length);
    expect(await readAll(opened!.stream)).toEqual(body);
  });

  it('absent keys are null; deleting one is no error', async () => {
    const key = `${ns()}missing/thing`;
    expect(await store.get(key)).toBeNull();
    expect(await store.head(key)).toBeNull();
    expect(await store.open(key)).toBeNull();
    await store.delete(key);
    expect(await store.list(key)).toEqual([]);
  });

  it('an empty object is an object', async () => {
    const key = `${ns()}empty`;
    await store.put(key, Buffer.alloc(0));
    expect(await store.get(key)).toEqual(Buffer.alloc(0));
    expect(await store.head(key)).toEqual({ key, size: 0 });
  });

  it('put overwrites', async () => {
    const key = `${ns()}x`;
    await store.put(key, Buffer.from('first version, longer'));
    await store.put(key, Buffer.from('second'));
    expect((await store.get(key))!.toString()).toBe('second');
    expect((await store.head(key))!.size).toBe(6);
  });

  it('lists by prefix (string prefix semantics, keys relative to the root)', async () => {
    const p = ns();
    for (const k of ['a', 'b/c', 'b/d/e', 'bc', 'other/x']) await store.put(`${p}${k}`, Buffer.from(k));
    const keys = async (prefix: string) => (await store.list(prefix)).map((o) => o.key).sort();
    expect(await keys(p)).toEqual(['a', 'b/c', 'b/d/e', 'bc', 'other/x'].map((k) => p + k));
    expect(await keys(`${p}b/`)).toEqual([`${p}b/c`, `${p}b/d/e`]);
    expect(await keys(`${p}b`)).toEqual([`${p}b/c`, `${p}b/d/e`, `${p}bc`]);
    expect(await keys(`${p}nothing/`)).toEqual([]);
    expect(await store.list(`${p}b/d/`)).toEqual([{ key: `${p}b/d/e`, size: 5 }]);
  });

  it('delete removes one object', async () => {
    const p = ns();
    await store.put(`${p}one`, Buffer.from('1'));
    await store.put(`${p}two`, Buffer.from('2'));
    await store.delete(`${p}one`);
    expect(await store.get(`${p}one`)).toBeNull();
    expect((await store.list(p)).map((o) => o.key)).toEqual([`${p}two`]);
  });

  it('deletePrefix removes everything under a prefix and counts it', async () => {
    const p = ns();
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => store.put(`${p}doomed/${i % 3}/obj-${i}`, Buffer.from(String(i)))),
    );
    await store.put(`${p}kept/obj`, Buffer.from('kept'));
    expect(await store.deletePrefix(`${p}doomed/`)).toBe(25);
    expect(await store.list(`${p}doomed/`)).toEqual([]);
    expect(await store.get(`${p}doomed/0/obj-0`)).toBeNull();
    expect((await store.get(`${p}kept/obj`))!.toString()).toBe('kept');
    expect(await store.deletePrefix(`${p}doomed/`)).toBe(0);
    // The key space can be written again afterwards.
    await store.put(`${p}doomed/0/again`, Buffer.from('again'));
    expect((await store.get(`${p}doomed/0/again`))!.toString()).toBe('again');
  });

  it('binary content is byte-exact (1 MiB of random bytes)', async () => {
    const key = `${ns()}blob.bin`;
    const body = randomBytes(1 << 20);
    await store.put(key, body, 'application/octet-stream');
    const got = await store.get(key);
    expect(got!.length).toBe(body.length);
    expect(got!.equals(body)).toBe(true);
    const opened = await store.open(key);
    expect(opened!.size).toBe(body.length);
    expect((await readAll(opened!.stream)).equals(body)).toBe(true);
  });

  it('concurrent puts to one key leave one complete value', async () => {
    const key = `${ns()}contended`;
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 << 10, i + 1));
    await Promise.all(bodies.map((b) => store.put(key, b)));
    const got = (await store.get(key))!;
    expect(bodies.some((b) => b.equals(got))).toBe(true);
    expect(await store.list(key)).toEqual([{ key, size: 256 << 10 }]);
  });

  it('readers during puts see a whole old or new value', async () => {
    const key = `${ns()}read-while-writing`;
    const bodies = Array.from({ length: 6 }, (_, i) => Buffer.alloc(128 << 10, i + 1));
    await store.put(key, bodies[0]!);
    const reads: Promise<Buffer | null>[] = [];
    const writes = bodies.slice(1).map(async (b) => {
      reads.push(store.get(key));
      await store.put(key, b);
    });
    await Promise.all(writes);
    for (const got of await Promise.all(reads)) expect(bodies.some((b) => b.equals(got!))).toBe(true);
  });

  it('rejects malformed keys with a plain Error', async () => {
    for (const bad of ['', '/abs/key', 'a/../b', '..', 'a\\b', 'a\0b', 'a//b', 'a/', './a']) {
      for (const op of [
        () => store.get(bad),
        () => store.put(bad, Buffer.from('x')),
        () => store.head(bad),
        () => store.open(bad),
        () => store.delete(bad),
      ]) {
        const err = await op().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, `${JSON.stringify(bad)} accepted`).toBeInstanceOf(Error);
        expect(err).not.toBeInstanceOf(StoreUnavailableError);
      }
    }
    await expect(store.list('../')).rejects.toThrow(/invalid store prefix/);
    await expect(store.deletePrefix('/')).rejects.toThrow(/invalid store prefix/);
  });

  it('presigns GET URLs on S3 only', async () => {
    const key = `${ns()}dl/program`;
    const body = randomBytes(4096);
    await store.put(key, body);
    const url = await store.presignGet(key, 60);
    if (kind === 'fs') {
      expect(url).toBeNull();
      return;
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/omni-test\/.*X-Amz-Signature=/);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });
});

describe('fs store specifics', () => {
  it('leaves no temporary files and prunes emptied directories', async () => {
    const dir = tmpDir();
    const store = new FsStore(dir);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.put(`a/b/k${i}`, Buffer.from('v'))));
    expect(fs.readdirSync(path.join(dir, 'a', 'b')).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
    await store.deletePrefix('a/');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('ping creates the root; a root that is a file is unavailable', async () => {
    const dir = path.join(tmpDir(), 'deep', 'store');
    await new FsStore(dir).ping();
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    const file = path.join(tmpDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    await unavailable(new FsStore(file).ping());
  });

  it('expands ~ in the root', () => {
    expect(new FsStore('~/.omni/store').location).toBe(path.join(os.homedir(), '.omni', 'store'));
  });
});

describe('createStore', () => {
  const base = { s3Bucket: 'omnilisp', s3Region: 'us-east-1', s3ForcePathStyle: false, s3CreateBucket: false };
  it('is an fs store without an S3 endpoint, an S3 store with one', () => {
    const dir = tmpDir();
    const fsStore = createStore({ ...base, storeDir: dir });
    expect(fsStore.kind).toBe('fs');
    expect(fsStore.location).toBe(dir);
    const s3 = createStore({ ...base, storeDir: dir, s3Endpoint: 'http://127.0.0.1:9000', s3ForcePathStyle: true });
    expect(s3.kind).toBe('s3');
    expect(s3.location).toBe('http://127.0.0.1:9000/omnilisp');
    (s3 as S3Store).destroy();
  });
});

describe('S3 availability', () => {
  it('a stopped server is unavailable, fast; after a restart the data is back', async () => {
    const own = await startS3Server();
    const store = new S3Store({ endpoint: own.endpoint, region: 'us-east-1', bucket: own.bucket, forcePathStyle: true, ...S3_TEST_CREDENTIALS });
    s3Stores.push(store);
    try {
      await store.ping();
      await store.put('kept/object', Buffer.from('survives'));
      await own.stop();
      for (const op of [
        () => store.get('kept/object'),
        () => store.put('kept/other', Buffer.from('x')),
        () => store.ping(),
        () => store.list('kept/'),
        () => store.head('kept/object'),
        () => store.open('kept/object'),
        () => store.deletePrefix('kept/'),
      ]) {
        expect(await unavailable(op())).toBeLessThan(3000);
      }
      await own.restart();
      await store.ping();
      expect((await store.get('kept/object'))!.toString()).toBe('survives');
      await store.put('kept/other', Buffer.from('x'));
      expect((await store.list('kept/')).map((o) => o.key)).toEqual(['kept/object', 'kept/other']);
    } finally {
      await own.destroy();
    }
  });

  it('an endpoint on a closed port fails ping quickly', async () => {
    const port = await closedPort();
    const store = s3Store({ endpoint: `http://127.0.0.1:${port}` });
    expect(await unavailable(store.ping())).toBeLessThan(5000);
    expect(await unavailable(store.get('a/b'))).toBeLessThan(5000);
  });

  it('a server that accepts connections but never answers times out', async () => {
    const sockets: net.Socket[] = [];
    const hung = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    try {
      const { port } = hung.address() as net.AddressInfo;
      const store = s3Store({ endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 300 });
      expect(await unavailable(store.get('a/b'))).toBeLessThan(3000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => hung.close(() => r()));
    }
  });

  it('a request the server refuses (403) is a plain error for operations, unavailability for ping', async () => {
    // s3rver does not check SigV4 signatures, but it knows one access key id (S3RVER).
    const store = s3Store({ accessKeyId: 'nobody', secretAccessKey: 'whatever' });
    const err = await store.get('a/b').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(StoreUnavailableError);
    expect(String(err)).toMatch(/InvalidAccessKeyId 403/);
    await unavailable(store.ping());
  });

  it('deletePrefix falls back to single deletes when DeleteObjects is not implemented', async () => {
    const store = s3Store();
    for (let i = 0; i < 5; i++) await store.put(`fallback/${i}`, Buffer.from('x'));
    const send = store.client.send.bind(store.client);
    const spy = vi.spyOn(store.client, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof DeleteObjectsCommand) {
        return Promise.reject(Object.assign(new Error('not implemented'), { name: 'NotImplemented', $metadata: { httpStatusCode: 501 } }));
      }
      return send(command as never);
    }) as never);
    expect(await store.deletePrefix('fallback/')).toBe(5);
    expect(await store.list('fallback/')).toEqual([]);
    const multi = spy.mock.calls.filter(([c]) => c instanceof DeleteObjectsCommand).length;
    expect(multi).toBe(1);
    spy.mockRestore();
  });

  it('a missing bucket: ping fails, or creates it with createBucket', async () => {
    const missing = s3Store({ bucket: 'omni-missing' });
    await unavailable(missing.ping());
    await expect(missing.get('a')).rejects.toBeInstanceOf(StoreUnavailableError);
    const creating = s3Store({ bucket: 'omni-created', createBucket: true });
    await creating.ping();
    await creating.ping(); // already there: fine
    await creating.put('a/b', Buffer.from('in the new bucket'));
    expect((await creating.get('a/b'))!.toString()).toBe('in the new bucket');
  });
});
