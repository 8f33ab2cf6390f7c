import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import type { Reservation, ReservedTicket, SalePlan } from './sale-stock.js';
import { createMemorySaleStock, type StoredTicket } from './sale-stock-memory.js';
import { describeSaleStock } from './sale-stock.suite.js';

describeSaleStock('memory', async ({ claimIdleMs }) => {
  const stock = createMemorySaleStock({ persist: async () => {}, claimIdleMs });
  return { stock, cleanup: () => stock.close() };
});

const plan: SalePlan = { saleId: 1, stock: 10, buckets: 2, perUserLimit: 2 };
let seq = 0;
const buy = (userId: number, quantity = 1): Reservation => ({ saleId: 1, ticketId: ++seq, userId, quantity, addressId: 7, at: 1_700_000_000_000 + seq });

/** A persist that records its calls and can be held open or made to fail. */
function recordingPersist() {
  const batches: ReservedTicket[][] = [];
  let gate: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  return {
    batches,
    hold(): () => void {
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      return open;
    },
    failWith(err: Error | undefined) {
      failure = err;
    },
    persist: async (tickets: ReservedTicket[]) => {
      batches.push(tickets);
      await gate;
      if (failure) throw failure;
    },
  };
}

describe('memory sale stock: writing reservations', () => {
  it('hands the buys of one event-loop turn to persist together, and answers after it resolved', async () => {
    const db = recordingPersist();
    const stock = createMemorySaleStock({ persist: db.persist });
    await stock.load(plan);
    const open = db.hold();
    let answered = 0;
    const first = [1, 2, 3, 4].map((user) => stock.reserve(plan, buy(user)).then((o) => (answered++, o)));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(db.batches.map((b) => b.length)).toEqual([4]);
    expect(answered).toBe(0); // not answered before the write
    expect(await stock.take(10, 0)).toEqual([]); // nor in the journal
    // Buys while the first group is written gather into the next group.
    const second = [5, 6].map((user) => stock.reserve(plan, buy(user)));
    open();
    expect((await Promise.all(first)).map((o) => o.status)).toEqual(['reserved', 'reserved', 'reserved', 'reserved']);
    await Promise.all(second);
    expect(db.batches.map((b) => b.length)).toEqual([4, 2]);
    expect(db.batches.flat().map((t) => t.userId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await stock.take(10, 0)).toHaveLength(6);
    await stock.close();
  });

  it('a failed write undoes its buys exactly and rejects each with the error', async () => {
    const db = recordingPersist();
    const stock = createMemorySaleStock({ persist: db.persist });
    await stock.load(plan);
    expect(await stock.reserve(plan, buy(1))).toEqual({ status: 'reserved', bucket: 1 });
    const diskFull = new SurgeError(Code.Unavailable, 'disk full');
    db.failWith(diskFull);
    const failed = [stock.reserve(plan, buy(1)), stock.reserve(plan, buy(2, 2)), stock.reserve(plan, buy(3, 2))];
    // Checked against the state with the failing group's units taken: buyer 1 is at the limit.
    expect(await stock.reserve(plan, buy(1))).toEqual({ status: 'over_limit' });
    const results = await Promise.allSettled(failed);
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : r.value))).toEqual([diskFull, diskFull, diskFull]);
    db.failWith(undefined);
    expect(await stock.left(plan)).toBe(9);
    expect(await stock.reserve(plan, buy(1))).toEqual({ status: 'reserved', bucket: 1 }); // buyer 1's count back to 1
    expect(await stock.reserve(plan, buy(2, 2))).toEqual({ status: 'reserved', bucket: 0 });
    expect(await stock.left(plan)).toBe(6);
    const journal = await stock.take(10, 0);
    expect(journal.map((t) => [t.userId, t.quantity])).toEqual([
      [1, 1],
      [1, 1],
      [2, 2],
    ]);
    await stock.close();
  });

  it('end() waits for buys being written, so an undone buy cannot change what it answered', async () => {
    const db = recordingPersist();
    const stock = createMemorySaleStock({ persist: db.persist });
    await stock.load(plan);
    const open = db.hold();
    db.failWith(new Error('write failed'));
    const failing = stock.reserve(plan, buy(1, 2)).catch((err: Error) => err.message);
    const ended = stock.end(plan);
    await new Promise((r) => setImmediate(r));
    open();
    expect(await failing).toBe('write failed');
    expect(await ended).toBe(10);
    expect(await stock.end(plan)).toBe(10);
    expect(await stock.left(plan)).toBe(0);
    await stock.close();
  });
});

