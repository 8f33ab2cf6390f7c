// The in-process table behind the memory registry: what etcd holds in distributed mode (instances
// by service, worker ids by service), with change notifications. One table can back several
// registries, each standing for one "process".
import { byId, type Instance } from './types.js';

export interface MemoryTable {
  put(instance: Instance): void;
  remove(service: string, id: string): void;
  list(service?: string): Instance[];
  /** Takes worker number n for instanceId if it is free (or already theirs). */
  claim(service: string, n: number, instanceId: string): boolean;
  /** Frees n if instanceId holds it. */
  unclaim(service: string, n: number, instanceId: string): void;
  /** The number instanceId holds in service, if any. */
  claimedBy(service: string, instanceId: string): number | undefined;
  /** fn runs (in a microtask) after any change to the service's instances. */
  subscribe(service: string, fn: () => void): () => void;
}

export function createMemoryTable(): MemoryTable {
  const instances = new Map<string, Map<string, Instance>>();
  const workers = new Map<string, Map<number, string>>();
  const subscribers = new Map<string, Set<() => void>>();

  const notify = (service: string) => {
    for (const fn of subscribers.get(service) ?? []) queueMicrotask(fn);
  };
  const workerMap = (service: string) => {
    let m = workers.get(service);
    if (!m) workers.set(service, (m = new Map()));
    return m;
  };

  return {
    put(instance) {
      let m = instances.get(instance.service);
      if (!m) instances.set(instance.service, (m = new Map()));
      m.set(instance.id, instance);
      notify(instance.service);
    },
    remove(service, id) {
      if (instances.get(service)?.delete(id)) notify(service);
    },
    list(service) {
      const maps = service === undefined ? [...instances.values()] : [instances.get(service) ?? new Map<string, Instance>()];
      return maps.flatMap((m) => [...m.values()]).sort(byId);
    },
    claim(service, n, instanceId) {
      const m = workerMap(service);
      const holder = m.get(n);
      if (holder !== undefined && holder !== instanceId) return false;
      m.set(n, instanceId);
      return true;
    },
    unclaim(service, n, instanceId) {
      const m = workers.get(service);
      if (m?.get(n) === instanceId) m.delete(n);
    },
    claimedBy(service, instanceId) {
      for (const [n, holder] of workers.get(service) ?? []) if (holder === instanceId) return n;
      return undefined;
    },
    subscribe(service, fn) {
      let set = subscribers.get(service);
      if (!set) subscribers.set(service, (set = new Set()));
      set.add(fn);
      return () => set.delete(fn);
    },
  };
}
