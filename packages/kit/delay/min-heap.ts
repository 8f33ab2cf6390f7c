// Binary min-heap ordered by (at, seq), with lazy deletion: an entry whose generation no longer
// matches its job's is skipped when it surfaces, so moving or cancelling a job is O(1) and a
// claim costs O(k log n) for k jobs (a scan of every job would cost O(n) per poll).
export interface HeapEntry {
  readonly at: number;
  readonly seq: number;
  readonly id: string;
  readonly gen: number;
}

const before = (a: HeapEntry, b: HeapEntry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class MinHeap {
  private readonly items: HeapEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): HeapEntry | undefined {
    return this.items[0];
  }

  push(entry: HeapEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && before(items[left]!, items[least]!)) least = left;
      if (right < items.length && before(items[right]!, items[least]!)) least = right;
      if (least === i) break;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
    return top;
  }
}
