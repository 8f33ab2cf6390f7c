// The flash sale's "nothing lost" promise with every Surge process a process of its own (as
// `npm run up` runs them) on the real MariaDB, NATS and etcd, and the sale stock in a Redis of
// the test's own started from deploy/redis/seckill.conf. While buyers race for the units, the
// seckill process, the order process and the gateway are each killed (SIGKILL) and started
// again, and Redis is killed and restarted on its files. Every ticket a buyer was answered
// "reserved" becomes exactly one order; exactly the sale's units are ordered (a reservation whose
// answer was lost in a crash is ordered too, never twice), nobody passes the limit, and the
// product's stock agrees.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit } from '#kit/mapreduce';
import { clusterServersReady, startCluster, type Cluster } from './cluster.js';
import { checkpoints } from './checkpoints.js';
import { httpCaller } from './http-caller.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

const ready = await clusterServersReady();
const MALL = '/api/v1/mall';
const root = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!ready)('flash sale: nothing lost when processes die (separate processes)', () => {
  let cluster: Cluster;
  let redis: PrivateRedis;
  let base = '';
  let seq = 0;
  const call = httpCaller(() => base);
  const signUp = async () => {
    const r = await call('POST', '/api/v1/users/register', { body: { username: `f${cluster.tag}${seq++}`, password: 'secret123' } });
    expect(r.status).toBe(201);
    return r.body as { id: number; token: string };
  };
  let admin: { id: number; token: string };

  beforeAll(async () => {
    redis = await startPrivateRedis(`${root}deploy/redis/seckill.conf`);
    cluster = await startCluster({
      services: { user: 1, product: 1, cart: 1, order: 1, pay: 1, reply: 1, seckill: 1 },
      env: {
        SURGE__limits__loginPerIp__quota: '100000',
        SURGE__seckill__redisUrls: JSON.stringify([redis.url]),
        SURGE__seckill__claimIdleMs: '2000',
        SURGE__seckill__orderBatchSize: '20',
        SURGE__seckill__buysPerUserPerSecond: '1000',
      },
    });
    base = cluster.base;
    admin = await signUp();
    execFileSync(process.execPath, ['dist/app/cli.js', 'admin', 'grant', `f${cluster.tag}0`], { cwd: root, env: cluster.env, stdio: 'ignore' });
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    await redis?.close();
  });

  it('turns every reserved ticket into exactly one order through kill -9 of seckill, order, the gateway and Redis', async () => {
    const STOCK = 240;
    const LIMIT = 8;
    const PRODUCT_STOCK = 300;
    const category = (await call('POST', `${MALL}/admin/categories`, { body: { name: `f${cluster.tag}` }, token: admin.token })).body.category;
    const product = (await call('POST', `${MALL}/admin/products`, { body: { name: `秒杀 ${cluster.tag}`, category_id: category.id, price_cents: 9_900, stock: PRODUCT_STOCK }, token: admin.token })).body.product;
    const now = Date.now();
    const created = await call('POST', `${MALL}/admin/flash-sales`, { body: { product_id: product.id, price_cents: 990, stock: STOCK, start_at: now - 1000, end_at: now + 3_600_000, per_user_limit: LIMIT, buckets: 2 }, token: admin.token });
    expect(created.status).toBe(201);
    const sale = created.body.flash_sale;
    const buyers = await mapLimit(Array.from({ length: 50 }), 8, async () => {
      const b = await signUp();
      const address = (await call('POST', `${MALL}/addresses`, { body: { name: 'B', phone: '13900139000', province: 'P', city: 'C', district: 'D', detail: 'X' }, token: b.token })).body.address;
      return { ...b, addressId: address.id as number };
    });

    const answered: { ticketId: number; buyer: (typeof buyers)[number] }[] = [];
    const cp = checkpoints(() => answered.length, 30);
    let soldOut = false;
    const failures = new Map<string, number>();
    const buyLoop = async (b: (typeof buyers)[number]) => {
      let mine = 0;
      while (!soldOut && mine < LIMIT) {
        await cp.wait();
        const r = await call('POST', `${MALL}/flash-sales/${sale.id}/buy`, { body: { address_id: b.addressId }, token: b.token }).catch((err: Error) => ({ status: -1, body: { code: err.name } }));
        if (r.status === 202) {
          answered.push({ ticketId: r.body.ticket.id, buyer: b });
          mine++;
        } else if (r.status === 409 && r.body?.details?.reason === 'sold_out') soldOut = true;
        else if (r.status === 409 && r.body?.code === 40903) mine = LIMIT;
        else {
          // A process is down: the buyer tries again shortly, as a client does.
          const key = `${r.status}:${r.body?.code ?? ''}`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    };
    // Each kill lands mid-sale: the buyers are held at most 30 tickets past its checkpoint until
    // the process is back, so the sale cannot sell out first however fast the machine is.
    const killedAt: number[] = [];
    const crashes = (async () => {
      killedAt.push(
        await cp.at(30, async () => {
          await cluster.kill(cluster.instances('seckill')[0]!.proc);
          await cluster.startService('seckill');
        }),
      );
      killedAt.push(
        await cp.at(70, async () => {
          await cluster.kill(cluster.instances('order')[0]!.proc);
          await cluster.startService('order');
        }),
      );
      killedAt.push(
        await cp.at(110, async () => {
          const old = cluster.gateways()[0]!;
          const next = await cluster.startGateway();
          base = next.base;
          await cluster.kill(old.proc);
        }),
      );
      killedAt.push(
        await cp.at(150, async () => {
          await redis.kill();
          await redis.start();
        }),
      );
    })();
    await Promise.all([...buyers.map(buyLoop), crashes]);
    expect(soldOut).toBe(true);
    expect(killedAt.every((n) => n < STOCK)).toBe(true);

    // Every answered ticket becomes one order (waiting for the worker, claims of dead workers included).
    const settle = async ({ ticketId, buyer }: (typeof answered)[number]) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const r = await call('GET', `${MALL}/flash-sales/${sale.id}/tickets/${ticketId}`, { token: buyer.token });
        if (r.status === 200 && r.body.ticket.status !== 'reserved') return r.body.ticket;
        if (Date.now() > deadline) throw new Error(`ticket ${ticketId} still ${JSON.stringify(r.body)} after 60 s`);
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    const settled = await mapLimit(answered, 10, settle);
    expect(settled.filter((t) => t.status !== 'ordered')).toEqual([]);
    expect(new Set(settled.map((t) => t.order_id)).size).toBe(answered.length);

    // Exactly the sale's units are ordered, across every buyer's orders (lost answers included), none twice.
    let ordered = 0;
    for (const b of buyers) {
      const list = await call('GET', `${MALL}/orders?limit=50`, { token: b.token });
      const units = (list.body.orders as { items: { product_id: number; quantity: number }[] }[]).flatMap((o) => o.items).filter((i) => i.product_id === product.id).reduce((n, i) => n + i.quantity, 0);
      expect(units).toBeLessThanOrEqual(LIMIT);
      ordered += units;
    }
    expect(ordered).toBe(STOCK);
    expect((await call('GET', `${MALL}/products/${product.id}`)).body.product.stock).toBe(PRODUCT_STOCK - STOCK);
    expect((await call('GET', `${MALL}/flash-sales/${sale.id}`)).body.flash_sale.stock_left).toBe(0);
  }, 300_000);
});
