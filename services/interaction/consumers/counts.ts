// Keeps each target's like and comment counts from the service's own events, in batches
// (#kit/outbox createBatchApplier): a delivery is acknowledged once its batch committed, its id
// recorded in the same transaction as the deltas, summed per target.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import { createBatchApplier } from '#kit/outbox';
import type { Queue, QueueMessage, SubscribeOptions } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import { TARGET_COMMENTED, TARGET_LIKED } from '../events.js';
import type { CountDelta, CountModel } from '../model/counts.js';
import type { InteractionDB } from '../model/tables.js';

/** The consumer group: every interaction instance shares each event once. */
export const CONSUMER_GROUP = 'interaction';

/** Deliveries handled at once per instance: the most one batch can gather. */
const IN_FLIGHT = 512;

interface Item extends CountDelta {
  key: string;
}

export interface CountConsumerOptions {
  db: ServiceDatabase<InteractionDB>;
  counts: CountModel;
  queue: Queue;
  clock: Clock;
  log: Logger;
  /** Default 100 ms: the longest a delivery waits for its batch, so about how long until a count is exact. */
  flushIntervalMs?: number;
  /** Retry and back-off of the subscriptions. Default: the queue's, with the batch applier's concurrency and ack wait. */
  subscribe?: SubscribeOptions;
}

/** The deltas of a batch, summed per target. */
export function sumPerTarget(items: readonly CountDelta[]): CountDelta[] {
  const sums = new Map<string, CountDelta>();
  for (const i of items) {
    const k = `${i.biz}:${i.targetId}`;
    const s = sums.get(k);
    if (s) {
      s.likes += i.likes;
      s.comments += i.comments;
    } else sums.set(k, { biz: i.biz, targetId: i.targetId, likes: i.likes, comments: i.comments });
  }
  return [...sums.values()];
}

export async function startCountConsumers(o: CountConsumerOptions): Promise<{ close(): Promise<void> }> {
  const batches = createBatchApplier<InteractionDB, Item>({
    db: o.db,
    name: 'interaction counts',
    keyOf: (i) => i.key,
    apply: (trx, fresh) => o.counts.add(trx, sumPerTarget(fresh)),
    afterCommit: (items) => o.counts.forget(items),
    log: o.log,
    clock: o.clock,
    flushIntervalMs: o.flushIntervalMs,
    maxItems: IN_FLIGHT,
  });
  const key = (msg: QueueMessage<unknown>) => `${CONSUMER_GROUP}:${msg.id}`;
  const options = { ...batches.subscribe, ...o.subscribe };
  const subs = [
    await o.queue.subscribe(TARGET_LIKED, CONSUMER_GROUP, (msg) => batches.add({ key: key(msg), biz: msg.data.biz, targetId: msg.data.targetId, likes: msg.data.delta, comments: 0 }), options),
    await o.queue.subscribe(TARGET_COMMENTED, CONSUMER_GROUP, (msg) => batches.add({ key: key(msg), biz: msg.data.biz, targetId: msg.data.targetId, likes: 0, comments: msg.data.delta }), options),
  ];
  o.log.debug({ topics: [TARGET_LIKED.name, TARGET_COMMENTED.name], group: CONSUMER_GROUP }, 'interaction count consumers started');
  return {
    async close() {
      await Promise.all(subs.map((s) => s.close()));
      await batches.close();
    },
  };
}
