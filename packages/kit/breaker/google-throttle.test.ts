import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { seededRandom } from '#kit/testing';
import { BreakerGroup, createBreaker, dropRatio, nopBreaker, type Breaker } from './index.js';

const seeded = seededRandom;

const unavailable = () => Promise.reject(new SurgeError(Code.Unavailable, 'user service is unavailable'));
const ok = () => Promise.resolve('ok');

/** Runs n calls spaced stepMs apart; counts what happened. */
async function drive(b: Breaker, clock: ManualClock, n: number, fn: () => Promise<unknown>, stepMs = 25) {
  const out = { called: 0, open: 0, ok: 0, failed: 0 };
  for (let i = 0; i < n; i++) {
    try {
      await b.run(() => {
        out.called++;
        return fn();
      });
      out.ok++;
    } catch (err) {
      if (err instanceof SurgeError && err.code === Code.BreakerOpen) out.open++;
      else out.failed++;
    }
    clock.advance(stepMs);
  }
  return out;
}

describe('Google SRE breaker', () => {
  it('with every call failing, most calls are rejected once the window has filled, with BreakerOpen', async () => {
    for (const seed of [1, 2, 3]) {
      const clock = new ManualClock();
      const b = createBreaker({ clock, random: seeded(seed), name: 'user' });
      await drive(b, clock, 200, unavailable);
      const after = await drive(b, clock, 100, unavailable);
      expect(after.open).toBeGreaterThanOrEqual(75);
      // The callee is protected: it saw only the few probes let through.
      expect(after.called).toBe(100 - after.open);
      expect(after.called).toBeLessThanOrEqual(25);
    }
  });

  it('the rejection carries BreakerOpen and names the breaker', async () => {
    const clock = new ManualClock();
    const b = createBreaker({ clock, random: () => 0, name: 'user/GetUser' });
    await drive(b, clock, 1, unavailable);
    const err = (await b.run(ok).catch((e: unknown) => e)) as SurgeError;
    expect(err).toBeInstanceOf(SurgeError);
    expect(err.code).toBe(Code.BreakerOpen);
    expect(err.message).toContain('user/GetUser');
  });

  it('with every call succeeding, none is rejected', async () => {
    const clock = new ManualClock();
    const b = createBreaker({ clock, random: seeded(7) });
    const out = await drive(b, clock, 2000, ok, 10);
    expect(out).toEqual({ called: 2000, open: 0, ok: 2000, failed: 0 });
  });

  it('recovers as the window rolls: still open while the failures are in the window, closed once they roll out', async () => {
    const clock = new ManualClock();
    const b = createBreaker({ clock, random: seeded(11) });
    await drive(b, clock, 200, unavailable); // 5 s of failures
    clock.advance(4_000); // the failures are still within the last 10 s
    const still = await drive(b, clock, 20, ok, 1);
    expect(still.open).toBeGreaterThanOrEqual(15);
    clock.advance(10_000); // every failure has rolled out
    const healed = await drive(b, clock, 100, ok);
    expect(healed).toEqual({ called: 100, open: 0, ok: 100, failed: 0 });
  });

  it('caller-mistake errors do not open it; server faults do', async () => {
    const mistakes = [Code.InvalidArgument, Code.NotFound, Code.AlreadyExists, Code.Unauthenticated, Code.PermissionDenied, Code.FailedPrecondition, Code.RateLimited];
    const clock = new ManualClock();
    const b = createBreaker({ clock, random: seeded(5) });
    let i = 0;
    const out = await drive(b, clock, 700, () => Promise.reject(new SurgeError(mistakes[i++ % mistakes.length]!, 'caller mistake')));
    expect(out).toEqual({ called: 700, open: 0, ok: 0, failed: 700 });

    for (const code of [Code.Unavailable, Code.DeadlineExceeded, Code.Internal, Code.Overloaded]) {
      const c = new ManualClock();
      const failing = createBreaker({ clock: c, random: seeded(code) });
      await drive(failing, c, 100, () => Promise.reject(new SurgeError(code, 'fault')));
      expect((await drive(failing, c, 100, ok)).open, `code ${code}`).toBeGreaterThanOrEqual(75);
    }
  });

  it('an unknown error counts as a failure; a custom acceptable() overrides the default', async () => {
    const clock = new ManualClock();
    const b = createBreaker({ clock, random: seeded(9) });
    await drive(b, clock, 100, () => Promise.reject(new Error('socket hang up')));
    expect((await drive(b, clock, 100, ok)).open).toBeGreaterThanOrEqual(75);

    const lenient = createBreaker({ clock, random: seeded(9) });
    for (let n = 0; n < 200; n++) {
      await lenient.run(unavailable, { acceptable: () => true }).catch(() => undefined);
      clock.advance(25);
    }
    expect((await drive(lenient, clock, 100, ok)).open).toBe(0);
  });

  it('drops with exactly max(0, (requests − 1.5·accepts) / (requests + 1)) for a known pair', () => {
    expect(dropRatio(10, 4, 1.5)).toBeCloseTo(4 / 11, 12);
    expect(dropRatio(10, 10, 1.5)).toBe(0);
    expect(dropRatio(0, 0, 1.5)).toBe(0);
    expect(dropRatio(99, 0, 1.5)).toBeCloseTo(0.99, 12);

    const clock = new ManualClock();
    let roll = 0.5;
    const b = createBreaker({ clock, random: () => roll });
    for (let n = 0; n < 10; n++) {
      const h = b.allow();
      if (n < 4) h.accept();
      else h.reject();
    }
    expect(b.stats()).toEqual({ requests: 10, accepts: 4, dropRatio: 4 / 11 });
    roll = 4 / 11 - 1e-9; // just under the ratio: rejected, and the rejection is a request
    expect(() => b.allow()).toThrow(expect.objectContaining({ code: Code.BreakerOpen }));
    expect(b.stats()).toEqual({ requests: 11, accepts: 4, dropRatio: 5 / 12 });
    roll = 5 / 12 + 1e-9; // just over: allowed
    b.allow().accept();
    expect(b.stats()).toMatchObject({ requests: 12, accepts: 5 });
  });

  it('a handle settled twice counts once', () => {
    const b = createBreaker({ clock: new ManualClock(), random: () => 0.99 });
    const h = b.allow();
    h.accept();
    h.reject();
    h.accept();
    expect(b.stats()).toMatchObject({ requests: 1, accepts: 1 });
  });

  it('fallback answers instead of BreakerOpen, without calling fn; errors of fn still throw', async () => {
    const clock = new ManualClock();
    const b = createBreaker({ clock, random: () => 0 });
    await expect(b.run(unavailable, { fallback: () => 'cached' })).rejects.toMatchObject({ code: Code.Unavailable });
    let called = 0;
    const got = await b.run(async () => { called++; return 'live'; }, { fallback: (err) => `fallback:${err.code}` });
    expect(got).toBe(`fallback:${Code.BreakerOpen}`);
    expect(called).toBe(0);
  });

  it('refuses bad options at construction, naming the option', () => {
    expect(() => createBreaker({ k: 0.5 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringContaining('k') }));
    expect(() => createBreaker({ windowMs: 0 })).toThrow(/windowMs/);
    expect(() => createBreaker({ buckets: 2.5 })).toThrow(/buckets/);
    expect(() => createBreaker({ random: 3 as never })).toThrow(/random/);
  });
});

