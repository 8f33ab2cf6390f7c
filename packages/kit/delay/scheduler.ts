// Delayed jobs: poll a store for due jobs, claim them atomically with a visibility timeout, run
// the topic's handler, then ack, retry after a back-off, or dead-letter after maxAttempts.
// The shape is the "reliable queue" pattern (Redis docs, RPOPLPUSH: a processing list that a
// reaper returns to the queue) applied to a sorted set scored by due time, as Sidekiq's scheduled
// set is; the visibility timeout is SQS's. go-zero's own delay queue (go-queue dq) writes each job
// to two beanstalkd servers and fires it once by a Redis SETNX; Surge keeps the jobs and the claim
// in Redis, which it already runs, instead of adding beanstalkd.
//
// Guarantee: at-least-once. A claim is atomic (one Lua script on Redis, one synchronous step in
// memory), so while workers live each job fires on exactly one of them. A job fires again only
// when its claim runs out: the worker died, or its event loop stalled past the visibility timeout
// (live handlers extend their claim every third of it). Handlers must be idempotent; see
// DelayHandler.
//
// Loop: a free-running tick every pollIntervalMs starts a poll unless one is running (then it
// asks for one more). A poll claims at most min(batchSize, free slots) jobs. A poll that came back
// full, or a tick skipped for lack of slots, polls again as soon as a handler finishes, so a
// backlog drains at handler speed. schedule() of a job already due polls at once.
import { Code, SurgeError } from '#kit/errors';
import type { Timer } from '#kit/clock';
import { backoffFor, checkId, checkTopic, resolveDelayOptions, type DelaySchedulerOptions, type ResolvedDelayOptions } from './options.js';
import type { Claim, DeadJob, JobRecord } from './store.js';
import type { DelayedJob, DelayScheduler, ScheduleRequest } from './types.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });
const noop = () => {};

/** One line of at most 500 characters: reasons are stored beside the job and shown to operators. */
function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').slice(0, 500) || 'failed';
}

function encode(data: unknown): { json: boolean; body: Uint8Array } {
  if (data instanceof Uint8Array) return { json: false, body: data };
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new SurgeError(Code.InvalidArgument, `data: not JSON-serialisable: ${(err as Error).message}`, { details: { field: 'data' }, cause: err });
  }
  if (text === undefined) throw new SurgeError(Code.InvalidArgument, 'data: not JSON-serialisable (undefined, a function or a symbol)', { details: { field: 'data' } });
  return { json: true, body: utf8.encode(text) };
}

class PollingScheduler implements DelayScheduler {
  private tick: Timer | undefined;
  private polling = false;
  /** A tick or a kick came while a poll ran, or the last poll left work behind: poll again soon. */
  private again = false;
  private backlog = false;
  private closed = false;
  private active = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private currentPoll: Promise<number> | undefined;

  constructor(private readonly o: ResolvedDelayOptions) {
    if (o.handlers.size > 0) {
      this.armTick();
      this.kick(); // jobs that fell due while no instance ran fire at start
    }
  }

  get running(): number {
    return this.active;
  }

  async schedule(request: ScheduleRequest): Promise<void> {
    if (this.closed) throw new SurgeError(Code.FailedPrecondition, `delay ${this.o.name} is closed`);
    const id = checkId(request?.id);
    const topic = checkTopic('topic', request.topic);
    const { at, delayMs } = request;
    if ((at === undefined) === (delayMs === undefined)) throw new SurgeError(Code.InvalidArgument, 'at/delayMs: give exactly one', { details: { field: 'at' } });
    if (at !== undefined && !Number.isFinite(at)) throw new SurgeError(Code.InvalidArgument, 'at: a finite number of ms since the epoch', { details: { field: 'at' } });
    if (delayMs !== undefined && (!Number.isFinite(delayMs) || delayMs < 0)) throw new SurgeError(Code.InvalidArgument, 'delayMs: a finite number of ms, >= 0', { details: { field: 'delayMs' } });
    const now = this.o.clock.now();
    const dueAt = Math.round(at ?? now + delayMs!);
    const job: JobRecord = { id, topic, dueAt, ...encode(request.data) };
    await this.o.store.schedule(job);
    if (dueAt <= now) this.kick();
  }

  async cancel(id: string): Promise<boolean> {
    return this.o.store.cancel(checkId(id));
  }

  deadLetters(limit = 100): Promise<DeadJob[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new SurgeError(Code.InvalidArgument, 'limit: a positive integer', { details: { field: 'limit' } });
    return this.o.store.deadLetters(limit);
  }

