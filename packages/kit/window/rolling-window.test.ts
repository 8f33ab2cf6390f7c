import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { RollingWindow, type Bucket } from './index.js';

function buckets(w: RollingWindow): Bucket[] {
  const out: Bucket[] = [];
  w.reduce((b) => out.push({ sum: b.sum, count: b.count }));
  return out;
}

describe('RollingWindow', () => {
  it('adds into the current bucket: sum of values, count of additions', () => {
    const clock = new ManualClock();
    const w = new RollingWindow({ size: 3, bucketMs: 100, clock });
    w.add(1);
    w.add(4);
    expect(buckets(w)).toEqual([{ sum: 5, count: 2 }]);
    expect(w.totals()).toEqual({ sum: 5, count: 2 });
  });

  it('moves to a new bucket exactly at the bucket edge', () => {
    const clock = new ManualClock();
    const w = new RollingWindow({ size: 3, bucketMs: 100, clock });
    w.add(1);
    clock.advance(99);
    w.add(2);
    clock.advance(1); // t = 100: second bucket
    w.add(10);
    expect(buckets(w)).toEqual([{ sum: 3, count: 2 }, { sum: 10, count: 1 }]);
  });

  it('drops buckets that leave the window, oldest first', () => {
    const clock = new ManualClock();
    const w = new RollingWindow({ size: 3, bucketMs: 100, clock });
    for (const v of [1, 2, 3]) {
      w.add(v);
      clock.advance(100);
    }
    // t = 300: the bucket holding 1 is out; the current (empty) bucket is in.
    expect(buckets(w)).toEqual([{ sum: 2, count: 1 }, { sum: 3, count: 1 }, { sum: 0, count: 0 }]);
    w.add(4); // reuses the array slot that held 1, which must start from zero
    expect(w.totals()).toEqual({ sum: 9, count: 3 });
    clock.advance(100);
    expect(w.totals()).toEqual({ sum: 7, count: 2 });
  });

  it('after an idle gap longer than the window, everything is gone', () => {
    const clock = new ManualClock();
    const w = new RollingWindow({ size: 4, bucketMs: 50, clock });
    for (let i = 0; i < 8; i++) {
      w.add(1);
      clock.advance(20); // 8 adds over 160 ms: all inside the 200 ms window
    }
    expect(w.totals()).toEqual({ sum: 8, count: 8 });
    clock.advance(10_000);
    expect(w.totals()).toEqual({ sum: 0, count: 0 });
    w.add(5);
    expect(w.totals()).toEqual({ sum: 5, count: 1 });
  });

  it('a gap shorter than the window keeps the buckets still inside it', () => {
    const clock = new ManualClock();
    const w = new RollingWindow({ size: 4, bucketMs: 100, clock });
    w.add(1); // slot 0
    clock.advance(100);
    w.add(2); // slot 1
    clock.advance(250); // t = 350, slot 3: window holds slots 0..3
    expect(w.totals()).toEqual({ sum: 3, count: 2 });
    clock.advance(50); // slot 4: slot 0 leaves
    expect(w.totals()).toEqual({ sum: 2, count: 1 });
  });

  it('ignoreCurrent leaves out the bucket being filled', () => {
    const clock = new ManualClock();
    const w = new RollingWindow({ size: 3, bucketMs: 100, clock, ignoreCurrent: true });
    w.add(7);
    expect(buckets(w)).toEqual([]);
    clock.advance(100);
    w.add(1);
    expect(buckets(w)).toEqual([{ sum: 7, count: 1 }]);
  });

  it('refuses bad options at construction with InvalidArgument naming the option', () => {
    expect(() => new RollingWindow({ size: 0 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringContaining('size') }));
    expect(() => new RollingWindow({ bucketMs: -1 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringContaining('bucketMs') }));
    expect(() => new RollingWindow({ size: 1.5 })).toThrow(/size/);
  });
});
