// Profile counters follow other services' events: works from video.published, likes given and
// received from interaction.favorited, follows from relation.followed. Each event is applied
// exactly once (its key recorded in the same transaction as the counter change), then the
// cached profiles it touched are dropped.
import type { Logger } from 'pino';
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { applyOnce } from '#kit/outbox';
import type { Queue, QueueMessage, Subscription } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import type { UserDB } from './model/tables.js';
import { createUserModel, type CounterChange } from './model/users.js';

export interface UserConsumerOptions {
  db: ServiceDatabase<UserDB>;
  cache: Cache;
  queue: Queue;
  clock: Clock;
  log: Logger;
}

const GROUP = 'user';

const id = (data: Record<string, unknown>, field: string): number => {
  const v = data[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw errors.invalid(field, 'event field must be a positive integer id');
  return v;
};
const delta = (data: Record<string, unknown>): number => {
  const v = data.delta;
  if (v !== 1 && v !== -1) throw errors.invalid('delta', 'event field must be 1 or -1');
  return v;
};

/** The counter changes each event means. */
const meanings: Record<string, (d: Record<string, unknown>) => CounterChange[]> = {
  'video.published': (d) => [{ id: id(d, 'authorId'), column: 'work_count', delta: 1 }],
  'interaction.favorited': (d) => [
    { id: id(d, 'userId'), column: 'favorite_count', delta: delta(d) },
    { id: id(d, 'authorId'), column: 'total_favorited', delta: delta(d) },
  ],
  'relation.followed': (d) => [
    { id: id(d, 'followerId'), column: 'follow_count', delta: delta(d) },
    { id: id(d, 'followeeId'), column: 'follower_count', delta: delta(d) },
  ],
};

export async function startUserConsumers(o: UserConsumerOptions): Promise<{ close(): Promise<void> }> {
  const users = createUserModel(o.db, o.cache);
  const subs: Subscription[] = [];
  try {
    for (const [topic, meaning] of Object.entries(meanings)) {
      subs.push(
        await o.queue.subscribe<Record<string, unknown>>(topic, GROUP, async (msg: QueueMessage<Record<string, unknown>>) => {
          const changes = meaning(msg.data ?? {});
          const ran = await applyOnce(o.db, `${GROUP}:${msg.id}`, (trx) => users.addCounters(trx, changes), { clock: o.clock });
          if (ran) await users.invalidate(changes.map((c) => c.id));
        }),
      );
    }
  } catch (err) {
    await Promise.all(subs.map((s) => s.close()));
    throw err;
  }
  return { close: async () => void (await Promise.all(subs.map((s) => s.close()))) };
}
