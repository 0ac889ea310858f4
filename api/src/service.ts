// The API's operations over the queue and the store: what the routes call. Requests arrive
// validated; this layer turns them into build specs and keys, answers from the store when it can,
// and otherwise enqueues (builds) or enqueues and waits (runs).
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CompileError, readProgram } from '@omnilisp/compiler';
import {
  BUILD_QUEUE,
  BatchedCounters,
  type BuildJob,
  type BuildSpec,
  type Compiler,
  type Diagnostic,
  type JobFailure,
  type Manifest,
  type ObjectStore,
  RUN_QUEUE,
  type RunJob,
  type RunOutcome,
  type ServiceConfig,
  type Toolchain,
  type WorkerCapabilities,
  contentKey,
  counters,
  decodeFailure,
  discardArtifact,
  forgetFailures,
  formatDiagnostic,
  inspectManifest,
  knownFailure,
  liveWorkers,
  readManifest,
  resetCounters,
  round,
  storeKeys,
  verifiedBody,
} from '@omnilisp/worker';
import { ApiError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { BuildRequest, RunRequest } from './schemas.js';

export type BuildStatus = 'queued' | 'active' | 'completed' | 'failed';

/** How long a live-worker list read from Redis is reused. */
const CAPABILITIES_TTL_MS = 2_000;
/** Beyond its own time limit, how long a run may wait for a worker (queueing, compiling). */
const RUN_GRACE_MS = 60_000;

const links = (key: string) => ({
  self: `/v1/builds/${key}`,
  artifact: `/v1/artifacts/${key}`,
  manifest: `/v1/artifacts/${key}/manifest`,
});

export class Service {
  readonly builds: Queue<BuildJob, Manifest>;
  readonly runs: Queue<RunJob, RunOutcome>;
  private readonly runEvents: QueueEvents;
  private readonly buildEvents: QueueEvents;
  private readonly counts: BatchedCounters;
  /** Runs waiting for their outcome: losing Redis may lose their jobs (a restarted Redis keeps nothing), so they answer 503 at once. */
  private readonly waiting = new Set<() => void>();
  /** The live workers, and the last non-empty list seen (keys can be computed from it while none runs). */
  private capabilities: { at: number; workers: WorkerCapabilities[]; known: WorkerCapabilities[] } = { at: 0, workers: [], known: [] };

  constructor(
    private readonly config: ServiceConfig,
    private readonly redis: Redis,
    private readonly store: ObjectStore,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.counts = new BatchedCounters(redis, config.prefix);
    const opts = { connection: redis, prefix: config.prefix };
    this.builds = new Queue(BUILD_QUEUE, opts);
    this.runs = new Queue(RUN_QUEUE, opts);
    // QueueEvents block on Redis: each gets its own connection that retries forever
    const events = { connection: { url: config.redisUrl, maxRetriesPerRequest: null }, prefix: config.prefix };
    this.runEvents = new QueueEvents(RUN_QUEUE, events);
    this.buildEvents = new QueueEvents(BUILD_QUEUE, events);
    this.buildEvents.on('completed', ({ returnvalue }) => metrics.observeBuild(returnvalue as unknown as Manifest));
    redis.on('close', () => this.waiting.forEach((lost) => lost()));
    // without listeners, BullMQ prints every connection error to the console
    for (const q of [this.builds, this.runs]) q.on('error', (err) => logger.warn({ err: err.message }, 'queue'));
    for (const e of [this.runEvents, this.buildEvents]) e.on('error', (err) => logger.warn({ err: err.message }, 'queue events'));
  }

  async close(): Promise<void> {
    await this.counts.flush();
    await Promise.all([this.builds.close(), this.runs.close(), this.runEvents.close(), this.buildEvents.close()]);
  }

  // ---------------------------------------------------------------- targets

  private async workers(): Promise<WorkerCapabilities[]> {
    if (Date.now() - this.capabilities.at > CAPABILITIES_TTL_MS) {
      const workers = await liveWorkers(this.redis, this.config.prefix);
      this.capabilities = { at: Date.now(), workers, known: workers.length ? workers : this.capabilities.known };
    }
    return this.capabilities.workers;
  }

  /** Every (target, compiler, output) some live worker builds. */
  async targets(): Promise<{ target: string; compiler: Compiler; output: string }[]> {
    const seen = new Map<string, { target: string; compiler: Compiler; output: string }>();
    for (const w of await this.workers()) for (const t of w.toolchains) seen.set(`${t.target}/${t.compiler}/${t.output}`, { target: t.target, compiler: t.compiler, output: t.output });
    return [...seen.values()];
  }

  /**
   * The toolchain for a request and the compiler version of the newest worker offering it. With no
   * worker running, the last ones seen still give the key (a cached artifact needs no worker): `live` is then false.
   */
  private async toolchain(target: string | undefined, compiler: Compiler, output: string): Promise<{ toolchain: Toolchain; compilerVersion: string; live: boolean }> {
    const workers = await this.workers();
    const live = workers.length > 0;
    for (const w of live ? workers : this.capabilities.known) {
      const t = w.toolchains.find((c) => c.compiler === compiler && c.output === output && (target === undefined || c.target === target));
      if (t) return { toolchain: t, compilerVersion: w.compilerVersion, live };
    }
    if (!live) throw noWorkers();
    throw new ApiError(400, 'unsupported_target', `no worker builds ${output} for ${target ?? 'any target'} with ${compiler}`, { available: await this.targets() });
  }

  // ---------------------------------------------------------------- specs

  /** The request's files and entry; checks sizes and syntax (422 with diagnostics on a reader error). */
  private program(req: { source?: string; files?: Record<string, string>; entry?: string }): { files: Record<string, string>; entry: string } {
    if ((req.source === undefined) === (req.files === undefined)) throw new ApiError(400, 'invalid_request', 'give exactly one of source and files');
    const files = req.files ?? { 'main.omni': req.source! };
    const names = Object.keys(files);
    if (!names.length) throw new ApiError(400, 'invalid_request', 'files is empty');
    if (names.length > this.config.limits.files) throw new ApiError(413, 'too_many_files', `at most ${this.config.limits.files} files`);
    const bytes = names.reduce((n, f) => n + Buffer.byteLength(files[f]), 0);
    if (bytes > this.config.limits.sourceBytes) throw new ApiError(413, 'source_too_large', `the source is ${bytes} bytes; the limit is ${this.config.limits.sourceBytes}`);
    const top = names.filter((n) => !n.startsWith('lib/'));
    const entry = req.entry ?? (files['main.omni'] !== undefined ? 'main.omni' : top.length === 1 ? top[0] : undefined);
    if (!entry || files[entry] === undefined) throw new ApiError(400, 'invalid_request', 'entry must name one of files (required when there is no main.omni and several top-level files)');
    const diagnostics: Diagnostic[] = [];
    for (const name of names) {
      try {
        readProgram(files[name], name);
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        diagnostics.push({ file: e.loc.file, line: e.loc.line, column: e.loc.col, message: e.detail });
      }
    }
    if (diagnostics.length) throw compileError(diagnostics);
    return { files, entry };
  }

  // ---------------------------------------------------------------- builds

  /** A finished build (200) or a queued one (202). */
  async submitBuild(req: BuildRequest): Promise<{ status: 200 | 202; body: object }> {
    const { files, entry } = this.program(req);
    const compiler = req.compiler ?? (req.output === 'shared' ? 'tcc' : 'gcc');
    const { toolchain, compilerVersion, live } = await this.toolchain(req.target, compiler, req.output);
    const spec: BuildSpec = { files, entry, target: toolchain.target, output: req.output, compiler, opt: req.opt, static: req.static };
    const key = contentKey(spec, { compiler: compilerVersion, runtime: toolchain.runtimeVersion });
    const manifest = await readManifest(this.store, key);
    if (manifest) {
      this.metrics.cache.inc({ kind: 'build', result: 'hit' });
      this.counts.add('hits');
      return { status: 200, body: { id: key, key, status: 'completed', manifest, links: links(key) } };
    }
    await this.refuseKnownFailure(key);
    if (!live) throw noWorkers();
    this.metrics.cache.inc({ kind: 'build', result: 'miss' });
    this.counts.add('misses');
    const job = await this.enqueueBuild(key, spec);
    return { status: 202, body: { id: key, key, status: await this.state(job), links: links(key) } };
  }

  /** A key whose build failed by a compile error or a limit is answered 422 at once (the negative cache). */
  private async refuseKnownFailure(key: string): Promise<void> {
    const f = await knownFailure(this.redis, this.config.prefix, key);
    if (f && (f.code === 'compile_error' || f.code === 'compile_limit')) throw compileFailure(f);
  }

  /** Adds the build under its key; a failed earlier attempt with that key is replaced. */
  private async enqueueBuild(key: string, spec: BuildSpec): Promise<Job<BuildJob, Manifest>> {
    const old = await this.builds.getJob(key);
    if (old && (await old.getState()) === 'failed') await old.remove().catch(() => undefined);
    return this.builds.add('build', { key, spec }, {
      jobId: key,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 3600 },
    });
  }

  private async state(job: Job): Promise<BuildStatus> {
    const s = await job.getState();
    return s === 'active' || s === 'completed' || s === 'failed' ? s : 'queued';
  }

  /** A build's state; the job is read after its state, so a job that just finished is not misreported. */
  async buildStatus(key: string): Promise<object> {
    const state = await this.builds.getJobState(key);
    const job = state === 'unknown' || state === 'completed' ? undefined : await this.builds.getJob(key);
    if (job) {
      const status: BuildStatus = state === 'active' || state === 'failed' ? state : 'queued';
      const base = { id: key, key, status, progress: job.progress, attempts: job.attemptsMade, links: links(key) };
      if (status !== 'failed') return base;
      const f = decodeFailure(job.failedReason);
      return { ...base, error: { code: f.code, message: f.message, ...(f.limit ? { limit: f.limit } : {}) }, diagnostics: f.diagnostics ?? [] };
    }
    // completed builds leave the queue at once: their manifest says they are done
    const manifest = await readManifest(this.store, key);
    if (!manifest) throw new ApiError(404, 'not_found', `no build ${key}`);
    return { id: key, key, status: 'completed', progress: 100, manifest, links: links(key) };
  }

  // ---------------------------------------------------------------- artifacts

  /** A key's manifest; an invalid stored one (not JSON, not this key's) makes the key corrupt: discarded and rebuilt (503). */
  async manifest(key: string): Promise<Manifest> {
    const read = await inspectManifest(this.store, key);
    if (!read) throw new ApiError(404, 'not_found', `no artifact ${key}`);
    if ('invalid' in read) return this.rebuildCorrupt(key, `has an invalid manifest (${read.invalid})`);
    return read.manifest;
  }

  /** A presigned URL for the artifact when downloads are redirected, else null. */
  async presigned(manifest: Manifest): Promise<string | null> {
    if (!this.config.presignDownloads) return null;
    return this.store.presignGet(storeKeys(manifest.key, manifest.artifact.name).artifact, 300);
  }

  /** The verified bytes of an artifact; a corrupt one is deleted, rebuilt from its stored spec, and answered 503. */
  async artifact(manifest: Manifest): Promise<Buffer> {
    const body = await verifiedBody(this.store, manifest);
    if (body) return body;
    return this.rebuildCorrupt(manifest.key, 'failed its SHA-256 check');
  }

  /** Deletes a corrupt key and rebuilds it from its stored spec (503); without a usable spec it is gone (404). */
  private async rebuildCorrupt(key: string, why: string): Promise<never> {
    const spec = await discardArtifact(this.store, key);
    this.logger.warn({ key, why }, 'corrupt artifact discarded');
    if (!spec) throw new ApiError(404, 'not_found', `artifact ${key} was corrupt and has been deleted`);
    await this.enqueueBuild(key, spec);
    throw new ApiError(503, 'artifact_rebuilding', `artifact ${key} ${why}; it is being rebuilt`, { build: links(key).self }, { 'Retry-After': '1' });
  }

  // ---------------------------------------------------------------- runs

  async run(req: RunRequest): Promise<object> {
    const timeoutMs = Math.min(req.timeoutMs ?? this.config.limits.runTimeoutMs, this.config.limits.runMaxTimeoutMs);
    let data: RunJob;
    if (req.key !== undefined) {
      if (req.source !== undefined || req.files !== undefined) throw new ApiError(400, 'invalid_request', 'give a key or a program, not both');
      data = { key: req.key, stdin: req.stdin, args: req.args, timeoutMs };
    } else {
      const { files, entry } = this.program(req);
      const { toolchain, compilerVersion } = await this.toolchain(undefined, 'tcc', 'shared');
      const spec: BuildSpec = { files, entry, target: toolchain.target, output: 'shared', compiler: 'tcc', opt: 0, static: false };
      data = { key: contentKey(spec, { compiler: compilerVersion, runtime: toolchain.runtimeVersion }), spec, stdin: req.stdin, args: req.args, timeoutMs };
    }
    if (data.spec) await this.refuseKnownFailure(data.key);
    // by key too: a run needs a worker, or it would wait out its time
    if (!(await this.workers()).length) throw noWorkers();
    const started = performance.now();
    const job = await this.runs.add('run', data, { attempts: 2, removeOnComplete: { age: 60 }, removeOnFail: { age: 600 } });
    let outcome: RunOutcome;
    let lost!: () => void;
    const gone = new Promise<never>((_, reject) => {
      lost = () => reject(new ApiError(503, 'queue_unavailable', 'the connection to the job queue (Redis) was lost; try again', undefined, { 'Retry-After': '2' }));
    });
    this.waiting.add(lost);
    try {
      outcome = await Promise.race([job.waitUntilFinished(this.runEvents, timeoutMs + RUN_GRACE_MS), gone]);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const message = (e as Error).message;
      if (/timed out/i.test(message)) throw new ApiError(504, 'run_timeout', 'no worker finished the run in time');
      const f = decodeFailure(message);
      if (f.code === 'compile_error' || f.code === 'compile_limit') throw compileFailure(f);
      if (f.code === 'not_found') throw new ApiError(404, 'not_found', f.message);
      if (f.code === 'internal_error') throw new ApiError(500, 'internal_error', f.message, { diagnostics: f.diagnostics ?? [] });
      throw new ApiError(500, 'run_failed', f.message);
    } finally {
      this.waiting.delete(lost);
    }
    this.metrics.cache.inc({ kind: 'run', result: outcome.cache });
    return { ...outcome, timings: { ...outcome.timings, requestMs: round(performance.now() - started) } };
  }

  // ---------------------------------------------------------------- cache

  async stats(): Promise<object> {
    const objects = await this.store.list('artifacts/');
    const c = await this.counters();
    return {
      artifacts: { count: objects.filter((o) => o.key.endsWith('/manifest.json')).length, bytes: objects.reduce((n, o) => n + o.size, 0) },
      ...c,
      hitRatio: hitRatio(c),
      queues: await this.queueDepth(),
      store: { kind: this.store.kind, location: this.store.location },
    };
  }

  async clearCache(): Promise<{ deleted: number }> {
    await this.counts.flush();
    const deleted = await this.store.deletePrefix('artifacts/');
    await forgetFailures(this.redis, this.config.prefix);
    await resetCounters(this.redis, this.config.prefix);
    return { deleted };
  }

  async queueDepth(): Promise<Record<string, Record<string, number>>> {
    return { builds: await this.builds.getJobCounts(), runs: await this.runs.getJobCounts() };
  }

  async cacheRatio(): Promise<number | null> {
    return hitRatio(await this.counters());
  }

  /** The shared counters, this process's pending counts included. */
  private async counters(): Promise<Awaited<ReturnType<typeof counters>>> {
    await this.counts.flush();
    return counters(this.redis, this.config.prefix);
  }
}

const hitRatio = (c: { hits: number; misses: number }) => (c.hits + c.misses ? c.hits / (c.hits + c.misses) : null);

const noWorkers = () => new ApiError(503, 'no_workers', 'no build worker is running; try again', undefined, { 'Retry-After': '5' });

function compileError(diagnostics: Diagnostic[]): ApiError {
  const first = diagnostics[0];
  const where = first ? formatDiagnostic(first) : 'the program does not compile';
  return new ApiError(422, 'compile_error', where, { diagnostics });
}

/** A build's compile error or limit, as the client sees it (422 either way). */
function compileFailure(f: JobFailure): ApiError {
  if (f.code !== 'compile_limit') return compileError(f.diagnostics ?? []);
  return new ApiError(422, 'compile_limit', f.message, { limit: f.limit, diagnostics: f.diagnostics ?? [] });
}
