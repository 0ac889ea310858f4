// The worker: consumes build jobs (compile, link, upload) and run jobs (fetch or build a tcc
// object, then execute it in the sandbox), and announces what it can build.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RUNTIME_INCLUDE, jitHost } from '@omnilisp/compiler/toolchain';
import { discardArtifact, inspectManifest, publishArtifact, readManifest, verifiedBody } from './artifacts.js';
import { type Built, CompileFailure, InternalCompileFailure, buildArtifact, cleanBuildDirs } from './build.js';
import { CompilePool } from './compile-pool.js';
import type { ServiceConfig } from './config.js';
import { type Lease, LocalObjects } from './local-objects.js';
import { redactUrl } from './logger.js';
import {
  BUILD_QUEUE,
  BULLMQ_STALLED_REASON,
  type BuildJob,
  type BuildResult,
  type Limit,
  RUN_LIMITS,
  RUN_QUEUE,
  type RunJob,
  type RunOutcome,
  announce,
  connect,
  count,
  encodeFailure,
  type JobFailure,
  rememberFailure,
  withdraw,
} from './queue.js';
import { LeftJobRecovery, RecoveryReport } from './recovery.js';
import { runSandboxed } from './sandbox.js';
import { type BuildSpec, type Manifest, round } from './spec.js';
import type { ObjectStore } from './store/index.js';
import { type Toolchain, compilerVersion, detectToolchains } from './toolchains.js';

const HEARTBEAT_MS = 5_000;

export interface WorkerDeps {
  config: ServiceConfig;
  store: ObjectStore;
  logger: Logger;
}
/** A job whose worker died is handed to another once; if it stalls again it fails. */
const MAX_STALLED_COUNT = 1;

export class BuildWorker {
  readonly id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly toolchains: Toolchain[];
  private readonly compilerVersion = compilerVersion();
  private readonly redis: Redis;
  private readonly workers: Worker[] = [];
  private readonly pool: CompilePool;
  private heartbeat?: NodeJS.Timeout;
  private recovery?: LeftJobRecovery;
  private recovered?: Promise<void>;
  private readonly report: RecoveryReport;

  constructor(private readonly deps: WorkerDeps) {
    const { config } = deps;
    this.toolchains = detectToolchains(config.targets);
    this.redis = connect(config.redisUrl, false);
    const { timeoutMs, memoryMb, steps, expansionNodes, expansionDepth } = config.compile;
    // one compile process for each job both queues may run at once; unset budgets are the compiler's defaults
    const limits = { steps, expansionNodes, expansionDepth };
    this.pool = new CompilePool({ size: 2 * config.worker.concurrency, warm: config.worker.concurrency, timeoutMs, memoryMb, limits });
    this.report = new RecoveryReport(deps.logger);
  }

  /**
   * Starts consuming both queues and announcing this worker's toolchains. Jobs an earlier worker
   * left active are settled first (those already free) and over the next WORKER_LOCK_MS (the
   * others), in the background; see recovery.ts.
   */
  async start(): Promise<void> {
    const { config, logger } = this.deps;
    const cleaned = cleanBuildDirs(config.worker.dir);
    if (cleaned) logger.info({ cleaned }, 'removed build directories left by stopped workers');
    const recovery = new LeftJobRecovery({
      redis: this.redis,
      prefix: config.prefix,
      queues: [BUILD_QUEUE, RUN_QUEUE],
      lockMs: config.worker.lockMs,
      token: `recovery-${this.id}`,
      maxStalledCount: MAX_STALLED_COUNT,
    });
    this.recovery = recovery;
    await recovery.begin();
    const options = {
      connection: this.redis,
      prefix: config.prefix,
      concurrency: config.worker.concurrency,
      lockDuration: config.worker.lockMs,
      stalledInterval: config.worker.lockMs,
      maxStalledCount: MAX_STALLED_COUNT,
    };
    this.workers.push(new Worker<BuildJob, BuildResult>(BUILD_QUEUE, (job) => this.build(job), options));
    this.workers.push(new Worker<RunJob, RunOutcome>(RUN_QUEUE, (job) => this.run(job), options));
    for (const w of this.workers) {
      w.on('failed', (job, err) => {
        // a job an earlier stalled check gave up on: part of the recovery's one line, not a line of its own
        if (err.message === BULLMQ_STALLED_REASON) this.report.add(w.name, job?.id, 'failed');
        else logger.warn({ queue: w.name, job: job?.id, err: err.message }, 'job failed');
      });
      // BullMQ's stalled check handed a job of a stopped worker back to the queue
      w.on('stalled', (id) => this.report.add(w.name, id, 'requeued'));
      w.on('error', (err) => logger.error({ queue: w.name, err: err.message }, 'worker error'));
    }
    await this.announce();
    this.heartbeat = setInterval(() => void this.announce().catch(() => undefined), HEARTBEAT_MS);
    // a restarted Redis has forgotten every worker: announce again at once, not at the next beat
    this.redis.on('ready', () => void this.announce().catch(() => undefined));
    const store = this.deps.store;
    logger.info({ worker: this.id, store: `${store.kind}:${redactUrl(store.location)}`, toolchains: this.toolchains.map((t) => `${t.target}/${t.compiler}`) }, 'worker started');
    this.recovered = recovery.finish().then(
      (settled) => this.report.started(settled),
      (err: Error) => {
        logger.warn({ err: err.message }, 'recovering jobs left by an earlier worker failed (BullMQ\'s stalled-job check still hands them back)');
        this.report.started([]);
      },
    );
  }

