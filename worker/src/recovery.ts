// Jobs left active by a worker that stopped without finishing them (killed, crashed, its machine
// gone), with a persistent Redis. BullMQ's stalled-job check finds such a job only on its second
// pass (one WORKER_LOCK_MS after a worker starts), hands it back once without counting an attempt,
// fails it on the next stall ("job stalled more than allowable limit") when a worker picks it up,
// and each of those failures was a log line of its own. A starting worker settles them itself
// instead, once each, and says so in one line:
//
// - A job active at start is left when its lock is gone: the lock a live worker renews every
//   WORKER_LOCK_MS / 2 (a killed worker's lasts until it expires, at most WORKER_LOCK_MS). The
//   starting worker watches the jobs active when it starts for that long and takes each free lock
//   itself (SET NX on BullMQ's lock key, what moving a job to active does), so no other worker's
//   stalled check moves the job meanwhile; a lock that is renewed is a live worker's job, left alone.
// - A left job is settled as BullMQ's stalled check would settle it (the service's contract: a
//   job whose worker dies is handed to another worker once, and failed when it stalls again): a
//   job that has not stalled before (its stalled counter below maxStalledCount) goes back to wait
//   with the counter raised (Job.moveToWait with that lock's token; no attempt is used up), one
//   that has is failed, never retried, with the `stalled` reason (code internal) the API reports
//   as it reports any failure. So no job is retried forever.
// - RecoveryReport gathers what this recovery did and what BullMQ's stalled check did meanwhile
//   (`stalled` events, stall-limit failures of jobs an earlier stall check marked) into one line:
//   `recovered 3 jobs left by an earlier worker (2 requeued, 1 failed: stalled)`.
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { encodeFailure, stalledFailure } from './queue.js';

export type Recovered = 'requeued' | 'failed';

/** One job this recovery settled. */
export interface RecoveredJob {
  queue: string;
  id: string;
  outcome: Recovered;
}

interface Candidate {
  queue: Queue;
  id: string;
  lockKey: string;
  /** The lock's time to live at the last look, to see a live worker renew it. */
  ttl?: number;
}

// deletes a lock only while it is still the given token's
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

export interface RecoveryOptions {
  redis: Redis;
  prefix: string;
  queues: string[];
  /** WORKER_LOCK_MS: how long a dead worker's lock may still last. */
  lockMs: number;
  /** The lock token this recovery takes jobs with (unique to the worker). */
  token: string;
  /** The workers' maxStalledCount: how many times a job may stall and still be handed back. */
  maxStalledCount: number;
}

export class LeftJobRecovery {
  private readonly queues: Queue[];
  private readonly candidates = new Map<string, Candidate>();
  private readonly settled: RecoveredJob[] = [];
  private readonly pollMs: number;
  private readonly aborted = new AbortController();
  private deadline = 0;

  constructor(private readonly opts: RecoveryOptions) {
    this.queues = opts.queues.map((name) => new Queue(name, { connection: opts.redis, prefix: opts.prefix }));
    this.pollMs = Math.min(500, Math.max(25, Math.floor(opts.lockMs / 20)));
  }

  /**
   * Notes the jobs active now and settles those whose lock is already gone. Call it before this
   * worker consumes anything: its own jobs are then never among them.
   */
  async begin(): Promise<void> {
    for (const queue of this.queues) {
      for (const job of await queue.getJobs(['active'])) {
        if (!job?.id) continue;
        this.candidates.set(`${queue.name}:${job.id}`, { queue, id: job.id, lockKey: `${queue.toKey(job.id)}:lock` });
      }
    }
    // a dead worker's lock lasts at most lockMs from its last renewal, before this start
    this.deadline = Date.now() + this.opts.lockMs + 2 * this.pollMs;
    await this.pass();
  }

