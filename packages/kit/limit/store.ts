// The narrow backend the limiters run on. Each method is one atomic step of one algorithm, so
// the Redis adapter can make it a single Lua script and the memory adapter a single JS turn.
import type { BackoffSpec } from './backoff.js';

export type { BackoffSpec } from './backoff.js';

export interface WindowCount {
  /** Takes counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetInMs: number;
}

export interface BucketSpec {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Bucket size: the most tokens that can be taken at once. */
  burst: number;
}

export interface BucketTake {
  allowed: boolean;
  /** Tokens left after this take (fractional). */
  tokens: number;
}

export interface BackoffTake {
  allowed: boolean;
  /** 0 when allowed; otherwise the wait until the key may try again. */
  retryAfterMs: number;
  /** Failures counted on the key, an allowed attempt included. */
  failures: number;
  /** When the key last passed, if that is still remembered (spec.rememberPassMs); else 0. */
  passedAt: number;
}

export interface LimitStore {
  /** Names the dependency in errors ('memory', 'redis'). */
  readonly name: string;
  /** Period limit step: add 1 to key's counter; a counter that did not exist lives windowMs. */
  incrementWindow(key: string, windowMs: number): Promise<WindowCount>;
  /** Token bucket step: refill key's bucket up to nowMs, then take n tokens if there are enough. */
  takeTokens(key: string, bucket: BucketSpec, n: number, nowMs: number): Promise<BucketTake>;
  /** Back-off step (backoff.ts takeStep): unless key is waiting, count one failure in advance and start the wait it earns. */
  takeBackoff(key: string, spec: BackoffSpec, nowMs: number): Promise<BackoffTake>;
  /**
   * Back-off settle of the attempt taken at takenAtMs: 'pass' forgets key's failures and notes the
   * pass at nowMs (passStep); 'refund' takes the attempt's count back (refundStep).
   */
  settleBackoff(key: string, spec: BackoffSpec, outcome: 'pass' | 'refund', nowMs: number, takenAtMs: number): Promise<void>;
  /** Resolves when the backend answers; rejects with SurgeError(Unavailable) otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
