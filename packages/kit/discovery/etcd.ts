// Distributed registry over etcd. Keys:
//   <prefix>services/<service>/<instanceId> → JSON of the Instance, on the instance's lease
//   <prefix>workers/<service>/<n>           → instanceId, on the same lease (created only if absent)
// Each instance's lease lives in a LeaseSession that puts its keys back by itself when the lease
// or a key is lost (etcd-session.ts); watchers resync after outages (etcd-watch.ts) and keep
// their last list meanwhile (service-watch.ts).
import { Code, SurgeError } from '#kit/errors';
import { EtcdConnection } from './etcd-client.js';
import { LeaseSession } from './etcd-session.js';
import { resolveEtcdRegistryOptions, type EtcdRegistryOptions } from './options.js';
import { watchService } from './service-watch.js';
import {
  byId, checkInstance, checkMaxWorkerId, checkServiceName, parseInstance,
  type Instance, type Registration, type Registry, type Watcher, type WorkerClaim,
} from './types.js';

export function connectEtcdRegistry(options: EtcdRegistryOptions = {}): Registry {
  const o = resolveEtcdRegistryOptions(options);
  const conn = new EtcdConnection(o);
  const sessions = new Map<string, LeaseSession>();
  const watchers = new Set<Watcher>();
  const pendingReady = new Set<(err: SurgeError) => void>();
  let closed = false;

  const serviceKey = (service: string, id: string) => `${o.prefix}services/${service}/${id}`;
  const workerPrefix = (service: string) => `${o.prefix}workers/${service}/`;
  const sessionName = (service: string, id: string) => `${service}/${id}`;
  const ensureOpen = () => {
    if (closed) throw new SurgeError(Code.FailedPrecondition, 'the registry is closed');
  };
  const sessionFor = (service: string, id: string): LeaseSession => {
    let s = sessions.get(sessionName(service, id));
    if (!s) sessions.set(sessionName(service, id), (s = new LeaseSession(conn, o)));
    return s;
  };
  /** Revokes when nothing is held on it any more, so a released claim does not keep a lease alive. */
  const releaseIfEmpty = async (service: string, id: string, s: LeaseSession) => {
    if (s.size > 0 || sessions.get(sessionName(service, id)) !== s) return;
    sessions.delete(sessionName(service, id));
    // If etcd cannot take the revoke now, the lease runs out by itself within the TTL.
    await s.revoke().catch(() => undefined);
  };

  return {
    async register(input) {
      ensureOpen();
      const instance = checkInstance(input);
      const key = serviceKey(instance.service, instance.id);
      const s = sessionFor(instance.service, instance.id);
      if (s.holds(key)) throw new SurgeError(Code.AlreadyExists, `instance ${instance.id} of ${instance.service} is already registered here`);
      let cancel!: (err: SurgeError) => void;
      const cancelled = new Promise<never>((_, reject) => { cancel = reject; });
      pendingReady.add(cancel);
      const ready = Promise.race([s.hold(key, JSON.stringify(instance), 'put'), cancelled]).finally(() => pendingReady.delete(cancel));
      ready.catch(() => undefined); // rejects only when cancelled; awaiting it is optional
      let done = false;
      const registration: Registration = {
        instance,
        ready,
        async deregister() {
          if (done) return;
          done = true;
          cancel(new SurgeError(Code.Cancelled, 'deregistered before the first write'));
          if (sessions.get(sessionName(instance.service, instance.id)) === s) sessions.delete(sessionName(instance.service, instance.id));
          await s.revoke(); // first: clients stop sending; the caller drains afterwards
        },
      };
      return registration;
    },

    async watch(service, onChange) {
      ensureOpen();
      checkServiceName(service);
      const w = await watchService(conn, `${o.prefix}services/${service}/`, onChange, o);
      const watcher: Watcher = {
        current: () => w.current(),
        async close() {
          watchers.delete(watcher);
          await w.close();
        },
      };
      watchers.add(watcher);
      return watcher;
    },

    async list(service) {
      ensureOpen();
      if (service !== undefined) checkServiceName(service);
      const { kvs } = await conn.range(service === undefined ? `${o.prefix}services/` : `${o.prefix}services/${service}/`);
      return kvs.map((kv) => parseInstance(kv.value)).filter((i): i is Instance => i !== null).sort(byId);
    },

    async claimWorkerId(service, instanceId, max) {
      ensureOpen();
      checkServiceName(service);
      checkServiceName(instanceId);
      checkMaxWorkerId(max);
      const s = sessionFor(service, instanceId);
      try {
        const leaseId = await s.lease();
        const { kvs } = await conn.range(workerPrefix(service));
        const holders = new Map(kvs.map((kv) => [Number(kv.key.slice(workerPrefix(service).length)), kv.value]));
        const mine = [...holders].find(([, holder]) => holder === instanceId)?.[0];
        // Our own number first (a restart under the same id), then free numbers in order.
        const candidates = mine !== undefined ? [mine] : [];
        for (let n = 0; n <= max; n++) if (!holders.has(n)) candidates.push(n);
        for (const n of candidates) {
          const key = `${workerPrefix(service)}${n}`;
          if (!(await conn.claim(key, instanceId, leaseId))) continue; // taken meanwhile: next
          return claimHandle(service, instanceId, n, key, s);
        }
      } catch (err) {
        await releaseIfEmpty(service, instanceId, s);
        throw err;
      }
      await releaseIfEmpty(service, instanceId, s);
      throw new SurgeError(Code.FailedPrecondition, `every worker id 0..${max} of ${service} is taken`, { details: { service, max } });
    },

    async ping() {
      ensureOpen();
      await conn.status();
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const cancel of pendingReady) cancel(new SurgeError(Code.Cancelled, 'registry closed before the first write'));
      await Promise.all([...watchers].map((w) => w.close()));
      // Not deregistered: the keys expire after the TTL, as if this process had died.
      await Promise.all([...sessions.values()].map((s) => s.abandon()));
      sessions.clear();
      conn.close();
    },
  };

  function claimHandle(service: string, instanceId: string, workerId: number, key: string, s: LeaseSession): WorkerClaim {
    const lost = new AbortController();
    void s.hold(key, instanceId, 'claim', () => lost.abort(new SurgeError(Code.FailedPrecondition, `worker id ${workerId} of ${service} was taken by another instance`)), true);
    return {
      workerId,
      lost: lost.signal,
      async release() {
        if (s.stopped || !s.holds(key)) return; // deregistered: the revoke freed it
        await s.drop(key);
        await conn.deleteIfValue(key, instanceId);
        await releaseIfEmpty(service, instanceId, s);
      },
    };
  }
}