  /** Finishes the jobs in hand, then stops (a killed worker's jobs are retried by others instead). */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.recovery?.abort();
    await this.recovered;
    this.report.flush();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.pool.close();
    cleanBuildDirs(this.deps.config.worker.dir, true);
    await withdraw(this.redis, this.deps.config.prefix, this.id).catch(() => undefined);
    this.redis.disconnect();
  }

  private announce(): Promise<void> {
    const caps = { workerId: this.id, compilerVersion: this.compilerVersion, toolchains: this.toolchains, heartbeatAt: Date.now() };
    return announce(this.redis, this.deps.config.prefix, caps);
  }

  private toolchain(spec: BuildSpec): Toolchain {
    const t = this.toolchains.find((c) => c.target === spec.target && c.compiler === spec.compiler && c.output === spec.output);
    if (!t) throw new UnrecoverableError(encodeFailure({ code: 'internal', message: `this worker cannot build ${spec.target}/${spec.compiler}/${spec.output}` }));
    return t;
  }

  /**
   * Compiles spec, uploads it (artifact, then manifest) and counts the build. A build that cannot
   * succeed by trying again (a compile error, a limit, a compiler crash) fails at once, and the
   * first two are remembered so the same request is answered without compiling.
   */
  private async compileAndPublish(key: string, spec: BuildSpec, job: Job): Promise<Built> {
    const { config, store } = this.deps;
    let built: Built;
    try {
      built = await buildArtifact(key, spec, {
        toolchain: this.toolchain(spec),
        compilerVersion: this.compilerVersion,
        workRoot: config.worker.dir,
        pool: this.pool,
        cc: { timeoutMs: config.compile.ccTimeoutMs, memoryMb: config.compile.ccMemoryMb },
        onStage: (stage) => job.updateProgress({ stage }),
      });
    } catch (e) {
      const failure = this.buildFailure(e, key);
      if (!failure) throw e;
      await count(this.redis, config.prefix, 'builds_failed');
      if (failure.code === 'compile_error' || failure.code === 'compile_limit') await rememberFailure(this.redis, config.prefix, key, failure, config.compile.failedTtlSeconds).catch(() => undefined);
      throw new UnrecoverableError(encodeFailure(failure));
    }
    await job.updateProgress({ stage: 'uploading' });
    await publishArtifact(store, built.manifest, built.body, spec);
    await count(this.redis, config.prefix, 'builds_completed');
    return built;
  }

  /** The failure a build error means for the client, or null for errors worth retrying (store, Redis). */
  private buildFailure(e: unknown, key: string): JobFailure | null {
    if (e instanceof CompileFailure) {
      const diagnostics = e.diagnostics;
      return e.limit ? { code: 'compile_limit', limit: e.limit, message: e.message, diagnostics } : { code: 'compile_error', message: e.message, diagnostics };
    }
    if (e instanceof InternalCompileFailure) {
      this.deps.logger.error({ key, err: e.message }, 'internal compiler error');
      this.deps.logger.debug({ key, stack: e.internalStack }, 'internal compiler error: stack');
      return { code: 'internal_error', message: e.message, diagnostics: e.diagnostics };
    }
    return null;
  }

  private async build(job: Job<BuildJob>): Promise<BuildResult> {
    const { key, spec } = job.data;
    const existing = await readManifest(this.deps.store, key);
    if (existing) return existing;
    return (await this.compileAndPublish(key, spec, job)).manifest;
  }

  // ---------------------------------------------------------------- runs

  private localObjects?: LocalObjects;

  /** The verified local copies of tcc objects that runs load (OMNI_WORKER_DIR/objects/, at most OMNI_LOCAL_OBJECTS_MB). */
  private get objects(): LocalObjects {
    const { dir, localObjectsBytes } = this.deps.config.worker;
    return (this.localObjects ??= new LocalObjects(path.join(dir, 'objects'), localObjectsBytes));
  }

  /**
   * The run's object, leased from the local copies (the caller releases it): a copy kept from
   * earlier, still the file that was verified (see local-objects.ts), or the artifact fetched and
   * verified, or built now.
   */
  private async object(job: Job<RunJob>): Promise<{ lease: Lease; cache: 'hit' | 'miss'; fetchMs: number; buildMs: number }> {
    const { key } = job.data;
    const { store, logger } = this.deps;
    let spec = job.data.spec;
    // a run by spec: the local copy is the compiled spec itself (the key says so), no store read needed
    const kept = spec ? this.objects.acquire(key) : null;
    if (kept) return { lease: kept, cache: 'hit', fetchMs: 0, buildMs: 0 };
    const started = performance.now();
    // otherwise the manifest decides: a run by key needs the key to still exist (a cleared cache is
    // cleared for runs too), and a local copy must be the artifact the manifest names
    const read = await inspectManifest(store, key);
    let corrupt = read && 'invalid' in read ? `invalid manifest: ${read.invalid}` : null;
    if (read && 'manifest' in read && read.manifest.output === 'shared') {
      const { manifest } = read;
      const local = this.objects.acquire(key, manifest.artifact);
      if (local) return { lease: local, cache: 'hit', fetchMs: round(performance.now() - started), buildMs: 0 };
      const body = await verifiedBody(store, manifest);
      if (body) return { lease: this.objects.put(key, body, manifest.artifact), cache: 'hit', fetchMs: round(performance.now() - started), buildMs: 0 };
      corrupt = 'the artifact does not match its manifest';
    }
    const fetchMs = round(performance.now() - started);
    if (corrupt) {
      logger.warn({ key, reason: corrupt }, 'corrupt artifact discarded; rebuilding');
      // a run by key rebuilds from the spec stored with the artifact, as the API does
      const stored = await discardArtifact(store, key);
      spec ??= stored ?? undefined;
    }
    if (!spec) {
      const message = read && 'manifest' in read ? `${key} is not a tcc-built program` : `no program with key ${key}`;
      throw new UnrecoverableError(encodeFailure({ code: 'not_found', message }));
    }
    const built = await this.compileAndPublish(key, spec, job);
    return { lease: this.objects.put(key, built.body, built.manifest.artifact), cache: 'miss', fetchMs, buildMs: built.manifest.timings.totalMs };
  }

  private async run(job: Job<RunJob>): Promise<RunOutcome> {
    const { config } = this.deps;
    const started = performance.now();
    const obj = await this.object(job);
    try {
      await count(this.redis, config.prefix, obj.cache === 'hit' ? 'hits' : 'misses', 'runs');
      const host = jitHost(job.data.spec?.target);
      const ranAt = performance.now();
      const r = await runSandboxed({
        program: host,
        args: ['run', '-I', RUNTIME_INCLUDE, '--load-obj', obj.lease.file, '--', ...job.data.args],
        stdin: job.data.stdin,
        readOnly: [host, obj.lease.file],
        limits: {
          wallMs: job.data.timeoutMs,
          cpuSeconds: Math.max(1, Math.ceil(job.data.timeoutMs / 1000)),
          memoryMb: config.limits.runMemoryMb,
          processes: config.limits.runProcesses,
          threads: config.limits.runProcesses,
          outputBytes: config.limits.runOutputBytes,
        },
      });
      if (r.outcome === 'setup-failed') throw new Error(`sandbox setup failed: ${r.message ?? r.stderr}`);
      const limit: Limit = (RUN_LIMITS as readonly string[]).includes(r.outcome) ? (r.outcome as Limit) : null;
      const now = performance.now();
      return {
        stdout: r.stdout,
        stderr: r.stderr,
        exitCode: r.exitCode,
        limit,
        truncated: r.truncated,
        cache: obj.cache,
        key: job.data.key,
        timings: { fetchMs: obj.fetchMs, buildMs: obj.buildMs, runMs: round(now - ranAt), totalMs: round(now - started) },
      };
    } finally {
      obj.lease.release();
    }
  }
}

export type { Manifest };
