// The local program cache: `omnilisp run FILE` against a fresh $OMNI_CACHE_DIR per test, and the
// cache keys computed directly.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type CacheEntry, type KeySettings, ProgramCache } from './cache.js';
import { keySettings } from './native.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const tmpdirs: string[] = [];
function tmpdir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpdirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** `omnilisp ARGS` with the given cache directory. */
function omnilisp(cacheDir: string, args: string[], input = ''): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, OMNI_CACHE_DIR: cacheDir }, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function omnilispAsync(cacheDir: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, OMNI_CACHE_DIR: cacheDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ stdout, stderr, status }));
  });
}

function stats(cacheDir: string): { dir: string; entries: number; bytes: number; hits: number; misses: number } {
  const r = omnilisp(cacheDir, ['cache', 'stats', '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** The parsed programs/*.json files (unparseable ones as null). */
function entries(cacheDir: string): (CacheEntry | null)[] {
  const dir = path.join(cacheDir, 'programs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      try {
        return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CacheEntry;
      } catch {
        return null;
      }
    });
}

const objectFile = (cacheDir: string, key: string) => path.join(cacheDir, 'programs', `${key}.o`);

/** Every entry's object exists and matches its recorded size and SHA-256. */
function expectConsistent(cacheDir: string): void {
  const dir = path.join(cacheDir, 'programs');
  const files = fs.readdirSync(dir).sort();
  expect(files.filter((f) => f.endsWith('.tmp')), 'temporary files left behind').toEqual([]);
  const jsons = files.filter((f) => f.endsWith('.json'));
  expect(files.filter((f) => f.endsWith('.o')).map((f) => f.slice(0, -2))).toEqual(jsons.map((f) => f.slice(0, -5)));
  for (const f of jsons) {
    const entry = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CacheEntry;
    expect(f).toBe(`${entry.key}.json`);
    const bytes = fs.readFileSync(objectFile(cacheDir, entry.key));
    expect(bytes.length).toBe(entry.objectBytes);
    expect(sha(bytes)).toBe(entry.objectSha256);
  }
}

/** A snapshot of every file under dir: relative path -> content hash and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    const st = fs.statSync(p);
    out[f] = st.isDirectory() ? 'dir' : `${sha(fs.readFileSync(p))} ${st.mtimeMs}`;
  }
  return out;
}

/** A program directory with prog.omni (and optionally lib/mylib.omni). */
function project(source: string, lib?: string): { dir: string; file: string; lib: string } {
  const dir = tmpdir('omni-cacheprog-');
  const file = path.join(dir, 'prog.omni');
  fs.writeFileSync(file, source);
  const libFile = path.join(dir, 'lib', 'mylib.omni');
  if (lib !== undefined) {
    fs.mkdirSync(path.dirname(libFile));
    fs.writeFileSync(libFile, lib);
  }
  return { dir, file, lib: libFile };
}

const CANARY = '(define (message) "CANARY-ORIGINAL")\n(print (message) (command-line))\n';

describe('omnilisp run (cached)', () => {
  it('misses on the first run and hits on the second; the entry is keyed by every input', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project(CANARY);
    expect(stats(cache)).toEqual({ dir: cache, entries: 0, bytes: 0, hits: 0, misses: 0 });

    expect(omnilisp(cache, ['run', file, 'a', 'b c'])).toEqual({ stdout: 'CANARY-ORIGINAL (a b c)\n', stderr: '', status: 0 });
    const first = stats(cache);
    expect(first).toMatchObject({ entries: 1, hits: 0, misses: 1 });
    const [entry] = entries(cache);
    const settings = keySettings(file);
    const source = fs.readFileSync(file);
    const key = new ProgramCache(cache).contentKey(settings, source, []);
    expect(entry).toMatchObject({ key, source: file, imports: [], settings });
    expect(fs.existsSync(objectFile(cache, key))).toBe(true);
    expect(fs.readFileSync(objectFile(cache, key)).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(fs.readFileSync(path.join(cache, 'index', new ProgramCache(cache).lookupKey(settings, source)), 'utf8').trim()).toBe(key);
    expect(first.bytes).toBe(entry!.objectBytes + fs.statSync(path.join(cache, 'programs', `${key}.json`)).size);
    expectConsistent(cache);

    expect(omnilisp(cache, ['run', file, 'x'])).toEqual({ stdout: 'CANARY-ORIGINAL (x)\n', stderr: '', status: 0 });
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 1, misses: 1 });
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 2, misses: 1 });
    expect(entries(cache)[0]).toMatchObject({ key });
    expect(fs.statSync(path.join(cache, 'programs', `${key}.hits`)).size).toBe(2);
    expectConsistent(cache);
  });

  it('keeps the exit status, output and uncaught errors of a program on a hit', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project('(display "partial")\n(when (command-line) (error "bad thing:" 42))\n(exit 7)\n');
    for (let run = 0; run < 2; run++) {
      expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'partial', stderr: '', status: 7 });
      expect(omnilisp(cache, ['run', file, 'x'])).toEqual({ stdout: 'partial', stderr: `error: bad thing: 42\n  at <top level> (${file}:2:22)\n`, status: 1 });
    }
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 3, misses: 1 });
  });

  it('uses a new key for the same source under another file name: backtraces print the name', () => {
    const cache = tmpdir('omni-cachetest-');
    const source = '(define (f x) (car x))\n(f 1)\n';
    const one = project(source).file;
    const two = path.join(path.dirname(one), 'other.omni');
    fs.writeFileSync(two, source);
    for (const file of [one, two, one]) {
      expect(omnilisp(cache, ['run', file])).toEqual({ stdout: '', stderr: `error: car: expected pair, got 1\n  at f (${file}:1:15)\n  at <top level> (${file}:2:1)\n`, status: 1 });
    }
    expect(stats(cache)).toMatchObject({ entries: 2, hits: 1, misses: 2 });
  });

  it('uses a new key when the source changes', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project('(print "one")\n');
    expect(omnilisp(cache, ['run', file]).stdout).toBe('one\n');
    const [one] = entries(cache);
    fs.writeFileSync(file, '(print "two")\n');
    expect(omnilisp(cache, ['run', file]).stdout).toBe('two\n');
    expect(stats(cache)).toMatchObject({ entries: 2, hits: 0, misses: 2 });
    const two = entries(cache).find((e) => e!.key !== one!.key)!;
    expect(two.key).toBe(new ProgramCache(cache).contentKey(keySettings(file), Buffer.from('(print "two")\n'), []));
    expect(omnilisp(cache, ['run', file]).stdout).toBe('two\n');
    fs.writeFileSync(file, '(print "one")\n');
    expect(omnilisp(cache, ['run', file]).stdout).toBe('one\n');
    expect(stats(cache)).toMatchObject({ entries: 2, hits: 2, misses: 2 });
    expectConsistent(cache);
  });

  it('uses a new key when an imported library changes, and records the library among the inputs', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file, lib } = project('(import mylib)\n(print (greet "Ada"))\n', '(define (greet n) (string-append "hello " n))\n');
    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'hello Ada\n', stderr: '', status: 0 });
    const [first] = entries(cache);
    const libV1 = fs.readFileSync(lib);
    expect(first!.imports).toEqual([{ name: 'mylib', path: lib, sha256: sha(libV1) }]);
    expect(first!.key).toBe(new ProgramCache(cache).contentKey(keySettings(file), fs.readFileSync(file), [{ path: lib, sha256: sha(libV1) }]));
    expect(first!.key).not.toBe(new ProgramCache(cache).contentKey(keySettings(file), fs.readFileSync(file), []));
    expect(omnilisp(cache, ['run', file]).stdout).toBe('hello Ada\n');
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 1, misses: 1 });

    fs.writeFileSync(lib, '(define (greet n) (string-append "goodbye " n))\n');
    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'goodbye Ada\n', stderr: '', status: 0 });
    expect(stats(cache)).toMatchObject({ entries: 2, hits: 1, misses: 2 });
    const second = entries(cache).find((e) => e!.key !== first!.key)!;
    expect(second.imports).toEqual([{ name: 'mylib', path: lib, sha256: sha(fs.readFileSync(lib)) }]);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('goodbye Ada\n');
    expect(stats(cache)).toMatchObject({ entries: 2, hits: 2, misses: 2 });

    // back to the first version: its content key again, and the right output
    fs.writeFileSync(lib, libV1);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('hello Ada\n');
    expect(entries(cache).map((e) => e!.key).sort()).toEqual([first!.key, second.key].sort());
    expectConsistent(cache);

    // a library that disappeared is a miss too (and then a compile error)
    fs.rmSync(lib);
    const r = omnilisp(cache, ['run', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/library not found: mylib/);
  });

  // BUG (reported): the lookup key is the program's source and the settings only, and the entry's
  // recorded imports are absolute paths: the same source in another directory, whose
  // lib/mylib.omni differs, is answered with the first directory's compiled program.
  it('does not reuse an entry for the same source in a directory with a different library', () => {
    const cache = tmpdir('omni-cachetest-');
    const source = '(import mylib)\n(print (who))\n';
    const a = project(source, '(define (who) "library A")\n');
    const b = project(source, '(define (who) "library B")\n');
    expect(omnilisp(cache, ['run', a.file]).stdout).toBe('library A\n');
    expect(omnilisp(cache, ['run', b.file]).stdout).toBe('library B\n');
  });

  it('detects a corrupted object: the program still prints the right output and the entry is rebuilt, never run', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project(CANARY);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    const [entry] = entries(cache);
    const obj = objectFile(cache, entry!.key);
    const good = fs.readFileSync(obj);
    // change the string the program prints: run as it is, it would print CANARY-CORRUPTD
    const at = good.indexOf('CANARY-ORIGINAL');
    expect(at).toBeGreaterThan(0);
    const bad = Buffer.from(good);
    bad.write('CORRUPTD', at + 'CANARY-'.length, 'latin1');
    fs.writeFileSync(obj, bad);

    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'CANARY-ORIGINAL nil\n', stderr: '', status: 0 });
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 0, misses: 2 });
    expect(fs.readFileSync(obj).equals(good)).toBe(true);
    expectConsistent(cache);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 1, misses: 2 });
  });

  it('detects a few overwritten bytes and a truncated object', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project(CANARY);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    const [entry] = entries(cache);
    const obj = objectFile(cache, entry!.key);
    const good = fs.readFileSync(obj);

    const fd = fs.openSync(obj, 'r+');
    fs.writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, 200);
    fs.closeSync(fd);
    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'CANARY-ORIGINAL nil\n', stderr: '', status: 0 });
    expect(fs.readFileSync(obj).equals(good)).toBe(true);
    expectConsistent(cache);

    fs.truncateSync(obj, Math.floor(good.length / 2));
    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'CANARY-ORIGINAL nil\n', stderr: '', status: 0 });
    expect(fs.readFileSync(obj).equals(good)).toBe(true);
    expectConsistent(cache);

    fs.truncateSync(obj, 0);
    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'CANARY-ORIGINAL nil\n', stderr: '', status: 0 });
    expect(fs.readFileSync(obj).equals(good)).toBe(true);

    fs.rmSync(obj);
    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'CANARY-ORIGINAL nil\n', stderr: '', status: 0 });
    expect(fs.readFileSync(obj).equals(good)).toBe(true);
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 0, misses: 5 });
    expectConsistent(cache);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 1, misses: 5 });
  });

  it('treats corrupted JSON metadata (or a corrupted index) as a miss', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project(CANARY);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    const [entry] = entries(cache);
    const json = path.join(cache, 'programs', `${entry!.key}.json`);

    fs.writeFileSync(json, '{"key": "' + entry!.key + '", "imports": [');
    expect(stats(cache)).toMatchObject({ entries: 0, misses: 1 });
    expect(omnilisp(cache, ['run', file])).toEqual({ stdout: 'CANARY-ORIGINAL nil\n', stderr: '', status: 0 });
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 0, misses: 2 });
    expect(entries(cache)[0]).toMatchObject({ key: entry!.key, objectSha256: entry!.objectSha256 });
    expectConsistent(cache);

    // metadata naming another key
    fs.writeFileSync(json, JSON.stringify({ ...entry, key: '0'.repeat(64) }));
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache)).toMatchObject({ entries: 1, misses: 3 });

    // an index pointing nowhere
    const index = path.join(cache, 'index', new ProgramCache(cache).lookupKey(keySettings(file), fs.readFileSync(file)));
    fs.writeFileSync(index, 'garbage\n');
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache)).toMatchObject({ entries: 1, misses: 4 });
    expect(fs.readFileSync(index, 'utf8').trim()).toBe(entry!.key);
    expectConsistent(cache);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 1, misses: 4 });
  });

  it('cache clear empties the cache', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project(CANARY);
    omnilisp(cache, ['run', file]);
    omnilisp(cache, ['run', file]);
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 1, misses: 1 });
    expect(omnilisp(cache, ['cache', 'clear'])).toEqual({ stdout: `cleared ${cache}\n`, stderr: '', status: 0 });
    expect(fs.existsSync(cache) ? fs.readdirSync(cache) : []).toEqual([]);
    expect(stats(cache)).toEqual({ dir: cache, entries: 0, bytes: 0, hits: 0, misses: 0 });
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 0, misses: 1 });
    // clearing an empty (or missing) cache is fine
    expect(omnilisp(cache, ['cache', 'clear']).status).toBe(0);
    expect(omnilisp(cache, ['cache', 'clear']).status).toBe(0);
  });

  it('stats without --json is readable text', () => {
    const cache = tmpdir('omni-cachetest-');
    expect(omnilisp(cache, ['cache', 'stats'])).toEqual({ stdout: `cache: ${cache}\nentries: 0\nbytes: 0\nhits: 0\nmisses: 0\n`, stderr: '', status: 0 });
  });

  it('8 concurrent runs against an empty cache all print the right output and leave one consistent entry', async () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project(CANARY);
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => omnilispAsync(cache, ['run', file, String(i)])));
    runs.forEach((r, i) => expect(r).toEqual({ stdout: `CANARY-ORIGINAL (${i})\n`, stderr: '', status: 0 }));
    expectConsistent(cache);
    const s = stats(cache);
    expect(s.entries).toBe(1);
    // Every run either hit or missed, and the counters (appends) lose nothing under concurrency.
    expect(s.misses).toBeGreaterThanOrEqual(1);
    expect(s.misses + s.hits).toBe(8);
    expect(fs.readdirSync(path.join(cache, 'index'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(cache, 'runtime', keySettings('').triple))).toEqual([`omni-jit-${keySettings('').runtime}`]);
    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    expect(stats(cache).hits).toBe(s.hits + 1);
  });

  it('--no-cache, --aot and --interp leave the cache untouched', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project(CANARY);
    for (const mode of ['--no-cache', '--aot', '--interp']) {
      expect(omnilisp(cache, ['run', mode, file, 'arg'])).toEqual({ stdout: 'CANARY-ORIGINAL (arg)\n', stderr: '', status: 0 });
    }
    expect(fs.readdirSync(cache)).toEqual([]);

    expect(omnilisp(cache, ['run', file]).stdout).toBe('CANARY-ORIGINAL nil\n');
    const before = snapshot(cache);
    for (const mode of ['--no-cache', '--aot', '--interp']) {
      expect(omnilisp(cache, ['run', mode, file])).toEqual({ stdout: 'CANARY-ORIGINAL nil\n', stderr: '', status: 0 });
    }
    expect(snapshot(cache)).toEqual(before);
    expect(stats(cache)).toMatchObject({ entries: 1, hits: 0, misses: 1 });
  });

  it('does not cache a program that does not compile', () => {
    const cache = tmpdir('omni-cachetest-');
    const { file } = project('(print "never")\n(print (+ 1 nope))\n');
    for (let run = 0; run < 2; run++) expect(omnilisp(cache, ['run', file])).toEqual({ stdout: '', stderr: `${file}:2:13: unbound variable: nope\n`, status: 1 });
    expect(stats(cache)).toMatchObject({ entries: 0, hits: 0 });
  });
});

