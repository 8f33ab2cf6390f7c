// The behaviour every Picker owes its callers, whatever its algorithm; run by each picker's tests.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import type { Picker } from './picker.js';
import { seededRandom, simulate } from './testing/sim.js';

export interface Inst {
  readonly id: string;
  readonly gen: number;
}

export type PickerFactory = (o: { clock: ManualClock; random: () => number; name: string }) => Picker<Inst>;

const inst = (id: string, gen = 1): Inst => ({ id, gen });

function thrown(fn: () => unknown): SurgeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SurgeError);
    return e as SurgeError;
  }
  throw new Error('expected a throw');
}

export function pickerSuite(label: string, factory: PickerFactory): void {
  describe(`${label}: Picker behaviour`, () => {
    const make = (seed = 1) => {
      const clock = new ManualClock();
      return { clock, picker: factory({ clock, random: seededRandom(seed), name: 'surge.user.v1.UserService' }) };
    };

    it('an empty set answers Unavailable naming the service and that it has no instances', () => {
      const { picker } = make();
      const err = thrown(() => picker.pick());
      expect(err.code).toBe(Code.Unavailable);
      expect(err.message).toContain('no instances');
      expect(err.message).toContain('surge.user.v1.UserService');
      picker.update([inst('a')]);
      expect(picker.pick().instance.id).toBe('a');
      picker.update([]);
      expect(picker.size()).toBe(0);
      expect(thrown(() => picker.pick()).code).toBe(Code.Unavailable);
    });

    it('counts each key once, and reaches every instance', () => {
      const { clock, picker } = make();
      picker.update([inst('a'), inst('b'), inst('a'), inst('c')]);
      expect(picker.size()).toBe(3);
      const counts = simulate(picker, clock, { calls: 300, id: (i) => i.id, behaviour: () => ({ latencyMs: 5, ok: true }) });
      expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c']);
      for (const n of counts.values()) expect(n).toBeGreaterThan(50);
    });

    it('never picks a removed instance again, and hands out the newest object of a kept one', () => {
      const { clock, picker } = make();
      picker.update([inst('a'), inst('b'), inst('c')]);
      const held = [picker.pick(), picker.pick(), picker.pick()];
      picker.update([inst('a', 2), inst('c', 2)]);
      // Calls picked before the update settle without harm, even on the removed instance.
      for (const h of held) h.done({ ok: true, latencyMs: 5 });
      const seen = new Set<string>();
      for (let i = 0; i < 500; i++) {
        const p = picker.pick();
        seen.add(`${p.instance.id}@${p.instance.gen}`);
        clock.advance(5);
        p.done({ ok: true, latencyMs: 5 });
      }
      expect([...seen].sort()).toEqual(['a@2', 'c@2']);
    });

    it('settles a call once: repeated done() calls on one handle are ignored', () => {
      const { clock, picker } = make();
      picker.update([inst('a'), inst('b')]);
      const p = picker.pick();
      p.done({ ok: true, latencyMs: 5 });
      // Were these counted, the instance would look dead and lose its share.
      for (let i = 0; i < 30; i++) p.done({ ok: false, latencyMs: 5 });
      const counts = simulate(picker, clock, { calls: 400, id: (i) => i.id, behaviour: () => ({ latencyMs: 5, ok: true }) });
      const a = counts.get(p.instance.id) ?? 0;
      expect(a / 400).toBeGreaterThan(0.35);
      expect(a / 400).toBeLessThan(0.65);
    });
  });
}
