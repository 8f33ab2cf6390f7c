// Exactly-once effect for at-least-once delivery: the event's key is recorded in the same
// transaction as its effect, so a redelivered (or twice-published) event finds the key and
// changes nothing. Old keys are pruned now and then: redeliveries stop within minutes.
// For effects outside the consumer's database, where no transaction can hold the key, use
// kit/queue idempotent() instead (docs/decisions.md says why there are two).
import type { Kysely, Transaction } from 'kysely';
import { systemClock, type Clock } from '#kit/clock';
import type { ServiceDatabase } from '#kit/store';
import type { OutboxTables } from './migrations.js';

export interface ApplyOnceOptions {
  clock?: Clock;
  /** How long applied keys are kept. Default 7 days: far past any redelivery or relay retry. */
  keepMs?: number;
  /** Prune on about one application in this many. Default 1000. */
  pruneEvery?: number;
  /** Default Math.random: decides when to prune. */
  random?: () => number;
}

export async function applyOnce<DB>(sdb: ServiceDatabase<DB>, key: string, fn: (trx: Transaction<DB>) => Promise<void>, options: ApplyOnceOptions = {}): Promise<boolean> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const ran = await sdb.transaction(async (trx) => {
    const inserted = await sdb.insertIgnore('surge_applied_events' as keyof DB & string, { id: key, applied_at: now } as never, { executor: trx as unknown as Kysely<DB> });
    if (!inserted) return false;
    await fn(trx);
    return true;
  });
  await maybePrune(sdb, now, options);
  return ran;
}

/**
 * applyOnce for a batch (a bulk executor's flush of many deliveries): one transaction records the
 * keys not applied before and runs fn with their items only (a key repeated within the batch
 * counts once). Resolves with how many items were fresh. A key recorded by a concurrent batch
 * between the read and the insert fails this transaction (a duplicate key); the whole batch is
 * then delivered again and finds it.
 */
export async function applyEachOnce<DB, T>(
  sdb: ServiceDatabase<DB>,
  items: readonly T[],
  keyOf: (item: T) => string,
  fn: (trx: Transaction<DB>, fresh: T[]) => Promise<void>,
  options: ApplyOnceOptions = {},
): Promise<number> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const byKey = new Map<string, T>();
  for (const item of items) if (!byKey.has(keyOf(item))) byKey.set(keyOf(item), item);
  if (byKey.size === 0) return 0;
  const fresh = await sdb.transaction(async (trx) => {
    const applied = trx as unknown as Transaction<OutboxTables>;
    const seen = await applied.selectFrom('surge_applied_events').select('id').where('id', 'in', [...byKey.keys()]).execute();
    for (const { id } of seen) byKey.delete(id);
    if (byKey.size === 0) return [];
    await applied
      .insertInto('surge_applied_events')
      .values([...byKey.keys()].map((id) => ({ id, applied_at: now })))
      .execute();
    const todo = [...byKey.values()];
    await fn(trx, todo);
    return todo;
  });
  await maybePrune(sdb, now, options);
  return fresh.length;
}

/** Old keys are deleted on about one application in pruneEvery. */
async function maybePrune<DB>(sdb: ServiceDatabase<DB>, now: number, options: ApplyOnceOptions): Promise<void> {
  if ((options.random ?? Math.random)() * (options.pruneEvery ?? 1000) >= 1) return;
  const before = now - (options.keepMs ?? 7 * 86_400_000);
  await (sdb.db as unknown as Kysely<OutboxTables>).deleteFrom('surge_applied_events').where('applied_at', '<', before).execute();
}
