import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createShedder, nopShedder, type Shedder, type ShedderHandle } from './index.js';

/** A probe the test sets: a load reading in ms of loop delay. */
function fakeProbe(load = 0) {
  return { load, read() { return this.load; } };
}

/** Tries n allows without settling them; returns the handles that got in and the shed count. */
function flood(s: Shedder, n: number) {
  const held: ShedderHandle[] = [];
  let shed = 0;
  for (let i = 0; i < n; i++) {
    try {
      held.push(s.allow());
    } catch (err) {
      expect(err).toBeInstanceOf(SurgeError);
      expect((err as SurgeError).code).toBe(Code.Overloaded);
      shed++;
    }
  }
  return { held, shed };
}

/**
 * Teaches a known history (100 ms buckets, 10 per second): bucket 0 has 5 passes of 25 ms,
 * bucket 1 has 20 passes of 50 ms. maxPass = 20, minRt = 25 → 20 × 25 × 10 / 1000 = 5.
 */
function teach(s: Shedder, clock: ManualClock) {
  let hs = Array.from({ length: 5 }, () => s.allow());
  clock.advance(25);
  hs.forEach((h) => h.pass());
  clock.advance(75); // t = 100: bucket 1
  hs = Array.from({ length: 20 }, () => s.allow());
  clock.advance(50);
  hs.forEach((h) => h.pass());
  clock.advance(50); // t = 200: bucket 2, the current one, is not read
}

