// The behaviour every SaleStock must show, proven by counting units, buyers and tickets.
// Run by sale-stock-memory.test.ts and sale-stock-redis.test.ts. Each test makes its own store
// (for Redis, its own keys), so tests never see each other's sales or journal.
import { afterEach, describe, expect, it } from 'vitest';
import { homeBucket, type Reservation, type ReserveOutcome, type ReservedTicket, type SalePlan, type SaleStock } from './sale-stock.js';

export interface SaleStockHarness {
  stock: SaleStock;
  cleanup(): Promise<void>;
}

/** What a test asks of the store it makes: the claim time of its journal. */
export interface SaleStockSetup {
  claimIdleMs: number;
}

/** Long enough that no ticket comes back on its own during a test. */
const NO_CLAIM_MS = 60_000;

let nextId = 1;
const plan = (stock: number, buckets: number, perUserLimit: number): SalePlan => ({ saleId: nextId++, stock, buckets, perUserLimit });
const buy = (p: SalePlan, userId: number, quantity = 1): Reservation => ({ saleId: p.saleId, ticketId: 1_000_000 + nextId++, userId, quantity, addressId: userId * 10, at: 1_700_000_000_000 + nextId });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Takes until `count` tickets came (or a take comes back empty). */
async function takeAll(stock: SaleStock, count: number): Promise<ReservedTicket[]> {
  const got: ReservedTicket[] = [];
  while (got.length < count) {
    const batch = await stock.take(7, 500);
    if (batch.length === 0) break;
    got.push(...batch);
  }
  return got;
}

