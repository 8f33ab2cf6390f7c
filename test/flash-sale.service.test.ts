// The seckill service through its RPC contract, in a whole system (embedded, and on the real
// MariaDB, Redis and NATS): a sale takes its units from the product, buys are answered with
// tickets that become orders at the sale price, refusals change nothing, a cancelled order's unit
// is sold again, and an ended sale gives what was left (and later releases) back to the product.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { requireServer, servers } from '#kit/testing';
import type { Mode } from './harness.js';
import { startSeckillSystem, type SeckillSystem } from './flash-sale-system.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];

/** Calls get until ok holds, at most 20 s; answers the last value. */
const until = async <T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
};

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SurgeError);
  return err as SurgeError;
};

describe.each(modes)('flash sale service (%s)', (mode) => {
  let s: SeckillSystem;
  let user = 1_000_000 + Math.floor(Math.random() * 1_000_000);
  const buyer = async () => {
    const id = ++user;
    return { id, addressId: await s.address(id) };
  };

  beforeAll(async () => {
    s = await startSeckillSystem(mode);
  }, 60_000);
  afterAll(() => s?.stop());

  it('takes the sale units from the product, and refuses more than it has', async () => {
    const productId = await s.product(30);
    const now = Date.now();
    const sale = await s.seckill.createSale({ productId, priceCents: 500, stock: 20, startAt: now, endAt: now + 60_000, perUserLimit: 1, buckets: 0 });
    expect(sale).toMatchObject({ productId, stock: 20, stockLeft: 20, status: 'running', priceCents: 500, originalPriceCents: 10_000 });
    expect(await s.productStock(productId)).toBe(10);
    const short = await refusal(s.seckill.createSale({ productId, priceCents: 500, stock: 11, startAt: now, endAt: now + 60_000, perUserLimit: 1, buckets: 0 }));
    expect(short.code).toBe(Code.FailedPrecondition);
    expect(short.details?.field).toBe('stock');
    expect(await s.productStock(productId)).toBe(10);
    const dear = await refusal(s.seckill.createSale({ productId, priceCents: 10_001, stock: 1, startAt: now, endAt: now + 60_000, perUserLimit: 1, buckets: 0 }));
    expect(dear.details?.field).toBe('price_cents');
    expect((await s.seckill.listSales({})).sales.map((x) => x.id)).toContain(sale.id);
  });

  it('answers a buy with a ticket that becomes one order at the sale price', async () => {
    const sale = await s.sale({ stock: 5, perUserLimit: 2 });
    const b = await buyer();
    const ticket = await s.seckill.buy({ saleId: sale.id, userId: b.id, addressId: b.addressId, quantity: 2 });
    expect(ticket).toMatchObject({ status: 'reserved', quantity: 2, saleId: sale.id });
    const done = await s.settled(sale.id, b.id, ticket.id);
    expect(done.status).toBe('ordered');
    const order = await s.orders.getOrder({ userId: b.id, id: done.orderId });
    expect(order).toMatchObject({ status: 'unpaid', totalCents: 2 * 4_900 });
    expect(order.items).toEqual([expect.objectContaining({ productId: sale.productId, priceCents: 4_900, quantity: 2 })]);
    expect((await s.seckill.getSale({ id: sale.id })).stockLeft).toBe(3);
    // Only the buyer sees the ticket.
    expect((await refusal(s.seckill.getTicket({ saleId: sale.id, userId: b.id + 1, id: ticket.id }))).code).toBe(Code.NotFound);
  });

  it('refuses past the per-user limit, outside the window and once sold out, changing nothing', async () => {
    const sale = await s.sale({ stock: 3, perUserLimit: 2 });
    const a = await buyer();
    await s.seckill.buy({ saleId: sale.id, userId: a.id, addressId: a.addressId, quantity: 2 });
    const over = await refusal(s.seckill.buy({ saleId: sale.id, userId: a.id, addressId: a.addressId, quantity: 1 }));
    expect(over.code).toBe(Code.QuotaExceeded);
    const b = await buyer();
    expect((await refusal(s.seckill.buy({ saleId: sale.id, userId: b.id, addressId: b.addressId, quantity: 2 }))).details?.reason).toBe('not_enough');
    await s.seckill.buy({ saleId: sale.id, userId: b.id, addressId: b.addressId, quantity: 1 });
    const c = await buyer();
    const out = await refusal(s.seckill.buy({ saleId: sale.id, userId: c.id, addressId: c.addressId, quantity: 1 }));
    expect(out.code).toBe(Code.FailedPrecondition);
    expect(out.details?.reason).toBe('sold_out');
    expect((await s.seckill.getSale({ id: sale.id })).stockLeft).toBe(0);

    const later = await s.sale({ stock: 1, startAt: Date.now() + 3_600_000, endAt: Date.now() + 7_200_000 });
    const early = await refusal(s.seckill.buy({ saleId: later.id, userId: c.id, addressId: c.addressId, quantity: 1 }));
    expect(early.code).toBe(Code.PermissionDenied);
    expect(early.details?.reason).toBe('not_started');
    expect((await refusal(s.seckill.buy({ saleId: 987_654_321, userId: c.id, addressId: c.addressId, quantity: 1 }))).code).toBe(Code.NotFound);
  });

  it('releases a ticket whose address is not the buyer’s, and sells its unit again', async () => {
    const sale = await s.sale({ stock: 1 });
    const a = await buyer();
    const b = await buyer();
    const ticket = await s.seckill.buy({ saleId: sale.id, userId: a.id, addressId: b.addressId, quantity: 1 });
    const done = await s.settled(sale.id, a.id, ticket.id);
    expect(done).toMatchObject({ status: 'released', releaseReason: 'no_address', orderId: 0 });
    // The release is written first, then the unit goes back (a redelivery then never orders it).
    expect(await until(async () => (await s.seckill.getSale({ id: sale.id })).stockLeft, (left) => left === 1)).toBe(1);
    const again = await s.seckill.buy({ saleId: sale.id, userId: b.id, addressId: b.addressId, quantity: 1 });
    expect((await s.settled(sale.id, b.id, again.id)).status).toBe('ordered');
  });

  it('gives a cancelled order’s unit back to the sale, once, for someone else to buy', async () => {
    const sale = await s.sale({ stock: 1 });
    const a = await buyer();
    const t = await s.seckill.buy({ saleId: sale.id, userId: a.id, addressId: a.addressId, quantity: 1 });
    const ordered = await s.settled(sale.id, a.id, t.id);
    await s.orders.cancelOrder({ userId: a.id, id: ordered.orderId });
    expect(await s.seckill.getTicket({ saleId: sale.id, userId: a.id, id: t.id })).toMatchObject({ status: 'released', releaseReason: 'cancelled' });
    // The order service may call again (a retried timeout): nothing more comes back.
    expect(await s.seckill.releaseTicket({ saleId: sale.id, ticketId: t.id, reason: 'cancelled' })).toEqual({ releasedNow: false });
    expect((await s.seckill.getSale({ id: sale.id })).stockLeft).toBe(1);
    const b = await buyer();
    const t2 = await s.seckill.buy({ saleId: sale.id, userId: b.id, addressId: b.addressId, quantity: 1 });
    expect((await s.settled(sale.id, b.id, t2.id)).status).toBe('ordered');
    // The first buyer's quota is not given back (docs/flash-sale.md: no hoarding by letting orders lapse).
    expect((await refusal(s.seckill.buy({ saleId: sale.id, userId: a.id, addressId: a.addressId, quantity: 2 }))).code).toBe(Code.QuotaExceeded);
  });

  it('gives what is left back to the product when the sale ends, and a later release too', async () => {
    const productStock = 10;
    const sale = await s.sale({ stock: 4, productStock, endAt: Date.now() + 2_500 });
    expect(await s.productStock(sale.productId)).toBe(productStock - 4);
    const a = await buyer();
    const t = await s.seckill.buy({ saleId: sale.id, userId: a.id, addressId: a.addressId, quantity: 1 });
    const ordered = await s.settled(sale.id, a.id, t.id);
    // The keeper ends it (rounds every second): 3 units go back.
    const deadline = Date.now() + 30_000;
    while ((await s.seckill.getSale({ id: sale.id })).status !== 'ended' || (await s.productStock(sale.productId)) !== productStock - 1) {
      if (Date.now() > deadline) throw new Error('the sale did not end and give its units back');
      await new Promise((r) => setTimeout(r, 50));
    }
    const ended = await refusal(s.seckill.buy({ saleId: sale.id, userId: a.id, addressId: a.addressId, quantity: 1 }));
    expect(ended.details?.reason).toBe('ended');
    await s.orders.cancelOrder({ userId: a.id, id: ordered.orderId });
    expect(await s.productStock(sale.productId)).toBe(productStock);
    expect(await s.seckill.releaseTicket({ saleId: sale.id, ticketId: t.id, reason: 'timeout' })).toEqual({ releasedNow: false });
    expect(await s.productStock(sale.productId)).toBe(productStock);
  });
});
