// A watch on a key or prefix that survives etcd outages: read the range (a snapshot and its
// revision), watch from revision + 1, and on any disconnect or cancel start over with a fresh
// read, after a back-off. etcd3's own watcher would resume from its last revision, which misses
// every event when etcd comes back with a fresh data dir (revisions restart below it); a full
// re-read is always right.
import type { Clock } from '#kit/clock';
import type { EtcdConnection, Kv } from './etcd-client.js';
import { backoffDelay } from './options.js';

export interface RangeHandlers {
  /** The whole range, after the first read and after every outage (afterOutage = true). */
  snapshot(kvs: Kv[], afterOutage: boolean): void;
  put(kv: Kv): void;
  delete(key: string): void;
  /** The watch was lost; snapshot() follows once etcd answers again. */
  down?(): void;
}

export interface RangeWatch {
  /** Resolves after the first snapshot; rejects (SurgeError) if the first read fails. Retries go on regardless. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface RangeWatchTiming {
  clock: Clock;
  random: () => number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export function watchRange(conn: EtcdConnection, range: { prefix: string } | { key: string }, h: RangeHandlers, t: RangeWatchTiming): RangeWatch {
  const stop = new AbortController();
  let resolveReady!: () => void;
  let rejectReady!: (err: unknown) => void;
  const ready = new Promise<void>((res, rej) => { resolveReady = res; rejectReady = rej; });
  ready.catch(() => undefined); // callers that keep retrying need not await it

  const read = () => ('prefix' in range ? conn.range(range.prefix) : conn.rangeKey(range.key));

  async function loop(): Promise<void> {
    let synced = false;
    let attempt = 0;
    while (!stop.signal.aborted) {
      try {
        const snap = await read();
        if (stop.signal.aborted) return;
        h.snapshot(snap.kvs, synced);
        if (!synced) {
          synced = true;
          resolveReady();
        }
        await followFrom(snap.revision, () => { attempt = 0; });
      } catch (err) {
        if (!synced) rejectReady(err);
      }
      if (stop.signal.aborted) return;
      h.down?.();
      await t.clock.sleep(backoffDelay(attempt++, t.retryBaseMs, t.retryMaxMs, t.random), stop.signal).catch(() => undefined);
    }
  }

  /** Delivers events until the watch breaks (or close()); resolves then. */
  function followFrom(revision: string, onConnected: () => void): Promise<void> {
    const w = conn.watcher(range, (BigInt(revision) + 1n).toString());
    return new Promise<void>((resolve) => {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        stop.signal.removeEventListener('abort', end);
        // Not awaited: while etcd is down the cancel cannot be sent, and close() drops the stream anyway.
        w.cancel().catch(() => undefined);
        resolve();
      };
      w.on('connected', onConnected);
      w.on('put', (kv) => h.put({ key: kv.key.toString(), value: kv.value.toString() }));
      w.on('delete', (kv) => h.delete(kv.key.toString()));
      w.once('disconnected', end);
      // Cancelled by etcd (compaction, say): the listener also keeps the emitter from throwing.
      w.on('error', end);
      w.on('end', end);
      stop.signal.addEventListener('abort', end, { once: true });
    });
  }

  const done = loop();
  return {
    ready,
    async close() {
      stop.abort();
      await done;
    },
  };
}
