import { describe, expect, it } from 'vitest';
import { SingleFlight } from './index.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('SingleFlight', () => {
  it('100 concurrent callers of one key share one run', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    let release!: (n: number) => void;
    const gate = new Promise<number>((r) => (release = r));
    const calls = Array.from({ length: 100 }, () => flight.do('k', () => { runs++; return gate; }));
    await tick();
    release(42);
    expect(await Promise.all(calls)).toEqual(Array(100).fill(42));
    expect(runs).toBe(1);
    expect(flight.inFlight).toBe(0);
  });

  it('shares an error with every caller, then frees the key', async () => {
    const flight = new SingleFlight<string>();
    let runs = 0;
    const fail = () => { runs++; return Promise.reject(new Error('boom')); };
    const results = await Promise.allSettled([flight.do('k', fail), flight.do('k', fail), flight.do('k', fail)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(runs).toBe(1);
    expect(await flight.do('k', async () => { runs++; return 'ok'; })).toBe('ok');
    expect(runs).toBe(2);
  });

  it('different keys run independently', async () => {
    const flight = new SingleFlight<string>();
    let runs = 0;
    const load = (k: string) => flight.do(k, async () => { runs++; return k; });
    expect(await Promise.all([load('a'), load('b'), load('a')])).toEqual(['a', 'b', 'a']);
    expect(runs).toBe(2);
  });

  it('a function that throws synchronously still settles the flight', async () => {
    const flight = new SingleFlight<number>();
    await expect(flight.do('k', () => { throw new Error('sync'); })).rejects.toThrow('sync');
    expect(flight.inFlight).toBe(0);
  });

  it('forget: later callers start a new run; the forgotten run still answers its own callers and frees nothing of the new one', async () => {
    const flight = new SingleFlight<string>();
    let release!: (v: string) => void;
    const gate = new Promise<string>((r) => (release = r));
    const old = flight.do('k', () => gate);
    flight.forget('k');
    let releaseNew!: (v: string) => void;
    const newGate = new Promise<string>((r) => (releaseNew = r));
    const fresh = flight.do('k', () => newGate);
    const joined = flight.do('k', async () => 'never runs');
    release('old');
    expect(await old).toBe('old');
    expect(flight.inFlight).toBe(1);
    releaseNew('new');
    expect(await Promise.all([fresh, joined])).toEqual(['new', 'new']);
  });
});
