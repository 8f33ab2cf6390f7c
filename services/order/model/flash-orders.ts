// The orders of flash-sale tickets, written a batch at a time in one transaction. "One order per
// ticket" is the unique index on orders.gid (each ticket's gid is its own), claimed before
// anything is read: the batch's new orders go in with one INSERT IGNORE, which leaves out every
// ticket that has its order (on MariaDB it waits for a concurrent call that is writing one, until
// that call commits or rolls back), and only then are the tickets' orders read. That read is the
// transaction's first, so its snapshot (REPEATABLE READ) is taken after every such wait and sees
// the other calls' orders. No call ever loses a race: a batch of 500 tickets is three statements
// whatever runs beside it.
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

export interface FlashOrderModel {
  /**
   * In one transaction: `fresh` written for the gids that have no order yet, then the orders of
   * every gid in `gids` (fresh ones included), keyed by gid. A gid with no order before and none
   * in `fresh` is absent.
   */
  write(gids: readonly string[], fresh: readonly NewFlashOrder[]): Promise<Map<string, TicketOrder>>;
}

const byGid = (a: NewFlashOrder, b: NewFlashOrder) => (a.order.gid < b.order.gid ? -1 : a.order.gid > b.order.gid ? 1 : 0);

export function createFlashOrderModel(sdb: ServiceDatabase<OrderDB>): FlashOrderModel {
  return {
    async write(gids, fresh) {
      if (gids.length === 0) return new Map();
      // In gid order: two batches sharing tickets take the index's locks in one order.
      const claims = [...fresh].sort(byGid);
      return sdb.transaction(async (trx) => {
        await sdb.insertRows('orders', claims.map((o) => o.order), { executor: trx, ignore: true });
        const rows = await trx.selectFrom('orders').select(['id', 'gid', 'status', 'created_at']).where('gid', 'in', [...gids]).execute();
        const mine = new Map(claims.map((o) => [Number(o.order.id), o.line]));
        const orders = new Map(rows.map((row): [string, TicketOrder] => [row.gid, { orderId: Number(row.id), status: row.status, createdAt: Number(row.created_at), created: mine.has(Number(row.id)) }]));
        const lines = [...orders.values()].filter((o) => o.created).map((o) => mine.get(o.orderId)!);
        await sdb.insertRows('order_lines', lines, { executor: trx });
        return orders;
      });
    },
  };
}
