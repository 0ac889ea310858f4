// LocalObjects: verified, bounded local copies of tcc objects (the worker's runs load them).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjects } from './local-objects.js';

const dirs: string[] = [];
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-local-objects-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const key = (n: number | string) => sha256(Buffer.from(String(n)));
const blob = (bytes: number) => randomBytes(bytes);
const expected = (b: Buffer) => ({ sha256: sha256(b), bytes: b.length });
/** The files in dir that are not leases or temporary files. */
const kept = (dir: string) => fs.readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
/** A pid no process has (the child has exited). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('LocalObjects', () => {
  it('put keeps a verified copy and leases it; acquire leases it again; a lease is its own file until released', () => {
    const dir = tmpDir();
    const objects = new LocalObjects(dir, 1 << 20);
    const body = blob(1000);
    const k = key('a');
    const first = objects.put(k, body, expected(body));
    expect(fs.readFileSync(first.file)).toEqual(body);
    expect(path.dirname(first.file)).toBe(dir);
    expect(first.file.endsWith('.o')).toBe(true); // omni-jit picks the loader by extension
    expect(kept(dir)).toEqual([`${k}.json`, `${k}.o`]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, `${k}.json`), 'utf8'))).toEqual(expected(body));

    const again = objects.acquire(k)!;
    expect(again).not.toBeNull();
    expect(again.file).not.toBe(first.file);
    expect(fs.readFileSync(again.file)).toEqual(body);
    first.release();
    expect(fs.existsSync(first.file)).toBe(false);
    expect(fs.readFileSync(again.file)).toEqual(body);
    again.release();
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(objects.acquire(key('other'))).toBeNull();
    expect(objects.bytes).toBe(1000);
  });

  it('refuses bytes that do not match the manifest, and keys that are not names', () => {
    const objects = new LocalObjects(tmpDir(), 1 << 20);
    const body = blob(100);
    expect(() => objects.put(key(1), body, { sha256: sha256(blob(100)), bytes: 100 })).toThrow(/do not match/);
    expect(() => objects.put(key(1), body, { sha256: sha256(body), bytes: 99 })).toThrow(/do not match/);
    expect(objects.acquire(key(1))).toBeNull();
    for (const bad of ['../x', 'a/b', '', '.run-1', 'x'.repeat(129)]) expect(() => objects.put(bad, body, expected(body))).toThrow(/invalid local object key/);
  });

  it('hashes a copy once: an unchanged file is not hashed again on use', () => {
    const objects = new LocalObjects(tmpDir(), 1 << 20);
    const body = blob(50_000);
    objects.put(key(1), body, expected(body)).release();
    const after = objects.hashes;
    for (let i = 0; i < 5; i++) objects.acquire(key(1), expected(body))!.release();
    expect(objects.hashes).toBe(after);
  });

  it('a copy changed on disk is hashed again: same size rewritten, truncated, replaced — a bad one is deleted, never leased', () => {
    const dir = tmpDir();
    const objects = new LocalObjects(dir, 1 << 20);
    const body = blob(4096);
    const k = key('c');
    const file = path.join(dir, `${k}.o`);
    objects.put(k, body, expected(body)).release();

    // rewritten in place with other bytes of the same size (and an older mtime)
    const other = blob(4096);
    fs.writeFileSync(file, other);
    fs.utimesSync(file, new Date(2000, 1, 1), new Date(2000, 1, 1));
    const h = objects.hashes;
    expect(objects.acquire(k)).toBeNull();
    expect(objects.hashes).toBe(h + 1);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(path.join(dir, `${k}.json`))).toBe(false);
    expect(objects.bytes).toBe(0);

    // truncated
    objects.put(k, body, expected(body)).release();
    fs.truncateSync(file, 100);
    expect(objects.acquire(k)).toBeNull();
    expect(fs.existsSync(file)).toBe(false);

    // replaced (a new inode) by the same bytes: hashed once, then used without hashing
    objects.put(k, body, expected(body)).release();
    fs.writeFileSync(`${file}.new`, body);
    fs.renameSync(`${file}.new`, file);
    const h2 = objects.hashes;
    const lease = objects.acquire(k)!;
    expect(fs.readFileSync(lease.file)).toEqual(body);
    lease.release();
    expect(objects.hashes).toBe(h2 + 1);
    objects.acquire(k)!.release();
    expect(objects.hashes).toBe(h2 + 1);

    // deleted behind its back
    fs.rmSync(file);
    expect(objects.acquire(k)).toBeNull();
    expect(objects.bytes).toBe(0);
  });

  it('with the manifest expected, a copy of another artifact under the key is dropped', () => {
    const dir = tmpDir();
    const objects = new LocalObjects(dir, 1 << 20);
    const body = blob(300);
    objects.put(key(1), body, expected(body)).release();
    const rebuilt = blob(300);
    expect(objects.acquire(key(1), expected(rebuilt))).toBeNull();
    expect(kept(dir)).toEqual([]);
    expect(objects.acquire(key(1))).toBeNull();
  });

  it('keeps at most maxBytes, evicting the least recently used; a lease outlives the eviction of its copy', () => {
    const dir = tmpDir();
    const objects = new LocalObjects(dir, 3000);
    const bodies = [0, 1, 2, 3].map(() => blob(1000));
    const leaseOfA = objects.put(key(0), bodies[0], expected(bodies[0]));
    objects.put(key(1), bodies[1], expected(bodies[1])).release();
    objects.put(key(2), bodies[2], expected(bodies[2])).release();
    expect(objects.bytes).toBe(3000);
    objects.acquire(key(0))!.release(); // 0 is now the most recently used: 1 goes first
    objects.put(key(3), bodies[3], expected(bodies[3])).release();
    expect(objects.keys()).toEqual([key(2), key(0), key(3)]);
    expect(objects.bytes).toBe(3000);
    expect(kept(dir)).toEqual([key(0), key(2), key(3)].flatMap((k) => [`${k}.json`, `${k}.o`]).sort());
    expect(objects.acquire(key(1))).toBeNull();

    // 0 is evicted while its first lease is still held: the lease still reads the object
    objects.put(key(1), bodies[1], expected(bodies[1])).release();
    objects.put(key(4), bodies[1], expected(bodies[1])).release();
    expect(objects.keys()).not.toContain(key(0));
    expect(fs.existsSync(path.join(dir, `${key(0)}.o`))).toBe(false);
    expect(fs.readFileSync(leaseOfA.file)).toEqual(bodies[0]);
    leaseOfA.release();

    // one object larger than the whole bound: leased for its run, not kept
    const huge = blob(5000);
    const lease = objects.put(key('huge'), huge, expected(huge));
    expect(fs.readFileSync(lease.file)).toEqual(huge);
    expect(objects.keys()).not.toContain(key('huge'));
    expect(objects.bytes).toBeLessThanOrEqual(3000);
    lease.release();
    expect(objects.acquire(key('huge'))).toBeNull();
  });

  it('after a restart: adopts the copies (hashed on first use), in their use order, under the (new) bound; removes leftovers', () => {
    const dir = tmpDir();
    const before = new LocalObjects(dir, 1 << 20);
    const bodies = [0, 1, 2].map(() => blob(1000));
    for (let i = 0; i < 3; i++) before.put(key(i), bodies[i], expected(bodies[i])).release();
    // sidecar mtimes record use: 2 oldest, then 0, then 1
    const at = (k: string, s: number) => fs.utimesSync(path.join(dir, `${k}.json`), new Date(s * 1000), new Date(s * 1000));
    at(key(2), 1000);
    at(key(0), 2000);
    at(key(1), 3000);
    // leftovers: an object without its sidecar, a sidecar without its object, a dead process's lease and temporary file, a live one's lease
    fs.writeFileSync(path.join(dir, `${key(7)}.o`), 'orphan');
    fs.writeFileSync(path.join(dir, `${key(8)}.json`), JSON.stringify(expected(bodies[0])));
    const dead = deadPid();
    fs.writeFileSync(path.join(dir, `.run-${dead}-${Date.now()}-abcd.o`), 'x');
    fs.writeFileSync(path.join(dir, `.tmp-${dead}-${Date.now()}-abcd`), 'x');
    const live = path.join(dir, `.run-${process.pid}-${Date.now()}-beef.o`);
    fs.writeFileSync(live, 'x');
    const stale = path.join(dir, `.run-${process.pid}-${Date.now() - 2 * 24 * 3600_000}-beef.o`);
    fs.writeFileSync(stale, 'x');
    // one adopted copy was damaged while no worker ran
    fs.writeFileSync(path.join(dir, `${key(1)}.o`), blob(1000));

    const after = new LocalObjects(dir, 2000);
    expect(after.keys()).toEqual([key(0), key(1)]); // 2 was the least recently used: over the bound
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(live), ...[key(0), key(1)].flatMap((k) => [`${k}.json`, `${k}.o`])].sort());
    const h = after.hashes;
    const lease = after.acquire(key(0), expected(bodies[0]))!;
    expect(fs.readFileSync(lease.file)).toEqual(bodies[0]);
    lease.release();
    expect(after.hashes).toBe(h + 1);
    after.acquire(key(0))!.release();
    expect(after.hashes).toBe(h + 1);
    expect(after.acquire(key(1))).toBeNull(); // damaged: hashed, found wrong, deleted
    expect(fs.existsSync(path.join(dir, `${key(1)}.o`))).toBe(false);
  });

  it('two instances on one directory (two workers): each uses the copies the other writes, checked first', () => {
    const dir = tmpDir();
    const a = new LocalObjects(dir, 1 << 20);
    const b = new LocalObjects(dir, 1 << 20);
    const body = blob(2000);
    a.put(key(1), body, expected(body)).release();
    const h = b.hashes;
    const lease = b.acquire(key(1), expected(body))!;
    expect(fs.readFileSync(lease.file)).toEqual(body);
    lease.release();
    expect(b.hashes).toBe(h + 1);

    // b replaces it with another build of the key; a, asked for that artifact, follows the sidecar and checks it
    const rebuilt = blob(2000);
    b.put(key(1), rebuilt, expected(rebuilt)).release();
    const seen = a.acquire(key(1), expected(rebuilt))!;
    expect(fs.readFileSync(seen.file)).toEqual(rebuilt);
    seen.release();
    // and a copy another instance deleted is simply gone
    b.delete(key(1));
    expect(a.acquire(key(1))).toBeNull();
  });
});
