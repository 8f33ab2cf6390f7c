// Test support (not exported from index.ts): a seeded random source and a discrete-event load
// simulation on a ManualClock, so balancer tests count where calls went without sleeping.
import type { ManualClock } from '#kit/clock';
import type { Pick, Picker } from '../picker.js';

export { seededRandom } from '#kit/testing';

/** How an instance serves one call started at `atMs`: its latency and whether it failed. */
export type Behaviour<T> = (instance: T, atMs: number) => { latencyMs: number; ok: boolean };

export interface SimOptions<T> {
  calls: number;
  /** Calls kept in flight (closed loop: a new call starts as one ends). Default 1 (sequential). */
  concurrency?: number;
  behaviour: Behaviour<T>;
  /** Default: key by String(). */
  id?: (instance: T) => string;
}

/**
 * Runs `calls` calls through the picker: keeps `concurrency` in flight, advances the clock to the
 * next completion, settles it, starts the next. Calls still in flight at the end are settled too.
 * Returns how many calls each instance was picked for.
 */
export function simulate<T>(picker: Picker<T>, clock: ManualClock, o: SimOptions<T>): Map<string, number> {
  const id = o.id ?? ((t: T) => String(t));
  const concurrency = o.concurrency ?? 1;
  const counts = new Map<string, number>();
  const pending: { endAt: number; seq: number; pick: Pick<T>; ok: boolean; latencyMs: number }[] = [];
  let started = 0;
  let seq = 0;
  const settleNext = () => {
    pending.sort((a, b) => a.endAt - b.endAt || a.seq - b.seq);
    const next = pending.shift()!;
    if (next.endAt > clock.monotonic()) clock.advance(next.endAt - clock.monotonic());
    next.pick.done({ ok: next.ok, latencyMs: next.latencyMs });
  };
  while (started < o.calls) {
    while (pending.length < concurrency && started < o.calls) {
      const pick = picker.pick();
      const { latencyMs, ok } = o.behaviour(pick.instance, clock.monotonic());
      counts.set(id(pick.instance), (counts.get(id(pick.instance)) ?? 0) + 1);
      pending.push({ endAt: clock.monotonic() + latencyMs, seq: seq++, pick, ok, latencyMs });
      started++;
    }
    settleNext();
  }
  while (pending.length > 0) settleNext();
  return counts;
}

/** Share of calls that went to `key` (0 when none were made). */
export function share(counts: Map<string, number>, key: string): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total === 0 ? 0 : (counts.get(key) ?? 0) / total;
}

/** Shannon entropy of the pick distribution over n instances, normalised to [0, 1]. */
export function normalisedEntropy(counts: Map<string, number>, n: number): number {
  let total = 0;
  for (const c of counts.values()) total += c;
  let h = 0;
  for (const c of counts.values()) if (c > 0) h -= (c / total) * Math.log(c / total);
  return h / Math.log(n);
}
