// The worker's local copies of tcc objects (OMNI_WORKER_DIR/objects/), what runs load: verified
// before use and kept under a size bound, least recently used first out.
//
// Layout: `<key>.o` (the object) and `<key>.json` (`{sha256, bytes}`: the manifest's artifact hash
// and size it was verified against when written). A run never loads `<key>.o` itself but a lease:
// a hard link `.run-<pid>-<ms>-<random>.o` made for that run and removed after it, so evicting or
// replacing `<key>.o` (by this process or by another worker sharing the directory) never pulls a
// file out from under a running program.
//
// Verification without hashing on every run: a copy is hashed when it is written (put) and
// whenever its file is not the one last verified. What was verified is recorded as the file's
// (device, inode, size, mtime); each lease is stat'ed and compared with that record, and hashed
// again (against the sidecar's hash, and the manifest's when the caller has it) only when they
// differ: a copy that was rewritten, truncated, replaced by a rename, or is new to this process
// (written by another worker, or found at start-up) is hashed once, an unchanged one never. What
// the stat cannot see is damage that rewrites bytes in place and then restores the mtime (the
// inode's ctime cannot serve: making each lease, a link, changes it) or bit rot below the file
// system; the lease is made before the check, so the file checked is the one the run loads.
//
// The bound counts the objects this process keeps (their sizes as verified). After each put the
// least recently used are deleted until the total fits; an object larger than the whole bound is
// used for its run (through its lease) and not kept. Use order survives restarts through the
// sidecars' mtimes, which each use touches.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from './processes.js';

/** What a copy must hash to: the manifest's artifact SHA-256 and size. */
export interface Expected {
  sha256: string;
  bytes: number;
}

/** One run's hold on a verified object: `file` stays valid until release(). */
export interface Lease {
  file: string;
  release(): void;
}

interface Entry extends Expected {
  /** The file as it was when last hashed and found to match; null: not verified by this process yet. */
  verified: { dev: number; ino: number; size: number; mtimeMs: number } | null;
}

/** Keys are content keys; anything else that could leave the directory is refused. */
const KEY = /^[A-Za-z0-9_-]{1,128}$/;
const OBJECT = /^([A-Za-z0-9_-]{1,128})\.o$/;
const SIDECAR = /^([A-Za-z0-9_-]{1,128})\.json$/;
/** Leases and temporary files: `.run-` / `.tmp-`, the pid that made them, when (ms), a random part. */
const TRANSIENT = /^\.(?:run|tmp)-(\d+)-(\d+)-[0-9a-f]+(?:\.o)?$/;
/** Transient files of a live process are left alone unless they are older than this. */
const TRANSIENT_MAX_AGE_MS = 24 * 3600_000;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function readSidecar(file: string): Expected | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Expected>;
    if (typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256) && Number.isSafeInteger(v.bytes) && v.bytes! >= 0) return { sha256: v.sha256, bytes: v.bytes! };
  } catch {
    // absent or not ours
  }
  return null;
}

const unlink = (file: string) => fs.rmSync(file, { force: true });

