// The drills' .cpuprofile reader: self time per function, from samples and their time deltas.
import { describe, expect, it } from 'vitest';
import { location, topSelfTime, type CpuProfile } from '../../scripts/drills/cpuprofile.mjs';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });

/** root → main → (hot, cold); hot is also reached from a second path (other → hot) and must merge. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5, 6, 7] },
    { id: 2, callFrame: frame('main', 'file:///srv/app/dist/main.js', 0), children: [3, 4] },
    { id: 3, callFrame: frame('hot', 'file:///srv/app/node_modules/pkg/lib/x.js', 9) },
    { id: 4, callFrame: frame('', 'file:///srv/app/dist/cold.js', 4) },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('other', 'file:///srv/app/dist/other.js', 1), children: [8] },
    { id: 7, callFrame: frame('(garbage collector)') },
    { id: 8, callFrame: frame('hot', 'file:///srv/app/node_modules/pkg/lib/x.js', 9) },
  ],
  startTime: 0,
  // Samples at 0, 1000, 2000, …: each lasts until the next; the last until endTime.
  samples: [3, 3, 4, 5, 5, 5, 8, 7, 2, 3],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  endTime: 9000 + 4000,
};

describe('drills: cpuprofile top self time', () => {
  it('sums each sample up to the next one, merges a function reached by two paths, leaves idle out of the top', () => {
    const { totalMs, idleMs, top } = topSelfTime(profile, { root: '/srv/app' });
    expect(totalMs).toBeCloseTo(13, 9);
    expect(idleMs).toBeCloseTo(3, 9);
    // hot: samples 0, 1, 6 and 9 (the last runs 4 ms to endTime) = 1 + 1 + 1 + 4 ms.
    expect(top.map((t) => [t.name, t.location, t.selfMs])).toEqual([
      ['hot', 'node_modules/pkg/lib/x.js:10', 7],
      ['(anonymous)', 'dist/cold.js:5', 1],
      ['(garbage collector)', '', 1],
      ['main', 'dist/main.js:1', 1],
    ]);
    expect(top[0]!.share).toBeCloseTo(0.7, 9);
    expect(top.reduce((t, x) => t + x.share, 0)).toBeCloseTo(1, 9);
  });

  it('keeps the n largest', () => {
    expect(topSelfTime(profile, { n: 2 }).top.map((t) => t.name)).toEqual(['hot', expect.any(String)]);
  });

  it('shortens locations to node_modules/… or a path under the root, lines 1-based', () => {
    expect(location(frame('f', 'file:///a/node_modules/b/node_modules/c/i.js', 0))).toBe('node_modules/c/i.js:1');
    expect(location(frame('f', 'node:internal/timers', 41))).toBe('node:internal/timers:42');
    expect(location(frame('f', '', -1))).toBe('');
  });
});
