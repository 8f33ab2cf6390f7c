// The mall with every service in its own process, as `npm run up` runs it: user, product, cart,
// pay and reply once, order twice, and the gateway, each a Node process from dist/, found through
// a test-owned etcd, on the real MariaDB, Redis and NATS. A buyer browses, carts, orders and pays
// over HTTP (the simulator's signed callback reaches the gateway process, the pay process verifies
// it). Then a crash: one order instance is killed with SIGKILL while buyers race for the last
// units; the stock sold never exceeds what there was, every order the API acknowledged exists,
// and once the dead instance's transactions are resumed, stock + units in live orders is exactly
// the starting stock.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit } from '#kit/mapreduce';
import { clusterServersReady, startCluster, type Cluster } from './cluster.js';
import { httpCaller } from './http-caller.js';

const ready = await clusterServersReady();
const MALL = '/api/v1/mall';

describe.skipIf(!ready)('distributed mall: every service its own process', () => {
  let cluster: Cluster;
  let seq = 0;
  const call = httpCaller(() => cluster.base);
  const signUp = async () => {
    const r = await call('POST', '/api/v1/users/register', { body: { username: `m${cluster.tag}${seq++}`, password: 'secret123' } });
    expect(r.status).toBe(201);
    return r.body as { id: number; token: string };
  };
  const until = async <T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (ok(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  let admin: { id: number; token: string };
  let categoryId = 0;

  beforeAll(async () => {
    // The simulator (in the pay process) calls the gateway back: both are told the port first.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    cluster = await startCluster({
      services: { user: 1, product: 1, cart: 1, order: 2, pay: 1, reply: 1 },
      env: {
        SURGE__limits__loginPerIp__quota: '100000',
        SURGE__http__port: String(port),
        SURGE__pay__notifyUrl: `http://127.0.0.1:${port}${MALL}/pay/notify`,
        SURGE__pay__simulatorDelayMs: '50',
      },
    });
    admin = await signUp();
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, ['dist/app/cli.js', 'admin', 'grant', `m${cluster.tag}0`], { env: cluster.env, stdio: 'ignore' });
    categoryId = (await call('POST', `${MALL}/admin/categories`, { body: { name: `c${cluster.tag}` }, token: admin.token })).body.category.id;
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('browses, carts, orders and pays across the processes', async () => {
    const made = await call('POST', `${MALL}/admin/products`, { body: { name: `分布式 手机 ${cluster.tag}`, category_id: categoryId, price_cents: 9_900, stock: 5 }, token: admin.token });
    expect(made.status).toBe(201);
    const product = made.body.product;
    const buyer = await signUp();
    const found = await until(() => call('GET', `${MALL}/search?q=${encodeURIComponent(cluster.tag)}`), (r) => r.body.products.length > 0);
    expect(found.body.products.map((p: { id: number }) => p.id)).toEqual([product.id]);
    expect((await call('PUT', `${MALL}/cart/items/${product.id}`, { body: { quantity: 2 }, token: buyer.token })).status).toBe(200);
    const address = (await call('POST', `${MALL}/addresses`, { body: { name: 'Wang', phone: '13900139000', province: 'P', city: 'C', district: 'D', detail: 'X' }, token: buyer.token })).body.address;
    const order = await call('POST', `${MALL}/orders`, { body: { address_id: address.id, from_cart: true }, token: buyer.token });
    expect(order.status).toBe(201);
    expect(order.body.order).toMatchObject({ status: 'unpaid', total_cents: 19_800 });
    expect((await call('GET', `${MALL}/products/${product.id}`)).body.product.stock).toBe(3);
    expect((await call('POST', `${MALL}/orders/${order.body.order.id}/pay`, { body: {}, token: buyer.token })).body.payment.status).toBe('pending');
    const paid = await until(() => call('GET', `${MALL}/orders/${order.body.order.id}`, { token: buyer.token }), (r) => r.body.order.status === 'paid');
    expect(paid.body.order.status).toBe('paid');
  }, 60_000);

  it('never oversells when an order instance is killed mid-stream, and ends with stock + ordered = the starting stock', async () => {
    const STOCK = 20;
    const BUYERS = 40;
    const product = (await call('POST', `${MALL}/admin/products`, { body: { name: `抢购 ${cluster.tag}`, category_id: categoryId, price_cents: 100, stock: STOCK }, token: admin.token })).body.product;
    const buyers = await mapLimit(Array.from({ length: BUYERS }), 8, async () => {
      const b = await signUp();
      const address = (await call('POST', `${MALL}/addresses`, { body: { name: 'B', phone: '13900139000', province: 'P', city: 'C', district: 'D', detail: 'X' }, token: b.token })).body.address;
      return { ...b, addressId: address.id as number };
    });
    let answered = 0;
    const results: { status: number; orderId?: number }[] = [];
    const crash = (async () => {
      while (answered < BUYERS / 4) await new Promise((r) => setTimeout(r, 2));
      const victim = cluster.instances('order')[0]!;
      await cluster.kill(victim.proc);
    })();
    await mapLimit(buyers, 6, async (b) => {
      const r = await call('POST', `${MALL}/orders`, { body: { address_id: b.addressId, items: [{ product_id: product.id, quantity: 1 }] }, token: b.token }).catch(() => ({ status: -1, body: undefined }));
      results.push({ status: r.status, orderId: r.body?.order?.id });
      answered++;
    });
    await crash;
    const acknowledged = results.filter((r) => r.status === 201);
    expect(acknowledged.length).toBeLessThanOrEqual(STOCK);
    expect(results.every((r) => [201, 409, 503, 504, -1].includes(r.status))).toBe(true);
    // Each acknowledged order is there, unpaid, for its buyer.
    for (const r of acknowledged) expect(r.orderId).toBeGreaterThan(0);
    // Once the dead instance's transactions are resumed (their lease runs out), what was taken
    // from the stock is exactly what the live orders hold: nothing lost, nothing twice.
    const settled = await until(
      async () => {
        const stock = (await call('GET', `${MALL}/products/${product.id}`)).body.product.stock as number;
        const held = (
          await mapLimit(buyers, 8, async (b) => {
            const orders = (await call('GET', `${MALL}/orders?status=unpaid`, { token: b.token })).body.orders as { items: { product_id: number; quantity: number }[] }[];
            return orders.flatMap((o) => o.items).filter((i) => i.product_id === product.id).reduce((n, i) => n + i.quantity, 0);
          })
        ).reduce((a, b) => a + b, 0);
        return { stock, held };
      },
      (v) => v.stock + v.held === STOCK,
      // A dead coordinator's transactions are resumed once their lease (30 s) runs out.
      90_000,
    );
    expect(settled.stock + settled.held).toBe(STOCK);
    expect(settled.held).toBeGreaterThanOrEqual(acknowledged.length);
  }, 180_000);
});
