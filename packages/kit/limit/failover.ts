// Failover between a shared store and an in-process one, as go-zero's tokenlimit does: on the
// first failure of the primary (Redis), answer from the fallback and probe the primary every
// probeIntervalMs; once it answers, use it again. Without this, a Redis outage would turn
// every limited request into an error (or, failing open, remove every limit).
import type { Clock, Timer } from '#kit/clock';
import type { BackoffSpec, BucketSpec, LimitStore } from './store.js';

export interface FailoverOptions {
  clock: Clock;
  /** How often to ping the primary while it is down. */
  probeIntervalMs: number;
}

export function withFallback(primary: LimitStore, fallback: LimitStore, options: FailoverOptions): LimitStore {
  let up = true;
  let probe: Timer | undefined;
  let closed = false;

  const scheduleProbe = () => {
    if (closed || probe) return;
    probe = options.clock.after(options.probeIntervalMs, () => {
      primary.ping().then(
        () => {
          probe = undefined;
          up = true;
        },
        () => {
          probe = undefined;
          scheduleProbe();
        },
      );
    });
  };

  // One branch holds the failure policy: primary while up; on its failure, fallback and probe.
  async function call<T>(op: (store: LimitStore) => Promise<T>): Promise<T> {
    if (up) {
      try {
        return await op(primary);
      } catch {
        // The error itself is not needed: the fallback answers this call and the probe decides
        // when the primary is back. A limit answered in-process is the designed degraded mode.
        up = false;
        scheduleProbe();
      }
    }
    return op(fallback);
  }

  return {
    name: primary.name,
    incrementWindow: (key: string, windowMs: number) => call((s) => s.incrementWindow(key, windowMs)),
    takeTokens: (key: string, bucket: BucketSpec, n: number, nowMs: number) => call((s) => s.takeTokens(key, bucket, n, nowMs)),
    takeBackoff: (key: string, spec: BackoffSpec, nowMs: number) => call((s) => s.takeBackoff(key, spec, nowMs)),
    settleBackoff: (key: string, spec: BackoffSpec, outcome: 'pass' | 'refund', nowMs: number, takenAtMs: number) => call((s) => s.settleBackoff(key, spec, outcome, nowMs, takenAtMs)),
    ping: () => primary.ping(),
    async close() {
      closed = true;
      probe?.cancel();
      await Promise.all([primary.close(), fallback.close()]);
    },
  };
}
