// Artifacts in the object store: `artifacts/<key>/<name>` and its manifest, written last. A key
// whose manifest is missing does not exist (so a half-finished upload is never visible), and an
// artifact whose bytes do not hash to its manifest's SHA-256 is corrupt: it is deleted, never served.
// Everything read back from the store is checked, not trusted: a manifest that is not JSON, does
// not have the manifest's shape or names another key is invalid (the key is corrupt and rebuilt),
// and a stored spec is used to rebuild only when it is a spec a request could have produced.
import { z } from 'zod';
import { type BuildSpec, COMPILERS, FILE_NAME, KEY_PATTERN, type Manifest, OUTPUTS, round, sha256, storeKeys } from './spec.js';
import type { ObjectStore } from './store/index.js';

const SHA256 = /^[0-9a-f]{64}$/;
/** An artifact's object name: one safe path segment (the worker writes `program` and `program.o`). */
const ARTIFACT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const diagnostic = z.looseObject({ file: z.string(), line: count, column: count, message: z.string() });

/** How an artifact is built: the same fields in a stored manifest and a stored spec. */
const buildSettings = {
  target: z.string().min(1),
  output: z.enum(OUTPUTS),
  compiler: z.enum(COMPILERS),
  opt: z.union([z.literal(0), z.literal(2)]),
  static: z.boolean(),
};

/** What a stored manifest must look like to be used (fields beyond these are allowed and kept). */
const ManifestShape = z.looseObject({
  key: z.string().regex(KEY_PATTERN),
  ...buildSettings,
  entry: z.string(),
  files: z.array(z.looseObject({ name: z.string(), bytes: count, sha256: z.string().regex(SHA256) })),
  artifact: z.looseObject({ name: z.string().regex(ARTIFACT_NAME), bytes: count, sha256: z.string().regex(SHA256), cBytes: count }),
  versions: z.looseObject({ compiler: z.string(), runtime: z.string(), cc: z.string() }),
  diagnostics: z.array(diagnostic),
  timings: z.looseObject({ compileMs: z.number(), ccMs: z.number(), uploadMs: z.number(), totalMs: z.number() }),
  createdAt: z.string(),
});

/** What a stored spec must look like to be rebuilt from: what the API's validation lets through. */
const SpecShape = z
  .looseObject({
    files: z.record(z.string().regex(FILE_NAME), z.string()),
    entry: z.string().regex(FILE_NAME),
    ...buildSettings,
  })
  .refine((s) => Object.hasOwn(s.files, s.entry), 'entry is not one of files');

/** Why a parsed manifest cannot be key's manifest, or null when it can. */
export function checkManifest(value: unknown, key: string): string | null {
  const parsed = ManifestShape.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ');
  if (parsed.data.key !== key) return `it is the manifest of ${parsed.data.key}`;
  return null;
}

/** A key's manifest as stored: absent (null), usable, or invalid (with the reason). */
export type ManifestRead = { manifest: Manifest } | { invalid: string } | null;

/** Reads and checks key's manifest: not JSON, the wrong shape or another key's is `invalid`. */
export async function inspectManifest(store: ObjectStore, key: string): Promise<ManifestRead> {
  const body = await store.get(storeKeys(key).manifest);
  if (!body) return null;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { invalid: 'the manifest is not JSON' };
  }
  const why = checkManifest(value, key);
  return why === null ? { manifest: value as Manifest } : { invalid: why };
}

/**
 * Key's manifest when the key is complete and its manifest usable; null otherwise. An invalid
 * manifest reads as absent here, so whoever asks "is it built?" builds it again (and publishing
 * replaces the invalid manifest). Readers that would serve the artifact use inspectManifest and
 * discard an invalid one as corrupt.
 */
export async function readManifest(store: ObjectStore, key: string): Promise<Manifest | null> {
  const read = await inspectManifest(store, key);
  return read && 'manifest' in read ? read.manifest : null;
}

/** A verified artifact, a corrupt one (why), or null when the key does not exist. */
export type Fetched = { manifest: Manifest; body: Buffer } | { corrupt: string } | null;

/** The artifact and its manifest, checked against the manifest's size and SHA-256. */
export async function fetchArtifact(store: ObjectStore, key: string): Promise<Fetched> {
  const read = await inspectManifest(store, key);
  if (!read) return null;
  if ('invalid' in read) return { corrupt: `invalid manifest: ${read.invalid}` };
  const body = await verifiedBody(store, read.manifest);
  return body ? { manifest: read.manifest, body } : { corrupt: 'the artifact does not match its manifest' };
}

/** The bytes of a manifest's artifact when they match its size and SHA-256; null when they do not. */
export async function verifiedBody(store: ObjectStore, manifest: Manifest): Promise<Buffer | null> {
  const body = await store.get(storeKeys(manifest.key, manifest.artifact.name).artifact);
  return body && body.length === manifest.artifact.bytes && sha256(body) === manifest.artifact.sha256 ? body : null;
}

/**
 * Stores an artifact under its key unless the key already exists (artifacts are write-once). The
 * key exists when its manifest is usable (JSON, the manifest's shape, this key) and the stored
 * artifact matches it (size and SHA-256); a key left corrupt (an invalid manifest, a missing or
 * damaged artifact) is overwritten, so it can always be rebuilt. The manifest's uploadMs (and
 * totalMs) count the spec and artifact writes; the manifest goes last.
 */
export async function publishArtifact(store: ObjectStore, manifest: Manifest, body: Buffer, spec: BuildSpec): Promise<void> {
  const keys = storeKeys(manifest.key, manifest.artifact.name);
  const started = performance.now();
  const existing = await inspectManifest(store, manifest.key);
  if (existing && 'manifest' in existing && (await verifiedBody(store, existing.manifest))) return;
  // a corrupt key: remove its manifest first, so no reader pairs it with the artifact written below
  if (existing) await store.delete(keys.manifest);
  await store.put(keys.spec, Buffer.from(JSON.stringify(spec)), 'application/json');
  await store.put(keys.artifact, body, 'application/octet-stream');
  const t = manifest.timings;
  t.uploadMs = round(performance.now() - started);
  t.totalMs = round(t.compileMs + t.ccMs + t.uploadMs);
  await store.put(keys.manifest, Buffer.from(JSON.stringify(manifest, null, 2)), 'application/json');
}

/** A stored spec, when it is one (JSON, a spec's shape); null otherwise. */
export function parseSpec(body: Buffer): BuildSpec | null {
  try {
    const parsed = SpecShape.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? (parsed.data as BuildSpec) : null;
  } catch {
    return null;
  }
}

/**
 * Deletes a key's objects, manifest first, so the key disappears before its artifact does; returns
 * the spec stored with them (what rebuilds the key) when it was there and is a valid spec.
 */
export async function discardArtifact(store: ObjectStore, key: string): Promise<BuildSpec | null> {
  const spec = await store.get(storeKeys(key).spec);
  await store.delete(storeKeys(key).manifest);
  await store.deletePrefix(storeKeys(key).prefix);
  return spec ? parseSpec(spec) : null;
}
