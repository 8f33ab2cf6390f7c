// The flash sale's promises under load, on the real servers (Redis, MariaDB, NATS; required in
// CI): many more buyers than units, each trying several times, with one bucket and with several;
// exactly the stock is sold, nobody passes the limit, every reserved ticket becomes one order,
// and the product's and the sale's stock agree. And an unpaid order's unit, timed out, is sold to
// someone else. (The crash runs are in flash-sale.crash.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SurgeError } from '#kit/errors';
import { mapLimit } from '#kit/mapreduce';
import { requireServer, servers } from '#kit/testing';
import { startSeckillSystem, type SeckillSystem } from './flash-sale-system.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));

describe.skipIf(!onServers)('flash sale must hold (servers)', () => {
  let s: SeckillSystem;
  beforeAll(async () => {
    s = await startSeckillSystem('servers');
  }, 60_000);
  afterAll(() => s?.stop());

  it.each([1, 4])('never oversells: %i bucket(s), 300 buyers, 3 tries each, 40 units', async (buckets) => {
    const STOCK = 40;
    const LIMIT = 2;
    const PRODUCT_STOCK = 100;
    const sale = await s.sale({ stock: STOCK, perUserLimit: LIMIT, buckets, productStock: PRODUCT_STOCK });
    const base = 2_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
    const buyers = await mapLimit(
      Array.from({ length: 300 }, (_, i) => base + i),
      20,
      async (id) => ({ id, addressId: await s.address(id) }),
    );
    const tries = buyers.flatMap((b) => [1, 2, 1].map((quantity) => ({ ...b, quantity })));
    // All at once, in a shuffled order, 200 in flight.
    tries.sort(() => Math.random() - 0.5);
    const outcomes = await mapLimit(tries, 200, async (t) => {
      try {
        const ticket = await s.seckill.buy({ saleId: sale.id, userId: t.id, addressId: t.addressId, quantity: t.quantity });
        return { ok: true as const, ticket };
      } catch (err) {
        if (!(err instanceof SurgeError)) throw err;
        return { ok: false as const, reason: String(err.details?.reason ?? err.code) };
      }
    });
    const tickets = outcomes.flatMap((o) => (o.ok ? [o.ticket] : []));
    const units = tickets.reduce((n, t) => n + t.quantity, 0);
    expect(units).toBe(STOCK);
    const perUser = new Map<number, number>();
    for (const t of tickets) perUser.set(t.userId, (perUser.get(t.userId) ?? 0) + t.quantity);
    expect(Math.max(...perUser.values())).toBeLessThanOrEqual(LIMIT);
    // Every refusal is one a buyer is told about: no errors, no unloaded stock.
    for (const o of outcomes) if (!o.ok) expect(['sold_out', 'not_enough', 'over_limit']).toContain(o.reason);

    // Every ticket becomes exactly one order for its buyer, of its units.
    const settled = await mapLimit(tickets, 20, (t) => s.settled(sale.id, t.userId, t.id));
    expect(settled.every((t) => t.status === 'ordered')).toBe(true);
    expect(new Set(settled.map((t) => t.orderId)).size).toBe(tickets.length);
    const orders = await mapLimit(settled, 20, (t) => s.orders.getOrder({ userId: t.userId, id: t.orderId }));
    expect(orders.reduce((n, o) => n + o.items[0]!.quantity, 0)).toBe(STOCK);
    // The sale and the product agree: the product gave STOCK units, none came back, none are left.
    expect((await s.seckill.getSale({ id: sale.id })).stockLeft).toBe(0);
    expect(await s.productStock(sale.productId)).toBe(PRODUCT_STOCK - STOCK);
  }, 120_000);
});

describe.skipIf(!onServers)('flash sale payment timeout (servers)', () => {
  let s: SeckillSystem;
  beforeAll(async () => {
    s = await startSeckillSystem('servers', { 'order.paymentTimeoutSeconds': 1 });
  }, 60_000);
  afterAll(() => s?.stop());

  it('times out an unpaid flash order and sells its unit to someone else', async () => {
    const sale = await s.sale({ stock: 1, perUserLimit: 1 });
    const first = 3_100_000 + Math.floor(Math.random() * 100_000) * 2;
    const second = first + 1;
    const addrA = await s.address(first);
    const addrB = await s.address(second);
    const t = await s.seckill.buy({ saleId: sale.id, userId: first, addressId: addrA, quantity: 1 });
    expect((await s.settled(sale.id, first, t.id)).status).toBe('ordered');
    // Sold out until the payment timeout gives the unit back.
    const deadline = Date.now() + 30_000;
    let ticket = await s.seckill.getTicket({ saleId: sale.id, userId: first, id: t.id });
    while (ticket.status !== 'released' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      ticket = await s.seckill.getTicket({ saleId: sale.id, userId: first, id: t.id });
    }
    expect(ticket).toMatchObject({ status: 'released', releaseReason: 'timeout' });
    expect(await s.orders.getOrder({ userId: first, id: ticket.orderId })).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    const t2 = await s.seckill.buy({ saleId: sale.id, userId: second, addressId: addrB, quantity: 1 });
    expect((await s.settled(sale.id, second, t2.id)).status).toBe('ordered');
  }, 60_000);
});
