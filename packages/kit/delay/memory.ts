// In-process DelayStore: the embedded adapter. Jobs live as long as the store object, so they
// survive closing and reopening a scheduler in the same process but not a restart; use the Redis
// store where a job must outlive the process. Each step runs synchronously, so a claim is atomic
// among every scheduler sharing the store, as the Lua scripts are on Redis.
import { errors } from '#kit/errors';
import { MinHeap } from './min-heap.js';
import type { Claim, ClaimRequest, DeadJob, DelayStore, DelayStoreCounts, JobRecord } from './store.js';

export interface MemoryDelayStoreOptions {
  /**
   * Default 10000: dead letters kept, the oldest dropped past it, so a poisoned topic cannot grow
   * memory without bound. The same default as the Redis store.
   */
  maxDeadLetters?: number;
}

interface Entry {
  job: JobRecord;
  state: 'due' | 'running';
  /** Due time, or the claim's visibility deadline while running. */
  at: number;
  tries: number;
  token: string | undefined;
  /** Set from one store-wide counter on every move, so heap entries from before the move (or from an earlier job with the same id) are skipped. */
  gen: number;
}

// Heaps are rebuilt from the live jobs when stale entries (cancelled, replaced, moved, extended)
// outnumber live ones by this factor, past COMPACT_MIN entries: order timeouts are mostly
// cancelled (the order was paid), and without it each would hold an entry until its old due time.
const COMPACT_FACTOR = 2;
const COMPACT_MIN = 1024;

export class MemoryDelayStore implements DelayStore {
  readonly name = 'memory';
  private readonly jobs = new Map<string, Entry>();
  private dueHeap = new MinHeap();
  private runHeap = new MinHeap();
  /** Insertion order is burial order: the first key is the oldest. */
  private readonly dead = new Map<string, DeadJob>();
  private seq = 0;
  private generation = 0;
  private tokens = 0;

  constructor(private readonly maxDead: number) {}

  /** Heap entries held, live and stale (for the compaction test). */
  get heapEntries(): number {
    return this.dueHeap.size + this.runHeap.size;
  }

  private place(entry: Entry, state: 'due' | 'running', at: number): void {
    entry.state = state;
    entry.at = at;
    entry.gen = ++this.generation;
    (state === 'due' ? this.dueHeap : this.runHeap).push({ at, seq: this.seq++, id: entry.job.id, gen: entry.gen });
    if (this.heapEntries > COMPACT_MIN && this.heapEntries > COMPACT_FACTOR * this.jobs.size) this.compact();
  }

  private compact(): void {
    this.dueHeap = new MinHeap();
    this.runHeap = new MinHeap();
    for (const entry of this.jobs.values()) {
      (entry.state === 'due' ? this.dueHeap : this.runHeap).push({ at: entry.at, seq: this.seq++, id: entry.job.id, gen: entry.gen });
    }
  }

  /** Pops the earliest live entry of a heap at or before nowMs, skipping stale ones. */
  private popDue(heap: MinHeap, state: 'due' | 'running', nowMs: number): Entry | undefined {
    for (let top = heap.peek(); top && top.at <= nowMs; top = heap.peek()) {
      heap.pop();
      const entry = this.jobs.get(top.id);
      if (entry && entry.state === state && entry.gen === top.gen) return entry;
    }
    return undefined;
  }

  private holds(claim: Claim): Entry | undefined {
    const entry = this.jobs.get(claim.job.id);
    return entry && entry.state === 'running' && entry.token === claim.token ? entry : undefined;
  }

  private buryEntry(entry: Entry, nowMs: number, reason: string): void {
    this.jobs.delete(entry.job.id);
    this.dead.delete(entry.job.id);
    this.dead.set(entry.job.id, { job: entry.job, attempts: entry.tries, reason, deadAt: nowMs });
    for (const oldest of this.dead.keys()) {
      if (this.dead.size <= this.maxDead) break;
      this.dead.delete(oldest);
    }
  }

  async schedule(job: JobRecord): Promise<void> {
    this.dead.delete(job.id);
    const entry: Entry = { job: { ...job, body: job.body.slice() }, state: 'due', at: job.dueAt, tries: 0, token: undefined, gen: 0 };
    this.jobs.set(job.id, entry);
    this.place(entry, 'due', job.dueAt);
  }

  async cancel(id: string): Promise<boolean> {
    return this.jobs.delete(id);
  }

  async claim({ nowMs, limit, visibilityMs, maxAttempts }: ClaimRequest): Promise<Claim[]> {
    for (let i = 0; i < limit; i++) {
      const expired = this.popDue(this.runHeap, 'running', nowMs);
      if (!expired) break;
      expired.token = undefined;
      if (expired.tries >= maxAttempts) this.buryEntry(expired, nowMs, `visibility timeout: attempt ${expired.tries} was never settled (the worker died or stalled)`);
      else this.place(expired, 'due', nowMs);
    }
    const claims: Claim[] = [];
    while (claims.length < limit) {
      const entry = this.popDue(this.dueHeap, 'due', nowMs);
      if (!entry) break;
      entry.tries++;
      entry.token = String(++this.tokens);
      this.place(entry, 'running', nowMs + visibilityMs);
      claims.push({ job: { ...entry.job, body: entry.job.body.slice() }, token: entry.token, attempt: entry.tries });
    }
    return claims;
  }

  async ack(claim: Claim): Promise<boolean> {
    const entry = this.holds(claim);
    if (!entry) return false;
    this.jobs.delete(entry.job.id);
    return true;
  }

  async retry(claim: Claim, atMs: number): Promise<boolean> {
    const entry = this.holds(claim);
    if (!entry) return false;
    entry.token = undefined;
    this.place(entry, 'due', atMs);
    return true;
  }

  async bury(claim: Claim, nowMs: number, reason: string): Promise<boolean> {
    const entry = this.holds(claim);
    if (!entry) return false;
    this.buryEntry(entry, nowMs, reason);
    return true;
  }

  async extend(claim: Claim, untilMs: number): Promise<boolean> {
    const entry = this.holds(claim);
    if (!entry) return false;
    this.place(entry, 'running', untilMs);
    return true;
  }

  async deadLetters(limit: number): Promise<DeadJob[]> {
    return [...this.dead.values()].reverse().slice(0, limit);
  }

  async counts(): Promise<DelayStoreCounts> {
    let due = 0;
    for (const entry of this.jobs.values()) if (entry.state === 'due') due++;
    return { due, running: this.jobs.size - due, dead: this.dead.size };
  }
}

export function createMemoryDelayStore(options: MemoryDelayStoreOptions = {}): DelayStore {
  const maxDead = options.maxDeadLetters ?? 10_000;
  if (!Number.isSafeInteger(maxDead) || maxDead < 0) throw errors.invalid('maxDeadLetters', 'an integer >= 0');
  return new MemoryDelayStore(maxDead);
}
