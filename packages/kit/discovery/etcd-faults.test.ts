// The failures users hit in production, against an etcd this file starts, stops, wipes and cuts
// off: keys deleted by an operator, etcd restarted (with and without its data), a network cut
// longer than the lease TTL. Instances must come back by themselves; watchers must never go empty.
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireEtcdBinary, startEtcd, startTcpProxy, type TestEtcd, type TcpProxy } from '#kit/testing';
import { connectEtcdRegistry, type EtcdRegistryOptions, type Instance, type Registry, type Watcher } from './index.js';

const hasEtcd = await requireEtcdBinary();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const TTL_MS = 2000;

function inst(id: string): Instance {
  return { service: 'svc', id, host: '127.0.0.1', framedPort: 7000, grpcPort: 7001, pid: 1 };
}

/** Polls until check() holds; returns the ms it took. Bounded. */
async function within(budgetMs: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 <= budgetMs) {
    if (await check()) return Date.now() - t0;
    await sleep(50);
  }
  throw new Error(`condition not met within ${budgetMs} ms`);
}

describe.skipIf(!hasEtcd)('etcd registry under faults', () => {
  let etcd: TestEtcd;
  let raw: Etcd3; // the operator's etcdctl
  let open: { close(): Promise<void> }[] = [];
  let seq = 0;
  let prefix = '';

  beforeAll(async () => {
    etcd = await startEtcd();
    raw = new Etcd3({ hosts: etcd.endpoint });
  });
  afterAll(async () => {
    raw?.close();
    await etcd?.close();
  });
  afterEach(async () => {
    await Promise.all(open.map((c) => c.close()));
    open = [];
    if (!etcd.running) await etcd.start();
  });

  const connect = (o: EtcdRegistryOptions = {}): Registry => {
    const r = connectEtcdRegistry({ hosts: etcd.endpoint, prefix, leaseTtlSeconds: TTL_MS / 1000, retryBaseMs: 50, retryMaxMs: 500, ...o });
    open.push(r);
    return r;
  };
  const ids = (list: Instance[]) => list.map((i) => i.id).join(',');
  /** A watcher that records every list it is given. */
  async function recordingWatcher(r: Registry): Promise<{ w: Watcher; lists: string[] }> {
    const lists: string[] = [];
    const w = await r.watch('svc', (l) => lists.push(ids(l)));
    return { w, lists };
  }
  const rawGet = (id: string) => raw.get(`${prefix}services/svc/${id}`).string();

  it('a key deleted by an operator is put back within a few seconds, and watchers see it again', async () => {
    prefix = `/surge-fault/${process.pid}/${++seq}/`;
    const reg = await connect().register(inst('a'));
    await reg.ready;
    const { w } = await recordingWatcher(connect());
    await within(2000, () => ids(w.current()) === 'a');

    await raw.delete().key(`${prefix}services/svc/a`).exec();
    const back = await within(3000, async () => (await rawGet('a')) !== null);
    expect(back).toBeLessThan(TTL_MS); // repaired on the delete event, not by some slow timer
    expect(JSON.parse((await rawGet('a'))!)).toEqual(inst('a'));
    await within(2000, () => ids(w.current()) === 'a');
    // Still held on a live lease: it survives well past the TTL.
    await sleep(TTL_MS * 1.5);
    expect(await rawGet('a')).not.toBeNull();
  }, 20_000);

  for (const mode of ['same data dir', 'fresh data dir (all data lost)'] as const) {
    it(`etcd down ~5 s then back (${mode}): watchers never go empty, every instance is registered again`, async () => {
      prefix = `/surge-fault/${process.pid}/${++seq}/`;
      const p1 = connect();
      const p2 = connect();
      const a = await p1.register(inst('a'));
      const b = await p2.register(inst('b'));
      await Promise.all([a.ready, b.ready]);
      const claim = await p1.claimWorkerId('svc', 'a', 127);
      const { w, lists } = await recordingWatcher(connect());
      await within(2000, () => ids(w.current()) === 'a,b');
      const fromHere = lists.length;

      if (mode === 'same data dir') await etcd.stop();
      else await etcd.kill();
      const downUntil = Date.now() + 5000;
      while (Date.now() < downUntil) {
        expect(ids(w.current())).toBe('a,b'); // kept while etcd is unreachable
        await sleep(100);
      }
      await etcd.start({ freshData: mode !== 'same data dir' });

      // Registered again: a new client, which knows nothing from before, finds both.
      const fresh = connect();
      const took = await within(8000, async () => ids(await fresh.list('svc').catch(() => [])) === 'a,b');
      expect(took).toBeLessThan(6000);
      // The worker id came back with the lease, under the same number.
      await within(3000, async () => (await raw.get(`${prefix}workers/svc/${claim.workerId}`).string()) === 'a');
      expect(claim.lost.aborted).toBe(false);

      // The old watcher follows the new etcd: it sees an instance registered after the restart…
      const c = await connect().register(inst('c'));
      await c.ready;
      await within(3000, () => ids(w.current()) === 'a,b,c');
      const throughOutage = lists.slice(fromHere);
      // …and the instances' own key watches too: a delete after the restart is repaired.
      await raw.delete().key(`${prefix}services/svc/b`).exec();
      await within(3000, async () => (await rawGet('b')) !== null);

      // Past the TTL and the resync grace, all three are still there: live leases, not leftovers.
      await sleep(2 * TTL_MS + 500);
      expect(ids(await fresh.list('svc'))).toBe('a,b,c');
      expect(ids(w.current())).toBe('a,b,c');
      // Never an empty list, nor one missing a or b, at any callback from before the outage to after it.
      expect(throughOutage.every((l) => l.startsWith('a,b'))).toBe(true);
    }, 60_000);
  }

  it('a network cut longer than the TTL: the lease expires, the instance re-registers itself when the link is back, a worker id taken meanwhile is reported lost', async () => {
    prefix = `/surge-fault/${process.pid}/${++seq}/`;
    const [host, port] = etcd.endpoint.split(':') as [string, string];
    const proxy: TcpProxy = await startTcpProxy({ target: { host, port: Number(port) } });
    open.push(proxy);
    const cutOff = connect({ hosts: `127.0.0.1:${proxy.port}`, requestTimeoutMs: 1000 });
    const reg = await cutOff.register(inst('a'));
    await reg.ready;
    const claim = await cutOff.claimWorkerId('svc', 'a', 0);
    const behindProxy = await recordingWatcher(cutOff); // this client loses etcd too
    const direct = await recordingWatcher(connect());
    await within(2000, () => ids(direct.w.current()) === 'a' && ids(behindProxy.w.current()) === 'a');

    proxy.cut();
    // etcd drops the lease: clients that can reach etcd stop seeing the instance…
    await within(TTL_MS * 2 + 2000, () => direct.w.current().length === 0);
    // …while the cut-off client keeps its last list.
    expect(ids(behindProxy.w.current())).toBe('a');
    // Meanwhile another instance takes the only worker id, now free.
    const taken = await connect().claimWorkerId('svc', 'b', 0);
    expect(taken.workerId).toBe(claim.workerId);
    proxy.restore();

    const back = await within(6000, () => ids(direct.w.current()) === 'a');
    expect(back).toBeLessThan(5000);
    expect(behindProxy.lists.every((l) => l === 'a')).toBe(true);
    // The cut-off instance is told its worker id is gone, and does not steal it back.
    await within(3000, () => claim.lost.aborted);
    expect(await raw.get(`${prefix}workers/svc/${claim.workerId}`).string()).toBe('b');
    await sleep(TTL_MS * 1.5);
    expect(await rawGet('a')).not.toBeNull(); // on a new, living lease
  }, 40_000);

  it('deregister while etcd is down fails with Unavailable, and the instance does not come back later', async () => {
    prefix = `/surge-fault/${process.pid}/${++seq}/`;
    const reg = await connect({ requestTimeoutMs: 500 }).register(inst('a'));
    await reg.ready;
    await etcd.stop();
    await expect(reg.deregister()).rejects.toMatchObject({ code: 50301, details: { dependency: 'etcd' } });
    await etcd.start();
    // The key outlives the restart only until its lease runs out; nothing puts it back.
    await within(TTL_MS * 2 + 2000, async () => (await rawGet('a')) === null);
    await sleep(TTL_MS);
    expect(await rawGet('a')).toBeNull();
  }, 30_000);
});
