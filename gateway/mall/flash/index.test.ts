// The flash sales' state wired as a gateway process wires it (createFlashSales): two instances on
// one broadcast bus, so a sell-out one of them learns is answered by the other without a Buy.
import { describe, expect, it } from 'vitest';
import { createMemoryBroadcast, createMemoryBroadcastBus, type MemoryBroadcastBus } from '#kit/broadcast';
import { ManualClock } from '#kit/clock';
import type { Client } from '#kit/rpc';
import type { FlashSale, SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import { createFlashSales, isSoldOut, SOLD_OUT_SUBJECT } from './index.js';

const clock = new ManualClock(1_800_000_000_000);
const sale: FlashSale = { id: 7, productId: 1, name: 'p', imageUrl: '', priceCents: 1, originalPriceCents: 2, stock: 1, stockLeft: 1, startAt: clock.now() - 1000, endAt: clock.now() + 60_000, perUserLimit: 1, status: 'running', createdAt: 0 };
// The only call the state makes itself is ListSales; Buy is the route's.
const seckill = { listSales: async () => ({ sales: [sale] }) } as unknown as Client<typeof SeckillServiceDefinition>;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const instance = (bus: MemoryBroadcastBus) => {
  const broadcast = createMemoryBroadcast({ bus });
  const warnings: string[] = [];
  const flash = createFlashSales({ seckill, broadcast, clock, settings: { buysPerUserPerSecond: 5, soldOutRecheckMs: 1000 }, warn: (_err, message) => warnings.push(message) });
  return { flash, broadcast, warnings };
};

describe('flash sales across gateway instances', () => {
  it('announces a sell-out learned on one instance; the others answer sold out without a pass', async () => {
    const bus = createMemoryBroadcastBus();
    const [a, b] = [instance(bus), instance(bus)];
    const pass = await a.flash.gate.enter(1, sale.id);
    expect(isSoldOut(pass)).toBe(false);
    expect(isSoldOut(await b.flash.gate.enter(2, sale.id))).toBe(false);
    (pass as { settle(o: 'sold_out'): void }).settle('sold_out');
    await tick();
    for (let user = 10; user < 20; user++) expect(isSoldOut(await b.flash.gate.enter(user, sale.id))).toBe(true);
    expect(a.warnings).toEqual([]);
  });

  it('ignores an announcement that is not a sale id, and stops listening once closed', async () => {
    const bus = createMemoryBroadcastBus();
    const [a, b] = [instance(bus), instance(bus)];
    a.broadcast.publish(SOLD_OUT_SUBJECT, 'not-an-id');
    await tick();
    expect(isSoldOut(await b.flash.gate.enter(1, sale.id))).toBe(false);
    b.flash.close();
    a.broadcast.publish(SOLD_OUT_SUBJECT, String(sale.id));
    await tick();
    expect(isSoldOut(await b.flash.gate.enter(2, sale.id))).toBe(false);
    expect(isSoldOut(await a.flash.gate.enter(3, sale.id))).toBe(true);
  });

  it('logs, and goes on, when the announcement cannot be published', async () => {
    const bus = createMemoryBroadcastBus();
    const a = instance(bus);
    await a.broadcast.close();
    const pass = await a.flash.gate.enter(1, sale.id);
    (pass as { settle(o: 'sold_out'): void }).settle('sold_out');
    expect(a.warnings).toHaveLength(1);
    expect(isSoldOut(await a.flash.gate.enter(2, sale.id))).toBe(true);
  });
});
