// The behaviour every Registry must show. Run by memory.test.ts and etcd.test.ts; the etcd-only
// fault cases (etcd restarted, keys deleted, network cut) live in etcd-faults.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import type { Instance, Registry } from './index.js';

export interface RegistryHarness {
  /** A new client of the same registry: one per "process". */
  connect(): Registry;
  /** The lease TTL the clients were given. */
  ttlMs: number;
  /** Lets ms pass: a manual clock advances, a real server is waited for. */
  passTime(ms: number): Promise<void>;
  /** Unique per test, so parallel runs on a shared server never meet. */
  service: string;
  cleanup(): Promise<void>;
}

export function instance(service: string, id: string, port = 7000): Instance {
  return { service, id, host: '127.0.0.1', framedPort: port, grpcPort: port + 1, pid: 4242, meta: { zone: 'a' } };
}

/** Passes time in steps until check() holds; returns the time it took, fails past budgetMs. */
export async function eventually(h: RegistryHarness, check: () => boolean | Promise<boolean>, budgetMs: number, stepMs = 50): Promise<number> {
  for (let spent = 0; spent <= budgetMs; spent += stepMs) {
    if (await check()) return spent;
    await h.passTime(stepMs);
  }
  throw new Error(`condition not met within ${budgetMs} ms`);
}

const ids = (list: Instance[]) => list.map((i) => i.id);

