// Real components for the service's tests: a private redis-server per test file (so tests can
// restart it), the API on a loopback port, and workers in-process or as separate processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { createApp, type App } from '@omnilisp/api/app';
import { BuildWorker, type ServiceConfig, connect, createLogger, createStore, loadConfig } from '@omnilisp/worker';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port (its data is lost: it keeps nothing on disk). */
  restart(): Promise<void>;
}

/** A private redis-server on a free port, keeping nothing on disk. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let proc: ChildProcess;
  const start = async () => {
    proc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    await waitForPort(port);
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve(); // stopped already (a SIGKILL leaves exitCode null)
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, restart: async () => (await stop(), await start()) };
}

/** A test configuration: private Redis, a fresh store directory, quiet logs, the given overrides. */
export function testConfig(redisUrl: string, env: Record<string, string> = {}): ServiceConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-svc-'));
  return loadConfig({
    REDIS_URL: redisUrl,
    OMNI_STORE_DIR: path.join(dir, 'store'),
    OMNI_WORKER_DIR: path.join(dir, 'worker'),
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
}

export interface Api {
  app: App;
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** The API, in this process, listening on a free loopback port. */
export async function startApi(config: ServiceConfig): Promise<Api> {
  const redis = connect(config.redisUrl, true);
  redis.on('error', () => undefined);
  // the connection fails fast (503) until it is up
  if (redis.status !== 'ready') await once(redis, 'ready');
  const app = createApp({ config, redis, store: createStore(config.store), logger: createLogger('api', config.logLevel) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    app,
    url,
    server,
    close: async () => {
      await new Promise((r) => server.close(r));
      await app.close();
      redis.disconnect();
    },
  };
}

/** A worker in this process. */
export async function startWorker(config: ServiceConfig): Promise<BuildWorker> {
  const w = new BuildWorker({ config, store: createStore(config.store), logger: createLogger('worker', config.logLevel) });
  await w.start();
  return w;
}

/** The environment that gives a worker process the same configuration as `config`. */
export function configEnv(config: ServiceConfig): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_URL: config.redisUrl,
    OMNI_QUEUE_PREFIX: config.prefix,
    OMNI_STORE_DIR: config.store.storeDir,
    OMNI_WORKER_DIR: config.worker.dir,
    WORKER_CONCURRENCY: String(config.worker.concurrency),
    WORKER_LOCK_MS: String(config.worker.lockMs),
    OMNI_TARGETS: config.targets.join(','),
    OMNI_RUN_OUTPUT_BYTES: String(config.limits.runOutputBytes),
    OMNI_RUN_MEMORY_MB: String(config.limits.runMemoryMb),
    OMNI_RUN_PROCESSES: String(config.limits.runProcesses),
    OMNI_COMPILE_TIMEOUT_MS: String(config.compile.timeoutMs),
    OMNI_COMPILE_MEMORY_MB: String(config.compile.memoryMb),
    OMNI_CC_TIMEOUT_MS: String(config.compile.ccTimeoutMs),
    OMNI_CC_MEMORY_MB: String(config.compile.ccMemoryMb),
    OMNI_FAILED_TTL_S: String(config.compile.failedTtlSeconds),
    LOG_LEVEL: config.logLevel,
  };
  const { steps, expansionNodes, expansionDepth } = config.compile;
  if (steps !== undefined) env.OMNI_COMPILE_STEPS = String(steps);
  if (expansionNodes !== undefined) env.OMNI_COMPILE_EXPANSION_NODES = String(expansionNodes);
  if (expansionDepth !== undefined) env.OMNI_COMPILE_EXPANSION_DEPTH = String(expansionDepth);
  const s = config.store;
  if (s.s3Endpoint) {
    Object.assign(env, {
      S3_ENDPOINT: s.s3Endpoint,
      S3_BUCKET: s.s3Bucket,
      S3_REGION: s.s3Region,
      S3_FORCE_PATH_STYLE: String(s.s3ForcePathStyle),
      S3_CREATE_BUCKET: String(s.s3CreateBucket),
    });
    if (s.s3AccessKeyId) env.S3_ACCESS_KEY_ID = s.s3AccessKeyId;
    if (s.s3SecretAccessKey) env.S3_SECRET_ACCESS_KEY = s.s3SecretAccessKey;
  }
  return env;
}

/** A worker as its own process (`node worker/dist/main.js`), for tests that kill it; its JSON logs (stdout) are ignored or piped. */
export function spawnWorker(config: ServiceConfig, extraEnv: Record<string, string> = {}, logs: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, [path.join(REPO, 'worker', 'dist', 'main.js')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...configEnv(config), ...extraEnv },
    stdio: ['ignore', logs, 'inherit'],
  });
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
  /** Wall time of the request. */
  ms: number;
}

/** One HTTP request to the API; a JSON body is parsed (other bodies are kept as text). */
export async function callApi(url: string, method: string, route: string, body?: object): Promise<Reply> {
  const started = performance.now();
  const res = await fetch(url + route, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: json, headers: res.headers, ms: performance.now() - started };
}

/** Polls f until it returns a value other than undefined. */
export async function eventually<T>(f: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
