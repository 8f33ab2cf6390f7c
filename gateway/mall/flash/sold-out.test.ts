import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { createSoldOutFlags } from './sold-out.js';

const RECHECK = 1000;
const setup = () => {
  const clock = new ManualClock();
  const announced: number[] = [];
  const flags = createSoldOutFlags({ recheckMs: RECHECK, clock, announce: (id) => announced.push(id) });
  /** Of n buys of sale 1 now, how many are let through (their passes). */
  const through = (n: number, saleId = 1) => Array.from({ length: n }, () => flags.enter(saleId)).filter((p) => p !== undefined);
  return { clock, flags, announced, through };
};

describe('sold-out flags', () => {
  it('lets every buy through until one answers sold out, then none for recheckMs, announced once', () => {
    const { clock, flags, announced, through } = setup();
    const inFlight = through(100);
    expect(inFlight).toHaveLength(100);
    // The buys in flight when the stock ran out all answer sold out: one announcement.
    for (const pass of inFlight) pass.settle('sold_out');
    expect(announced).toEqual([1]);
    expect(through(1000)).toHaveLength(0);
    clock.advance(RECHECK - 1);
    expect(through(1000)).toHaveLength(0);
    // Other sales are not flagged.
    expect(through(10, 2)).toHaveLength(10);
    expect(flags.size).toBe(1);
  });

  it('after recheckMs lets exactly one buy through; sold out again restarts the wait without a new announcement', () => {
    const { clock, announced, through } = setup();
    through(1)[0]!.settle('sold_out');
    clock.advance(RECHECK);
    const probes = through(1000);
    expect(probes).toHaveLength(1);
    // While the probe is out, nobody else passes.
    clock.advance(RECHECK - 1);
    expect(through(1000)).toHaveLength(0);
    probes[0]!.settle('sold_out');
    expect(through(1000)).toHaveLength(0);
    clock.advance(RECHECK - 1);
    expect(through(1000)).toHaveLength(0);
    clock.advance(1);
    expect(through(1000)).toHaveLength(1);
    expect(announced).toEqual([1]);
  });

  it('drops the flag when the probe reserves units (they came back): every buy passes again', () => {
    const { clock, flags, through } = setup();
    through(1)[0]!.settle('sold_out');
    clock.advance(RECHECK);
    through(1)[0]!.settle('reserved');
    expect(flags.size).toBe(0);
    expect(through(100)).toHaveLength(100);
  });

  it('a probe that learned nothing (an error, the buyer at their limit) lets the next buy probe, one at a time', () => {
    const { clock, through } = setup();
    through(1)[0]!.settle('sold_out');
    clock.advance(RECHECK);
    const [probe] = through(100);
    probe!.settle('other');
    // Settling twice changes nothing: still one probe at a time.
    probe!.settle('other');
    const next = through(100);
    expect(next).toHaveLength(1);
    expect(through(100)).toHaveLength(0);
  });

  it('counts a check never settled as lost after another recheckMs: one more buy checks, and the lost one changes nothing', () => {
    const { clock, flags, through } = setup();
    through(1)[0]!.settle('sold_out');
    clock.advance(RECHECK);
    const [lost] = through(100);
    clock.advance(RECHECK - 1);
    expect(through(100)).toHaveLength(0);
    clock.advance(1);
    const [next] = through(100);
    expect(next).toBeDefined();
    expect(through(100)).toHaveLength(0);
    // The lost check settling late neither drops the flag nor frees the slot.
    lost!.settle('reserved');
    expect(flags.size).toBe(1);
    expect(through(100)).toHaveLength(0);
    next!.settle('reserved');
    expect(flags.size).toBe(0);
  });

  it("flags a sale heard from another instance without announcing it again", () => {
    const { clock, announced, through, flags } = setup();
    flags.heard(7);
    expect(through(100, 7)).toHaveLength(0);
    expect(announced).toEqual([]);
    // Hearing it again restarts the wait.
    clock.advance(RECHECK - 1);
    flags.heard(7);
    clock.advance(RECHECK - 1);
    expect(through(100, 7)).toHaveLength(0);
    clock.advance(1);
    expect(through(100, 7)).toHaveLength(1);
  });

  it('refuses a recheck that is not a positive whole number of ms at construction', () => {
    const clock = new ManualClock();
    for (const recheckMs of [0, -1, 1.5, Number.NaN]) expect(() => createSoldOutFlags({ recheckMs, clock, announce: () => {} })).toThrow(/recheckMs/);
  });
});
