// The local content-addressed cache of compiled programs ($OMNI_CACHE_DIR, default ~/.omni/cache).
//
//   runtime/<triple>/omni-jit-<runtime version>   the JIT host cached programs run on
//   programs/<key>.o                              the program compiled by tcc (an object file)
//   programs/<key>.json                           its metadata (source, inputs, sizes, created)
//   programs/<key>.hits                           one byte per hit: size = hits, mtime = last used
//   index/<lookup>                                lookup key -> content key
//   misses                                        one byte per miss
// (Counters are appends, which concurrent runs cannot lose.)
//
// The content key is the SHA-256 of every input: the program's source, each imported library's
// source, the compiler and runtime versions, the target triple, the mode, the flags and the file
// name as given (the compiled code's backtraces print it). A lookup
// starts from what can be known without compiling (the program's own source and the settings);
// the entry found then lists the imported libraries, which must still resolve to the same files
// on the program's library path, with the same contents.
// Every write goes to a temporary file renamed into place, and an entry whose object does not
// match its recorded SHA-256 is deleted and rebuilt, never run. Only node builtins are used here:
// a cache hit must not pay for loading the compiler.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KeySettings {
  /** Compiler build id (compiler/dist/BUILD_ID). */
  compiler: string;
  /** Runtime version (SHA-256 of the JIT host). */
  runtime: string;
  triple: string;
  mode: string;
  flags: readonly string[];
  /** The program's file as the command was given it: the compiled code's backtraces name it. */
  file: string;
}

export interface Input {
  /** The library name, as in `(import NAME)`. */
  name: string;
  path: string;
  sha256: string;
}

export interface CacheEntry {
  key: string;
  /** The program's file, as given. */
  source: string;
  /** Imported library files and their SHA-256 when compiled. */
  imports: Input[];
  settings: KeySettings;
  objectBytes: number;
  objectSha256: string;
  created: string;
}

export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export function defaultCacheDir(): string {
  return process.env.OMNI_CACHE_DIR || path.join(os.homedir(), '.omni', 'cache');
}

/** Writes a file atomically: a temporary file in the same directory, renamed into place. */
export function writeAtomic(file: string, data: Buffer | string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, data, { mode });
  fs.renameSync(tmp, file);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export class ProgramCache {
  constructor(readonly dir = defaultCacheDir()) {}

  private programFile(key: string, ext: 'o' | 'json' | 'hits'): string {
    return path.join(this.dir, 'programs', `${key}.${ext}`);
  }

  /** What can be known before compiling: the settings and the program's own source. */
  lookupKey(settings: KeySettings, source: Buffer): string {
    return sha256(JSON.stringify({ settings, source: sha256(source) }));
  }

  /** The content key: every input. */
  contentKey(settings: KeySettings, source: Buffer, imports: readonly Input[]): string {
    return sha256(JSON.stringify({ settings, source: sha256(source), imports: imports.map((i) => i.sha256) }));
  }

  /**
   * The entry for a lookup key whose inputs are unchanged and whose object is intact, or null.
   * `resolve` finds a library the way the program's `(import NAME)` would now.
   */
  find(lookup: string, resolve: (name: string) => string | undefined): { entry: CacheEntry; object: string } | null {
    let key: string;
    try {
      key = fs.readFileSync(path.join(this.dir, 'index', lookup), 'utf8').trim();
    } catch {
      return null;
    }
    const entry = readJson<CacheEntry>(this.programFile(key, 'json'));
    if (!entry || entry.key !== key) return null;
    for (const input of entry.imports) {
      if (resolve(input.name) !== input.path) return null;
      let current: string;
      try {
        current = sha256(fs.readFileSync(input.path));
      } catch {
        return null;
      }
      if (current !== input.sha256) return null;
    }
    const object = this.programFile(key, 'o');
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(object);
    } catch {
      return null;
    }
    if (bytes.length !== entry.objectBytes || sha256(bytes) !== entry.objectSha256) {
      this.remove(key); // corrupted or truncated: rebuilt by the caller, never run
      return null;
    }
    return { entry, object };
  }

  /** Where a compiler should write a new object before `store` moves it into place. */
  temporaryObject(): string {
    fs.mkdirSync(path.join(this.dir, 'programs'), { recursive: true });
    return path.join(this.dir, 'programs', `new.${process.pid}.${Math.random().toString(36).slice(2)}.o.tmp`);
  }

  /** Moves a freshly written object into the cache and records it. */
  store(lookup: string, source: string, settings: KeySettings, sourceBytes: Buffer, imports: Input[], objectTmp: string): CacheEntry {
    const key = this.contentKey(settings, sourceBytes, imports);
    const bytes = fs.readFileSync(objectTmp);
    const entry: CacheEntry = {
      key,
      source,
      imports,
      settings,
      objectBytes: bytes.length,
      objectSha256: sha256(bytes),
      created: new Date().toISOString(),
    };
    fs.renameSync(objectTmp, this.programFile(key, 'o'));
    writeAtomic(this.programFile(key, 'json'), JSON.stringify(entry, null, 2));
    writeAtomic(path.join(this.dir, 'index', lookup), key + '\n');
    return entry;
  }

  recordHit(entry: CacheEntry): void {
    fs.appendFileSync(this.programFile(entry.key, 'hits'), '+');
  }

  recordMiss(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.appendFileSync(path.join(this.dir, 'misses'), '+');
  }

  private remove(key: string): void {
    for (const ext of ['o', 'json', 'hits'] as const) fs.rmSync(this.programFile(key, ext), { force: true });
  }

  stats(): CacheStats {
    const dir = path.join(this.dir, 'programs');
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    const out: CacheStats = { entries: 0, bytes: 0, hits: 0, misses: size(path.join(this.dir, 'misses')) };
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (!f.endsWith('.json')) continue;
      const entry = readJson<CacheEntry>(path.join(dir, f));
      if (!entry) continue;
      out.entries++;
      out.hits += size(this.programFile(entry.key, 'hits'));
      out.bytes += entry.objectBytes + size(path.join(dir, f));
    }
    return out;
  }

  clear(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The JIT host cached programs run on: a copy per runtime version, so entries stay runnable. */
  host(triple: string, runtime: string, built: string): string {
    const copy = path.join(this.dir, 'runtime', triple, `omni-jit-${runtime}`);
    if (!fs.existsSync(copy)) writeAtomic(copy, fs.readFileSync(built), 0o755);
    return copy;
  }
}