describe('adaptive shedder', () => {
  it('a cool system never sheds, however many requests are in flight', () => {
    const clock = new ManualClock();
    const s = createShedder({ clock, probe: fakeProbe(5) });
    const { held, shed } = flood(s, 1000);
    expect(shed).toBe(0);
    expect(held.length).toBe(1000);
    expect(s.stats().inFlight).toBe(1000);
  });

  it('a hot system with in-flight above the estimate sheds with Overloaded', () => {
    const clock = new ManualClock();
    const s = createShedder({ clock, probe: fakeProbe(250) });
    // Nothing learned yet: maxPass 1, minRt 1000 ms → 1 × 1000 × 10 / 1000 = 10.
    expect(s.stats()).toMatchObject({ maxPass: 1, minRtMs: 1000, maxInFlight: 10, hot: true });
    const { held, shed } = flood(s, 50);
    // Admitted while in-flight ≤ 10 (the 11th sees 10 in flight), then every one shed.
    expect(held.length).toBe(11);
    expect(shed).toBe(39);
    const err = (() => { try { s.allow(); } catch (e) { return e as SurgeError; } })();
    expect(err?.message).toBe('service overloaded, retry later');
  });

  it('a hot system with in-flight at or below the estimate passes everything', () => {
    const clock = new ManualClock();
    const probe = fakeProbe(0);
    const s = createShedder({ clock, probe });
    teach(s, clock); // estimate 5
    probe.load = 250;
    let shed = 0;
    for (let round = 0; round < 100; round++) {
      const batch = flood(s, 5); // the 5th sees 4 in flight
      shed += batch.shed;
      clock.advance(25);
      batch.held.forEach((h) => h.pass());
    }
    expect(shed).toBe(0);
    // The same traffic keeps teaching the same capacity: 20 passes of 25 ms per 100 ms bucket.
    expect(s.stats()).toMatchObject({ maxPass: 20, minRtMs: 25, maxInFlight: 5 });
  });

  it('serial traffic teaches a capacity of about one request in flight', () => {
    const clock = new ManualClock();
    const s = createShedder({ clock, probe: fakeProbe(250) });
    for (let i = 0; i < 500; i++) {
      const h = s.allow(); // never more than 0 in flight: never shed, even hot
      clock.advance(3);
      h.pass();
    }
    // 34 passes of 3 ms in the busiest 100 ms bucket: 34 × 3 × 10 / 1000 = 1.02.
    expect(s.stats()).toMatchObject({ maxPass: 34, minRtMs: 3 });
    expect(s.stats().maxInFlight).toBeCloseTo(1.02, 10);
    expect(flood(s, 3).shed).toBe(1);
  });

  it('the estimate follows the recorded pass counts and latencies', () => {
    const clock = new ManualClock();
    const probe = fakeProbe(0);
    const s = createShedder({ clock, probe });
    teach(s, clock);
    expect(s.stats()).toMatchObject({ inFlight: 0, maxPass: 20, minRtMs: 25, maxInFlight: 5 });
    probe.load = 250;
    const { held, shed } = flood(s, 10);
    expect(held.length).toBe(6); // the 6th saw 5 in flight, not more than 5
    expect(shed).toBe(4);
    // fail() frees a slot without teaching: the estimate is unchanged.
    held.forEach((h) => h.fail());
    expect(s.stats()).toMatchObject({ inFlight: 0, maxPass: 20, minRtMs: 25, maxInFlight: 5 });
    // Once the history rolls out of the 5 s window, the estimate is back to the default.
    clock.advance(5_000);
    expect(s.stats()).toMatchObject({ maxPass: 1, minRtMs: 1000, maxInFlight: 10 });
  });

  it('a partly filled current bucket does not count', () => {
    const clock = new ManualClock();
    const s = createShedder({ clock, probe: fakeProbe(0) });
    const h = s.allow();
    clock.advance(2);
    h.pass();
    expect(s.stats()).toMatchObject({ maxPass: 1, minRtMs: 1000 });
    clock.advance(100);
    expect(s.stats()).toMatchObject({ maxPass: 1, minRtMs: 2, maxInFlight: 1 });
  });

  it('cool-off keeps decisions live for coolOffMs after a drop, then only the probe counts', () => {
    const clock = new ManualClock();
    const probe = fakeProbe(250);
    const s = createShedder({ clock, probe });
    const { held, shed } = flood(s, 12); // 11 in, 1 dropped at t = 0
    expect(shed).toBe(1);
    probe.load = 0; // the probe reads cool at once
    clock.advance(999);
    expect(s.stats().coolingOff).toBe(true);
    expect(flood(s, 1).shed).toBe(1); // still over the estimate within the cool-off: shed (and the cool-off restarts)
    clock.advance(999);
    // Still cooling off, but with in-flight back under the estimate a request passes: decisions, not a blanket drop.
    held.splice(0, 5).forEach((h) => h.pass());
    expect(s.stats().inFlight).toBe(6);
    const under = flood(s, 1);
    expect(under.shed).toBe(0);
    held.push(...under.held);
    expect(flood(s, 10).shed).toBeGreaterThan(0); // over the estimate again: shed
    clock.advance(1_000); // a full cool-off with no drop and a cool probe
    expect(s.stats().coolingOff).toBe(false);
    expect(flood(s, 100).shed).toBe(0);
  });

  it('settling a handle twice frees one slot only', () => {
    const s = createShedder({ clock: new ManualClock(), probe: fakeProbe(0) });
    const h = s.allow();
    s.allow();
    h.pass();
    h.pass();
    h.fail();
    expect(s.stats().inFlight).toBe(1);
  });

  it('refuses bad options at construction, naming the option', () => {
    const probe = fakeProbe(0);
    expect(() => createShedder({ probe, windowMs: 0 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringContaining('windowMs') }));
    expect(() => createShedder({ probe, buckets: 1 })).toThrow(/buckets/);
    expect(() => createShedder({ probe, threshold: -1 })).toThrow(/threshold/);
    expect(() => createShedder({ probe, coolOffMs: Number.NaN })).toThrow(/coolOffMs/);
    expect(() => createShedder({ probe: {} as never })).toThrow(/probe/);
  });

  it('with no probe given it runs its own event-loop probe and close() stops it', () => {
    const s = createShedder();
    expect(s.stats().load).toBe(0);
    expect(flood(s, 100).shed).toBe(0);
    s.close();
  });
});

describe('nop shedder', () => {
  it('admits everything', () => {
    const s = nopShedder();
    const { shed } = flood(s, 10_000);
    expect(shed).toBe(0);
    s.close();
  });
});
