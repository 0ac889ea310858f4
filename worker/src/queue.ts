// The contract between the API and the workers: queue names, job payloads and results, the
// capability registry and the shared counters, all in Redis under one prefix.
import { Redis, type RedisOptions } from 'ioredis';
import type { BuildSpec, Diagnostic, Manifest } from './spec.js';
import type { Toolchain } from './toolchains.js';

export const BUILD_QUEUE = 'builds';
export const RUN_QUEUE = 'runs';

/** A build: its job id is its key, so identical concurrent requests share one job. */
export interface BuildJob {
  key: string;
  spec: BuildSpec;
}

/** A run of a tcc-built program in the sandbox: by spec (compiled when not cached) or by key. */
export interface RunJob {
  key: string;
  spec?: BuildSpec;
  stdin: string;
  args: string[];
  timeoutMs: number;
}

/** The sandbox limits a run can reach (SandboxOutcome names them the same way). */
export const RUN_LIMITS = ['timeout', 'cpu', 'memory', 'output', 'threads'] as const;
export type Limit = (typeof RUN_LIMITS)[number] | null;

export interface RunOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** The sandbox limit that stopped the program, if any. */
  limit: Limit;
  truncated: boolean;
  cache: 'hit' | 'miss';
  key: string;
  timings: { fetchMs: number; buildMs: number; runMs: number; totalMs: number };
}

/** Why a job failed, as its failedReason (JSON): compile errors carry their diagnostics. */
export interface JobFailure {
  /** internal_error: the compiler failed (a bug, not the program's fault); internal: anything else not the client's. */
  code: 'compile_error' | 'compile_limit' | 'internal_error' | 'not_found' | 'internal';
  message: string;
  diagnostics?: Diagnostic[];
  /** For compile_limit: the bound the compile reached. */
  limit?: 'time' | 'memory' | 'steps' | 'expansion';
}

export const encodeFailure = (f: JobFailure): string => JSON.stringify(f);

/** BullMQ's failedReason for a job whose worker stopped while running it more than maxStalledCount times. */
export const BULLMQ_STALLED_REASON = 'job stalled more than allowable limit';

/** The failure of a job whose worker stopped before finishing it, too often to try again (see recovery.ts). */
export const stalledFailure = (why: string): JobFailure => ({ code: 'internal', message: `stalled: the worker running the job stopped before finishing it ${why}` });

export function decodeFailure(reason: string | undefined): JobFailure {
  if (reason === BULLMQ_STALLED_REASON) return stalledFailure('more than once');
  try {
    const f = JSON.parse(reason ?? '') as JobFailure;
    if (f && typeof f.code === 'string') return f;
  } catch {
    // not one of ours (a lost lock, say): an internal failure
  }
  return { code: 'internal', message: reason ?? 'unknown failure' };
}

export type BuildResult = Manifest;

// ---------------------------------------------------------------- the negative cache

const failedKey = (prefix: string, key: string) => `${prefix}:failed:${key}`;

/**
 * Remembers that building key failed for a reason that building it again would repeat (a compile
 * error or a limit), so the same request is answered at once instead of compiled again.
 */
export async function rememberFailure(redis: Redis, prefix: string, key: string, failure: JobFailure, ttlSeconds: number): Promise<void> {
  if (ttlSeconds > 0) await redis.set(failedKey(prefix, key), encodeFailure(failure), 'EX', ttlSeconds);
}

/** The remembered failure of key, if any. */
export async function knownFailure(redis: Redis, prefix: string, key: string): Promise<JobFailure | null> {
  const raw = await redis.get(failedKey(prefix, key));
  return raw === null ? null : decodeFailure(raw);
}

/** Forgets every remembered failure (with the cache); returns how many. */
export async function forgetFailures(redis: Redis, prefix: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', failedKey(prefix, '*'), 'COUNT', 500);
    cursor = next;
    if (keys.length) removed += await redis.del(...keys);
  } while (cursor !== '0');
  return removed;
}

/**
 * A Redis connection. Workers block on Redis and must retry forever (`maxRetriesPerRequest: null`);
 * the API fails fast instead (`failFast`), so a request answers 503 rather than hanging when Redis
 * is down.
 */
export function connect(url: string, failFast: boolean, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    lazyConnect: false,
    ...extra,
  });
}

// ---------------------------------------------------------------- capabilities

/** What one worker announces: its toolchains and the compiler version its keys use. */
export interface WorkerCapabilities {
  workerId: string;
  compilerVersion: string;
  toolchains: Toolchain[];
  heartbeatAt: number;
}

/** A worker that has not announced itself for this long is considered gone. */
export const CAPABILITY_TTL_MS = 20_000;

const capabilitiesKey = (prefix: string) => `${prefix}:capabilities`;

export async function announce(redis: Redis, prefix: string, caps: WorkerCapabilities): Promise<void> {
  await redis.hset(capabilitiesKey(prefix), caps.workerId, JSON.stringify(caps));
}

export async function withdraw(redis: Redis, prefix: string, workerId: string): Promise<void> {
  await redis.hdel(capabilitiesKey(prefix), workerId);
}

/** Every live worker's capabilities, newest first. */
export async function liveWorkers(redis: Redis, prefix: string, now = Date.now()): Promise<WorkerCapabilities[]> {
  const all = Object.values(await redis.hgetall(capabilitiesKey(prefix))).map((v) => JSON.parse(v) as WorkerCapabilities);
  return all.filter((c) => now - c.heartbeatAt < CAPABILITY_TTL_MS).sort((a, b) => b.heartbeatAt - a.heartbeatAt);
}

// ---------------------------------------------------------------- counters

export type Counter = 'hits' | 'misses' | 'builds_completed' | 'builds_failed' | 'runs';

const statsKey = (prefix: string) => `${prefix}:stats`;

/** Adds one to each counter, in one round trip. */
export async function count(redis: Redis, prefix: string, ...names: Counter[]): Promise<void> {
  const batch = redis.multi();
  for (const c of names) batch.hincrby(statsKey(prefix), c, 1);
  await batch.exec();
}

/**
 * Counts kept in memory and added to Redis in one round trip at most every intervalMs: for the
 * API's hot path, where a round trip per request would cost more than the request's own work.
 * Counts still pending when Redis is unreachable are lost.
 */
export class BatchedCounters {
  private readonly pending = new Map<Counter, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly intervalMs = 500,
  ) {}

  add(c: Counter): void {
    this.pending.set(c, (this.pending.get(c) ?? 0) + 1);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
  }

  /** Sends what is pending now (before reading or resetting the counters). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.size) return;
    const counts = [...this.pending];
    this.pending.clear();
    // one command per counter, each promise handled: when Redis is down, a MULTI's own command
    // can reject where no caller sees it (an unhandled rejection in ioredis), and counts are best effort
    await Promise.all(counts.map(([c, n]) => this.redis.hincrby(statsKey(this.prefix), c, n).catch(() => undefined)));
  }
}

export async function counters(redis: Redis, prefix: string): Promise<Record<Counter, number>> {
  const raw = await redis.hgetall(statsKey(prefix));
  const n = (c: Counter) => Number(raw[c] ?? 0);
  return { hits: n('hits'), misses: n('misses'), builds_completed: n('builds_completed'), builds_failed: n('builds_failed'), runs: n('runs') };
}

export async function resetCounters(redis: Redis, prefix: string): Promise<void> {
  await redis.del(statsKey(prefix));
}