export function describeSaleStock(name: string, make: (setup: SaleStockSetup) => Promise<SaleStockHarness>): void {
  describe(`sale stock behaviour: ${name}`, () => {
    const made: SaleStockHarness[] = [];
    const open = async (claimIdleMs = NO_CLAIM_MS) => {
      const harness = await make({ claimIdleMs });
      made.push(harness);
      return harness.stock;
    };
    afterEach(async () => {
      await Promise.all(made.splice(0).map((h) => h.cleanup()));
    });

    for (const buckets of [1, 4]) {
      it(`never oversells: stock 50 in ${buckets} bucket(s), 400 concurrent buys from 210 buyers`, async () => {
        const stock = await open();
        const p = plan(50, buckets, 2);
        await stock.load(p);
        // 200 buyers try twice (their limit), 10 greedy ones try 5 times.
        const buys: Reservation[] = [];
        for (let user = 1; user <= 200; user++) buys.push(buy(p, user), buy(p, user));
        for (let user = 201; user <= 210; user++) for (let i = 0; i < 5; i++) buys.push(buy(p, user));
        const outcomes = await Promise.all(buys.map((r) => stock.reserve(p, r)));

        const perUser = new Map<number, number>();
        const statuses: Record<string, number> = {};
        outcomes.forEach((outcome, i) => {
          statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
          if (outcome.status === 'reserved') perUser.set(buys[i]!.userId, (perUser.get(buys[i]!.userId) ?? 0) + buys[i]!.quantity);
        });
        expect(statuses.reserved).toBe(50);
        expect([...perUser.values()].every((units) => units <= 2)).toBe(true);
        // One unit per buy: a refusal saw every bucket at 0 (units never come back here).
        expect(statuses.not_enough ?? 0).toBe(0);
        expect((statuses.sold_out ?? 0) + (statuses.over_limit ?? 0)).toBe(buys.length - 50);
        expect(await stock.left(p)).toBe(0);
        const tickets = await takeAll(stock, 50);
        expect(tickets).toHaveLength(50);
        expect(tickets.reduce((sum, t) => sum + t.quantity, 0)).toBe(50);
      });
    }

    it('answers not_enough while units are left in pieces too small, sold_out when none are', async () => {
      const stock = await open();
      const p = plan(5, 4, 10); // buckets hold 2, 1, 1, 1
      await stock.load(p);
      // Home 1 has 1 unit, so do 2 and 3; bucket 0 has 2.
      expect(await stock.reserve(p, buy(p, 1, 2))).toEqual({ status: 'reserved', bucket: 0 });
      expect(await stock.reserve(p, buy(p, 2, 2))).toEqual({ status: 'not_enough' });
      expect(await stock.left(p)).toBe(3);
      for (const user of [5, 6, 7]) expect((await stock.reserve(p, buy(p, user, 1))).status).toBe('reserved');
      expect(await stock.reserve(p, buy(p, 8, 1))).toEqual({ status: 'sold_out' });
      expect(await stock.reserve(p, buy(p, 9, 2))).toEqual({ status: 'sold_out' });
      expect(await stock.left(p)).toBe(0);
    });

    it('holds the per-user limit across buckets: a buyer whose home is empty buys elsewhere, within the limit', async () => {
      const stock = await open();
      const p = plan(4, 2, 3); // buckets hold 2, 2
      await stock.load(p);
      const user = 1;
      expect(homeBucket(user, p.buckets)).toBe(1);
      expect(await stock.reserve(p, buy(p, user, 2))).toEqual({ status: 'reserved', bucket: 1 });
      expect(await stock.reserve(p, buy(p, user, 2))).toEqual({ status: 'over_limit' });
      expect(await stock.reserve(p, buy(p, user, 1))).toEqual({ status: 'reserved', bucket: 0 }); // home empty
      expect(await stock.reserve(p, buy(p, user, 1))).toEqual({ status: 'over_limit' }); // bucket 0 still has 1
      const last = buy(p, 2, 1);
      expect(await stock.reserve(p, last)).toEqual({ status: 'reserved', bucket: 0 });
      expect(await stock.left(p)).toBe(0);
      // A buy no bucket can serve gives back what it held at home: buyer 3 still buys 3 later.
      expect(await stock.reserve(p, buy(p, 3, 3))).toEqual({ status: 'sold_out' });
      expect(await stock.release(p, { ticketId: last.ticketId, bucket: 0, quantity: 1 })).toBe('returned');
      expect(await stock.reserve(p, buy(p, 3, 2))).toEqual({ status: 'not_enough' });
      expect(await stock.reserve(p, buy(p, 3, 1))).toEqual({ status: 'reserved', bucket: 0 });
    });

    it('concurrent buys of one buyer whose home bucket is empty stay within the limit', async () => {
      const stock = await open();
      const p = plan(40, 4, 3);
      await stock.load(p);
      // Empty the home bucket (0) of user 4 with other buyers homed there.
      for (let i = 0; i < 10; i++) expect(await stock.reserve(p, buy(p, 100 + 4 * i, 1))).toEqual({ status: 'reserved', bucket: 0 });
      const outcomes = await Promise.all(Array.from({ length: 30 }, () => stock.reserve(p, buy(p, 4, 1))));
      const reserved = outcomes.filter((o): o is Extract<ReserveOutcome, { status: 'reserved' }> => o.status === 'reserved');
      expect(reserved).toHaveLength(3);
      expect(reserved.every((o) => o.bucket !== 0)).toBe(true);
      expect(outcomes.filter((o) => o.status === 'over_limit')).toHaveLength(27);
      expect(await stock.left(p)).toBe(27);
      // The refused buys gave their holds back: another buyer homed on bucket 0 still buys its limit.
      const other = await Promise.all(Array.from({ length: 3 }, () => stock.reserve(p, buy(p, 8, 1))));
      expect(other.map((o) => o.status)).toEqual(['reserved', 'reserved', 'reserved']);
    });

    it('returns a ticket once: the units are sold again, the buyer count is not given back', async () => {
      const stock = await open();
      const p = plan(3, 2, 2);
      await stock.load(p);
      const r = buy(p, 1, 2);
      const outcome = await stock.reserve(p, r);
      expect(outcome).toEqual({ status: 'reserved', bucket: 0 }); // buckets hold 2, 1: home 1 too small
      expect(await stock.left(p)).toBe(1);
      const ticket = { ticketId: r.ticketId, bucket: 0, quantity: 2 };
      expect(await stock.release(p, ticket)).toBe('returned');
      expect(await stock.left(p)).toBe(3);
      expect(await stock.release(p, ticket)).toBe('repeat');
      expect(await stock.left(p)).toBe(3);
      expect(await stock.reserve(p, buy(p, 1, 1))).toEqual({ status: 'over_limit' });
      expect(await stock.reserve(p, buy(p, 2, 2))).toEqual({ status: 'reserved', bucket: 0 });
    });

    it('ends once: the same count on every call, later buys closed, releases closed, nothing left', async () => {
      const stock = await open();
      const p = plan(10, 3, 5);
      await stock.load(p);
      const r = buy(p, 7, 3);
      const outcome = await stock.reserve(p, r);
      expect(outcome.status).toBe('reserved');
      expect(await stock.end(p)).toBe(7);
      expect(await stock.end(p)).toBe(7);
      expect(await stock.left(p)).toBe(0);
      expect(await stock.reserve(p, buy(p, 8, 1))).toEqual({ status: 'closed' });
      const bucket = (outcome as { bucket: number }).bucket;
      expect(await stock.release(p, { ticketId: r.ticketId, bucket, quantity: 3 })).toBe('closed');
      expect(await stock.release(p, { ticketId: r.ticketId, bucket, quantity: 3 })).toBe('closed');
      expect(await stock.left(p)).toBe(0);
      expect(await stock.end(p)).toBe(7);
      await stock.load(p); // an ended sale stays ended
      expect(await stock.left(p)).toBe(0);
      expect(await stock.reserve(p, buy(p, 9, 1))).toEqual({ status: 'closed' });
    });

    it('loads once: a second load never adds units; a sale never loaded is refused unloaded', async () => {
      const stock = await open();
      const p = plan(9, 4, 9);
      expect(await stock.reserve(p, buy(p, 1))).toEqual({ status: 'unloaded' });
      expect(await stock.left(p)).toBe(0);
      await stock.load(p);
      expect(await stock.left(p)).toBe(9);
      for (const user of [1, 2]) expect((await stock.reserve(p, buy(p, user, 2))).status).toBe('reserved');
      await stock.load(p);
      await Promise.all([stock.load(p), stock.load(p)]);
      expect(await stock.left(p)).toBe(5);
    });

    it('journal: every reserved ticket is taken exactly once, with its bucket; done takes it off', async () => {
      const stock = await open();
      const sales = [plan(30, 4, 3), plan(10, 1, 3)];
      for (const p of sales) await stock.load(p);
      const expected = new Map<number, ReservedTicket>();
      for (const p of sales) {
        for (let user = 1; user <= 12; user++) {
          const r = buy(p, user, 1 + (user % 2));
          const outcome = await stock.reserve(p, r);
          if (outcome.status === 'reserved') expected.set(r.ticketId, { ...r, bucket: outcome.bucket });
        }
      }
      expect(expected.size).toBeGreaterThan(15);
      const some = [...expected.values()][3]!;
      expect(await stock.pending(sales.find((p) => p.saleId === some.saleId)!, some.ticketId)).toEqual(some);

      const taken = await takeAll(stock, expected.size);
      expect(taken).toHaveLength(expected.size);
      expect(new Set(taken.map((t) => t.ticketId)).size).toBe(expected.size);
      for (const t of taken) expect(t).toEqual(expected.get(t.ticketId));
      expect(await stock.take(10, 100)).toEqual([]); // taken, not done: not handed out again yet

      await stock.done(taken);
      expect(await stock.pending(sales.find((p) => p.saleId === some.saleId)!, some.ticketId)).toBeUndefined();
      expect(await stock.take(10, 100)).toEqual([]);
      await stock.done(taken); // twice is harmless
    });

    it('pending finds a reserved ticket in its sale only, and not a refused one', async () => {
      const stock = await open();
      const p = plan(1, 2, 1);
      const other = plan(1, 2, 1);
      await stock.load(p);
      const r = buy(p, 3);
      const outcome = await stock.reserve(p, r);
      expect(await stock.pending(p, r.ticketId)).toEqual({ ...r, bucket: (outcome as { bucket: number }).bucket });
      expect(await stock.pending(other, r.ticketId)).toBeUndefined();
      const refused = buy(p, 4);
      expect((await stock.reserve(p, refused)).status).toBe('sold_out');
      expect(await stock.pending(p, refused.ticketId)).toBeUndefined();
    });

    it('a ticket taken and not done comes back after the claim time, and not before', async () => {
      const claimIdleMs = 300;
      const stock = await open(claimIdleMs);
      const p = plan(5, 2, 5);
      await stock.load(p);
      const r = buy(p, 1, 2);
      await stock.reserve(p, r);
      const first = await stock.take(10, 1000);
      expect(first.map((t) => t.ticketId)).toEqual([r.ticketId]);
      const started = performance.now();
      expect(await stock.take(10, 0)).toEqual([]);
      let again: ReservedTicket[] = [];
      while (again.length === 0 && performance.now() - started < 5000) again = await stock.take(10, 200);
      expect(again.map((t) => t.ticketId)).toEqual([r.ticketId]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(claimIdleMs - 50);
      await stock.done(again);
      await sleep(claimIdleMs + 50);
      expect(await stock.take(10, 100)).toEqual([]);
    });

    it('a waiting take wakes for a new ticket at once; close() ends the wait', async () => {
      const stock = await open();
      const p = plan(5, 2, 5);
      await stock.load(p);
      const started = performance.now();
      const waiting = stock.take(10, 5000);
      await sleep(50);
      const r = buy(p, 2);
      await stock.reserve(p, r);
      expect((await waiting).map((t) => t.ticketId)).toEqual([r.ticketId]);
      expect(performance.now() - started).toBeLessThan(2000);

      const closedAt = performance.now();
      const wait = stock.take(10, 5000);
      await sleep(20);
      await stock.close();
      expect(await wait).toEqual([]);
      expect(performance.now() - closedAt).toBeLessThan(2000);
    });
  });
}
