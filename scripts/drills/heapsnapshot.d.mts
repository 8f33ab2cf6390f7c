// Types of heapsnapshot.mjs, for the tests under test/drills.
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}
export interface Group {
  count: number;
  size: number;
}
export interface Growth {
  group: string;
  count: number;
  size: number;
  countDelta: number;
  sizeDelta: number;
}
export function groupOf(type: string, name: string): string;
export function summarize(snapshot: HeapSnapshot): Map<string, Group>;
export function diffSummaries(before: Map<string, Group>, after: Map<string, Group>, n?: number): Growth[];
export function totalSize(summary: Map<string, Group>): number;
