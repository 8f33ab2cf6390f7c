// The instances of one service as a client sees them, kept through etcd outages:
//   - while etcd is unreachable nothing changes (the last list is the best guess we have);
//   - when it answers again the list is re-read in full, but instances missing from it stay for
//     resyncGraceMs unless etcd reports them deleted: an etcd that lost its data comes back
//     empty, and the instances need a moment to put their keys back. Emptying the list then
//     would turn a registry restart into an outage of every service.
import type { Timer } from '#kit/clock';
import type { EtcdConnection } from './etcd-client.js';
import { watchRange } from './etcd-watch.js';
import type { ResolvedEtcdRegistryOptions } from './options.js';
import { byId, parseInstance, sameList, type Instance } from './types.js';

export interface ServiceView {
  current(): Instance[];
  close(): Promise<void>;
}

export async function watchService(
  conn: EtcdConnection,
  prefix: string,
  onChange: (instances: Instance[]) => void,
  o: ResolvedEtcdRegistryOptions,
): Promise<ServiceView> {
  let live = new Map<string, Instance>();
  const stale = new Map<string, Instance>();
  let grace: Timer | undefined;
  let last: Instance[] = [];
  let started = false;
  let open = true;

  const emit = () => {
    const next = [...live.values(), ...[...stale].filter(([k]) => !live.has(k)).map(([, i]) => i)].sort(byId);
    if (sameList(last, next)) return;
    last = next;
    if (started && open) onChange(next);
  };

  const rw = watchRange(conn, { prefix }, {
    snapshot(kvs, afterOutage) {
      const next = new Map<string, Instance>();
      for (const kv of kvs) {
        const inst = parseInstance(kv.value);
        if (inst) next.set(kv.key, inst);
      }
      if (afterOutage) {
        for (const [k, inst] of live) if (!next.has(k)) stale.set(k, inst);
        grace?.cancel();
        grace = o.clock.after(o.resyncGraceMs, () => {
          stale.clear();
          emit();
        });
      } else {
        stale.clear();
      }
      for (const k of next.keys()) stale.delete(k);
      live = next;
      emit();
    },
    put(kv) {
      const inst = parseInstance(kv.value);
      if (inst) live.set(kv.key, inst);
      else live.delete(kv.key);
      stale.delete(kv.key);
      emit();
    },
    delete(key) {
      live.delete(key);
      stale.delete(key); // etcd said so: this one is really gone
      emit();
    },
  }, o);

  try {
    await rw.ready;
  } catch (err) {
    await rw.close();
    throw err;
  }
  started = true;
  onChange(last);
  return {
    current: () => last,
    async close() {
      open = false;
      grace?.cancel();
      await rw.close();
    },
  };
}
