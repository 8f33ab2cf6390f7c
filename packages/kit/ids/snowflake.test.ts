import { describe, it, expect } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createIdGenerator, decodeId, DEFAULT_EPOCH_MS } from './index.js';

const START = Date.UTC(2025, 5, 1);

/** A manual clock whose wall time can also be stepped back, as NTP does, while monotonic time goes on. */
class SkewedClock extends ManualClock {
  skew = 0;
  override now(): number {
    return super.now() + this.skew;
  }
}

/** A generator on a manual clock whose blocking wait moves that clock forward, counting the waits. */
function manual(workerId: number, clock = new ManualClock(START)) {
  const waits: number[] = [];
  const gen = createIdGenerator({ workerId, clock, wait: (ms) => { waits.push(ms); clock.advance(ms); } });
  return { gen, clock, waits };
}

function expectCode(fn: () => unknown, code: number, text?: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SurgeError);
    expect((e as SurgeError).code).toBe(code);
    if (text) expect((e as SurgeError).message).toContain(text);
    return;
  }
  throw new Error('expected a throw');
}

describe('snowflake ids', () => {
  it('are strictly increasing and safe integers over 100k calls while the clock moves', () => {
    const { gen, clock } = manual(5);
    let prev = -1;
    let bad = 0;
    for (let i = 0; i < 100_000; i++) {
      if (i % 7 === 0) clock.advance(1);
      const id = gen.next();
      if (!(id > prev && Number.isSafeInteger(id))) bad++;
      prev = id;
    }
    expect(bad).toBe(0);
    expect(prev).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('are strictly increasing on the real clock (borrowing and waiting for real)', () => {
    const gen = createIdGenerator({ workerId: 1, maxAheadMs: 5 });
    const t0 = Date.now();
    let prev = -1;
    for (let i = 0; i < 5_000; i++) {
      const id = gen.next();
      expect(id).toBeGreaterThan(prev);
      prev = id;
    }
    // 5,000 ids at 32 per ms need at least 157 ms of id time; with 5 ms of lead allowed, real time passed.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(decodeId(prev).timestamp).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('encodes time, worker and sequence in the documented layout', () => {
    const { gen } = manual(127);
    const a = decodeId(gen.next());
    const b = decodeId(gen.next());
    expect(a).toEqual({ timestamp: START, workerId: 127, sequence: 0 });
    expect(b).toEqual({ timestamp: START, workerId: 127, sequence: 1 });
    // 41 bits of time from 2024 last until 2093, and the largest id is still a safe integer.
    const end = createIdGenerator({ workerId: 127, clock: new ManualClock(DEFAULT_EPOCH_MS + 2 ** 41 - 1) });
    for (let i = 0; i < 31; i++) end.next();
    expect(end.next()).toBe(Number.MAX_SAFE_INTEGER);
    expect(new Date(DEFAULT_EPOCH_MS + 2 ** 41).getUTCFullYear()).toBe(2093);
  });

  it('two workers never collide (100k each, same milliseconds)', () => {
    const clock = new ManualClock(START);
    const a = manual(1, clock);
    const b = manual(2, clock);
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      if (i % 40 === 0) clock.advance(1);
      seen.add(a.gen.next());
      seen.add(b.gen.next());
    }
    expect(seen.size).toBe(200_000);
  });

  it('borrows the next millisecond when 32 are used up, then waits once maxAheadMs is reached', () => {
    const clock = new ManualClock(START);
    const waits: number[] = [];
    const gen = createIdGenerator({ workerId: 3, clock, maxAheadMs: 2, wait: (ms) => { waits.push(ms); clock.advance(ms); } });
    const ids = Array.from({ length: 32 * 3 }, () => gen.next());
    expect(waits).toEqual([]); // 3 ms of ids: ms 0, borrowed 1 and 2, no waiting
    expect(decodeId(ids.at(-1)!).timestamp).toBe(START + 2);
    expect(decodeId(ids[32]!)).toEqual({ timestamp: START + 1, workerId: 3, sequence: 0 });
    const next = gen.next(); // would be 3 ms ahead: waits 1 ms of wall time first
    expect(waits).toEqual([1]);
    expect(decodeId(next)).toEqual({ timestamp: START + 3, workerId: 3, sequence: 0 });
    expect(clock.now()).toBe(START + 1);
  });

  it('starts each new millisecond at sequence 0: 20 ids a ms for 1,000 ms never borrow a millisecond', () => {
    const { gen, clock, waits } = manual(9);
    const ahead: number[] = [];
    const firsts = new Set<number>();
    for (let ms = 0; ms < 1000; ms++) {
      for (let i = 0; i < 20; i++) {
        const id = decodeId(gen.next());
        if (id.timestamp !== clock.now()) ahead.push(ms);
        if (i === 0) firsts.add(id.sequence);
        else expect(id.sequence).toBe(i);
      }
      clock.advance(1);
    }
    // A sequence carried over into the next millisecond would use up its 32 ids after two ms and
    // run the logical clock ahead of the wall clock (and, past maxAheadMs, make next() wait).
    expect(ahead).toEqual([]);
    expect([...firsts]).toEqual([0]);
    expect(waits).toEqual([]);
  });

  it('never issues a smaller or repeated id when the wall clock goes backwards', () => {
    const { gen, clock } = manual(9, new SkewedClock(START));
    const seen = new Set<number>();
    let prev = -1;
    for (let round = 0; round < 50; round++) {
      clock.advance(20);
      for (let i = 0; i < 40; i++) {
        const id = gen.next();
        if (id <= prev) throw new Error(`id ${id} after ${prev}`);
        seen.add(id);
        prev = id;
      }
      // Step the wall clock back 15 ms (an NTP correction) without touching monotonic time.
      (clock as SkewedClock).skew -= 15;
    }
    expect(seen.size).toBe(50 * 40);
  });

  it('refuses to block longer than maxWaitMs after a large backward step', () => {
    const clock = new SkewedClock(START);
    const gen = createIdGenerator({ workerId: 0, clock, maxWaitMs: 50, wait: (ms) => clock.advance(ms) });
    gen.next();
    clock.skew -= 10_000;
    const before = gen.next(); // still issued: logical clock stays put, sequence moves on
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) gen.next();
    expectCode(() => gen.next(), Code.Unavailable, 'behind the last issued id');
  });

  it('rejects a workerId out of range, naming workerId', () => {
    for (const workerId of [-1, 128, 1.5, Number.NaN]) {
      expectCode(() => createIdGenerator({ workerId }), Code.InvalidArgument, 'workerId');
    }
    expectCode(() => createIdGenerator({ workerId: 1, maxAheadMs: -1 }), Code.InvalidArgument, 'maxAheadMs');
  });
});
