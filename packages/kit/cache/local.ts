// The in-process tier: an LRU of parsed values (a hit costs no JSON parse) with per-entry TTL
// on the injected clock. Also the whole cache when there is no store (embedded mode).
import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '#kit/clock';

/** A cached answer: a value, or "known not to exist" (the not-found placeholder). */
export interface Entry {
  readonly found: boolean;
  readonly value: unknown;
}

export const NOT_FOUND: Entry = Object.freeze({ found: false, value: undefined });

/** How the placeholder is written to a store. JSON never encodes a value as a bare `*`. */
export const NOT_FOUND_TEXT = '*';

export function encode(entry: Entry): string {
  return entry.found ? JSON.stringify(entry.value) : NOT_FOUND_TEXT;
}

/** A store string → Entry; undefined when it cannot be read (treated as a miss and overwritten). */
export function decode(raw: string | undefined): Entry | undefined {
  if (raw === undefined) return undefined;
  if (raw === NOT_FOUND_TEXT) return NOT_FOUND;
  try {
    return { found: true, value: JSON.parse(raw) as unknown };
  } catch {
    return undefined;
  }
}

export function createLocalTier(maxEntries: number, clock: Clock): LRUCache<string, Entry> {
  // lru-cache reads a start time of 0 as "no TTL", and a ManualClock starts at 0: shift by 1.
  // ttlResolution: the system clock's reading is reused for 1 ms (a page of 100 keys would
  // otherwise read it 100 times); an injected clock is read on every check, as tests move it.
  return new LRUCache<string, Entry>({ max: maxEntries, ttlResolution: clock === systemClock ? 1 : 0, perf: { now: () => clock.monotonic() + 1 } });
}