describe('memory sale stock: restore', () => {
  it('rebuilds the same units, limits, releases and journal from the stored tickets', async () => {
    const db = recordingPersist();
    const before = createMemorySaleStock({ persist: db.persist });
    const p: SalePlan = { saleId: 9, stock: 7, buckets: 3, perUserLimit: 3 };
    await before.load(p);
    const status = new Map<number, StoredTicket['status']>();
    const reserved: ReservedTicket[] = [];
    for (const [user, quantity] of [
      [1, 2],
      [2, 1],
      [3, 3],
      [1, 1],
    ] as const) {
      const r = { ...buy(user, quantity), saleId: 9 };
      const outcome = await before.reserve(p, r);
      if (outcome.status === 'reserved') {
        reserved.push({ ...r, bucket: outcome.bucket });
        status.set(r.ticketId, 'reserved');
      }
    }
    expect(reserved).toHaveLength(4);
    // The worker made orders for two tickets, one of them later released.
    const [ordered, releasedTicket] = [reserved[0]!, reserved[1]!];
    await before.done([ordered, releasedTicket]);
    status.set(ordered.ticketId, 'ordered');
    expect(await before.release(p, releasedTicket)).toBe('returned');
    status.set(releasedTicket.ticketId, 'released');

    const stored: StoredTicket[] = db.batches.flat().map((t) => ({ ...t, status: status.get(t.ticketId)! }));
    const after = createMemorySaleStock({ persist: async () => {} });
    after.restore(p, stored);

    expect(await after.left(p)).toBe(await before.left(p));
    expect(await after.left(p)).toBe(1);
    expect(await after.release(p, releasedTicket)).toBe('repeat');
    const journal = (await after.take(10, 0)).map((t) => t.ticketId);
    expect(journal.sort((a, b) => a - b)).toEqual([reserved[2]!.ticketId, reserved[3]!.ticketId]);
    expect(await after.pending(p, reserved[2]!.ticketId)).toEqual(reserved[2]);
    expect(await after.pending(p, ordered.ticketId)).toBeUndefined();
    const answers: string[] = [];
    for (const user of [1, 2, 3]) {
      // The same answer for the same next buy, released tickets counting toward the limit.
      const next = await after.reserve(p, { ...buy(user), saleId: 9 });
      expect(next).toEqual(await before.reserve(p, { ...buy(user), saleId: 9 }));
      answers.push(next.status);
    }
    expect(answers).toEqual(['over_limit', 'reserved', 'over_limit']);
    expect(() => after.restore(p, stored)).toThrow(/restore/);
    await Promise.all([before.close(), after.close()]);
  });

  it('an ended sale stays ended with its count, its reserved tickets still in the journal', async () => {
    const p: SalePlan = { saleId: 10, stock: 5, buckets: 2, perUserLimit: 5 };
    const stock = createMemorySaleStock({ persist: async () => {} });
    const ticket: StoredTicket = { ticketId: 77, userId: 4, bucket: 0, quantity: 2, status: 'reserved', addressId: 1, at: 5 };
    stock.restore(p, [ticket], 3);
    expect(await stock.end(p)).toBe(3);
    expect(await stock.left(p)).toBe(0);
    expect((await stock.reserve(p, { ...buy(1), saleId: 10 })).status).toBe('closed');
    expect(await stock.take(10, 0)).toEqual([{ saleId: 10, ticketId: 77, userId: 4, bucket: 0, quantity: 2, addressId: 1, at: 5 }]);
    await stock.close();
  });

  it('refuses tickets that take more units than a bucket holds', () => {
    const p: SalePlan = { saleId: 11, stock: 2, buckets: 2, perUserLimit: 5 };
    const stock = createMemorySaleStock({ persist: async () => {} });
    const t = (ticketId: number): StoredTicket => ({ ticketId, userId: 1, bucket: 1, quantity: 1, status: 'ordered', addressId: 1, at: 1 });
    expect(() => stock.restore(p, [t(1), t(2)])).toThrow(/bucket 1/);
  });
});

describe('memory sale stock: settling finished tickets', () => {
  it('hands done() tickets to settle after taking them off the journal, and passes its failure on', async () => {
    const settled: number[][] = [];
    let failure: Error | undefined;
    const stock = createMemorySaleStock({
      persist: async () => {},
      settle: async (tickets) => {
        settled.push(tickets.map((t) => t.ticketId));
        if (failure) throw failure;
      },
    });
    await stock.load(plan);
    for (const user of [1, 2, 3]) expect((await stock.reserve(plan, buy(user))).status).toBe('reserved');
    const taken = await stock.take(10, 0);
    await stock.done(taken.slice(0, 2));
    expect(settled).toEqual([taken.slice(0, 2).map((t) => t.ticketId)]);
    await stock.done([]);
    expect(settled).toHaveLength(1); // nothing to settle: not called
    failure = new Error('disk full');
    await expect(stock.done(taken.slice(2))).rejects.toThrow('disk full');
    expect(await stock.pending(plan, taken[2]!.ticketId)).toBeUndefined(); // off the journal all the same
    await stock.close();
  });
});
