// The service's logs as `npm start` shows them (LOG_FORMAT, worker/src/logger.ts): readable
// coloured lines on a terminal — a real one, the pty of util-linux `script` — saying once where
// the API, its description and the store are, and no secret; JSON lines, as before, through a
// pipe or with LOG_FORMAT=json even on a terminal. The API and the worker run as processes
// (`node api/dist/main.js`, `node worker/dist/main.js`) over a private redis-server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@omnilisp/worker';
import { REPO, type RedisServer, freePort, startRedis } from './service-harness.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');
const SECRETS = { password: 'hunter2-redis', apiKey: 'key-0f1e2d3c', s3Id: 'AKIA-TEST-ID-77', s3Secret: 's3-secret-9b8a' };

let redis: RedisServer;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-console-'));

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Program = 'api' | 'worker';

/** The environment of a service process: nothing inherited but PATH and HOME, so colours and formats are the test's choice. */
function env(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    TERM: 'xterm-256color',
    NODE_NO_WARNINGS: '1',
    PORT: String(port),
    REDIS_URL: redis.url,
    OMNI_QUEUE_PREFIX: `c${port}`,
    OMNI_STORE_DIR: path.join(tmp, 'store'),
    OMNI_WORKER_DIR: path.join(tmp, `worker-${port}`),
    WORKER_CONCURRENCY: '1',
    ...extra,
  };
}

/**
 * Runs a service process until its output has every line `until` asks for (calling `meanwhile`
 * once it is listening/started), then stops it: everything it printed. On a terminal (`tty`) it
 * runs under `script -qfec CMD /dev/null`, which gives it a pty for stdin, stdout and stderr.
 */
async function capture(program: Program, tty: boolean, vars: Record<string, string>, until: RegExp[], meanwhile?: () => Promise<unknown>): Promise<string> {
  const main = path.join(REPO, program, 'dist', 'main.js');
  const child = tty
    ? spawn('script', ['-qfec', `'${process.execPath}' '${main}'`, '/dev/null'], { env: vars, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [main], { env: vars, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let started = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${program}: not seen in time: ${until.filter((r) => !r.test(plain(out))).join(', ')}\n${out}`)), 20_000);
      const check = () => {
        const text = plain(out);
        if (!started && /listening on|worker started/.test(text)) {
          started = true;
          meanwhile?.().catch((e: Error) => (out += `\n(the test's requests failed: ${e.message})\n`));
        }
        if (until.every((r) => r.test(text))) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), check()));
      child.stderr!.on('data', (d: Buffer) => ((out += d.toString()), check()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${program} exited (${code}):\n${out}`))));
    });
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
  return out;
}

const lines = (out: string) => out.split(/\r?\n/).filter((l) => l.trim() !== '');

describe('on a terminal (LOG_FORMAT unset: auto)', () => {
  it('the API prints coloured, readable lines: where it listens, its docs, the store; access logs in one line; no secret', async () => {
    const port = await freePort();
    const [user, host] = [`redis://:${SECRETS.password}@`, redis.url.slice('redis://'.length)];
    const out = await capture(
      'api',
      true,
      env(port, {
        REDIS_URL: `${user}${host}`,
        OMNI_API_KEYS: SECRETS.apiKey,
        S3_ENDPOINT: 'http://127.0.0.1:9',
        S3_ACCESS_KEY_ID: SECRETS.s3Id,
        S3_SECRET_ACCESS_KEY: SECRETS.s3Secret,
      }),
      [/GET \/v1\/openapi\.json 200 \d+ ms/, /GET \/v1\/targets 401 \d+ ms/],
      async () => {
        await fetch(`http://127.0.0.1:${port}/v1/openapi.json`);
        await fetch(`http://127.0.0.1:${port}/v1/targets`);
      },
    );
    // coloured: the level label in green, the message in cyan, the fields dimmed
    expect(out).toMatch(/\x1b\[32mINFO\x1b\[39m \(omni-api\): \x1b\[36mOmniLisp service listening on /);
    expect(out).toContain('\x1b[2mdocs=');
    const text = lines(plain(out));
    for (const l of text) {
      expect(l, 'a log line, not JSON').toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR) \(omni-api\): /);
      expect(l).not.toContain('"level"');
    }
    const listening = text.find((l) => l.includes('listening on'))!;
    const url = `http://127.0.0.1:${port}`;
    expect(listening).toContain(`OmniLisp service listening on ${url}  docs=${url}/v1/openapi.json store=s3:http://127.0.0.1:9/omnilisp redis=redis://:***@${host}`);
    // an access log is one line, without pino-http's request and response objects
    expect(text.filter((l) => /GET \/v1\/openapi\.json/.test(l))).toEqual([expect.stringMatching(/INFO \(omni-api\): GET \/v1\/openapi\.json 200 \d+ ms$/)]);
    for (const secret of Object.values(SECRETS)) expect(out).not.toContain(secret);
  });

  it('the worker says it started, with its store and toolchains', async () => {
    const out = await capture('worker', true, env(await freePort()), [/worker started/]);
    const started = lines(plain(out)).find((l) => l.includes('worker started'))!;
    expect(started).toMatch(new RegExp(`^\\[[\\d:.]+\\] INFO \\(omni-worker\\): worker started  worker=\\d+-[0-9a-f]{8} store=fs:${path.join(tmp, 'store')} toolchains=x86_64-linux-gnu/gcc,`));
    expect(out).toMatch(/\x1b\[32mINFO\x1b\[39m \(omni-worker\): /);
  });
});

/** The lines of JSON output, parsed; every line must be one pino record, its keys in pino's order. */
function records(out: string): Record<string, unknown>[] {
  return lines(out).map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    const keys = Object.keys(r);
    expect(keys.slice(0, 5)).toEqual(['level', 'time', 'pid', 'hostname', 'name']);
    expect(keys.at(-1)).toBe('msg');
    expect(typeof r.level).toBe('number');
    return r;
  });
}

