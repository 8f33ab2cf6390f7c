// The drills' heap-snapshot reader: objects grouped by constructor as DevTools' Summary groups
// them, self sizes summed, and two summaries compared, largest growth first.
import { writeHeapSnapshot } from 'node:v8';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSummaries, groupOf, summarize, totalSize, type HeapSnapshot } from '../../scripts/drills/heapsnapshot.mjs';

const FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
const TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape'];

/** A snapshot of the given nodes ([type, name, self_size]), in V8's flat layout. */
function snapshotOf(nodes: [string, string, number][]): HeapSnapshot {
  const strings: string[] = [];
  const str = (s: string) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const flat = nodes.flatMap(([type, name, size], i) => [TYPES.indexOf(type), str(name), i * 2 + 1, size, 0, 0, 0]);
  return { snapshot: { meta: { node_fields: FIELDS, node_types: [TYPES] } }, nodes: flat, strings };
}

describe('drills: heap snapshot summary and comparison', () => {
  it('groups objects by constructor and the rest by kind, leaving synthetic roots out', () => {
    const summary = summarize(snapshotOf([
      ['synthetic', '(GC roots)', 0],
      ['object', 'WebSocket', 200],
      ['object', 'WebSocket', 200],
      ['closure', 'onMessage', 32],
      ['closure', 'onClose', 32],
      ['string', 'hello', 24],
      ['concatenated string', 'a+b', 32],
      ['sliced string', 'b', 20],
      ['array', '', 64],
      ['hidden', 'system / Map', 40],
      ['native', 'Buffer', 16],
    ]));
    expect(Object.fromEntries(summary)).toEqual({
      WebSocket: { count: 2, size: 400 },
      '(closure)': { count: 2, size: 64 },
      '(string)': { count: 3, size: 76 },
      '(array)': { count: 1, size: 64 },
      '(system)': { count: 1, size: 40 },
      Buffer: { count: 1, size: 16 },
    });
    expect(totalSize(summary)).toBe(660);
    expect(groupOf('bigint', '')).toBe('(bigint)');
  });

  it('lists the groups that grew most first, with new and vanished groups counted from zero', () => {
    const before = summarize(snapshotOf([['object', 'Socket', 100], ['object', 'Gone', 50], ['object', 'Same', 10]]));
    const after = summarize(snapshotOf([['object', 'Socket', 100], ['object', 'Socket', 100], ['object', 'Socket', 100], ['object', 'WebSocket', 150], ['object', 'Same', 10]]));
    expect(diffSummaries(before, after)).toEqual([
      { group: 'Socket', count: 3, size: 300, countDelta: 2, sizeDelta: 200 },
      { group: 'WebSocket', count: 1, size: 150, countDelta: 1, sizeDelta: 150 },
      { group: 'Same', count: 1, size: 10, countDelta: 0, sizeDelta: 0 },
      { group: 'Gone', count: 0, size: 0, countDelta: -1, sizeDelta: -50 },
    ]);
    expect(diffSummaries(before, after, 1).map((d) => d.group)).toEqual(['Socket']);
  });

  it('reads a real snapshot of this process and finds objects made between two of them', () => {
    class DrillMarker {
      readonly payload = new Array(8).fill(0);
    }
    const dir = mkdtempSync(join(tmpdir(), 'drill-heap-'));
    try {
      const read = (file: string) => summarize(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot);
      const before = read(writeHeapSnapshot(join(dir, 'a.heapsnapshot')));
      const kept = Array.from({ length: 1000 }, () => new DrillMarker());
      const after = read(writeHeapSnapshot(join(dir, 'b.heapsnapshot')));
      const marker = diffSummaries(before, after, Infinity).find((d) => d.group === 'DrillMarker');
      expect(marker).toMatchObject({ count: 1000, countDelta: 1000 });
      expect(marker!.sizeDelta).toBeGreaterThan(0);
      expect(kept).toHaveLength(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
