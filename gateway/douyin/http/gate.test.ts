// The upload gate proved by counting outcomes: what is admitted, what is refused and with which
// code, and that every slot comes back.
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { createUploadGate, type UploadGate, type UploadSlot } from './gate.js';

/** The outcome of one enter(): the slot, or the code it was refused with. */
function tryEnter(gate: UploadGate, address: string, user?: number): UploadSlot | Code {
  try {
    return gate.enter(address, user);
  } catch (err) {
    return (err as SurgeError).code;
  }
}

const tally = (outcomes: (UploadSlot | Code)[]) => {
  const counts = { admitted: 0, [Code.RateLimited]: 0, [Code.Overloaded]: 0 } as Record<string, number>;
  for (const o of outcomes) counts[typeof o === 'number' ? o : 'admitted']!++;
  return counts;
};

describe('upload gate', () => {
  it('admits 16 of 50 uploads by 10 users trying 5 each: 2 per user, 16 in all', () => {
    const gate = createUploadGate({ perUser: 2, inFlight: 16 });
    const outcomes: (UploadSlot | Code)[] = [];
    for (let user = 1; user <= 10; user++) for (let i = 0; i < 5; i++) outcomes.push(tryEnter(gate, `10.0.0.${user}`, user));
    // Users 1-8 get 2 each; users 1-7 are rate-limited 3 times each; user 8's last 3 tries and
    // every try of users 9 and 10 find the process full (the process's bound is checked first).
    expect(tally(outcomes)).toEqual({ admitted: 16, [Code.RateLimited]: 21, [Code.Overloaded]: 13 });
    expect(gate.stats()).toEqual({ inFlight: 16, unidentified: 0 });
    for (const o of outcomes) if (typeof o !== 'number') o.leave();
    expect(gate.stats()).toEqual({ inFlight: 0, unidentified: 0 });
  });

  it('gives a user a slot back when one of theirs leaves, and counts a slot once however often it leaves', () => {
    const gate = createUploadGate({ perUser: 2 });
    const a = gate.enter('ip', 1);
    gate.enter('ip', 1);
    expect(tryEnter(gate, 'ip', 1)).toBe(Code.RateLimited);
    a.leave();
    a.leave();
    expect(gate.stats().inFlight).toBe(1);
    expect(typeof tryEnter(gate, 'ip', 1)).toBe('object');
    expect(tryEnter(gate, 'ip', 1)).toBe(Code.RateLimited);
  });

  it('bounds the bodies of one address whose user is not known, and frees the address when the user is', () => {
    const gate = createUploadGate({ perAddress: 2, perUser: 5 });
    const first = gate.enter('198.51.100.7');
    gate.enter('198.51.100.7');
    expect(tryEnter(gate, '198.51.100.7')).toBe(Code.RateLimited);
    // Other addresses, and bodies whose user is known, are not held back by it.
    expect(typeof tryEnter(gate, '198.51.100.8')).toBe('object');
    expect(typeof tryEnter(gate, '198.51.100.7', 3)).toBe('object');
    expect(gate.stats()).toEqual({ inFlight: 4, unidentified: 3 });
    first.identify(9);
    expect(gate.stats()).toEqual({ inFlight: 4, unidentified: 2 });
    expect(typeof tryEnter(gate, '198.51.100.7')).toBe('object');
  });

  it('refuses to identify a body as a user at their limit, keeping its slot until it leaves', () => {
    const gate = createUploadGate({ perUser: 1 });
    gate.enter('ip', 4);
    const body = gate.enter('ip');
    expect(() => body.identify(4)).toThrow(expect.objectContaining({ code: Code.RateLimited, message: 'you already have 1 uploads in progress; wait for one to finish' }));
    expect(gate.stats()).toEqual({ inFlight: 2, unidentified: 1 });
    body.leave();
    expect(gate.stats()).toEqual({ inFlight: 1, unidentified: 0 });
  });

  it('moves a slot to the user whose token wins later, and identifying twice as the same user costs nothing', () => {
    const gate = createUploadGate({ perUser: 1 });
    const body = gate.enter('ip', 1);
    body.identify(1);
    body.identify(2);
    // User 1's slot came back; user 2 now holds their one.
    expect(typeof tryEnter(gate, 'ip', 1)).toBe('object');
    expect(tryEnter(gate, 'ip', 2)).toBe(Code.RateLimited);
  });

  it('refuses settings that are not positive integers, naming them', () => {
    for (const [name, value] of [['perUser', 0], ['inFlight', -1], ['perAddress', 1.5], ['perUser', Number.NaN]] as const) {
      expect(() => createUploadGate({ [name]: value })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringMatching(new RegExp(`^${name}: `)) }));
    }
    expect(() => createUploadGate({})).not.toThrow();
  });
});
