// Profile counters follow other services' events: works from video.published, likes given and
// received from interaction.favorited, follows from relation.followed. The topics are typed: an
// event that does not decode or lacks an id is dead-lettered before it reaches a handler. Each event is applied
// exactly once (its key recorded in the same transaction as the counter change), then the
// cached profiles it touched are dropped.
import type { Logger } from 'pino';
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import { applyOnce } from '#kit/outbox';
import type { Queue, QueueMessage, Subscription, Topic } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import { FAVORITED } from '../interaction/events.js';
import { RELATION_FOLLOWED } from '../relation/events.js';
import { VIDEO_PUBLISHED } from '../video/events.js';
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

/** A topic and the counter changes each of its events means; the topic's check vouches for the fields. */
interface Meaning<T> {
  readonly topic: Topic<T>;
  readonly changes: (event: T) => CounterChange[];
}
const meaning = <T>(topic: Topic<T>, changes: (event: T) => CounterChange[]): Meaning<T> => ({ topic, changes });

const meanings = [
  meaning(VIDEO_PUBLISHED, (e) => [{ id: e.authorId, column: 'work_count', delta: 1 }]),
  meaning(FAVORITED, (e) => [
    { id: e.userId, column: 'favorite_count', delta: e.delta },
    { id: e.authorId, column: 'total_favorited', delta: e.delta },
  ]),
  meaning(RELATION_FOLLOWED, (e) => [
    { id: e.followerId, column: 'follow_count', delta: e.delta },
    { id: e.followeeId, column: 'follower_count', delta: e.delta },
  ]),
];

export async function startUserConsumers(o: UserConsumerOptions): Promise<{ close(): Promise<void> }> {
  const users = createUserModel(o.db, o.cache);
  const subs: Subscription[] = [];
  try {
    const subscribe = async <T>({ topic, changes: changesOf }: Meaning<T>): Promise<Subscription> =>
      o.queue.subscribe(topic, GROUP, async (msg: QueueMessage<T>) => {
        const changes = changesOf(msg.data);
        const ran = await applyOnce(o.db, `${GROUP}:${msg.id}`, (trx) => users.addCounters(trx, changes), { clock: o.clock });
        if (ran) await users.invalidate(changes.map((c) => c.id));
      });
    for (const m of meanings) subs.push(await subscribe(m as Meaning<unknown>));
  } catch (err) {
    await Promise.all(subs.map((s) => s.close()));
    throw err;
  }
  return { close: async () => void (await Promise.all(subs.map((s) => s.close()))) };
}