  async poll(): Promise<number> {
    // A producer-only scheduler never claims: it would fail every job for want of a handler.
    if (this.closed || this.o.handlers.size === 0) return 0;
    // Wait for a running poll, then poll with the time as it is now.
    while (this.currentPoll) await this.currentPoll.catch(noop);
    return this.startPoll();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tick?.cancel();
    this.tick = undefined;
    while (this.currentPoll || this.inFlight.size > 0) {
      await Promise.all([this.currentPoll?.catch(noop), ...this.inFlight]);
    }
  }

  private armTick(): void {
    if (this.closed) return;
    this.tick = this.o.clock.after(this.o.pollIntervalMs, () => {
      this.armTick(); // armed before polling, so the tick is never lost to a slow or failed poll
      this.kick();
    });
  }

  /** Polls now, or once the running poll ends. */
  private kick(): void {
    if (this.closed || this.o.handlers.size === 0) return;
    if (this.currentPoll) {
      this.again = true;
      return;
    }
    void this.startPoll().catch(noop);
  }

  private startPoll(): Promise<number> {
    const poll = this.pollOnce().finally(() => {
      this.currentPoll = undefined;
      if (this.again || this.backlog) {
        this.again = false;
        // Only when a slot is free: a handler finishing kicks again otherwise.
        if (this.active < this.o.concurrency) this.kick();
      }
    });
    this.currentPoll = poll;
    return poll;
  }

  private async pollOnce(): Promise<number> {
    const o = this.o;
    const room = o.concurrency - this.active;
    if (room <= 0) {
      this.backlog = true;
      return 0;
    }
    const limit = Math.min(o.batchSize, room);
    let claims: Claim[];
    try {
      claims = await o.store.claim({ nowMs: o.clock.now(), limit, visibilityMs: o.visibilityTimeoutMs, maxAttempts: o.maxAttempts });
    } catch (err) {
      // Carrying on is safe: nothing was claimed, or what was claimed fires after its visibility.
      this.backlog = false;
      o.onError(SurgeError.from(err, Code.Unavailable));
      return 0;
    }
    this.backlog = claims.length === limit;
    for (const claim of claims) this.start(claim);
    return claims.length;
  }

  private start(claim: Claim): void {
    this.active++;
    const done = this.run(claim).finally(() => {
      this.active--;
      this.inFlight.delete(done);
      if (this.backlog && !this.closed) this.kick();
    });
    this.inFlight.add(done);
  }

  private async run(claim: Claim): Promise<void> {
    const o = this.o;
    const { job } = claim;
    // Extend the claim every third of the visibility timeout while the handler runs.
    let heartbeat: Timer | undefined;
    const beat = () => {
      heartbeat = o.clock.after(o.visibilityTimeoutMs / 3, () => {
        beat();
        o.store.extend(claim, o.clock.now() + o.visibilityTimeoutMs).catch((err: unknown) => o.onError(SurgeError.from(err, Code.Unavailable)));
      });
    };
    beat();
    let failure: unknown;
    let failed = false;
    try {
      const handler = o.handlers.get(job.topic);
      if (!handler) throw new SurgeError(Code.FailedPrecondition, `no handler for topic ${job.topic} in delay ${o.name}`);
      const data = job.json ? JSON.parse(fromUtf8.decode(job.body)) : job.body;
      const fired: DelayedJob = { id: job.id, topic: job.topic, data, dueAt: job.dueAt, attempt: claim.attempt };
      await handler(fired);
    } catch (err) {
      failed = true;
      failure = err;
    } finally {
      heartbeat?.cancel();
    }
    try {
      if (!failed) {
        await o.store.ack(claim);
      } else if (claim.attempt >= o.maxAttempts) {
        const nowMs = o.clock.now();
        const reason = reasonOf(failure);
        if (await o.store.bury(claim, nowMs, reason)) o.onDead({ job, attempts: claim.attempt, reason, deadAt: nowMs });
      } else {
        await o.store.retry(claim, o.clock.now() + backoffFor(o.backoffMs, claim.attempt));
      }
    } catch (err) {
      // Safe to carry on: the claim was not settled, so the job fires again after its visibility.
      o.onError(SurgeError.from(err, Code.Unavailable));
    }
  }
}

/**
 * A delayed-job scheduler over a store. With handlers it polls at once and every pollIntervalMs;
 * without, it only schedules and cancels. Throws SurgeError(InvalidArgument) on bad options.
 */
export function createDelayScheduler(options: DelaySchedulerOptions): DelayScheduler {
  return new PollingScheduler(resolveDelayOptions(options));
}