describe('nop breaker', () => {
  it('never rejects, whatever fails', async () => {
    const clock = new ManualClock();
    const out = await drive(nopBreaker('off'), clock, 300, unavailable);
    expect(out).toEqual({ called: 300, open: 0, ok: 0, failed: 300 });
  });
});

describe('BreakerGroup', () => {
  it('one breaker per key: a failing key does not throttle another', async () => {
    const clock = new ManualClock();
    const group = new BreakerGroup({ breaker: { clock, random: seeded(3) } });
    expect(group.get('user/GetUser')).toBe(group.get('user/GetUser'));
    await drive(group.get('user/GetUser'), clock, 200, unavailable);
    expect((await drive(group.get('user/GetUser'), clock, 100, ok)).open).toBeGreaterThanOrEqual(75);
    expect((await drive(group.get('user/ListUsers'), clock, 100, ok)).open).toBe(0);
    expect(group.get('user/GetUser').name).toBe('user/GetUser');
  });

  it('two groups share nothing', async () => {
    const clock = new ManualClock();
    const a = new BreakerGroup({ breaker: { clock, random: seeded(4) } });
    const b = new BreakerGroup({ breaker: { clock, random: seeded(4) } });
    await drive(a.get('k'), clock, 200, unavailable);
    expect((await drive(b.get('k'), clock, 100, ok)).open).toBe(0);
  });

  it('off gives nop breakers; delete and deletePrefix forget keys', async () => {
    const clock = new ManualClock();
    const off = new BreakerGroup({ off: true });
    expect((await drive(off.get('k'), clock, 200, unavailable)).open).toBe(0);

    const group = new BreakerGroup({ breaker: { clock } });
    for (const k of ['10.0.0.1:9000/a', '10.0.0.1:9000/b', '10.0.0.2:9000/a']) group.get(k);
    expect(group.deletePrefix('10.0.0.1:9000/')).toBe(2);
    expect(group.keys()).toEqual(['10.0.0.2:9000/a']);
    expect(group.delete('10.0.0.2:9000/a')).toBe(true);
    expect(group.keys()).toEqual([]);
  });
});