describe('for machines', () => {
  const listening = (port: number) => ({
    level: 30,
    name: 'omni-api',
    msg: `OmniLisp service listening on http://127.0.0.1:${port}`,
    docs: `http://127.0.0.1:${port}/v1/openapi.json`,
    store: `fs:${path.join(tmp, 'store')}`,
    redis: redis.url,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    trustProxy: false,
  });

  it('writes JSON lines when stdout is a pipe', async () => {
    const port = await freePort();
    const out = await capture('api', false, env(port), [/listening on/]);
    expect(out).not.toMatch(ANSI);
    expect(records(out)).toContainEqual(expect.objectContaining(listening(port)));
  });

  it('writes JSON lines on a terminal too with LOG_FORMAT=json', async () => {
    const port = await freePort();
    const out = await capture('api', true, env(port, { LOG_FORMAT: 'json' }), [/"request completed"/], () => fetch(`http://127.0.0.1:${port}/v1/openapi.json`));
    expect(out).not.toMatch(ANSI);
    const all = records(out);
    expect(all).toContainEqual(expect.objectContaining(listening(port)));
    // pino-http's access log, whole
    expect(all.find((r) => r.msg === 'request completed')).toMatchObject({ req: { method: 'GET', url: '/v1/openapi.json' }, res: { statusCode: 200 } });
  });

  it('writes readable lines without colour through a pipe with LOG_FORMAT=pretty', async () => {
    const port = await freePort();
    const out = await capture('api', false, env(port, { LOG_FORMAT: 'pretty' }), [/listening on/]);
    expect(out).not.toMatch(ANSI);
    expect(out).toMatch(/^\[[\d:.]+\] INFO \(omni-api\): OmniLisp service listening on /m);
  });

  it('refuses any other LOG_FORMAT', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/^LOG_FORMAT: /);
    expect(loadConfig({}).logFormat).toBe('auto');
  });
});
