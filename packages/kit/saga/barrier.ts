// Branch barrier, after DTM's (dtmcli/barrier.go): a participant runs each saga branch operation
// through withBarrier, which records (gid, branch, op) in the participant's own database in the
// same local transaction as the operation's effect. Three guarantees follow from that one row:
//   idempotent:         a repeated action or compensation finds its row and does nothing;
//   null compensation:  a compensation first inserts the *action's* row; when that insert
//                       succeeds the action never ran, so the compensation does nothing...
//   hanging prevention: ...and an action arriving after it (a delayed or retried call) finds its
//                       row taken and does nothing, so nothing is left reserved for ever.
// Effects and rows commit or roll back together: a failed action leaves no row and can be retried.
// On MariaDB a second insert of a row another transaction holds waits for that transaction, so
// concurrent duplicates and action/compensation races resolve to one order; SQLite runs one write
// transaction at a time.
import type { Kysely, Transaction } from 'kysely';
import { systemClock, type Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { ServiceDatabase } from '#kit/store';
import type { BarrierTables } from './barrier-migrations.js';

/** Names one branch of one saga transaction, as the coordinator passes it to the participant. */
export interface BranchRef {
  readonly gid: string;
  readonly branch: string;
}

export type BarrierOp = 'action' | 'compensate';

export type BarrierResult<T> = { ran: true; value: T } | { ran: false };

/** Longest gid or branch name: the barrier's key columns are varchar(64). */
export const MAX_REF = 64;
const REF = /^[A-Za-z0-9._:-]+$/;

/** One part of a barrier key (a gid, a branch name, an owner), refused naming field. */
export function checkRefPart(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_REF || !REF.test(value))
    throw errors.invalid(field, `1 to ${MAX_REF} characters from A-Z a-z 0-9 . _ : -`);
  return value;
}

/**
 * The branch reference a request carried, checked (MariaDB's INSERT IGNORE would turn an
 * over-long key into a warning and a truncated row, so the check comes first).
 * InvalidArgument naming `gid` or `branch`.
 */
export function checkBranchRef(ref: { gid: string; branch: string }): BranchRef {
  if (typeof ref !== 'object' || ref === null) throw errors.invalid('gid', 'a branch reference {gid, branch} is required');
  return { gid: checkRefPart('gid', ref.gid), branch: checkRefPart('branch', ref.branch) };
}

function checkOp(op: unknown): BarrierOp {
  if (op !== 'action' && op !== 'compensate') throw errors.invalid('op', "'action' or 'compensate'");
  return op;
}

/**
 * Runs work in ONE local transaction with the barrier row. ran=false: skipped (a repeat, a
 * compensation of an action that never ran, or an action arriving after its compensation).
 * When work throws, its effects and the barrier row roll back together and the error passes
 * through, so the coordinator's retry runs it again.
 */
export async function withBarrier<DB, T>(
  db: ServiceDatabase<DB>,
  ref: BranchRef,
  op: BarrierOp,
  work: (trx: Transaction<DB>) => Promise<T>,
  options: { clock?: Clock } = {},
): Promise<BarrierResult<T>> {
  const { gid, branch } = checkBranchRef(ref);
  checkOp(op);
  const created_at = (options.clock ?? systemClock).now();
  return db.transaction(async (trx) => {
    const executor = { executor: trx as unknown as Kysely<DB> };
    const insert = (rowOp: BarrierOp) =>
      db.insertIgnore('surge_saga_barrier' as keyof DB & string, { gid, branch, op: rowOp, created_at } as never, executor);
    // The action's row first, in both operations: one lock order, so an action and its
    // compensation racing on MariaDB queue behind each other instead of deadlocking.
    const actionRowIsNew = op === 'compensate' ? await insert('action') : false;
    const ownRowIsNew = await insert(op);
    // Null compensation: the action never ran; its row (now ours) keeps it from running later.
    if (op === 'compensate' && actionRowIsNew) return { ran: false } as const;
    // A repeat, or an action whose compensation came first.
    if (!ownRowIsNew) return { ran: false } as const;
    return { ran: true, value: await work(trx) } as const;
  });
}

/**
 * Deletes barrier rows older than olderThanMs; resolves how many. Keep them far longer than a
 * transaction can stay unfinished, stuck ones included: a compensation arriving after its
 * action's row is gone would be taken for a null compensation and skipped.
 */
export async function pruneBarrier<DB>(db: ServiceDatabase<DB>, olderThanMs: number, now: number): Promise<number> {
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw errors.invalid('olderThanMs', 'a number of ms, at least 0');
  if (!Number.isFinite(now)) throw errors.invalid('now', 'wall-clock ms since the epoch');
  const result = await (db.db as unknown as Kysely<BarrierTables>)
    .deleteFrom('surge_saga_barrier')
    .where('created_at', '<', now - olderThanMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
