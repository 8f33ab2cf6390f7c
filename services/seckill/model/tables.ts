// Kysely types of the seckill service's tables.

/**
 * taking: written, its units not yet taken from the product (a start-up or the keeper finishes it);
 * open: units taken and loaded into the sale stock, sold inside its window;
 * ended: its end passed, what was left given back to the product; failed: the product refused.
 */
export type SaleState = 'taking' | 'open' | 'ended' | 'failed';

export interface FlashSalesTable {
  id: number;
  product_id: number;
  name: string;
  image_url: string;
  price_cents: number;
  original_price_cents: number;
  stock: number;
  buckets: number;
  per_user_limit: number;
  start_at: number;
  end_at: number;
  state: SaleState;
  /** Units left when it ended (given back to the product); 0 before. */
  left_at_end: number;
  created_at: number;
  updated_at: number;
}

export type TicketStatus = 'reserved' | 'ordered' | 'released';

/**
 * A ticket's outcome, written by the ticket worker once the order exists (or the ticket was
 * released). Until then the ticket is in the journal: Redis on the servers, flash_journal
 * embedded. (Databases written before flash_journal hold 'reserved' rows: start-up reads them as
 * journal entries.)
 */
export interface FlashTicketsTable {
  id: number;
  sale_id: number;
  user_id: number;
  quantity: number;
  address_id: number;
  /** The bucket that gave its units. */
  bucket: number;
  status: TicketStatus;
  /** 0 until ordered. */
  order_id: number;
  /** '' unless released: 'no_address', 'cancelled', 'timeout'. */
  release_reason: string;
  created_at: number;
  updated_at: number;
}

/** The embedded journal: one row per group of reservations written together (model/ticket-journal.ts). */
export interface FlashJournalTable {
  /** The group's first ticket id (ticket ids are unique, so row ids are). */
  id: number;
  /** The group's tickets, encoded by ticket-journal.ts. */
  tickets: string;
  created_at: number;
}

export interface SeckillDB {
  flash_sales: FlashSalesTable;
  flash_tickets: FlashTicketsTable;
  flash_journal: FlashJournalTable;
}
