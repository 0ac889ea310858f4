// `omnilisp remote ...` as a user runs it (node cli/dist/main.js, a child process) against a real
// service started here: a private redis-server, the API and a worker in this process.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, type RedisServer, freePort, startApi, startRedis, startWorker, testConfig } from '../../test/src/service-harness.js';
import { DEFAULT_URL, IntegrityError, collectProgram, resolveEndpoint, writeArtifact } from './remote.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const KEY = 'the-right-key';

let redis: RedisServer;
let api: Api;
let keyed: Api;
let worker: Awaited<ReturnType<typeof startWorker>>;
let home: string;
let storeDir: string;

beforeAll(async () => {
  redis = await startRedis();
  const config = testConfig(redis.url);
  storeDir = config.store.storeDir;
  api = await startApi(config);
  // the same queue and store, behind an API key
  keyed = await startApi({ ...config, auth: { userKeys: [KEY], adminKeys: [] } });
  worker = await startWorker(config);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-home-'));
});

afterAll(async () => {
  await worker?.stop();
  await keyed?.close();
  await api?.close();
  await redis?.stop();
});

interface Result {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** The CLI as a child process (asynchronous: the API it talks to lives in this process). */
function omnilisp(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string; url?: string | null } = {}): Promise<Result> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, OMNI_RETRY_DELAY_MS: '20', ...opts.env };
  const url = opts.url === undefined ? api.url : opts.url;
  // --url right after `remote SUBCOMMAND`, before any `--`
  const argv = url ? [...args.slice(0, 2), '--url', url, ...args.slice(2)] : args;
  const child = spawn(process.execPath, [CLI, ...argv], { env, cwd: opts.cwd, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  child.stdin.end(opts.input ?? '');
  return new Promise((resolve) => child.on('close', (status) => resolve({ stdout, stderr, status })));
}

/** A directory with the given files (name -> source); returns its path. */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-remote-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('omnilisp remote build', () => {
  it('downloads a verified executable that runs with the exact output', async () => {
    const dir = project({ 'hello.omni': '(print "hello" (command-line))\n(display "no newline")' });
    const out = path.join(dir, 'hello-bin');
    const r = await omnilisp(['remote', 'build', path.join(dir, 'hello.omni'), '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${out}: \\d+ bytes, executable .*\\nkey [0-9a-f]{64}\\n$`));
    expect(fs.statSync(out).mode & 0o111).not.toBe(0);
    const run = spawnSync(out, ['a', 'b c'], { encoding: 'utf8' });
    expect(run).toMatchObject({ stdout: 'hello (a b c)\nno newline', status: 0 });
    expect(fs.readdirSync(dir).sort()).toEqual(['hello-bin', 'hello.omni']); // no temporary files left
  });

  it('uploads the local libraries a program imports (transitively), not the bundled ones', async () => {
    const dir = project({
      'greet.omni': '(import util)\n(print (greet "Ada"))',
      'lib/util.omni': '(import more)\n(define (greet n) (string-append (salutation) ", " n))',
      'lib/more.omni': '(define (salutation) "hello")',
      'lib/unused.omni': '(this is not even used',
    });
    // the default OUT is the base name, in the current directory
    const r = await omnilisp(['remote', 'build', 'greet.omni', '-O', '0'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(spawnSync(path.join(dir, 'greet'), { encoding: 'utf8' }).stdout).toBe('hello, Ada\n');
    const upload = await collectProgram(path.join(dir, 'greet.omni'));
    expect(Object.keys(upload.files).sort()).toEqual(['greet.omni', 'lib/more.omni', 'lib/util.omni']);
    expect(upload.entry).toBe('greet.omni');
    const bundled = await collectProgram(path.join(project({ 'v.omni': '(do (import violet) (import util))', 'lib/util.omni': '' }), 'v.omni'));
    expect(Object.keys(bundled.files).sort()).toEqual(['lib/util.omni', 'v.omni']);
  });

  it('--json prints one JSON object and no progress', async () => {
    const dir = project({ 'j.omni': '(print 42)' });
    const out = path.join(dir, 'j');
    const r = await omnilisp(['remote', 'build', path.join(dir, 'j.omni'), '-o', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ path: out, key: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: fs.statSync(out).size, sha256: sha256(out) });
    expect(j.manifest.artifact.sha256).toBe(sha256(out));
    // the same request again is answered from the store
    const again = JSON.parse((await omnilisp(['remote', 'build', path.join(dir, 'j.omni'), '-o', out, '--json'])).stdout);
    expect(again).toMatchObject({ key: j.key, cache: 'hit' });

    const s = await omnilisp(['remote', 'status', j.key]);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toContain(`id ${j.key}\nstatus completed`);
    expect(s.stdout).toContain(`sha256 ${j.sha256}`);
    const sj = await omnilisp(['remote', 'status', j.key, '--json']);
    expect(JSON.parse(sj.stdout)).toMatchObject({ id: j.key, status: 'completed', manifest: { key: j.key } });
  });

  it('waits for a rebuild when the stored artifact turns out corrupt, then downloads the good one', async () => {
    const dir = project({ 'c.omni': '(print "corrupt me")' });
    const first = JSON.parse((await omnilisp(['remote', 'build', path.join(dir, 'c.omni'), '-o', path.join(dir, 'c1'), '--json'])).stdout);
    fs.writeFileSync(path.join(storeDir, 'artifacts', first.key, 'program'), 'not the program');
    // one attempt per request: the 503 artifact_rebuilding is not simply retried, the CLI waits for the build
    const r = await omnilisp(['remote', 'build', path.join(dir, 'c.omni'), '-o', path.join(dir, 'c2'), '--json', '--retries', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).sha256).toBe(sha256(path.join(dir, 'c2')));
    expect(spawnSync(path.join(dir, 'c2'), { encoding: 'utf8' }).stdout).toBe('corrupt me\n');
  });

  it('reports compile errors as FILE:LINE:COL and exits 1', async () => {
    const dir = project({ 'bad.omni': '(print "never")\n(print (+ 1 nope))\n', 'lib/broken.omni': '(define x\n', 'usesbroken.omni': '(import broken)' });
    const file = path.join(dir, 'bad.omni');
    const out = path.join(dir, 'bad');
    const r = await omnilisp(['remote', 'build', file, '-o', out]);
    expect(r).toMatchObject({ stdout: '', status: 1 });
    expect(r.stderr).toMatch(new RegExp(`^(omnilisp: build .*\\n)*${file}:2:13: unbound variable: nope\\n$`));
    expect(fs.existsSync(out)).toBe(false);
    // a syntax error in a library, found by the API at once, points at the local library file
    const lib = await omnilisp(['remote', 'build', path.join(dir, 'usesbroken.omni'), '--json']);
    expect(lib).toMatchObject({ stdout: '', status: 1, stderr: `${path.join(dir, 'lib', 'broken.omni')}:1:1: unterminated list\n` });
  });
});

describe('omnilisp remote run', () => {
  it("prints the program's stdout and stderr exactly and exits with its status; stdin and args go through", async () => {
    const dir = project({ 'echo.omni': '(print (read-line) (command-line))\n(display "partial")\n(exit 3)' });
    const r = await omnilisp(['remote', 'run', path.join(dir, 'echo.omni'), '--', 'x', '--flag'], { input: 'piped in\nmore\n' });
    expect(r).toEqual({ stdout: 'piped in (x --flag)\npartial', stderr: '', status: 3 });
    const err = await omnilisp(['remote', 'run', path.join(project({ 'e.omni': '(display "out")\n(error "boom" 42)' }), 'e.omni')]);
    expect(err).toEqual({ stdout: 'out', stderr: 'error: boom 42\n  at <top level> (e.omni:2:1)\n', status: 1 });
  });

  it('uses --stdin-file, says which limit stopped a program, and prints the whole response with --json', async () => {
    const dir = project({ 'up.omni': '(print (string-upcase (read-line)))', 'in.txt': 'from a file\n', 'loop.omni': '(let loop () (loop))', 'lib/util.omni': '(define u 7)', 'u.omni': '(import util)(print u)' });
    const r = await omnilisp(['remote', 'run', path.join(dir, 'up.omni'), '--stdin-file', path.join(dir, 'in.txt')]);
    expect(r).toEqual({ stdout: 'FROM A FILE\n', stderr: '', status: 0 });
    const slow = await omnilisp(['remote', 'run', path.join(dir, 'loop.omni'), '--timeout', '300']);
    expect(slow.status).not.toBe(0);
    expect(slow.stderr).toContain('omnilisp: the program was stopped: it exceeded its wall-clock time limit');
    const j = await omnilisp(['remote', 'run', path.join(dir, 'u.omni'), '--json']);
    expect(j.status, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ stdout: '7\n', stderr: '', exitCode: 0, limit: null, truncated: false, key: expect.any(String) });
  });

  it('reports a syntax error as FILE:LINE:COL and exits 1', async () => {
    const file = path.join(project({ 's.omni': '(print 1)\n(print (+ 1' }), 's.omni');
    expect(await omnilisp(['remote', 'run', file])).toEqual({ stdout: '', stderr: `${file}:2:8: unterminated list\n`, status: 1 });
  });
});

describe('omnilisp remote: service errors', () => {
  it('exits 2 with a clear message when nothing listens, after the given number of attempts', async () => {
    const port = await freePort();
    const file = path.join(project({ 'p.omni': '(print 1)' }), 'p.omni');
    const started = Date.now();
    const r = await omnilisp(['remote', 'build', file, '--retries', '3'], { url: `http://127.0.0.1:${port}` });
    expect(r).toMatchObject({ stdout: '', status: 2 });
    expect(r.stderr).toBe(`omnilisp: cannot reach http://127.0.0.1:${port}: connection refused (after 3 attempts)\n`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('retries 503 answers (honouring Retry-After), then reports the last one', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ error: { code: 'no_workers', message: 'no build worker is running; try again' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const r = await omnilisp(['remote', 'status', 'a'.repeat(64), '--retries', '4'], { url });
      expect(r).toMatchObject({ stdout: '', status: 2 });
      expect(r.stderr).toBe('omnilisp: the service answered 503 no_workers: no build worker is running; try again (after 4 attempts)\n');
      expect(hits).toBe(4);
    } finally {
      server.close();
    }
  });

  it('prints 4xx messages and exits 2 (an unknown build)', async () => {
    const r = await omnilisp(['remote', 'status', 'b'.repeat(64)]);
    expect(r).toEqual({ stdout: '', stderr: `omnilisp: the service answered 404 not_found: no build ${'b'.repeat(64)}\n`, status: 2 });
  });

  it('takes the URL and key from flags, then OMNI_URL/OMNI_API_KEY, then ~/.omni/config.json', async () => {
    const dir = project({ 'k.omni': '(print "keyed")' });
    const file = path.join(dir, 'k.omni');
    const run = (env: Record<string, string>, extra: string[] = []) => omnilisp(['remote', 'run', file, ...extra], { env, url: null });
    // no key: a clear 401
    const none = await run({ OMNI_URL: keyed.url });
    expect(none).toMatchObject({ stdout: '', status: 2 });
    expect(none.stderr).toContain('omnilisp: the service answered 401 unauthorized: an API key is required');
    expect(none.stderr).toContain('--api-key, $OMNI_API_KEY or "apiKey" in ~/.omni/config.json');
    expect(await run({ OMNI_URL: keyed.url, OMNI_API_KEY: KEY })).toMatchObject({ stdout: 'keyed\n', status: 0 });

    // the config file in $HOME
    const cfgHome = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-home-'));
    fs.mkdirSync(path.join(cfgHome, '.omni'));
    fs.writeFileSync(path.join(cfgHome, '.omni', 'config.json'), JSON.stringify({ url: keyed.url, apiKey: KEY }));
    expect(await run({ HOME: cfgHome })).toMatchObject({ stdout: 'keyed\n', status: 0 });
    // the environment beats the file: a wrong key is refused
    const wrong = await run({ HOME: cfgHome, OMNI_API_KEY: 'wrong' });
    expect(wrong).toMatchObject({ stdout: '', status: 2 });
    expect(wrong.stderr).toContain('omnilisp: the service answered 401 unauthorized: unknown API key\n');
    // and a flag beats the environment
    expect(await run({ HOME: cfgHome, OMNI_API_KEY: 'wrong' }, ['--api-key', KEY])).toMatchObject({ stdout: 'keyed\n', status: 0 });
    // OMNI_URL beats the file's url (here: a server without keys)
    expect(await run({ HOME: cfgHome, OMNI_URL: api.url, OMNI_API_KEY: 'ignored without auth' })).toMatchObject({ stdout: 'keyed\n', status: 0 });

    // nothing set at all: the default URL
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-home-'));
    expect(resolveEndpoint({}, { HOME: empty })).toMatchObject({ url: DEFAULT_URL, apiKey: undefined, retries: 5 });
    fs.mkdirSync(path.join(empty, '.omni'));
    fs.writeFileSync(path.join(empty, '.omni', 'config.json'), '{not json');
    const broken = await omnilisp(['remote', 'status', 'c'.repeat(64)], { env: { HOME: empty }, url: null });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain(`${path.join(empty, '.omni', 'config.json')} is not valid JSON`);
  });
});

describe('writeArtifact', () => {
  const chunks = (...parts: string[]) => parts.map((p) => Buffer.from(p));
  const hashOf = (s: string) => createHash('sha256').update(s).digest('hex');

  it('writes verified bytes atomically and marks executables executable', async () => {
    const dir = project({});
    const out = path.join(dir, 'prog');
    await writeArtifact(out, chunks('ab', 'cd'), { sha256: hashOf('abcd'), bytes: 4 }, true);
    expect(fs.readFileSync(out, 'utf8')).toBe('abcd');
    expect(fs.statSync(out).mode & 0o100).toBe(0o100);
    expect(fs.readdirSync(dir)).toEqual(['prog']);
  });

  it('leaves nothing at OUT when the SHA-256 does not match, or the stream breaks off', async () => {
    const dir = project({});
    const out = path.join(dir, 'prog');
    await expect(writeArtifact(out, chunks('ab', 'cd'), { sha256: hashOf('abce') }, true)).rejects.toBeInstanceOf(IntegrityError);
    expect(fs.existsSync(out)).toBe(false);
    async function* interrupted() {
      yield Buffer.from('half of it');
      throw new Error('terminated');
    }
    await expect(writeArtifact(out, interrupted(), { sha256: hashOf('half of it and the rest') }, true)).rejects.toThrow('terminated');
    expect(fs.existsSync(out)).toBe(false);
    // an existing OUT is left exactly as it was
    fs.writeFileSync(out, 'old');
    await expect(writeArtifact(out, chunks('new'), { sha256: hashOf('other') }, false)).rejects.toBeInstanceOf(IntegrityError);
    expect(fs.readFileSync(out, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['prog']);
  });
});