export function registrySuite(label: string, makeHarness: () => Promise<RegistryHarness>): void {
  describe(`registry behaviour: ${label}`, () => {
    let h: RegistryHarness | undefined;
    const harness = async () => (h = await makeHarness());
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('register → list and a second client\'s watch see it; deregister → gone at once, not after the TTL', async () => {
      const h = await harness();
      const server = h.connect();
      const client = h.connect();
      const seen: string[][] = [];
      const watcher = await client.watch(h.service, (list) => seen.push(ids(list)));
      expect(seen).toEqual([[]]); // the initial list, empty and true

      const reg = await server.register(instance(h.service, 'a'));
      await reg.ready;
      expect(reg.instance.id).toBe('a');
      await eventually(h, () => ids(watcher.current()).includes('a'), 2000);
      expect(await client.list(h.service)).toEqual([instance(h.service, 'a')]);
      expect((await client.list()).filter((i) => i.service === h.service)).toHaveLength(1);

      await reg.deregister();
      const took = await eventually(h, () => watcher.current().length === 0, h.ttlMs);
      expect(took).toBeLessThan(h.ttlMs / 2); // revoked, not expired
      expect(await client.list(h.service)).toEqual([]);
      expect(seen.at(-1)).toEqual([]);
    });

    it('two instances → the watch sees both; one dies without deregistering → removed after the TTL', async () => {
      const h = await harness();
      const p1 = h.connect();
      const p2 = h.connect();
      const client = h.connect();
      const watcher = await client.watch(h.service, () => undefined);
      await (await p1.register(instance(h.service, 'a', 7000))).ready;
      await (await p2.register(instance(h.service, 'b', 7100))).ready;
      await eventually(h, () => watcher.current().length === 2, 2000);
      expect(ids(watcher.current())).toEqual(['a', 'b']);

      await p2.close(); // the process dies: no deregister
      await h.passTime(h.ttlMs / 4);
      expect(ids(watcher.current())).toEqual(['a', 'b']); // still leased
      const took = await eventually(h, () => watcher.current().length === 1, h.ttlMs * 2 + 2000, 100);
      expect(took + h.ttlMs / 4).toBeGreaterThanOrEqual(h.ttlMs / 2);
      expect(ids(watcher.current())).toEqual(['a']);
      expect(ids(await client.list(h.service))).toEqual(['a']);
    });

    it('the watch callback gets the full list on every change', async () => {
      const h = await harness();
      const server = h.connect();
      const lists: string[][] = [];
      await h.connect().watch(h.service, (list) => lists.push(ids(list)));
      const regs = [];
      for (const id of ['c', 'a', 'b']) regs.push(await server.register(instance(h.service, id)));
      await eventually(h, () => lists.at(-1)?.length === 3, 2000);
      expect(lists.at(-1)).toEqual(['a', 'b', 'c']); // sorted, complete
      await regs[0]!.deregister();
      await eventually(h, () => lists.at(-1)?.length === 2, 2000);
      expect(lists.at(-1)).toEqual(['a', 'b']);
    });

    it('20 concurrent worker-id claims → 20 distinct ids; the same instance gets its number back; over max is refused', async () => {
      const h = await harness();
      const clients = [h.connect(), h.connect(), h.connect(), h.connect()];
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 4]!.claimWorkerId(h.service, `i${i}`, 127)));
      const numbers = claims.map((c) => c.workerId);
      expect(new Set(numbers).size).toBe(20);
      expect(numbers.every((n) => Number.isInteger(n) && n >= 0 && n <= 127)).toBe(true);
      expect(Math.max(...numbers)).toBe(19); // small: the lowest free numbers
      const again = await clients[1]!.claimWorkerId(h.service, 'i1', 127);
      expect(again.workerId).toBe(claims[1]!.workerId);
      const full = h.connect();
      const err = await full.claimWorkerId(h.service, 'late', 19).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SurgeError);
      expect((err as SurgeError).code).toBe(Code.FailedPrecondition);
      expect(claims.every((c) => !c.lost.aborted)).toBe(true);
    });

    it('a worker id is freed by release(), by deregister, and by the lease expiring', async () => {
      const h = await harness();
      const p1 = h.connect();
      const other = h.connect();
      const a = await p1.claimWorkerId(h.service, 'a', 2);
      const regB = await p1.register(instance(h.service, 'b'));
      const b = await p1.claimWorkerId(h.service, 'b', 2);
      const c = await p1.claimWorkerId(h.service, 'c', 2);
      expect([a.workerId, b.workerId, c.workerId].sort()).toEqual([0, 1, 2]);
      await expect(other.claimWorkerId(h.service, 'x', 2)).rejects.toMatchObject({ code: Code.FailedPrecondition });

      await a.release();
      expect((await other.claimWorkerId(h.service, 'x', 2)).workerId).toBe(a.workerId);

      await regB.deregister(); // the registration's lease held b's worker id too
      expect((await other.claimWorkerId(h.service, 'y', 2)).workerId).toBe(b.workerId);
      await b.release(); // a no-op now, and it must not free y's claim
      await expect(h.connect().claimWorkerId(h.service, 'z', 2)).rejects.toMatchObject({ code: Code.FailedPrecondition });

      await p1.close(); // c's process dies
      const late = h.connect();
      const took = await eventually(h, async () => {
        const z = await late.claimWorkerId(h.service, 'z', 2).catch(() => undefined);
        return z?.workerId === c.workerId;
      }, h.ttlMs * 2 + 2000, 200);
      expect(took).toBeGreaterThanOrEqual(h.ttlMs / 2);
    });

    it('rejects bad input at the door, naming the field, and a second registration of the same instance', async () => {
      const h = await harness();
      const r = h.connect();
      for (const [bad, field] of [
        [{ ...instance(h.service, 'a'), id: 'a/b' }, 'instance.id'],
        [{ ...instance(h.service, 'a'), service: '' }, 'instance.service'],
        [{ ...instance(h.service, 'a'), framedPort: 70000 }, 'instance.framedPort'],
        [{ ...instance(h.service, 'a'), pid: -1 }, 'instance.pid'],
      ] as const) {
        await expect(r.register(bad as Instance)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field } });
      }
      await expect(r.claimWorkerId(h.service, 'a', -1)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'max' } });
      await r.register(instance(h.service, 'a'));
      await expect(r.register(instance(h.service, 'a'))).rejects.toMatchObject({ code: Code.AlreadyExists });
      await r.ping();
    });
  });
}
