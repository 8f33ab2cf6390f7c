// The public shapes of delayed jobs. Services see these, never a store's keys or scripts.
import type { DeadJob } from './store.js';

/** One firing of one job, as its handler sees it. */
export interface DelayedJob<T = unknown> {
  readonly id: string;
  readonly topic: string;
  /** The JSON value given to schedule() (parsed again), or its bytes when it was a Uint8Array. */
  readonly data: T;
  /** Wall-clock ms since the epoch the job was scheduled for. */
  readonly dueAt: number;
  /** 1 on the first firing; more after a failure or after a worker died holding the job. */
  readonly attempt: number;
}

/**
 * Runs a job. Resolve: the job is done and removed. Throw: retried after the back-off, and
 * dead-lettered after maxAttempts. Delivery is at least once, so make the effect idempotent:
 * close an order with `UPDATE … SET status = 'closed' WHERE id = ? AND status = 'unpaid'`, not
 * with a blind write, and a second firing (attempt > 1 after a crash) changes nothing.
 */
export type DelayHandler<T = unknown> = (job: DelayedJob<T>) => Promise<void>;

export interface ScheduleRequest {
  /**
   * Names the job within the scheduler's namespace (1–200 characters, no whitespace), e.g.
   * `order-close:123`. Scheduling an id again replaces the job (new time, new data, attempts from
   * 1), so a retried producer does not make two jobs and a deadline can be moved.
   */
  id: string;
  /** Letters, digits and '-', words separated by '.' (e.g. order.timeout); picks the handler. */
  topic: string;
  /** A JSON-able value, or a Uint8Array carried as bytes unchanged. */
  data: unknown;
  /** Wall-clock ms since the epoch to fire at. Give this or delayMs. A time in the past fires at once. */
  at?: number;
  /** Milliseconds from now to fire at. Give this or at. */
  delayMs?: number;
}

export interface DelayScheduler {
  /** Stores the job durably (on a server adapter) before resolving. */
  schedule(request: ScheduleRequest): Promise<void>;
  /** Removes the job; true when it was due or running. A handler already running is not stopped. */
  cancel(id: string): Promise<boolean>;
  /**
   * Claims due jobs now instead of at the next tick and starts their handlers; resolves with how
   * many were claimed (the handlers run on). For tests and for draining at start-up. A scheduler
   * without handlers never claims and resolves 0.
   */
  poll(): Promise<number>;
  /** Jobs that used up their attempts, newest first (at most limit, default 100). */
  deadLetters(limit?: number): Promise<DeadJob[]>;
  /** Stops polling and waits for running handlers and their settles. Never rejects. Idempotent. */
  close(): Promise<void>;
  /** Handlers running now. */
  readonly running: number;
}
