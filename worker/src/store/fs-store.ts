// The local filesystem store (the embedded default): one file per key under a root directory.
// put writes a temporary file in the destination directory and renames it over the key, so a
// reader sees the old object, the new one, or nothing, never a part.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ObjectInfo, type ObjectStore, StoreUnavailableError } from './store.js';

/** Marks temporary files of unfinished puts; never part of a key, never listed. */
const TEMP_MARK = '.omni-tmp-';

/** Errors that mean the directory cannot be used right now (not that a key is absent). */
const UNAVAILABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'ESTALE', 'EBUSY']);
/** Errors that mean "no such object" when reading. */
const ABSENT_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

const codeOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;

function checkSegments(segments: string[], what: string, value: string): void {
  for (const s of segments) {
    if (s === '') throw new Error(`invalid store ${what} ${JSON.stringify(value)}: empty path segment`);
    if (s === '.' || s.includes('..')) throw new Error(`invalid store ${what} ${JSON.stringify(value)}: '.' or '..'`);
    if (s.includes(TEMP_MARK)) throw new Error(`invalid store ${what} ${JSON.stringify(value)}: reserved name`);
  }
}

function checkCommon(value: string, what: string): void {
  if (typeof value !== 'string') throw new Error(`invalid store ${what}: not a string`);
  if (value.startsWith('/') || path.isAbsolute(value)) throw new Error(`invalid store ${what} ${JSON.stringify(value)}: absolute`);
  if (value.includes('\\')) throw new Error(`invalid store ${what} ${JSON.stringify(value)}: backslash`);
  if (value.includes('\0')) throw new Error(`invalid store ${what} ${JSON.stringify(value)}: NUL`);
}

/**
 * Rejects keys that could escape the root or name something odd: absolute paths, `..`,
 * backslashes, NUL, empty segments. A programming error (keys are built by the service).
 */
export function checkKey(key: string): void {
  checkCommon(key, 'key');
  if (key === '') throw new Error('invalid store key "": empty');
  checkSegments(key.split('/'), 'key', key);
}

/** A prefix is a key's beginning: '' (everything), a directory ('a/b/') or a partial name ('a/b'). */
export function checkPrefix(prefix: string): void {
  checkCommon(prefix, 'prefix');
  if (prefix === '') return;
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  checkSegments(body.split('/'), 'prefix', prefix);
}

function expandHome(dir: string): string {
  if (dir === '~') return os.homedir();
  if (dir.startsWith('~/')) return path.join(os.homedir(), dir.slice(2));
  return dir;
}

export class FsStore implements ObjectStore {
  readonly kind = 'fs' as const;
  readonly location: string;
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = path.resolve(expandHome(rootDir));
    this.location = this.root;
  }

  private file(key: string): string {
    checkKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private fail(err: unknown, op: string, key?: string): Error {
    const code = codeOf(err);
    if (code && UNAVAILABLE_CODES.has(code)) {
      return new StoreUnavailableError(`fs store ${this.root}: ${op}${key === undefined ? '' : ` ${key}`} failed (${code})`, { cause: err });
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  async get(key: string): Promise<Buffer | null> {
    const file = this.file(key);
    try {
      return await fs.readFile(file);
    } catch (err) {
      if (ABSENT_CODES.has(codeOf(err) ?? '')) return null;
      throw this.fail(err, 'get', key);
    }
  }

  async open(key: string): Promise<{ stream: NodeJS.ReadableStream; size: number } | null> {
    const file = this.file(key);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(file, 'r');
    } catch (err) {
      if (ABSENT_CODES.has(codeOf(err) ?? '')) return null;
      throw this.fail(err, 'open', key);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      // The handle stays valid if the key is replaced or deleted meanwhile: the stream reads the
      // object as it was when opened. The stream closes the handle when it ends or is destroyed.
      return { stream: fh.createReadStream({ autoClose: true }), size: st.size };
    } catch (err) {
      await fh.close().catch(() => {});
      throw this.fail(err, 'open', key);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const file = this.file(key);
    try {
      const st = await fs.stat(file);
      return st.isFile() ? { key, size: st.size } : null;
    } catch (err) {
      if (ABSENT_CODES.has(codeOf(err) ?? '')) return null;
      throw this.fail(err, 'head', key);
    }
  }

  async put(key: string, body: Buffer, _contentType?: string): Promise<void> {
    const file = this.file(key);
    const dir = path.dirname(file);
    const tmp = path.join(dir, `${TEMP_MARK}${path.basename(file)}-${process.pid}-${randomBytes(6).toString('hex')}`);
    // A concurrent delete may prune the (then empty) directory between mkdir and the write: retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.mkdir(dir, { recursive: true });
        const fh = await fs.open(tmp, 'wx');
        try {
          await fh.writeFile(body);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await fs.rename(tmp, file);
        return;
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => {});
        if (codeOf(err) === 'ENOENT' && attempt < 3) continue;
        throw this.fail(err, 'put', key);
      }
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.file(key);
    try {
      await fs.unlink(file);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      if (code === 'EISDIR' || code === 'EPERM') {
        // unlink on a directory: EISDIR on Linux, EPERM on macOS. Not an object: nothing to delete.
        const st = await fs.stat(file).catch(() => null);
        if (st?.isDirectory()) return;
      }
      throw this.fail(err, 'delete', key);
    }
    await this.prune(path.dirname(file));
  }

  /** Removes empty directories from dir up to (not including) the root. */
  private async prune(dir: string): Promise<void> {
    while (dir !== this.root && dir.startsWith(this.root + path.sep)) {
      try {
        await fs.rmdir(dir);
      } catch {
        return; // not empty (or already gone, or in use): stop
      }
      dir = path.dirname(dir);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    let deleted = 0;
    for (const o of objects) {
      await this.delete(o.key);
      deleted++;
    }
    return deleted;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    checkPrefix(prefix);
    // Walk from the deepest directory the prefix names; filter on the whole prefix (S3 semantics:
    // 'a/b' matches 'a/b', 'a/bc' and 'a/b/c').
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const out: ObjectInfo[] = [];
    await this.walk(dirKey, prefix, out);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(dirKey: string, prefix: string, out: ObjectInfo[]): Promise<void> {
    const dir = dirKey === '' ? this.root : path.join(this.root, ...dirKey.slice(0, -1).split('/'));
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = codeOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw this.fail(err, 'list', prefix);
    }
    for (const e of entries) {
      if (e.name.includes(TEMP_MARK)) continue;
      const childKey = dirKey + e.name;
      if (e.isDirectory()) {
        const childDir = childKey + '/';
        if (childDir.startsWith(prefix) || prefix.startsWith(childDir)) await this.walk(childDir, prefix, out);
      } else if (e.isFile() && childKey.startsWith(prefix)) {
        try {
          const st = await fs.stat(path.join(dir, e.name));
          out.push({ key: childKey, size: st.size });
        } catch (err) {
          if (codeOf(err) === 'ENOENT') continue; // deleted meanwhile
          throw this.fail(err, 'list', prefix);
        }
      }
    }
  }

  async presignGet(key: string, _expiresSeconds: number): Promise<string | null> {
    checkKey(key);
    return null;
  }

  async ping(): Promise<void> {
    try {
      await fs.mkdir(this.root, { recursive: true });
      const st = await fs.stat(this.root);
      if (!st.isDirectory()) throw new StoreUnavailableError(`fs store ${this.root}: not a directory`);
      await fs.access(this.root, fsConstants.W_OK | fsConstants.X_OK);
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`fs store ${this.root}: not a writable directory (${codeOf(err) ?? String(err)})`, { cause: err });
    }
  }
}
