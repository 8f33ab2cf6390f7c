// Snowflake-style ids squeezed into 53 bits so they stay exact JavaScript numbers (and JSON numbers):
//   41 bits milliseconds since a custom epoch | 7 bits worker id | 5 bits sequence.
// Layout after Twitter's Snowflake, shortened to fit Number.MAX_SAFE_INTEGER.
// When the 32 ids of one millisecond are used up, the generator borrows the next millisecond
// (a logical clock running ahead of the wall clock) instead of spinning; it waits only when it
// would run more than maxAheadMs ahead. A wall clock that goes backwards is ignored: the logical
// clock never moves back, so an id is never smaller than the one before.
import { SurgeError, Code, errors } from '#kit/errors';
import { type Clock, systemClock } from '#kit/clock';

const WORKER_BITS = 7;
const SEQUENCE_BITS = 5;
const TIMESTAMP_BITS = 41;
/** 2024-01-01T00:00:00Z: 2^41 ms from here lasts until about 2093. */
export const DEFAULT_EPOCH_MS = Date.UTC(2024, 0, 1);
export const MAX_WORKER_ID = 2 ** WORKER_BITS - 1;
const MAX_SEQUENCE = 2 ** SEQUENCE_BITS - 1;
const MAX_TIMESTAMP = 2 ** TIMESTAMP_BITS - 1;
// Multipliers instead of bit shifts: JavaScript shifts work on 32 bits only.
const TIMESTAMP_UNIT = 2 ** (WORKER_BITS + SEQUENCE_BITS);
const WORKER_UNIT = 2 ** SEQUENCE_BITS;

export interface IdGeneratorOptions {
  /** This process's worker id, 0–127; unique among processes issuing ids at the same time. Required. */
  workerId: number;
  /** Wall clock. Default systemClock; tests pass a ManualClock. */
  clock?: Clock;
  /** Start of the 41-bit timestamp. Default 2024-01-01T00:00:00Z; never change it once ids are stored. */
  epochMs?: number;
  /**
   * How far the logical clock may run ahead of the wall clock when bursts use up the 32 ids of a
   * millisecond. Default 100 ms: a burst of 3,200 ids beyond the steady 32 per ms is absorbed
   * without blocking, and a crashed process takes longer than this to restart, so it never
   * reissues ids its previous life borrowed from the future.
   */
  maxAheadMs?: number;
  /**
   * Longest next() will block waiting for the wall clock (after a burst, or after the clock stepped
   * back). Default 1,000 ms; beyond it next() throws Unavailable rather than freeze the event loop.
   */
  maxWaitMs?: number;
  /** Blocks the thread for ms. Default Atomics.wait (sleeps, no busy loop); tests advance a ManualClock. */
  wait?: (ms: number) => void;
}

export interface IdGenerator {
  /** A new id, strictly greater than every id this generator issued before. */
  next(): number;
}

export interface DecodedId {
  /** Wall-clock milliseconds since the Unix epoch when the id was issued (logical, may lead by maxAheadMs). */
  timestamp: number;
  workerId: number;
  sequence: number;
}

interface ResolvedOptions {
  workerId: number;
  clock: Clock;
  epochMs: number;
  maxAheadMs: number;
  maxWaitMs: number;
  wait: (ms: number) => void;
}

function sleepThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function nonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw errors.invalid(field, `must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function resolveIdGeneratorOptions(options: IdGeneratorOptions): ResolvedOptions {
  const workerId = options.workerId;
  if (typeof workerId !== 'number' || !Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
    throw errors.invalid('workerId', `must be an integer from 0 to ${MAX_WORKER_ID}, got ${String(workerId)}`);
  }
  const epochMs = nonNegativeInteger(options.epochMs ?? DEFAULT_EPOCH_MS, 'epochMs');
  const maxAheadMs = nonNegativeInteger(options.maxAheadMs ?? 100, 'maxAheadMs');
  const maxWaitMs = nonNegativeInteger(options.maxWaitMs ?? 1000, 'maxWaitMs');
  return Object.freeze({
    workerId,
    clock: options.clock ?? systemClock,
    epochMs,
    maxAheadMs,
    maxWaitMs,
    wait: options.wait ?? sleepThread,
  });
}

export function createIdGenerator(options: IdGeneratorOptions): IdGenerator {
  const o = resolveIdGeneratorOptions(options);
  const workerPart = o.workerId * WORKER_UNIT;
  let last = -1; // logical milliseconds since the epoch of the last id
  let sequence = 0;

  const wallTick = (): number => {
    const t = Math.floor(o.clock.now()) - o.epochMs;
    if (t < 0) throw new SurgeError(Code.Internal, `id generator: the clock reads before the id epoch ${new Date(o.epochMs).toISOString()}`);
    return t;
  };

  // Called when this millisecond's sequence is used up: move to last + 1, waiting first if that
  // would put the logical clock more than maxAheadMs ahead of the wall clock.
  const borrow = (): void => {
    let waited = 0;
    for (let wall = wallTick(); last + 1 - wall > o.maxAheadMs; wall = wallTick()) {
      const need = last + 1 - wall - o.maxAheadMs;
      if (waited + need > o.maxWaitMs) {
        throw new SurgeError(Code.Unavailable,
          `id generator: the wall clock is ${last - wall} ms behind the last issued id; not waiting more than ${o.maxWaitMs} ms`,
          { details: { dependency: 'clock' } });
      }
      o.wait(need);
      waited += need;
    }
    last += 1;
    sequence = 0;
  };

  return {
    next(): number {
      const wall = wallTick();
      if (wall > last) {
        last = wall;
        sequence = 0;
      } else if (sequence < MAX_SEQUENCE) {
        sequence += 1; // same millisecond, or the wall clock is behind: keep the logical clock
      } else {
        borrow();
      }
      if (last > MAX_TIMESTAMP) throw new SurgeError(Code.Internal, 'id generator: the 41-bit timestamp is exhausted (choose a later epochMs)');
      return last * TIMESTAMP_UNIT + workerPart + sequence;
    },
  };
}

/** Splits an id back into its parts (for logs and debugging; ids are opaque to clients). */
export function decodeId(id: number, epochMs: number = DEFAULT_EPOCH_MS): DecodedId {
  if (!Number.isSafeInteger(id) || id < 0) throw errors.invalid('id', `must be a non-negative safe integer, got ${String(id)}`);
  const ms = Math.floor(id / TIMESTAMP_UNIT);
  const low = id - ms * TIMESTAMP_UNIT;
  return { timestamp: ms + epochMs, workerId: Math.floor(low / WORKER_UNIT), sequence: low % WORKER_UNIT };
}