  /** Watches the remaining jobs until each is settled, finished by its worker or seen to be a live worker's; what was settled. */
  async finish(): Promise<RecoveredJob[]> {
    while (this.candidates.size && Date.now() < this.deadline && !this.aborted.signal.aborted) {
      await sleep(this.pollMs, undefined, { signal: this.aborted.signal }).catch(() => undefined);
      if (!this.aborted.signal.aborted) await this.pass();
    }
    this.candidates.clear();
    await Promise.all(this.queues.map((q) => q.close()));
    return this.settled;
  }

  /** Stops watching (the worker is stopping); finish() then returns what was settled so far. */
  abort(): void {
    this.aborted.abort();
  }

  private async pass(): Promise<void> {
    const { redis, token, lockMs } = this.opts;
    for (const [key, c] of this.candidates) {
      if (this.aborted.signal.aborted) return;
      if ((await redis.set(c.lockKey, token, 'PX', lockMs, 'NX')) === 'OK') {
        this.candidates.delete(key);
        const outcome = await this.settle(c).catch(() => null);
        if (outcome) this.settled.push({ queue: c.queue.name, id: c.id, outcome });
        else await redis.eval(RELEASE, 1, c.lockKey, token);
        continue;
      }
      const ttl = await redis.pttl(c.lockKey);
      // renewed since the last look (or without expiry): a live worker's job
      if (ttl === -1 || (c.ttl !== undefined && ttl > c.ttl)) this.candidates.delete(key);
      else if (ttl >= 0) c.ttl = ttl;
    }
  }

  /** A job whose lock this recovery holds: still active, so left (nothing else moves an active job); settled as a stall. */
  private async settle(c: Candidate): Promise<Recovered | null> {
    const job = await Job.fromId(c.queue, c.id);
    // finished by its worker after all, or handed back by a stalled check before the lock was taken
    if (!job || !(await job.isActive())) return null;
    if (job.stalledCounter < this.opts.maxStalledCount) {
      await this.opts.redis.hincrby(c.queue.toKey(c.id), 'stc', 1);
      await job.moveToWait(this.opts.token);
      return 'requeued';
    }
    await job.moveToFailed(new UnrecoverableError(encodeFailure(stalledFailure('more than once'))), this.opts.token, false);
    return 'failed';
  }
}

/**
 * What became of the jobs left by stopped workers, as one log line: at start, once this worker's
 * recovery is done (and BullMQ's events just after it have come in); later (a peer's jobs,
 * recovered by BullMQ's stalled check), once such events stop coming for quietMs.
 */
export class RecoveryReport {
  private readonly jobs = new Map<string, Recovered>();
  /** starting: this worker's recovery runs; reporting: its line is due; later: jobs of peers stopped since. */
  private phase: 'starting' | 'reporting' | 'later' = 'starting';
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly quietMs = 1000,
  ) {}

  /** A job requeued or failed; a job both (stalled, then failed when picked up) counts as failed. */
  add(queue: string, id: string | undefined, outcome: Recovered): void {
    const key = `${queue}:${id}`;
    if (this.jobs.get(key) !== 'failed') this.jobs.set(key, outcome);
    if (this.phase !== 'starting') this.schedule();
  }

  /** This worker's own recovery is done: what it settled. */
  started(recovered: RecoveredJob[]): void {
    for (const r of recovered) this.add(r.queue, r.id, r.outcome);
    this.phase = 'reporting';
    this.schedule();
  }

  /** Logs what is pending now, if anything (also when the worker stops). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const outcomes = [...this.jobs.values()];
    const which = this.phase === 'later' ? 'a stopped worker' : 'an earlier worker';
    if (this.phase === 'reporting') this.phase = 'later';
    if (!outcomes.length) return;
    const requeued = outcomes.filter((o) => o === 'requeued').length;
    const failed = outcomes.length - requeued;
    const parts = [...(requeued ? [`${requeued} requeued`] : []), ...(failed ? [`${failed} failed: stalled`] : [])];
    this.logger.info(`recovered ${outcomes.length} job${outcomes.length === 1 ? '' : 's'} left by ${which} (${parts.join(', ')})`);
    this.logger.debug({ jobs: Object.fromEntries(this.jobs) }, 'recovered jobs');
    this.jobs.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.quietMs).unref();
  }
}
