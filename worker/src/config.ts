// The service's configuration: environment variables only, each with a documented default (see
// the README's "Configuration" table). Parsed once, at the edge, by both the API and the worker.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { StoreConfig } from './store/index.js';

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const list = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const schema = z.object({
  PORT: int(8080),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  OMNI_QUEUE_PREFIX: z.string().default('omni'),
  S3_ENDPOINT: z.string().optional(),
  S3_BUCKET: z.string().default('omnilisp'),
  S3_REGION: z.string().default('us-east-1'),
  S3_FORCE_PATH_STYLE: bool(false),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_CREATE_BUCKET: bool(false),
  OMNI_STORE_DIR: z.string().default(path.join(os.homedir(), '.omni', 'store')),
  OMNI_PRESIGN_DOWNLOADS: bool(false),
  OMNI_TARGETS: list,
  WORKER_CONCURRENCY: int(2, 1),
  WORKER_LOCK_MS: int(30_000, 1000),
  OMNI_WORKER_DIR: z.string().default(path.join(os.tmpdir(), 'omni-worker')),
  OMNI_API_KEYS: list,
  OMNI_ADMIN_KEYS: list,
  OMNI_RATE_LIMIT: int(600, 1),
  OMNI_MAX_BODY_BYTES: int(1 << 20, 1024),
  OMNI_MAX_SOURCE_BYTES: int(256 << 10, 1),
  OMNI_MAX_FILES: int(64, 1),
  OMNI_RUN_TIMEOUT_MS: int(5_000, 100),
  OMNI_RUN_MAX_TIMEOUT_MS: int(30_000, 100),
  OMNI_RUN_OUTPUT_BYTES: int(1 << 20, 1024),
  OMNI_RUN_MEMORY_MB: int(512, 16),
  OMNI_RUN_PROCESSES: int(256, 1),
  OMNI_COMPILE_TIMEOUT_MS: int(10_000, 100),
  OMNI_COMPILE_MEMORY_MB: int(1024, 64),
  OMNI_COMPILE_STEPS: z.coerce.number().int().min(1).optional(),
  OMNI_COMPILE_EXPANSION_NODES: z.coerce.number().int().min(1).optional(),
  OMNI_COMPILE_EXPANSION_DEPTH: z.coerce.number().int().min(1).optional(),
  OMNI_CC_TIMEOUT_MS: int(60_000, 100),
  OMNI_CC_MEMORY_MB: int(2048, 64),
  OMNI_FAILED_TTL_S: int(3600, 0),
  OMNI_LOCAL_OBJECTS_MB: int(512, 1),
  OMNI_TRUST_PROXY: z.string().default(''),
  OMNI_HEADERS_TIMEOUT_MS: int(10_000, 100),
  OMNI_REQUEST_TIMEOUT_MS: int(30_000, 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

export type Env = z.infer<typeof schema>;

export interface ServiceConfig {
  port: number;
  host: string;
  redisUrl: string;
  /** Prefix of every Redis key the service uses (queues, stats, capabilities). */
  prefix: string;
  store: StoreConfig;
  /** Redirect artifact downloads to presigned URLs (S3 only). */
  presignDownloads: boolean;
  /** Target triples this worker builds for (empty: every one it has a runtime for). */
  targets: string[];
  worker: {
    concurrency: number;
    lockMs: number;
    dir: string;
    /** Bytes of verified tcc objects kept on local disk for runs (least recently used go first). */
    localObjectsBytes: number;
  };
  /** Bounds on compiling one job: the front end runs user macros, so it is treated as untrusted code. */
  compile: {
    /** Wall time of the front end (read, expand, lower, emit C) in its child process. */
    timeoutMs: number;
    /** Heap of a compile child process. */
    memoryMb: number;
    /** Compile-time interpreter and expander budgets; unset = the compiler's defaults. */
    steps?: number;
    expansionNodes?: number;
    expansionDepth?: number;
    /** Wall time and address space of each C compiler invocation (gcc, clang, tcc). */
    ccTimeoutMs: number;
    ccMemoryMb: number;
    /** How long a build that failed (compile error or limit) is answered from the negative cache. */
    failedTtlSeconds: number;
  };
  http: {
    /** express `trust proxy` (empty: off, so X-Forwarded-For is ignored). */
    trustProxy: string;
    /** Node's server.headersTimeout and server.requestTimeout: slow clients are cut off. */
    headersTimeoutMs: number;
    requestTimeoutMs: number;
  };
  auth: { userKeys: string[]; adminKeys: string[] };
  limits: {
    /** Requests per minute per API key (or per client address without auth). */
    ratePerMinute: number;
    bodyBytes: number;
    sourceBytes: number;
    files: number;
    runTimeoutMs: number;
    runMaxTimeoutMs: number;
    runOutputBytes: number;
    runMemoryMb: number;
    runProcesses: number;
  };
  logLevel: Env['LOG_LEVEL'];
  /** auto: readable lines when stdout is a terminal, else JSON lines; json or pretty: always that (see logger.ts). */
  logFormat: Env['LOG_FORMAT'];
}

/** Thrown for a bad environment: names the variable and what is wrong with it. */
export class ConfigError extends Error {}

/** Reads the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    prefix: e.OMNI_QUEUE_PREFIX,
    store: {
      s3Endpoint: e.S3_ENDPOINT || undefined,
      s3Bucket: e.S3_BUCKET,
      s3Region: e.S3_REGION,
      s3ForcePathStyle: e.S3_FORCE_PATH_STYLE,
      s3AccessKeyId: e.S3_ACCESS_KEY_ID,
      s3SecretAccessKey: e.S3_SECRET_ACCESS_KEY,
      s3CreateBucket: e.S3_CREATE_BUCKET,
      storeDir: e.OMNI_STORE_DIR,
    },
    presignDownloads: e.OMNI_PRESIGN_DOWNLOADS,
    targets: e.OMNI_TARGETS,
    worker: { concurrency: e.WORKER_CONCURRENCY, lockMs: e.WORKER_LOCK_MS, dir: e.OMNI_WORKER_DIR, localObjectsBytes: e.OMNI_LOCAL_OBJECTS_MB << 20 },
    compile: {
      timeoutMs: e.OMNI_COMPILE_TIMEOUT_MS,
      memoryMb: e.OMNI_COMPILE_MEMORY_MB,
      steps: e.OMNI_COMPILE_STEPS,
      expansionNodes: e.OMNI_COMPILE_EXPANSION_NODES,
      expansionDepth: e.OMNI_COMPILE_EXPANSION_DEPTH,
      ccTimeoutMs: e.OMNI_CC_TIMEOUT_MS,
      ccMemoryMb: e.OMNI_CC_MEMORY_MB,
      failedTtlSeconds: e.OMNI_FAILED_TTL_S,
    },
    http: { trustProxy: e.OMNI_TRUST_PROXY, headersTimeoutMs: e.OMNI_HEADERS_TIMEOUT_MS, requestTimeoutMs: e.OMNI_REQUEST_TIMEOUT_MS },
    auth: { userKeys: e.OMNI_API_KEYS, adminKeys: e.OMNI_ADMIN_KEYS },
    limits: {
      ratePerMinute: e.OMNI_RATE_LIMIT,
      bodyBytes: e.OMNI_MAX_BODY_BYTES,
      sourceBytes: e.OMNI_MAX_SOURCE_BYTES,
      files: e.OMNI_MAX_FILES,
      runTimeoutMs: e.OMNI_RUN_TIMEOUT_MS,
      runMaxTimeoutMs: e.OMNI_RUN_MAX_TIMEOUT_MS,
      runOutputBytes: e.OMNI_RUN_OUTPUT_BYTES,
      runMemoryMb: e.OMNI_RUN_MEMORY_MB,
      runProcesses: e.OMNI_RUN_PROCESSES,
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}
