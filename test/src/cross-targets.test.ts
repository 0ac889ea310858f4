// Cross-target builds through the service: every (target, compiler) pair the worker advertises
// builds a selection of conformance cases, and the artifacts print exactly their expected output
// (aarch64 under qemu-user, musl and glibc x86_64 directly).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetToolchains } from '@omnilisp/compiler/toolchain';
import { type Case, listCases, runCommand } from './conformance.js';
import { type Api, type RedisServer, eventually, startApi, startRedis, startWorker, testConfig } from './service-harness.js';

const SELECTION = ['closures-capture', 'dicts', 'equality', 'errors-car-type', 'errors-integer-overflow', 'io-print', 'atoms', 'deep-nontail-sum-1m'];
const cases = listCases().filter((c) => SELECTION.includes(c.name));
const PAIRS = [
  ['x86_64-linux-gnu', 'gcc'],
  ['aarch64-linux-gnu', 'gcc'],
  ['aarch64-linux-gnu', 'clang'],
  ['x86_64-linux-musl', 'gcc'],
] as const;

let redis: RedisServer;
let api: Api;
let worker: Awaited<ReturnType<typeof startWorker>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-cross-'));

beforeAll(async () => {
  redis = await startRedis();
  const config = testConfig(redis.url, { WORKER_CONCURRENCY: '2' });
  worker = await startWorker(config);
  api = await startApi(config);
});

afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await redis?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const post = (body: object) => fetch(`${api.url}/v1/builds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Builds c for target/compiler through the API and returns the downloaded executable's path. */
async function build(c: Case, target: string, compiler: string): Promise<{ file: string; key: string; manifest: { static: boolean } }> {
  const source = fs.readFileSync(path.join(c.dir, `${c.name}.omni`), 'utf8');
  const submitted = (await (await post({ source, target, compiler })).json()) as { id: string };
  const done = await eventually(async () => {
    const s = (await (await fetch(`${api.url}/v1/builds/${submitted.id}`)).json()) as { status: string; manifest: { static: boolean; artifact: { sha256: string } } };
    if (s.status === 'failed') throw new Error(JSON.stringify(s));
    return s.status === 'completed' ? s : undefined;
  }, 120_000);
  const res = await fetch(`${api.url}/v1/artifacts/${submitted.id}`);
  expect(res.headers.get('etag')).toBe(`"${done.manifest.artifact.sha256}"`);
  const file = path.join(dir, `${c.name}-${target}-${compiler}`);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()), { mode: 0o755 });
  return { file, key: submitted.id, manifest: done.manifest };
}

describe('cross targets', () => {
  it('the worker advertises every target with its compilers, and refuses other pairs with the list', async () => {
    const { targets } = (await (await fetch(`${api.url}/v1/targets`)).json()) as { targets: { target: string; compiler: string; output: string }[] };
    for (const [target, compiler] of PAIRS) expect(targets).toContainEqual({ target, compiler, output: 'executable' });
    expect(targets).toContainEqual({ target: 'x86_64-linux-gnu', compiler: 'tcc', output: 'shared' });
    const refused = await post({ source: '(print 1)', target: 'x86_64-linux-musl', compiler: 'clang' });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { code: string; details: { available: unknown[] } } };
    expect(body.error.code).toBe('unsupported_target');
    expect(body.error.details.available).toEqual(targets);
    expect((await post({ source: '(print 1)', target: 'sparc-sun-solaris' })).status).toBe(400);
  });

  it.each(PAIRS)('%s with %s: the selected cases print exactly their expected output', async (target, compiler) => {
    const runner = targetToolchains()[target].runner ?? [];
    const keys = new Set<string>();
    for (const c of cases) {
      const built = await build(c, target, compiler);
      keys.add(built.key);
      if (target.endsWith('-musl')) {
        expect(built.manifest.static).toBe(true);
        const elf = fs.readFileSync(built.file);
        expect(elf.includes(Buffer.from('/lib64/ld-linux'))).toBe(false); // no dynamic loader: fully static
      }
      const r = await runCommand([...runner, built.file], c.dir, c.stdin, 120_000);
      expect(r.stdout.toString(), c.name).toBe(c.expectedStdout.toString());
      expect(r.status, c.name).toBe(c.expectedStatus);
      if (c.expectedStderrLine !== null) expect(r.stderr.split('\n')[0], c.name).toBe(c.expectedStderrLine);
    }
    expect(keys.size).toBe(cases.length);
  });

  it('the target is part of the key: the same source gets a different artifact per target', async () => {
    const keys = await Promise.all(PAIRS.map(async ([target, compiler]) => ((await (await post({ source: '(print "same")', target, compiler })).json()) as { key: string }).key));
    expect(new Set(keys).size).toBe(PAIRS.length);
  });
});
