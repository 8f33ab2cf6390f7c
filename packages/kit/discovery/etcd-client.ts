// The slice of etcd the registry uses, over the etcd3 package, with every driver error turned
// into a SurgeError here, at the edge. Nothing outside this file touches etcd3 types.
import { Etcd3, EtcdLeaseInvalidError, isRecoverableError, type IOptions, type Watcher as EtcdWatcher } from 'etcd3';
import type { Clock } from '#kit/clock';
import { Code, SurgeError, errors } from '#kit/errors';
import type { ResolvedEtcdRegistryOptions } from './options.js';

export interface Kv { key: string; value: string }

/** Raised inside the module when etcd no longer knows a lease; the session then takes a new one. */
export function leaseLost(cause?: unknown): SurgeError {
  return new SurgeError(Code.FailedPrecondition, 'the etcd lease expired or was revoked', { details: { dependency: 'etcd', reason: 'lease-lost' }, cause });
}

export function isLeaseLost(err: unknown): boolean {
  return err instanceof SurgeError && err.details?.reason === 'lease-lost';
}

/** Driver error → SurgeError: a lost lease is its own case; everything else means etcd is not serving us. */
export function translate(err: unknown): SurgeError {
  if (err instanceof SurgeError) return err;
  if (err instanceof EtcdLeaseInvalidError) return leaseLost(err);
  return errors.unavailable('etcd', err);
}

async function edge<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translate(err);
  }
}

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;
type PolicyFn = (ctx: { signal: AbortSignal }) => unknown;

// etcd3's defaults: a global policy that retries three times, and a host breaker that stays open
// 5 s after three failures. Both delay noticing that etcd is back; the registry has its own
// back-off. So, with one host: no retry, no breaker. With several: a call that failed on one
// member is tried once on each other member, and a failed member is skipped for a short while.
const recoverable = (err: unknown) => typeof err === 'object' && err !== null && isRecoverableError(err as Error);
const context = () => ({ signal: new AbortController().signal });

function acrossMembers(attempts: number): Policy {
  return {
    async execute(fn: PolicyFn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(context());
        } catch (err) {
          if (attempt >= attempts || !recoverable(err)) throw err;
        }
      }
    },
  } as unknown as Policy;
}

function hostPolicy(clock: Clock, skipMs: number): Policy {
  let downUntil = -Infinity;
  return {
    execute(fn: PolicyFn) {
      if (clock.monotonic() < downUntil) return Promise.reject(new Error('etcd member skipped after a recent failure'));
      return Promise.resolve().then(() => fn(context())).then(
        (value) => { downUntil = -Infinity; return value; },
        (err: unknown) => {
          if (recoverable(err)) downUntil = clock.monotonic() + skipMs;
          throw err;
        },
      );
    },
  } as unknown as Policy;
}

export class EtcdConnection {
  readonly client: Etcd3;
  private readonly timeoutMs: number;

  constructor(o: ResolvedEtcdRegistryOptions) {
    this.timeoutMs = o.requestTimeoutMs;
    this.client = new Etcd3({
      hosts: o.hosts,
      dialTimeout: o.requestTimeoutMs,
      // grpc deadlines are real wall-clock dates, not the injected clock. Streams get none (watches live long).
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: new Date(Date.now() + o.requestTimeoutMs) }),
      faultHandling: { host: () => hostPolicy(o.clock, o.hosts.length > 1 ? o.retryMaxMs : 0), global: acrossMembers(o.hosts.length) },
      // Finds a silently dead connection (a cut network sends no RST); etcd refuses pings under 5 s apart.
      grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000 },
    });
  }

  range(prefix: string): Promise<{ revision: string; kvs: Kv[] }> {
    return edge(async () => {
      const res = await this.client.getAll().prefix(prefix).exec();
      return { revision: res.header.revision, kvs: res.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString() })) };
    });
  }

  /** Just the one key, as a range so the snapshot carries the revision to watch from. */
  rangeKey(key: string): Promise<{ revision: string; kvs: Kv[] }> {
    return edge(async () => {
      const res = await this.client.kv.range({ key: Buffer.from(key) });
      return { revision: res.header.revision, kvs: res.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString() })) };
    });
  }

  /**
   * Grants a lease under an id we choose below 2^53: etcd picks 63-bit ids, and protobufjs
   * without Long support decodes int64 through a double, which rounds them to a lease that does
   * not exist. A chosen id round-trips exactly; a clash (etcd says it exists) just draws again.
   */
  grant(ttlSeconds: number, random: () => number): Promise<string> {
    return edge(async () => {
      for (let attempt = 0; ; attempt++) {
        const id = String(1 + Math.floor(random() * (Number.MAX_SAFE_INTEGER - 1)));
        try {
          await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: id });
          return id;
        } catch (err) {
          if (attempt >= 3 || !String((err as Error)?.message).includes('lease already exists')) throw err;
        }
      }
    });
  }

  revoke(leaseId: string): Promise<void> {
    return edge(async () => {
      try {
        await this.client.leaseClient.leaseRevoke({ ID: leaseId });
      } catch (err) {
        if (!(err instanceof EtcdLeaseInvalidError)) throw err; // already gone: what we wanted
      }
    });
  }

  /** One keep-alive round trip; throws lease-lost when etcd answers that the lease is gone. */
  keepAlive(leaseId: string): Promise<void> {
    return edge(async () => {
      const stream = await this.client.leaseClient.leaseKeepAlive({ deadline: new Date(Date.now() + this.timeoutMs) });
      try {
        const res = await new Promise<{ TTL: string }>((resolve, reject) => {
          stream.on('data', resolve);
          stream.on('error', reject);
          stream.write({ ID: leaseId });
        });
        if (res.TTL === '0') throw leaseLost();
      } finally {
        stream.end();
      }
    });
  }

  put(key: string, value: string, leaseId: string): Promise<void> {
    return edge(async () => {
      await this.client.put(key).value(value).lease(leaseId).exec();
    });
  }

  /**
   * Writes key = value on the lease if the key is absent or already holds value (the same owner
   * coming back). Resolves true when written, false when another owner holds it.
   */
  claim(key: string, value: string, leaseId: string): Promise<boolean> {
    return edge(async () => {
      const created = await this.client.if(key, 'Create', '==', 0).then(this.client.put(key).value(value).lease(leaseId)).commit();
      if (created.succeeded) return true;
      const mine = await this.client.if(key, 'Value', '==', value).then(this.client.put(key).value(value).lease(leaseId)).commit();
      return mine.succeeded;
    });
  }

  /** Deletes key only while it still holds value, so a release never frees someone else's claim. */
  deleteIfValue(key: string, value: string): Promise<void> {
    return edge(async () => {
      await this.client.if(key, 'Value', '==', value).then(this.client.delete().key(key)).commit();
    });
  }

  status(): Promise<void> {
    return edge(async () => {
      await this.client.maintenance.status({ deadline: new Date(Date.now() + this.timeoutMs) });
    });
  }

  /** A raw etcd3 watcher (etcd-watch.ts owns its lifecycle). */
  watcher(range: { prefix: string } | { key: string }, startRevision: string): EtcdWatcher {
    const b = this.client.watch();
    if ('prefix' in range) b.prefix(range.prefix);
    else b.key(range.key);
    return b.startRevision(startRevision).watcher();
  }

  close(): void {
    this.client.close();
  }
}