export class LocalObjects {
  /** Known copies, least recently used first (a Map keeps insertion order; a use re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private total = 0;
  /** How many times a copy was hashed (tests check that unchanged copies are not). */
  hashes = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.scan();
  }

  /** Bytes of the copies kept now. */
  get bytes(): number {
    return this.total;
  }

  /** The keys kept, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * A lease on key's copy when there is one and it verifies (and, with `expected`, is that
   * artifact: a copy of another build of the key is dropped); null otherwise.
   */
  acquire(key: string, expected?: Expected): Lease | null {
    const file = this.objectFile(key);
    let entry = this.entries.get(key) ?? this.adopt(key);
    if (!entry) return null;
    if (expected && (expected.sha256 !== entry.sha256 || expected.bytes !== entry.bytes)) {
      // perhaps another worker replaced the copy since: its sidecar says which artifact it holds now
      const now = readSidecar(this.sidecarFile(key));
      if (!now || now.sha256 !== expected.sha256 || now.bytes !== expected.bytes) return this.drop(key, null);
      entry = this.record(key, { ...now, verified: null });
    }
    const lease = this.transient('run', '.o');
    try {
      fs.linkSync(file, lease);
    } catch {
      return this.drop(key, null); // gone (evicted by another process, or never written)
    }
    const st = fs.statSync(lease);
    const v = entry.verified;
    if (!v || v.dev !== st.dev || v.ino !== st.ino || v.size !== st.size || v.mtimeMs !== st.mtimeMs) {
      // not the file last verified: check it against the sidecar written with it, then against what we expected
      const side = readSidecar(this.sidecarFile(key)) ?? entry;
      const ok = st.size === side.bytes && (!expected || (side.sha256 === expected.sha256 && side.bytes === expected.bytes)) && this.hash(lease) === side.sha256;
      if (!ok) {
        unlink(lease);
        return this.drop(key, st.ino);
      }
      entry = this.record(key, { ...side, verified: { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs } });
    }
    this.touch(key, entry);
    return { file: lease, release: () => unlink(lease) };
  }

  /**
   * Keeps body as key's copy (it must match `expected`: the caller's manifest) and returns a lease
   * on it; then evicts the least recently used copies beyond the bound (this one too, when it alone
   * is larger than the bound: the lease still holds it for this run).
   */
  put(key: string, body: Buffer, expected: Expected): Lease {
    if (body.length !== expected.bytes || this.hash(body) !== expected.sha256) throw new Error(`local object ${key}: the bytes do not match the manifest`);
    const file = this.objectFile(key);
    const sidecar = this.sidecarFile(key);
    // the sidecar first: a copy is never found next to another artifact's hash without being hashed again
    this.writeAtomically(sidecar, Buffer.from(JSON.stringify({ sha256: expected.sha256, bytes: expected.bytes })));
    // the lease is linked to the file written here before it is renamed into place: what is recorded
    // as verified is this file, even if another process replaces `<key>.o` at the same moment
    const lease = this.writeAtomically(file, body, this.transient('run', '.o'));
    const st = fs.statSync(lease);
    this.touch(key, this.record(key, { sha256: expected.sha256, bytes: expected.bytes, verified: { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs } }));
    this.evict();
    return { file: lease, release: () => unlink(lease) };
  }

  /** Deletes key's copy (its lease holders keep theirs). */
  delete(key: string): void {
    this.drop(key, null);
  }

  // ---------------------------------------------------------------- internals

  private objectFile(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid local object key ${JSON.stringify(key)}`);
    return path.join(this.dir, `${key}.o`);
  }

  private sidecarFile(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  private transient(kind: 'run' | 'tmp', ext: string): string {
    return path.join(this.dir, `.${kind}-${process.pid}-${Date.now()}-${randomBytes(6).toString('hex')}${ext}`);
  }

  /** Writes file through a temporary file and a rename; with `link`, also links that to the new file first. */
  private writeAtomically(file: string, body: Buffer, link?: string): string {
    const tmp = this.transient('tmp', '');
    try {
      fs.writeFileSync(tmp, body);
      if (link) fs.linkSync(tmp, link);
      fs.renameSync(tmp, file);
      return link ?? file;
    } catch (e) {
      unlink(tmp);
      if (link) unlink(link);
      throw e;
    }
  }

  private hash(source: string | Buffer): string {
    this.hashes++;
    return sha256(typeof source === 'string' ? fs.readFileSync(source) : source);
  }

  /** Sets key's entry, keeping the total; returns it. */
  private record(key: string, entry: Entry): Entry {
    const old = this.entries.get(key);
    if (old) this.total -= old.bytes;
    this.entries.set(key, entry);
    this.total += entry.bytes;
    return entry;
  }

  /** Marks key most recently used (in memory, and on disk for the next start). */
  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    try {
      const now = new Date();
      fs.utimesSync(this.sidecarFile(key), now, now);
    } catch {
      // best effort: only the order after a restart depends on it
    }
  }

  /** An entry for a copy this process does not know yet (another worker's, or an older one). */
  private adopt(key: string): Entry | null {
    const side = readSidecar(this.sidecarFile(key));
    if (!side || !fs.existsSync(this.objectFile(key))) return null;
    return this.record(key, { ...side, verified: null });
  }

  /**
   * Forgets key and deletes its files. With an inode, only when `<key>.o` is still that file: a
   * copy another process has just put in its place is left alone (it is checked when next used).
   */
  private drop(key: string, ino: number | null): null {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.bytes;
    }
    const file = this.objectFile(key);
    try {
      if (ino !== null && fs.statSync(file).ino !== ino) return null;
    } catch {
      // already gone
    }
    unlink(file);
    unlink(this.sidecarFile(key));
    return null;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.total <= this.maxBytes) return;
      this.drop(key, null);
    }
  }

  /**
   * Start-up: adopts the copies left by earlier runs (most recently used last, each hashed before
   * its first use), removes leftovers (an object without its sidecar or the reverse, temporary files
   * and leases of processes that are gone), then applies the bound.
   */
  private scan(): void {
    const names = fs.readdirSync(this.dir);
    const present = new Set(names);
    const found: { key: string; used: number; side: Expected }[] = [];
    for (const name of names) {
      const full = path.join(this.dir, name);
      const transient = TRANSIENT.exec(name);
      if (transient) {
        if (!processAlive(Number(transient[1])) || Date.now() - Number(transient[2]) > TRANSIENT_MAX_AGE_MS) unlink(full);
        continue;
      }
      const obj = OBJECT.exec(name);
      if (obj && !present.has(`${obj[1]}.json`)) unlink(full);
      const side = SIDECAR.exec(name);
      if (!side) continue;
      const key = side[1];
      const expected = present.has(`${key}.o`) ? readSidecar(full) : null;
      if (!expected) {
        unlink(full);
        unlink(path.join(this.dir, `${key}.o`));
        continue;
      }
      let used = 0;
      try {
        used = fs.statSync(full).mtimeMs;
      } catch {
        continue;
      }
      found.push({ key, used, side: expected });
    }
    found.sort((a, b) => a.used - b.used);
    for (const f of found) this.record(f.key, { ...f.side, verified: null });
    this.evict();
  }
}
