// The orders of flash-sale tickets, written a batch at a time in one transaction. Each ticket's
// answer, an order or a refusal, is claimed once, for good, in flash_claims (its gid the key):
// the batch's claims go in with one INSERT IGNORE, which leaves out every ticket answered before
// (on MariaDB it waits for a concurrent call that is claiming one, until that call commits or
// rolls back), and only then are the claims read. That read is the transaction's first, so its
// snapshot (REPEATABLE READ) is taken after every such wait and sees the other calls' claims.
// Then the orders of the claims this call won are written, and every claimed order is read.
//
// A refusal is claimed as an order is because two deliveries of one ticket can decide
// differently: one read the address before the buyer deleted it, one after. Without the claim,
// the refusal (its units back to the sale) and the order could both stand, and the unit would be
// sold twice. With it, whichever claims first is the ticket's answer on every delivery.
// No call ever loses a race: a batch of 500 tickets is four statements whatever runs beside it.
import type { ServiceDatabase } from '#kit/store';
import type { LineRow, OrderRow } from './orders.js';
import type { OrderDB, OrderStatus } from './tables.js';

/** A ticket's new order with its one line. */
export interface NewFlashOrder {
  order: OrderRow;
  line: LineRow;
}

/** The order a ticket has after the write. */
export interface TicketOrder {
  orderId: number;
  status: OrderStatus;
  createdAt: number;
  /** True when this write made it; false when the ticket had it before. */
  created: boolean;
}

/** A ticket's answer as one call decided it: its gid, and its new order, or none (refused). */
export interface FlashDecision {
  gid: string;
  order: NewFlashOrder | undefined;
}

export interface FlashOrderModel {
  /**
   * In one transaction: each gid's decision claimed unless one is claimed already, the orders
   * of the claims won written, then the orders of every gid's claim, keyed by gid. A gid whose
   * claim is a refusal (this call's or an earlier one's) is absent.
   */
  write(decisions: readonly FlashDecision[]): Promise<Map<string, TicketOrder>>;
}

const byGid = (a: FlashDecision, b: FlashDecision) => (a.gid < b.gid ? -1 : a.gid > b.gid ? 1 : 0);

export function createFlashOrderModel(sdb: ServiceDatabase<OrderDB>): FlashOrderModel {
  return {
    async write(decisions) {
      if (decisions.length === 0) return new Map();
      // In gid order: two batches sharing tickets take the index's locks in one order.
      const sorted = [...decisions].sort(byGid);
      const gids = sorted.map((d) => d.gid);
      return sdb.transaction(async (trx) => {
        await sdb.insertRows('flash_claims', sorted.map((d) => ({ gid: d.gid, order_id: d.order?.order.id ?? 0 })), { executor: trx, ignore: true });
        const claims = await trx.selectFrom('flash_claims').select(['gid', 'order_id']).where('gid', 'in', gids).execute();
        const mine = new Map(sorted.flatMap((d) => (d.order ? [[d.order.order.id, d.order] as const] : [])));
        const won = claims.flatMap((c) => mine.get(Number(c.order_id)) ?? []);
        await sdb.insertRows('orders', won.map((o) => o.order), { executor: trx });
        await sdb.insertRows('order_lines', won.map((o) => o.line), { executor: trx });
        const orderIds = claims.map((c) => Number(c.order_id)).filter((id) => id !== 0);
        if (orderIds.length === 0) return new Map();
        const rows = await trx.selectFrom('orders').select(['id', 'gid', 'status', 'created_at']).where('id', 'in', orderIds).execute();
        return new Map(rows.map((row): [string, TicketOrder] => [row.gid, { orderId: Number(row.id), status: row.status, createdAt: Number(row.created_at), created: mine.has(Number(row.id)) }]));
      });
    },
  };
}
