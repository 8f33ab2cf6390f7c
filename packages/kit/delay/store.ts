// The adapter interface of delayed jobs: a narrow store that keeps jobs by due time and hands
// them out under a claim. The scheduler (scheduler.ts) is the only caller; services never see it.
// Adapters: memory.ts (in process) and redis.ts (sorted sets and one Lua script per step).

/** A job as stored: what schedule() was given, encoded by the scheduler. */
export interface JobRecord {
  readonly id: string;
  readonly topic: string;
  /** Wall-clock ms since the epoch the job was scheduled for (unchanged by retries). */
  readonly dueAt: number;
  /** true: body is UTF-8 JSON; false: body is the caller's bytes. */
  readonly json: boolean;
  readonly body: Uint8Array;
}

/** One claim of one job: held by one worker until acked, retried, buried, or its visibility runs out. */
export interface Claim {
  readonly job: JobRecord;
  /** Unique per claim; a settle with a stale token (the job was re-claimed, replaced or cancelled) does nothing. */
  readonly token: string;
  /** 1 on the first claim, counting claims whose visibility ran out. */
  readonly attempt: number;
}

export interface DeadJob {
  readonly job: JobRecord;
  readonly attempts: number;
  /** The last error's message, or why the job was buried (visibility timeout on the last attempt). */
  readonly reason: string;
  /** Wall-clock ms when it was buried. */
  readonly deadAt: number;
}

export interface DelayStoreCounts {
  /** Scheduled and waiting (including retries waiting out their back-off). */
  readonly due: number;
  /** Claimed and not yet settled. */
  readonly running: number;
  readonly dead: number;
}

export interface ClaimRequest {
  /** Wall-clock ms: jobs due at or before it are claimed. */
  readonly nowMs: number;
  /** At most this many claims (and this many expired claims looked at). */
  readonly limit: number;
  /** A claim not settled or extended by nowMs + visibilityMs is claimed again by whoever polls. */
  readonly visibilityMs: number;
  /** An expired claim that was the job's maxAttempts-th goes to the dead letters instead. */
  readonly maxAttempts: number;
}

export interface DelayStore {
  /** Names the dependency in errors ('memory', 'redis'). */
  readonly name: string;
  /** Stores the job; a job with the same id (due, running or dead) is replaced and its attempts reset. */
  schedule(job: JobRecord): Promise<void>;
  /** Removes a due or running job; true when there was one. A running handler is not stopped, its outcome is ignored. */
  cancel(id: string): Promise<boolean>;
  /** Atomically: expired claims back to due (or dead), then due jobs moved to running under a new claim. */
  claim(request: ClaimRequest): Promise<Claim[]>;
  /** The handler succeeded: the job is gone. false when the claim is stale. */
  ack(claim: Claim): Promise<boolean>;
  /** The handler failed: the job is due again at atMs. false when the claim is stale. */
  retry(claim: Claim, atMs: number): Promise<boolean>;
  /** The last attempt failed: the job moves to the dead letters. false when the claim is stale. */
  bury(claim: Claim, nowMs: number, reason: string): Promise<boolean>;
  /** The handler is still running: its claim is held until untilMs. false when the claim is stale. */
  extend(claim: Claim, untilMs: number): Promise<boolean>;
  /** The newest dead letters first, at most limit. */
  deadLetters(limit: number): Promise<DeadJob[]>;
  counts(): Promise<DelayStoreCounts>;
}
