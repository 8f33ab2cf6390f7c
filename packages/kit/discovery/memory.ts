// Embedded registry: an in-process table with the etcd registry's semantics. Each instance's
// entries (its registration and worker id) behave as if held on a lease: deregister drops them at
// once; close() without deregister lets them expire after the lease TTL, like a dead process.
import type { Timer } from '#kit/clock';
import { Code, SurgeError, errors } from '#kit/errors';
import { createMemoryTable, type MemoryTable } from './memory-table.js';
import { resolveMemoryRegistryOptions, type MemoryRegistryOptions } from './options.js';
import {
  checkInstance, checkMaxWorkerId, checkServiceName, sameList,
  type Instance, type Registration, type Registry, type Watcher, type WorkerClaim,
} from './types.js';

/** What one instance holds in the table; dropped together, like keys on one lease. */
interface Held {
  service: string;
  instanceId: string;
  registered: boolean;
  worker: number | undefined;
  expiry: Timer | undefined;
}

export function createMemoryRegistry(options: MemoryRegistryOptions = {}): Registry {
  const o = resolveMemoryRegistryOptions(options);
  const table: MemoryTable = o.table ?? createMemoryTable();
  const held = new Map<string, Held>();
  const watchers = new Set<Watcher>();
  let closed = false;

  const keyOf = (service: string, instanceId: string) => `${service}/${instanceId}`;
  const ensureOpen = () => {
    if (closed) throw new SurgeError(Code.FailedPrecondition, 'the registry is closed');
  };
  const holdFor = (service: string, instanceId: string): Held => {
    const k = keyOf(service, instanceId);
    let h = held.get(k);
    if (!h) held.set(k, (h = { service, instanceId, registered: false, worker: undefined, expiry: undefined }));
    return h;
  };
  const drop = (h: Held) => {
    h.expiry?.cancel();
    held.delete(keyOf(h.service, h.instanceId));
    if (h.registered) table.remove(h.service, h.instanceId);
    if (h.worker !== undefined) table.unclaim(h.service, h.worker, h.instanceId);
    h.registered = false;
    h.worker = undefined;
  };

  return {
    async register(input) {
      ensureOpen();
      const instance = checkInstance(input);
      const h = holdFor(instance.service, instance.id);
      if (h.registered) throw new SurgeError(Code.AlreadyExists, `instance ${instance.id} of ${instance.service} is already registered here`);
      h.registered = true;
      table.put(instance);
      let done = false;
      const registration: Registration = {
        instance,
        ready: Promise.resolve(),
        async deregister() {
          if (done) return;
          done = true;
          if (held.get(keyOf(h.service, h.instanceId)) === h) drop(h);
        },
      };
      return registration;
    },

    async watch(service, onChange) {
      ensureOpen();
      checkServiceName(service);
      let last = table.list(service);
      let open = true;
      const unsubscribe = table.subscribe(service, () => {
        if (!open) return;
        const next = table.list(service);
        if (sameList(last, next)) return;
        last = next;
        onChange(next);
      });
      const watcher: Watcher = {
        current: () => last,
        async close() {
          open = false;
          unsubscribe();
          watchers.delete(watcher);
        },
      };
      watchers.add(watcher);
      onChange(last);
      return watcher;
    },

    async list(service) {
      ensureOpen();
      if (service !== undefined) checkServiceName(service);
      return table.list(service);
    },

    async claimWorkerId(service, instanceId, max) {
      ensureOpen();
      checkServiceName(service);
      checkMaxWorkerId(max);
      const h = holdFor(service, instanceId);
      let n = h.worker ?? table.claimedBy(service, instanceId);
      if (n === undefined) {
        for (let i = 0; i <= max && n === undefined; i++) if (table.claim(service, i, instanceId)) n = i;
      }
      if (n === undefined) {
        if (!h.registered) held.delete(keyOf(service, instanceId));
        throw new SurgeError(Code.FailedPrecondition, `every worker id 0..${max} of ${service} is taken`, { details: { service, max } });
      }
      h.worker = n;
      const workerId = n;
      const claim: WorkerClaim = {
        workerId,
        lost: new AbortController().signal, // one process: nobody can take it while this one lives
        async release() {
          if (h.worker !== workerId) return;
          table.unclaim(service, workerId, instanceId);
          h.worker = undefined;
          if (!h.registered) held.delete(keyOf(service, instanceId));
        },
      };
      return claim;
    },

    async ping() {
      if (closed) throw errors.unavailable('registry');
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const w of [...watchers]) await w.close();
      // Not deregistered: the entries outlive this "process" by one lease TTL, as in etcd.
      for (const h of held.values()) h.expiry = o.clock.after(o.leaseTtlSeconds * 1000, () => drop(h));
    },
  };
}
