import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { type Inst, pickerSuite } from './picker.suite.js';
import { createRoundRobinPicker } from './round-robin.js';
import { seededRandom, share, simulate } from './testing/sim.js';

pickerSuite('round robin', ({ random, name }) => createRoundRobinPicker<Inst>({ key: (i) => i.id, random, name }));

describe('round-robin picker', () => {
  it('hands out instances strictly in turn, and the turn carries over update()', () => {
    const picker = createRoundRobinPicker<string>({ random: () => 0 });
    picker.update(['a', 'b', 'c']);
    expect(Array.from({ length: 7 }, () => picker.pick().instance).join('')).toBe('abcabca');
    picker.update(['a', 'b', 'c', 'd']);
    expect(Array.from({ length: 4 }, () => picker.pick().instance).join('')).toBe('bcda');
  });

  it('starts at a random instance so clients started together do not all begin at the first', () => {
    const firsts = new Set<string>();
    const random = seededRandom(3);
    for (let i = 0; i < 40; i++) {
      const picker = createRoundRobinPicker<string>({ random });
      picker.update(['a', 'b', 'c', 'd']);
      firsts.add(picker.pick().instance);
    }
    expect(firsts.size).toBe(4);
  });

  it('is blind to latency: the baseline p2c improves on (half the calls go to a 100 ms instance)', () => {
    const clock = new ManualClock();
    const picker = createRoundRobinPicker<string>({ random: seededRandom(1) });
    picker.update(['slow', 'fast']);
    const counts = simulate(picker, clock, { calls: 1000, behaviour: (id) => ({ latencyMs: id === 'slow' ? 100 : 5, ok: true }) });
    expect(share(counts, 'fast')).toBe(0.5);
  });

  it('refuses bad options at construction, naming the option', () => {
    for (const [field, o] of [['key', { key: 'id' }], ['random', { random: 1 }], ['name', { name: '' }]] as const) {
      let err: unknown;
      try {
        createRoundRobinPicker(o as never);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(SurgeError);
      expect((err as SurgeError).code).toBe(Code.InvalidArgument);
      expect((err as SurgeError).message).toContain(field);
    }
  });
});
