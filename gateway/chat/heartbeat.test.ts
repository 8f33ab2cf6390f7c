import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { startHeartbeat } from './heartbeat.js';

/** Lets the run startEvery began (an async function) finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('startHeartbeat', () => {
  function setup(conns: number) {
    const clock = new ManualClock(0);
    const visits: number[][] = [];
    let current: number[] = [];
    const hb = startHeartbeat<number>({ clock, intervalMs: 1600, slots: 16, visit: (c) => current.push(c) });
    for (let c = 0; c < conns; c++) hb.add(c);
    const tick = async () => {
      current = [];
      clock.advance(100);
      await settle();
      visits.push(current);
    };
    return { hb, visits, tick };
  }

  it('visits every connection once per interval, a sixteenth of them per tick', async () => {
    const { hb, visits, tick } = setup(160);
    for (let i = 0; i < 16; i++) await tick();
    expect(visits.map((v) => v.length)).toEqual(Array(16).fill(10));
    expect(visits.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 160 }, (_, i) => i));
    await hb.close();
  });

  it('visits no connection once deleted, and lists the ones it holds', async () => {
    const { hb, visits, tick } = setup(32);
    for (let c = 0; c < 32; c += 2) hb.delete(c);
    for (let i = 0; i < 16; i++) await tick();
    expect(visits.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => 2 * i + 1));
    expect([...hb.all()].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => 2 * i + 1));
    await hb.close();
  });

  it('a connection its visit closes (deleting itself) does not disturb the others of its slot', async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const hb = startHeartbeat<number>({ clock, intervalMs: 100, slots: 1, visit: (c) => { seen.push(c); hb.delete(c); } });
    for (let c = 0; c < 5; c++) hb.add(c);
    clock.advance(100);
    await settle();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect([...hb.all()]).toEqual([]);
    await hb.close();
  });

  it('visits nothing after close', async () => {
    const { hb, visits, tick } = setup(16);
    await hb.close();
    await tick();
    expect(visits.flat()).toEqual([]);
  });
});
