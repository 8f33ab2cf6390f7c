// Idempotency keys of CreateOrder: (user, key) → the order id, gid and saga payload of the one
// transaction that key starts. Written in the local transaction that writes the saga's row, so a
// repeat finds both or neither, whatever happened after (the saga running, finished, or its
// instance dead).
import type { Kysely, Selectable } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { OrderDB, OrderRequestsTable } from './tables.js';

export type RequestRow = Selectable<OrderRequestsTable>;

export interface RequestModel {
  find(userId: number, key: string): Promise<RequestRow | undefined>;
  /** Records the key in `executor` (the saga's creation); false when the user's key was taken first (then find() gives the winner). */
  claim(row: RequestRow, executor: Kysely<OrderDB>): Promise<boolean>;
}

export function createRequestModel(sdb: ServiceDatabase<OrderDB>): RequestModel {
  return {
    find: (userId, key) => sdb.db.selectFrom('order_requests').selectAll().where('user_id', '=', userId).where('idem_key', '=', key).executeTakeFirst(),
    claim: (row, executor) => sdb.insertIgnore('order_requests', row, { executor }),
  };
}
