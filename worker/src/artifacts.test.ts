// Artifacts in the store read back as hostile input: manifests that are not JSON, have the wrong
// shape or name another key, artifacts that do not match, specs that are not specs. On both
// backends (the filesystem store and S3 through s3rver), since both serve the same bytes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_TEST_CREDENTIALS, type S3TestServer, startS3Server } from '../../test/src/s3-server.js';
import { checkManifest, discardArtifact, fetchArtifact, inspectManifest, parseSpec, publishArtifact, readManifest, verifiedBody } from './artifacts.js';
import { type BuildSpec, type Manifest, sha256, storeKeys } from './spec.js';
import { FsStore, type ObjectStore, S3Store } from './store/index.js';

const spec: BuildSpec = { files: { 'main.omni': '(print 1)' }, entry: 'main.omni', target: 'x86_64-linux-gnu', output: 'shared', compiler: 'tcc', opt: 0, static: false };
let serial = 0;
/** A fresh key and a manifest for body under it. */
function artifact(body = Buffer.from(`object ${++serial} ${Math.random()}`)): { key: string; manifest: Manifest; body: Buffer } {
  const key = sha256(`key ${serial} ${Math.random()}`);
  const manifest: Manifest = {
    key,
    target: spec.target,
    output: 'shared',
    compiler: 'tcc',
    opt: 0,
    static: false,
    entry: 'main.omni',
    files: [{ name: 'main.omni', bytes: 9, sha256: sha256('(print 1)') }],
    artifact: { name: 'program.o', bytes: body.length, sha256: sha256(body), cBytes: 100 },
    versions: { compiler: 'c', runtime: 'r', cc: 'tcc' },
    diagnostics: [],
    timings: { compileMs: 1, ccMs: 1, uploadMs: 0, totalMs: 2 },
    createdAt: new Date().toISOString(),
  };
  return { key, manifest, body };
}
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const dirs: string[] = [];
let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

const backends: [string, () => ObjectStore][] = [
  [
    'fs',
    () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-artifacts-'));
      dirs.push(d);
      return new FsStore(d);
    },
  ],
  ['s3', () => new S3Store({ endpoint: s3.endpoint, region: 'us-east-1', bucket: s3.bucket, forcePathStyle: true, ...S3_TEST_CREDENTIALS })],
];

describe('checkManifest', () => {
  it('accepts a manifest of the key (extra fields too) and names what is wrong with anything else', () => {
    const { key, manifest } = artifact();
    expect(checkManifest(manifest, key)).toBeNull();
    expect(checkManifest({ ...manifest, extra: 1 }, key)).toBeNull();
    expect(checkManifest(manifest, sha256('another key'))).toMatch(/manifest of/);
    const broken: [string, (m: any) => void, RegExp][] = [
      ['no artifact', (m) => delete m.artifact, /artifact/],
      ['a path as artifact name', (m) => (m.artifact.name = '../../x'), /artifact\.name/],
      ['a NUL in the artifact name', (m) => (m.artifact.name = 'program\0'), /artifact\.name/],
      ['negative size', (m) => (m.artifact.bytes = -1), /artifact\.bytes/],
      ['fractional size', (m) => (m.artifact.bytes = 1.5), /artifact\.bytes/],
      ['size as a string', (m) => (m.artifact.bytes = '10'), /artifact\.bytes/],
      ['upper-case hash', (m) => (m.artifact.sha256 = m.artifact.sha256.toUpperCase()), /artifact\.sha256/],
      ['unknown output', (m) => (m.output = 'library'), /output/],
      ['unknown compiler', (m) => (m.compiler = 'icc'), /compiler/],
      ['bad key', (m) => (m.key = 'x'), /key/],
      ['timings missing', (m) => delete m.timings, /timings/],
    ];
    for (const [what, mutate, why] of broken) {
      const m = clone(manifest);
      mutate(m);
      expect(checkManifest(m, key), what).toMatch(why);
    }
    for (const v of [null, 42, 'manifest', [], [manifest]]) expect(checkManifest(v, key)).not.toBeNull();
  });
});

describe('parseSpec', () => {
  it('accepts what a request produces and refuses what could write outside the build directory', () => {
    expect(parseSpec(Buffer.from(JSON.stringify(spec)))).toEqual(spec);
    for (const bad of [
      'not json',
      '"a string"',
      JSON.stringify({ ...spec, files: { '../../etc/x.omni': '1' }, entry: '../../etc/x.omni' }),
      JSON.stringify({ ...spec, files: { '/abs.omni': '1' }, entry: '/abs.omni' }),
      JSON.stringify({ ...spec, entry: 'other.omni' }),
      JSON.stringify({ ...spec, output: 'library' }),
      JSON.stringify({ ...spec, files: { 'main.omni': 1 } }),
      JSON.stringify({ ...spec, opt: 1 }),
    ]) {
      expect(parseSpec(Buffer.from(bad)), bad).toBeNull();
    }
  });
});

