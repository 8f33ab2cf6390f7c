// Turns reserved tickets into orders, a batch at a time: the journal hands tickets to the bulk
// executor, which cuts batches of up to batchSize (by size, or when the first has waited
// lingerMs), the order service makes one order per ticket in one call and one transaction, the outcomes are written here, refused tickets'
// units go back, and only then are the tickets taken off the journal. A crash anywhere before
// that hands the same tickets out again (to this instance or another, after the claim time); each
// step is idempotent by ticket, so they become exactly one order or one release.
import { performance } from 'node:perf_hooks';
import { createBulkExecutor } from '#kit/bulk';
import type { SeckillDeps } from './deps.js';
import { giveBack } from './logic/give-back.js';
import type { ReservedTicket } from './model/sale-stock.js';
import type { TicketOutcome } from './model/tickets.js';
import type { BookedSale } from './sale-book.js';

/** How often a yielding worker looks at the event loop again. */
const YIELD_STEP_MS = 100;
/** How long a look is: the event loop's utilization over this long, with no batch running. */
const PROBE_MS = 20;

export interface TicketWorkerOptions {
  batchSize: number;
  /** How long one take waits for a ticket. Default 1000 ms. */
  waitMs?: number;
  /**
   * Default 50 ms: how long the first ticket of a batch waits for more before the batch is cut
   * (the bulk executor's flush interval). Under load batches fill to batchSize at once; a lone
   * ticket is ordered within this long.
   */
  lingerMs?: number;
  /**
   * Default 0.7: while this process's event loop is busier than this (its utilization over a
   * short look with none of the worker's batches running), the worker waits before taking more
   * tickets, up to maxYieldMs at a time. Buyers are answered first; their orders follow when the
   * rush thins. 1 turns it off.
   */
  busyUtilization?: number;
  /** Default 2000 ms: the longest the worker waits for a busy loop; then it takes one batch regardless. */
  maxYieldMs?: number;
  /** Sees each finished batch (tests and the bench wait on it). */
  onBatch?: (outcomes: readonly TicketOutcome[]) => void;
}

export interface TicketWorker {
  /** Stops taking tickets and finishes the batches in hand (a batch that fails comes back after the claim time). */
  close(): Promise<void>;
}

/**
 * The journal feeds the kit's bulk executor, which cuts a batch at batchSize tickets or when its
 * first ticket has waited lingerMs, and flushes one batch at a time. The loop takes no more than
 * two batches ahead of the flushes, so a slow order service holds tickets in the journal (where
 * another worker may claim them), not in this process's memory.
 */
export function startTicketWorker(d: SeckillDeps, o: TicketWorkerOptions): TicketWorker {
  const lingerMs = o.lingerMs ?? 50;
  const executor = createBulkExecutor<ReservedTicket, TicketOutcome>(
    async (tickets) => {
      const outcomes = await finish(d, tickets);
      o.onBatch?.(outcomes);
      return outcomes;
    },
    {
      name: 'seckill ticket worker',
      maxItems: o.batchSize,
      flushIntervalMs: lingerMs,
      maxBufferedItems: 2 * o.batchSize,
      clock: d.clock,
      // The batch's tickets stay in the journal and are handed out again after the claim time.
      onError: (err, tickets) => d.log.warn({ err, tickets: tickets.length }, 'seckill: a ticket batch failed; its tickets are handed out again after the claim time'),
    },
  );
  let stopped = false;
  let failures = 0;
  const busy = o.busyUtilization ?? 0.7;
  const maxYieldMs = o.maxYieldMs ?? 2000;
  /** Until when (monotonic ms) the last probe's "requests leave room" holds. */
  let clearUntil = 0;
  /**
   * Waits while requests saturate the event loop (requests first), at most maxYieldMs. The
   * loop's utilization is probed while none of this worker's batches runs: measured across a
   * batch, the worker's own work read as requests' and it yielded to itself, draining at a third
   * of the loop's speed. A probe that finds room holds for YIELD_STEP_MS.
   */
  const yieldToRequests = async () => {
    if (busy >= 1 || d.clock.monotonic() < clearUntil) return;
    for (let waited = 0; !stopped; waited += PROBE_MS + YIELD_STEP_MS) {
      while (executor.flushing > 0 && !stopped) await executor.whenSettled();
      const before = performance.eventLoopUtilization();
      await d.clock.sleep(PROBE_MS);
      if (performance.eventLoopUtilization(before).utilization < busy) {
        clearUntil = d.clock.monotonic() + YIELD_STEP_MS;
        return;
      }
      if (waited >= maxYieldMs) return; // one batch regardless, then wait again
      await d.clock.sleep(YIELD_STEP_MS);
    }
  };
  const loop = async () => {
    while (!stopped) {
      const room = 2 * o.batchSize - executor.pending;
      if (room <= 0) {
        // Two batches wait behind a running one: on as soon as it settles.
        await (executor.flushing > 0 ? executor.whenSettled() : d.clock.sleep(lingerMs));
        continue;
      }
      await yieldToRequests();
      try {
        const tickets = await d.stock.take(room, o.waitMs ?? 1000);
        failures = 0;
        // Failures reach onError; the promise is only the batch's outcome.
        for (const t of tickets) if (!stopped) executor.add(t).catch(() => {});
      } catch (err) {
        failures += 1;
        d.log.warn({ err, failures }, 'seckill: taking tickets from the journal failed; trying again');
        // Back off while the store is away, up to 5 s.
        await d.clock.sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  };
  const running = loop();
  return {
    async close() {
      stopped = true;
      await running;
      await executor.close();
    },
  };
}

/** One batch, end to end. Tickets finished before (a redelivery after a crash) are only given back again if released, and taken off. */
export async function finish(d: SeckillDeps, tickets: readonly ReservedTicket[]): Promise<TicketOutcome[]> {
  const sales = new Map<number, BookedSale>();
  for (const t of tickets) {
    if (sales.has(t.saleId)) continue;
    const sale = await d.book.get(t.saleId);
    if (!sale) throw new Error(`ticket ${t.ticketId} names sale ${t.saleId}, which is not in the database`);
    sales.set(t.saleId, sale);
  }
  const fresh: ReservedTicket[] = [];
  const outcomes: TicketOutcome[] = [];
  const rows = await d.tickets.getMany(tickets.map((t) => t.ticketId));
  for (const t of tickets) {
    const row = rows.get(t.ticketId);
    if (row?.status === 'released') {
      await giveBack(d, sales.get(t.saleId)!, t);
      outcomes.push({ ticket: t, refusal: row.release_reason });
    } else if (row?.status === 'ordered') outcomes.push({ ticket: t, orderId: row.order_id });
    else fresh.push(t);
  }
  if (fresh.length > 0) {
    const made = await d.orders.create(fresh.map((ticket) => ({ ticket, sale: sales.get(ticket.saleId)!.row })));
    const done: TicketOutcome[] = fresh.map((ticket, i) => (made[i]!.refusal === '' ? { ticket, orderId: made[i]!.orderId } : { ticket, refusal: made[i]!.refusal }));
    // Written before the units go back: a redelivery then sees the release and never asks for an order again.
    await d.tickets.record(done, d.clock.now());
    for (const o of done) if ('refusal' in o) await giveBack(d, sales.get(o.ticket.saleId)!, o.ticket);
    outcomes.push(...done);
  }
  await d.stock.done(tickets);
  return outcomes;
}
