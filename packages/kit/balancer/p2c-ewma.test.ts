import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createP2cPicker, type P2cOptions } from './p2c-ewma.js';
import type { Picker } from './picker.js';
import { type Inst, pickerSuite } from './picker.suite.js';
import { normalisedEntropy, seededRandom, share, simulate } from './testing/sim.js';

pickerSuite('p2c', ({ clock, random, name }) => createP2cPicker<Inst>({ key: (i) => i.id, clock, random, name }));

function setup(ids: string[], seed = 7) {
  const clock = new ManualClock();
  const picker: Picker<string> = createP2cPicker<string>({ key: (s) => s, clock, random: seededRandom(seed) });
  picker.update(ids);
  return { clock, picker };
}

const steady = (latency: Record<string, number>) => (id: string) => ({ latencyMs: latency[id]!, ok: true });

describe('p2c_ewma picker', () => {
  it('sends at least 90% of calls to the fast instance (5 ms) over the slow one (100 ms)', () => {
    for (const concurrency of [1, 8]) {
      const { clock, picker } = setup(['slow', 'fast']);
      const counts = simulate(picker, clock, { calls: 1000, concurrency, behaviour: steady({ slow: 100, fast: 5 }) });
      expect(share(counts, 'fast')).toBeGreaterThanOrEqual(0.9);
      // Yet the slow one is still probed now and then (about once a second), so it can be seen to recover.
      expect(counts.get('slow') ?? 0).toBeGreaterThan(0);
    }
  });

  it('spreads picks between equal instances: 40–60% each of two, near-uniform over ten', () => {
    const two = setup(['a', 'b']);
    const counts2 = simulate(two.picker, two.clock, { calls: 2000, behaviour: () => ({ latencyMs: 5, ok: true }) });
    expect(share(counts2, 'a')).toBeGreaterThan(0.4);
    expect(share(counts2, 'a')).toBeLessThan(0.6);

    const ids = Array.from({ length: 10 }, (_, i) => `i${i}`);
    const ten = setup(ids);
    const counts10 = simulate(ten.picker, ten.clock, { calls: 10_000, concurrency: 4, behaviour: () => ({ latencyMs: 5, ok: true }) });
    expect(normalisedEntropy(counts10, 10)).toBeGreaterThan(0.98);
    for (const id of ids) expect(share(counts10, id)).toBeGreaterThan(0.05);
  });

  it('weighs in-flight calls: open calls on the faster instance move new picks to the other', () => {
    const { clock, picker } = setup(['a', 'b']);
    simulate(picker, clock, { calls: 200, behaviour: steady({ a: 4, b: 5 }) });
    // With latency alone, a (4 ms) would win every one of these picks; with in-flight counts the
    // two balance where 4 × (inA + 1) ≈ 5 × (inB + 1).
    const open = Array.from({ length: 100 }, () => picker.pick());
    const toB = open.filter((p) => p.instance === 'b').length;
    expect(toB).toBeGreaterThanOrEqual(35);
    expect(toB).toBeLessThanOrEqual(50);
  });

  it('starves a stalled instance: its calls pile up in flight and new calls go elsewhere', () => {
    const { clock, picker } = setup(['a', 'b']);
    simulate(picker, clock, { calls: 200, concurrency: 4, behaviour: steady({ a: 5, b: 5 }) });
    // a stops answering: no latency sample ever comes back, only its in-flight count grows.
    const counts = simulate(picker, clock, {
      calls: 1000,
      concurrency: 8,
      behaviour: (id) => ({ latencyMs: id === 'a' ? 60_000 : 5, ok: true }),
    });
    expect(share(counts, 'a')).toBeLessThan(0.03);
  });

  it('picks a failing instance less, and gives it traffic back once it recovers', () => {
    const { clock, picker } = setup(['a', 'b']);
    let aFails = false;
    const behaviour = (id: string) => (id === 'a' && aFails ? { latencyMs: 1, ok: false } : { latencyMs: 5, ok: true });

    const healthy = simulate(picker, clock, { calls: 2000, concurrency: 4, behaviour });
    expect(share(healthy, 'a')).toBeGreaterThan(0.4);

    // a now refuses every call, fast: by latency and in-flight it would look like the better one.
    aFails = true;
    const failing = simulate(picker, clock, { calls: 4000, concurrency: 4, behaviour });
    expect(share(failing, 'a')).toBeLessThan(0.03);

    // a recovers: the forced pick (once a second) probes it, each success lifts its rate, and
    // its share climbs back towards half.
    aFails = false;
    const t0 = clock.monotonic();
    const firstSeconds = simulate(picker, clock, { calls: 4000, concurrency: 4, behaviour });
    expect(clock.monotonic() - t0).toBeLessThan(10_000);
    expect(share(firstSeconds, 'a')).toBeGreaterThan(0.05);
    simulate(picker, clock, { calls: 20_000, concurrency: 4, behaviour });
    const later = simulate(picker, clock, { calls: 2000, concurrency: 4, behaviour });
    expect(share(later, 'a')).toBeGreaterThan(0.35);
  });

  it('forgets a slow spell as the EWMA decays with elapsed time', () => {
    const { clock, picker } = setup(['a', 'b']);
    let aSlow = true;
    const behaviour = (id: string) => ({ latencyMs: id === 'a' && aSlow ? 100 : 5, ok: true });
    const slow = simulate(picker, clock, { calls: 2000, concurrency: 8, behaviour });
    expect(share(slow, 'a')).toBeLessThan(0.05);
    // a is fast again; with a 10 s time constant its estimate nears 5 ms within about a minute.
    aSlow = false;
    const t0 = clock.monotonic();
    const soon = simulate(picker, clock, { calls: 8000, concurrency: 8, behaviour });
    while (clock.monotonic() - t0 < 60_000) simulate(picker, clock, { calls: 10_000, concurrency: 8, behaviour });
    const later = simulate(picker, clock, { calls: 2000, concurrency: 8, behaviour });
    expect(share(later, 'a')).toBeGreaterThan(share(soon, 'a'));
    expect(share(later, 'a')).toBeGreaterThan(0.4);
  });

  it('tries an instance added by update() soon, without flooding it before its first answer', () => {
    const { clock, picker } = setup(['a', 'b']);
    simulate(picker, clock, { calls: 200, behaviour: steady({ a: 5, b: 5 }) });
    picker.update(['a', 'b', 'c']);
    // None of these calls has answered yet, so c has no latency sample of its own.
    const open = Array.from({ length: 30 }, () => picker.pick().instance);
    expect(open.indexOf('c')).toBeGreaterThanOrEqual(0);
    expect(open.indexOf('c')).toBeLessThan(5);
    // Unmeasured, it is assumed as fast as the best instance, not faster: its own open calls count.
    const toC = open.filter((i) => i === 'c').length;
    expect(toC).toBeGreaterThan(5);
    expect(toC).toBeLessThan(15);
  });

  it('keeps the stats of instances that survive update(): a slow one stays avoided', () => {
    const { clock, picker } = setup(['slow', 'fast']);
    simulate(picker, clock, { calls: 500, behaviour: steady({ slow: 100, fast: 5 }) });
    picker.update(['fast', 'slow', 'new']);
    // From here every instance answers in 5 ms and the clock barely moves: only remembered stats
    // can keep 'slow' down. Reset stats would give it a third of the picks.
    let toSlow = 0;
    for (let i = 0; i < 300; i++) {
      const p = picker.pick();
      if (p.instance === 'slow') toSlow++;
      p.done({ ok: true, latencyMs: 5 });
    }
    expect(toSlow).toBeLessThanOrEqual(3);
  });

  it('never lets a failure make an instance look faster (a refusal in 0 ms is not a fast answer)', () => {
    const { clock, picker } = setup(['a', 'b']);
    simulate(picker, clock, { calls: 200, behaviour: steady({ a: 20, b: 20 }) });
    // After a quiet 10 s (one time constant) the next sample carries 63% of the estimate. Were the
    // 0 ms refusal taken as latency, a's latency would fall exactly as far as its success rate and
    // the two would cancel out: a would look as good as b.
    clock.advance(10_000);
    for (let i = 0; i < 10; i++) {
      const p = picker.pick();
      if (p.instance === 'a') {
        p.done({ ok: false, latencyMs: 0 });
        break;
      }
      p.done({ ok: true, latencyMs: 20 });
    }
    const open = Array.from({ length: 20 }, () => picker.pick().instance);
    expect(open.filter((i) => i === 'b').length).toBeGreaterThanOrEqual(13);
  });

  it('balances zero-latency (in-process) instances by in-flight calls', () => {
    const { picker } = setup(['a', 'b']);
    for (let i = 0; i < 10; i++) picker.pick().done({ ok: true, latencyMs: 0 });
    const open = Array.from({ length: 40 }, () => picker.pick());
    const toA = open.filter((p) => p.instance === 'a').length;
    expect(Math.abs(toA - 20)).toBeLessThanOrEqual(1);
  });

  it('measures latency itself from pick() to done() when none is given', () => {
    const { clock, picker } = setup(['slow', 'fast']);
    for (let i = 0; i < 1000; i++) {
      const p = picker.pick();
      clock.advance(p.instance === 'slow' ? 100 : 5);
      p.done({ ok: true });
    }
    const counts = simulate(picker, clock, { calls: 1000, behaviour: steady({ slow: 100, fast: 5 }) });
    expect(share(counts, 'fast')).toBeGreaterThanOrEqual(0.9);
  });

  it('forced pick: when both instances were idle past the window, the better one wins, not the long-unpicked worse one', () => {
    const { clock, picker } = setup(['good', 'bad']);
    const behaviour = (id: string) => (id === 'bad' ? { latencyMs: 1, ok: false } : { latencyMs: 5, ok: true });
    simulate(picker, clock, { calls: 200, behaviour });
    // One call every 1.1 s: each time both were last picked more than 1 s ago. go-zero's rule
    // (only "was the worse one idle past the window?") sends every one of these to 'bad'.
    const quiet: string[] = [];
    for (let i = 0; i < 20; i++) {
      clock.advance(1100);
      const p = picker.pick();
      quiet.push(p.instance);
      p.done(behaviour(p.instance));
    }
    expect(quiet.filter((i) => i === 'bad')).toHaveLength(0);
  });

  it('forced pick: under steady traffic the worse instance is still probed once per window, no more', () => {
    const { clock, picker } = setup(['good', 'bad']);
    const behaviour = (id: string) => (id === 'bad' ? { latencyMs: 1, ok: false } : { latencyMs: 5, ok: true });
    simulate(picker, clock, { calls: 200, behaviour });
    // One call every 100 ms for 10 s: 'good' is always recent, so 'bad' wins a contest each time it
    // has waited past 1 s, i.e. every 1.1 s.
    const picks: string[] = [];
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      const p = picker.pick();
      picks.push(p.instance);
      p.done(behaviour(p.instance));
    }
    const probes = picks.filter((i) => i === 'bad').length;
    expect(probes).toBeGreaterThanOrEqual(8);
    expect(probes).toBeLessThanOrEqual(10);
  });

  it('refuses bad options at construction, naming the option', () => {
    const bad: [string, Partial<P2cOptions<string>>][] = [
      ['key', { key: undefined }],
      ['decayMs', { decayMs: 0 }],
      ['decayMs', { decayMs: Number.NaN }],
      ['forcePickMs', { forcePickMs: -1 }],
      ['random', { random: 0.5 as unknown as () => number }],
      ['name', { name: '' }],
    ];
    for (const [field, o] of bad) {
      let err: unknown;
      try {
        createP2cPicker<string>({ key: (s) => s, ...o } as P2cOptions<string>);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(SurgeError);
      expect((err as SurgeError).code).toBe(Code.InvalidArgument);
      expect((err as SurgeError).message).toContain(field);
    }
  });
});
