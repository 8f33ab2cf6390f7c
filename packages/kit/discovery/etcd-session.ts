// One instance's lease and the keys held on it (its registration, its worker id), kept alive
// forever until deregistered. The loop, every TTL/3 (the keep-alive period etcd's own clients use):
//   - no lease (first start, or etcd said it is gone: restarted without data, or a cut longer
//     than the TTL) → grant a new one and write every key on it;
//   - a key was deleted (its own watch saw it) or keep-alives were failing → confirm the lease,
//     then write every key again;
//   - otherwise one keep-alive.
// Failures back off exponentially with jitter, capped, and the loop never gives up.
import { Code, SurgeError, errors } from '#kit/errors';
import { isLeaseLost, type EtcdConnection } from './etcd-client.js';
import { watchRange, type RangeWatch } from './etcd-watch.js';
import { backoffDelay, type ResolvedEtcdRegistryOptions } from './options.js';

interface HeldKey {
  key: string;
  value: string;
  /** put: always ours. claim: ours only if absent or already holding value (a worker id). */
  kind: 'put' | 'claim';
  written: () => void;
  /** A claim another owner took while our lease was gone. */
  onLost: () => void;
  watch: RangeWatch;
}

export class LeaseSession {
  private leaseId: string | undefined;
  private readonly keys = new Map<string, HeldKey>();
  private dirty = false;
  private readonly stopper = new AbortController();
  private napper: AbortController | undefined;
  private leaseWaiters: (() => void)[] = [];
  private readonly done: Promise<void>;

  constructor(private readonly conn: EtcdConnection, private readonly o: ResolvedEtcdRegistryOptions) {
    this.done = this.loop();
  }

  get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  get size(): number {
    return this.keys.size;
  }

  holds(key: string): boolean {
    return this.keys.has(key);
  }

  /** Holds key = value on the lease from now on; resolves once it is first written. */
  hold(key: string, value: string, kind: 'put' | 'claim', onLost: () => void = () => undefined, alreadyWritten = false): Promise<void> {
    let written!: () => void;
    const first = new Promise<void>((resolve) => { written = resolve; });
    const watch = watchRange(this.conn, { key }, {
      snapshot: (kvs) => { if (!kvs.some((kv) => kv.key === key && kv.value === value)) this.repair(); },
      put: (kv) => { if (kv.value !== value) this.repair(); },
      delete: () => this.repair(),
    }, this.o);
    this.keys.set(key, { key, value, kind, written, onLost, watch });
    if (alreadyWritten) written();
    else this.repair();
    return first;
  }

  /** Stops holding key (does not delete it: the caller does, conditionally). */
  async drop(key: string): Promise<void> {
    const k = this.keys.get(key);
    if (!k) return;
    this.keys.delete(key);
    await k.watch.close();
  }

  /** The current lease, waiting up to requestTimeoutMs for one to be granted. */
  async lease(): Promise<string> {
    if (this.leaseId !== undefined) return this.leaseId;
    if (this.stopped) throw new SurgeError(Code.FailedPrecondition, 'the registration was closed');
    await new Promise<void>((resolve) => {
      const timer = this.o.clock.after(this.o.requestTimeoutMs, resolve);
      this.leaseWaiters.push(() => { timer.cancel(); resolve(); });
    });
    if (this.leaseId === undefined) throw errors.unavailable('etcd');
    return this.leaseId;
  }

  /** Something looks off with our keys: write them all again now. */
  repair(): void {
    this.dirty = true;
    this.napper?.abort();
  }

  /** Stops the loop and the watches, then revokes the lease so every key goes at once. */
  async revoke(): Promise<void> {
    const id = await this.stop();
    if (id !== undefined) await this.conn.revoke(id);
  }

  /** Stops without revoking: the keys expire after the TTL, as when a process dies. */
  async abandon(): Promise<void> {
    await this.stop();
  }

  private async stop(): Promise<string | undefined> {
    if (!this.stopped) {
      this.stopper.abort();
      this.napper?.abort();
    }
    await this.done; // no write can land after this, so a revoke that follows is final
    await Promise.all([...this.keys.values()].map((k) => k.watch.close()));
    this.keys.clear();
    const id = this.leaseId;
    this.leaseId = undefined;
    return id;
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    let failing = false;
    while (!this.stopped) {
      try {
        if (this.leaseId === undefined) {
          this.leaseId = await this.conn.grant(this.o.leaseTtlSeconds, this.o.random);
          for (const wake of this.leaseWaiters.splice(0)) wake();
          await this.writeAll(this.leaseId);
        } else {
          await this.conn.keepAlive(this.leaseId);
          if (this.dirty || failing) await this.writeAll(this.leaseId);
        }
        failing = false;
        attempt = 0;
        await this.nap((this.o.leaseTtlSeconds * 1000) / 3);
      } catch (err) {
        if (this.stopped) break;
        if (isLeaseLost(err)) {
          this.leaseId = undefined; // grant a new one at once; back off only if that keeps happening
          if (attempt++ === 0) continue;
        } else {
          failing = true;
          attempt++;
        }
        await this.nap(backoffDelay(attempt - 1, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random));
      }
    }
  }

  private async writeAll(leaseId: string): Promise<void> {
    this.dirty = false;
    for (const k of [...this.keys.values()]) {
      if (this.stopped) return;
      if (k.kind === 'put') {
        await this.conn.put(k.key, k.value, leaseId);
      } else if (!(await this.conn.claim(k.key, k.value, leaseId))) {
        await this.drop(k.key);
        k.onLost();
        continue;
      }
      k.written();
    }
  }

  /** Sleeps ms, or less if repair() or stop() is called (a repair asked for during a write is not lost). */
  private async nap(ms: number): Promise<void> {
    if (this.dirty || this.stopped) return;
    this.napper = new AbortController();
    await this.o.clock.sleep(ms, this.napper.signal).catch(() => undefined);
    this.napper = undefined;
  }
}
