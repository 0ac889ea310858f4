// Artifacts in the object store: `artifacts/<key>/<name>` and its manifest, written last. A key
// whose manifest is missing does not exist (so a half-finished upload is never visible), and an
// artifact whose bytes do not hash to its manifest's SHA-256 is corrupt: it is deleted, never served.
import { type BuildSpec, type Manifest, round, sha256, storeKeys } from './spec.js';
import type { ObjectStore } from './store/index.js';

export async function readManifest(store: ObjectStore, key: string): Promise<Manifest | null> {
  const body = await store.get(storeKeys(key).manifest);
  if (!body) return null;
  try {
    return JSON.parse(body.toString('utf8')) as Manifest;
  } catch {
    return null; // an unreadable manifest is treated as absent (the key is rebuilt)
  }
}

export type Fetched = { manifest: Manifest; body: Buffer } | { corrupt: Manifest } | null;

/** The artifact and its manifest, checked against the manifest's size and SHA-256. */
export async function fetchArtifact(store: ObjectStore, key: string): Promise<Fetched> {
  const manifest = await readManifest(store, key);
  if (!manifest) return null;
  const body = await verifiedBody(store, manifest);
  return body ? { manifest, body } : { corrupt: manifest };
}

/** The bytes of a manifest's artifact when they match its size and SHA-256; null when they do not. */
export async function verifiedBody(store: ObjectStore, manifest: Manifest): Promise<Buffer | null> {
  const body = await store.get(storeKeys(manifest.key, manifest.artifact.name).artifact);
  return body && body.length === manifest.artifact.bytes && sha256(body) === manifest.artifact.sha256 ? body : null;
}

/**
 * Stores an artifact under its key unless the key already exists (artifacts are write-once). The
 * manifest's uploadMs (and totalMs) count the spec and artifact writes; the manifest goes last.
 */
export async function publishArtifact(store: ObjectStore, manifest: Manifest, body: Buffer, spec: BuildSpec): Promise<void> {
  const keys = storeKeys(manifest.key, manifest.artifact.name);
  const started = performance.now();
  if (await store.head(keys.manifest)) return;
  await store.put(keys.spec, Buffer.from(JSON.stringify(spec)), 'application/json');
  await store.put(keys.artifact, body, 'application/octet-stream');
  const t = manifest.timings;
  t.uploadMs = round(performance.now() - started);
  t.totalMs = round(t.compileMs + t.ccMs + t.uploadMs);
  await store.put(keys.manifest, Buffer.from(JSON.stringify(manifest, null, 2)), 'application/json');
}

/**
 * Deletes a key's objects, manifest first, so the key disappears before its artifact does; returns
 * the spec stored with them (what rebuilds the key), if it was there.
 */
export async function discardArtifact(store: ObjectStore, key: string): Promise<BuildSpec | null> {
  const spec = await store.get(storeKeys(key).spec);
  await store.delete(storeKeys(key).manifest);
  await store.deletePrefix(storeKeys(key).prefix);
  return spec ? (JSON.parse(spec.toString('utf8')) as BuildSpec) : null;
}
