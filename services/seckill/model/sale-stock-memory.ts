// The embedded SaleStock: one process, its sales in memory. Checks and takes are synchronous, so
// on one JavaScript thread they are atomic without locks. A reservation is answered only once it
// is in the service's database: the reservations of one event-loop turn are handed to persist()
// together at setImmediate (group commit, as databases batch log flushes: one journal row for
// many buys, model/ticket-journal.ts); while a group is being written the next one gathers. A
// group whose write fails is undone exactly and each of its buys rejects with the error. Finished
// tickets are handed to settle(), which lets the database forget them. After a restart, restore()
// puts a sale back together from its tickets in the database.
//
// A buyer's count lives in one map per sale: the same as the servers' count in the home bucket,
// since a buyer has one home bucket for the sale's life.
import { systemClock, type Clock } from '#kit/clock';
import { Code, SurgeError, errors } from '#kit/errors';
import { bucketStock, homeBucket, type Reservation, type ReservedTicket, type ReserveOutcome, type ReleaseOutcome, type SalePlan, type SaleStock } from './sale-stock.js';
import { checkBucket, checkPlan, checkQuantity, checkReservation, checkTake } from './sale-stock-check.js';
import { MemoryJournal } from './sale-stock-memory-journal.js';

export interface MemorySaleStockOptions {
  /**
   * Required: writes new reservations to the service's database, all in one transaction; a buy is
   * answered 'reserved' only after it resolved. A rejection undoes those buys and fails each of them.
   */
  persist: (tickets: ReservedTicket[]) => Promise<void>;
  /**
   * Tickets done() was told of: their outcomes are written, so the database's journal may let go
   * of them. A rejection reaches done()'s caller; the tickets are off this journal already.
   */
  settle?: (tickets: readonly ReservedTicket[]) => Promise<void>;
  /** Default 15000 ms: a ticket take() handed out and nobody finished is handed out again after this long. */
  claimIdleMs?: number;
  /** Default the system clock: take()'s waits and the claim time. */
  clock?: Clock;
}

/** A sale's ticket as the service's database holds it, for restore(). */
export interface StoredTicket {
  readonly ticketId: number;
  readonly userId: number;
  readonly bucket: number;
  readonly quantity: number;
  readonly status: 'reserved' | 'ordered' | 'released';
  readonly addressId: number;
  readonly at: number;
}

export interface MemorySaleStock extends SaleStock {
  /**
   * Rebuilds a sale at start from its tickets in the database: units taken per bucket are the
   * tickets not released; buyers' counts are all their tickets (released ones too: the count is
   * never given back); 'reserved' tickets go back into the journal. endedLeft given: the sale
   * ended with that many units left (what end() answered). Refused for a sale already in the store.
   */
  restore(plan: SalePlan, tickets: readonly StoredTicket[], endedLeft?: number): void;
}

interface Sale {
  /** Units left per bucket. */
  readonly stock: number[];
  /** Units left when end() ran; undefined while the sale sells. */
  endedLeft: number | undefined;
  /** Buyer → units reserved. */
  readonly bought: Map<number, number>;
  readonly released: Set<number>;
}

interface Unwritten {
  readonly sale: Sale;
  readonly ticket: ReservedTicket;
  readonly answer: (outcome: ReserveOutcome) => void;
  readonly fail: (err: unknown) => void;
}