describe.each(backends)('artifacts in the %s store', (_name, makeStore) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = makeStore();
    await store.ping();
  });

  /** Stores a manifest body as is (bypassing publishArtifact). */
  const putManifest = (key: string, body: string | object) => store.put(storeKeys(key).manifest, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

  it('publishes spec, artifact, manifest; reads them back verified; write-once for a sound key', async () => {
    const { key, manifest, body } = artifact();
    expect(await inspectManifest(store, key)).toBeNull();
    expect(await fetchArtifact(store, key)).toBeNull();
    await publishArtifact(store, clone(manifest), body, spec);
    const read = await inspectManifest(store, key);
    expect(read && 'manifest' in read && read.manifest.artifact).toEqual(manifest.artifact);
    expect(await readManifest(store, key)).toMatchObject({ key, artifact: manifest.artifact });
    const fetched = await fetchArtifact(store, key);
    expect(fetched && 'body' in fetched && fetched.body).toEqual(body);

    // a second publish of the key (another worker's identical build) leaves the first in place
    const other = artifact(Buffer.from('another body'));
    await publishArtifact(store, { ...clone(other.manifest), key }, other.body, spec);
    expect((await store.get(storeKeys(key, 'program.o').artifact))!).toEqual(body);
    expect((await readManifest(store, key))!.artifact.sha256).toBe(manifest.artifact.sha256);
  });

  it('an invalid manifest (not JSON, wrong shape, another key) is invalid, reads as absent, is corrupt to fetch, and publishing replaces it', async () => {
    for (const bad of ['{"key": ', 'null', JSON.stringify({ hello: 'world' }), 'other-key', 'bad-name']) {
      const { key, manifest, body } = artifact();
      await store.put(storeKeys(key).spec, Buffer.from(JSON.stringify(spec)));
      await store.put(storeKeys(key, 'program.o').artifact, body);
      if (bad === 'other-key') await putManifest(key, { ...manifest, key: sha256('elsewhere') });
      else if (bad === 'bad-name') await putManifest(key, { ...manifest, artifact: { ...manifest.artifact, name: '../x' } });
      else await putManifest(key, bad);
      const read = await inspectManifest(store, key);
      expect(read && 'invalid' in read, bad).toBe(true);
      expect(await readManifest(store, key)).toBeNull();
      const fetched = await fetchArtifact(store, key);
      expect(fetched && 'corrupt' in fetched && fetched.corrupt).toMatch(/invalid manifest/);

      await publishArtifact(store, clone(manifest), body, spec);
      expect(await readManifest(store, key), bad).toMatchObject({ key, artifact: manifest.artifact });
      const after = await fetchArtifact(store, key);
      expect(after && 'body' in after && after.body).toEqual(body);
    }
  });

  it('a sound manifest whose artifact is missing or damaged does not block publishing', async () => {
    for (const damage of ['missing', 'damaged', 'truncated']) {
      const { key, manifest, body } = artifact();
      await publishArtifact(store, clone(manifest), body, spec);
      const where = storeKeys(key, 'program.o').artifact;
      if (damage === 'missing') await store.delete(where);
      else await store.put(where, damage === 'damaged' ? Buffer.alloc(body.length, 7) : body.subarray(0, 3));
      expect(await verifiedBody(store, manifest)).toBeNull();
      expect(await fetchArtifact(store, key)).toEqual({ corrupt: 'the artifact does not match its manifest' });
      await publishArtifact(store, clone(manifest), body, spec);
      expect(await verifiedBody(store, manifest), damage).toEqual(body);
    }
  });

  it('discardArtifact deletes the key and returns its stored spec only when it is a valid spec', async () => {
    const good = artifact();
    await publishArtifact(store, clone(good.manifest), good.body, spec);
    expect(await discardArtifact(store, good.key)).toEqual(spec);
    expect(await store.list(storeKeys(good.key).prefix)).toEqual([]);

    for (const badSpec of ['{not json', JSON.stringify({ ...spec, files: { '../escape.omni': '1' }, entry: '../escape.omni' })]) {
      const bad = artifact();
      await publishArtifact(store, clone(bad.manifest), bad.body, spec);
      await store.put(storeKeys(bad.key).spec, Buffer.from(badSpec));
      expect(await discardArtifact(store, bad.key)).toBeNull();
      expect(await store.list(storeKeys(bad.key).prefix)).toEqual([]);
    }
    expect(await discardArtifact(store, artifact().key)).toBeNull(); // nothing there
  });
});