describe('ProgramCache keys', () => {
  const base: KeySettings = { compiler: 'compiler-1', runtime: 'runtime-1', triple: 'x86_64-linux-gnu', mode: 'jit', flags: [], file: 'p.omni' };
  const source = Buffer.from('(print 1)\n');
  const imports = [{ name: 'a', path: '/lib/a.omni', sha256: sha('a') }];
  const cache = new ProgramCache(path.join(os.tmpdir(), 'omni-cache-unused'));

  it('is a SHA-256 in hex, stable for the same inputs', () => {
    expect(cache.contentKey(base, source, imports)).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.lookupKey(base, source)).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.contentKey({ ...base, flags: [...base.flags] }, Buffer.from(source), [{ ...imports[0] }])).toBe(cache.contentKey(base, source, imports));
    expect(cache.lookupKey({ ...base }, Buffer.from(source))).toBe(cache.lookupKey(base, source));
  });

  it.each<[string, KeySettings, KeySettings]>([
    ['compiler version', base, { ...base, compiler: 'compiler-2' }],
    ['runtime version', base, { ...base, runtime: 'runtime-2' }],
    ['target triple', base, { ...base, triple: 'aarch64-linux-gnu' }],
    ['mode', base, { ...base, mode: 'aot' }],
    ['flags', base, { ...base, flags: ['-O2'] }],
    ['flag order', { ...base, flags: ['a', 'b'] }, { ...base, flags: ['b', 'a'] }],
    ['flag boundaries', { ...base, flags: ['a', 'b'] }, { ...base, flags: ['a b'] }],
    ['file name (backtraces name it)', base, { ...base, file: 'other/p.omni' }],
  ])('changes with the %s', (_what, s0, s1) => {
    expect(cache.contentKey(s1, source, imports)).not.toBe(cache.contentKey(s0, source, imports));
    expect(cache.lookupKey(s1, source)).not.toBe(cache.lookupKey(s0, source));
  });

  it('content key changes with the source and with each import; the lookup key only with the source', () => {
    const other = Buffer.from('(print 2)\n');
    expect(cache.contentKey(base, other, imports)).not.toBe(cache.contentKey(base, source, imports));
    expect(cache.lookupKey(base, other)).not.toBe(cache.lookupKey(base, source));
    const changed = [{ path: '/lib/a.omni', sha256: sha('a2') }];
    expect(cache.contentKey(base, source, changed)).not.toBe(cache.contentKey(base, source, imports));
    expect(cache.contentKey(base, source, [])).not.toBe(cache.contentKey(base, source, imports));
    expect(cache.contentKey(base, source, [...imports, { path: '/lib/b.omni', sha256: sha('b') }])).not.toBe(cache.contentKey(base, source, imports));
    expect(cache.lookupKey(base, source)).not.toBe(cache.contentKey(base, source, []));
  });

  it('the settings of a real run are the compiler build id, the runtime version, the host triple and the JIT mode', () => {
    const s = keySettings('p.omni');
    const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    expect(s.compiler).toBe(fs.readFileSync(path.join(repo, 'compiler/dist/BUILD_ID'), 'utf8').trim());
    expect(s.runtime).toBe(sha(fs.readFileSync(path.join(repo, 'runtime/build', s.triple, 'omni-jit'))));
    expect(s).toMatchObject({ triple: `${process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch}-linux-gnu`, mode: 'jit', flags: [], file: 'p.omni' });
  });
});
