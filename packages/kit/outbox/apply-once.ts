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
  if ((options.random ?? Math.random)() * (options.pruneEvery ?? 1000) < 1) {
    const before = now - (options.keepMs ?? 7 * 86_400_000);
    await (sdb.db as unknown as Kysely<OutboxTables>).deleteFrom('surge_applied_events').where('applied_at', '<', before).execute();
  }
  return ran;
}
