import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { EventLoopProbe } from './index.js';

describe('EventLoopProbe', () => {
  it('reports a high p99 delay after a deliberate 300 ms busy loop', async () => {
    const probe = new EventLoopProbe({ intervalMs: 400 });
    try {
      expect(probe.read()).toBe(0); // nothing sampled yet
      await new Promise((r) => setTimeout(r, 50));
      const until = performance.now() + 300;
      while (performance.now() < until) {
        // Busy: the loop cannot turn, so the histogram's timer fires ~300 ms late.
      }
      const deadline = performance.now() + 2_000;
      while (probe.read() <= 100 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(probe.read()).toBeGreaterThan(100);
    } finally {
      probe.close();
    }
  });

  it('refuses bad options', () => {
    expect(() => new EventLoopProbe({ intervalMs: 0 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
    expect(() => new EventLoopProbe({ intervalMs: 100, resolutionMs: 100 })).toThrow(/resolutionMs/);
  });
});