class MemoryStock implements MemorySaleStock {
  private readonly sales = new Map<number, Sale>();
  /** Reservations taken in memory, not yet handed to persist(). */
  private unwritten: Unwritten[] = [];
  private writing = false;
  private flushScheduled = false;
  /** end() waiting for every reservation to be written or undone. */
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly persist: (tickets: ReservedTicket[]) => Promise<void>,
    private readonly settle: ((tickets: readonly ReservedTicket[]) => Promise<void>) | undefined,
    private readonly journal: MemoryJournal,
  ) {}

  async load(plan: SalePlan): Promise<void> {
    checkPlan(plan);
    if (this.sales.has(plan.saleId)) return;
    const stock = Array.from({ length: plan.buckets }, (_, i) => bucketStock(plan.stock, plan.buckets, i));
    this.sales.set(plan.saleId, { stock, endedLeft: undefined, bought: new Map(), released: new Set() });
  }

  async reserve(plan: SalePlan, r: Reservation): Promise<ReserveOutcome> {
    checkReservation(plan, r);
    const sale = this.sales.get(plan.saleId);
    if (!sale) return { status: 'unloaded' };
    if (sale.endedLeft !== undefined) return { status: 'closed' };
    const mine = sale.bought.get(r.userId) ?? 0;
    if (mine + r.quantity > plan.perUserLimit) return { status: 'over_limit' };
    const home = homeBucket(r.userId, plan.buckets);
    let bucket = -1;
    for (let step = 0; step < plan.buckets && bucket < 0; step++) {
      const b = (home + step) % plan.buckets;
      if (sale.stock[b]! >= r.quantity) bucket = b;
    }
    if (bucket < 0) return { status: sale.stock.some((units) => units > 0) ? 'not_enough' : 'sold_out' };
    sale.stock[bucket]! -= r.quantity;
    sale.bought.set(r.userId, mine + r.quantity);
    const ticket: ReservedTicket = { saleId: r.saleId, ticketId: r.ticketId, userId: r.userId, quantity: r.quantity, addressId: r.addressId, at: r.at, bucket };
    return new Promise<ReserveOutcome>((answer, fail) => {
      this.unwritten.push({ sale, ticket, answer, fail });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.writing || this.flushScheduled) return; // a write under way takes this group next
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.unwritten.length > 0) {
      const group = this.unwritten;
      this.unwritten = [];
      try {
        await this.persist(group.map((u) => u.ticket));
      } catch (err) {
        for (const u of group) this.undo(u);
        for (const u of group) u.fail(err);
        continue;
      }
      this.journal.add(group.map((u) => u.ticket));
      for (const u of group) u.answer({ status: 'reserved', bucket: u.ticket.bucket });
    }
    this.writing = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Gives back what reserve() took; end() waits for writes, so the sale is still selling. */
  private undo({ sale, ticket }: Unwritten): void {
    sale.stock[ticket.bucket]! += ticket.quantity;
    const count = (sale.bought.get(ticket.userId) ?? 0) - ticket.quantity;
    if (count > 0) sale.bought.set(ticket.userId, count);
    else sale.bought.delete(ticket.userId);
  }

  async release(plan: SalePlan, ticket: { ticketId: number; bucket: number; quantity: number }): Promise<ReleaseOutcome> {
    checkPlan(plan);
    checkBucket(plan, ticket.bucket);
    checkQuantity(ticket.quantity);
    const sale = this.sales.get(plan.saleId);
    // A sale not in the store takes nothing back (as a lost bucket on Redis): the units go to the product.
    if (!sale || sale.endedLeft !== undefined) return 'closed';
    if (sale.released.has(ticket.ticketId)) return 'repeat';
    sale.released.add(ticket.ticketId);
    sale.stock[ticket.bucket]! += ticket.quantity;
    return 'returned';
  }

  async end(plan: SalePlan): Promise<number> {
    checkPlan(plan);
    // Buys taken but not written yet may still be undone, which would put units back after the
    // count; so the count waits until none is outstanding (the loop: buys made meanwhile).
    while (this.writing || this.flushScheduled || this.unwritten.length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    let sale = this.sales.get(plan.saleId);
    if (!sale) {
      // Never loaded: ended with nothing, so a later load() cannot open it (as on Redis).
      sale = { stock: new Array<number>(plan.buckets).fill(0), endedLeft: undefined, bought: new Map(), released: new Set() };
      this.sales.set(plan.saleId, sale);
    }
    if (sale.endedLeft === undefined) {
      sale.endedLeft = sale.stock.reduce((sum, units) => sum + units, 0);
      sale.stock.fill(0);
    }
    return sale.endedLeft;
  }

  async left(plan: SalePlan): Promise<number> {
    checkPlan(plan);
    return this.sales.get(plan.saleId)?.stock.reduce((sum, units) => sum + units, 0) ?? 0;
  }

  async pending(plan: SalePlan, ticketId: number): Promise<ReservedTicket | undefined> {
    checkPlan(plan);
    const ticket = this.journal.find(ticketId);
    return ticket?.saleId === plan.saleId ? ticket : undefined;
  }

  take(max: number, waitMs: number): Promise<ReservedTicket[]> {
    checkTake(max, waitMs);
    return this.journal.take(max, waitMs);
  }

  async done(tickets: readonly ReservedTicket[]): Promise<void> {
    this.journal.remove(tickets);
    if (this.settle !== undefined && tickets.length > 0) await this.settle(tickets);
  }

  async close(): Promise<void> {
    this.journal.close();
  }

  restore(plan: SalePlan, tickets: readonly StoredTicket[], endedLeft?: number): void {
    checkPlan(plan);
    if (this.sales.has(plan.saleId)) throw new SurgeError(Code.FailedPrecondition, `sale ${plan.saleId} is in the store already: restore() runs once, at start`);
    if (endedLeft !== undefined && !(Number.isSafeInteger(endedLeft) && endedLeft >= 0)) throw errors.invalid('endedLeft', 'must be an integer >= 0');
    const stock = Array.from({ length: plan.buckets }, (_, i) => bucketStock(plan.stock, plan.buckets, i));
    const sale: Sale = { stock, endedLeft, bought: new Map(), released: new Set() };
    const waiting: ReservedTicket[] = [];
    for (const t of tickets) {
      checkBucket(plan, t.bucket);
      checkQuantity(t.quantity);
      sale.bought.set(t.userId, (sale.bought.get(t.userId) ?? 0) + t.quantity);
      if (t.status === 'released') sale.released.add(t.ticketId);
      else stock[t.bucket]! -= t.quantity;
      if (t.status === 'reserved') {
        waiting.push({ saleId: plan.saleId, ticketId: t.ticketId, userId: t.userId, quantity: t.quantity, addressId: t.addressId, at: t.at, bucket: t.bucket });
      }
    }
    const short = stock.findIndex((units) => units < 0);
    if (short >= 0) {
      // More units taken than the bucket had: the database and the plan disagree. Starting anyway
      // would hide an oversell; an operator must look.
      throw new SurgeError(Code.FailedPrecondition, `sale ${plan.saleId}: tickets take more units than bucket ${short} holds`, { details: { saleId: plan.saleId, bucket: short } });
    }
    if (endedLeft !== undefined) stock.fill(0);
    this.sales.set(plan.saleId, sale);
    this.journal.add(waiting);
  }
}

export function createMemorySaleStock(o: MemorySaleStockOptions): MemorySaleStock {
  if (typeof o?.persist !== 'function') throw errors.invalid('persist', 'a function writing reservations to the database is required');
  if (o.settle !== undefined && typeof o.settle !== 'function') throw errors.invalid('settle', 'must be a function');
  const claimIdleMs = o.claimIdleMs ?? 15_000;
  if (!Number.isSafeInteger(claimIdleMs) || claimIdleMs < 1) throw errors.invalid('claimIdleMs', 'must be a positive integer of milliseconds');
  return new MemoryStock(o.persist, o.settle, new MemoryJournal(o.clock ?? systemClock, claimIdleMs));
}
