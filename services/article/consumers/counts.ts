// The like and comment counts stored on each article (the columns its "by likes" list and the hot
// list sort on), kept from the interaction service's events about articles, in batches
// (#kit/outbox createBatchApplier). Events about other businesses are acknowledged and skipped.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import { createBatchApplier } from '#kit/outbox';
import type { Queue, QueueMessage } from '#kit/queue';
import type { ServiceDatabase } from '#kit/store';
import { TARGET_COMMENTED, TARGET_LIKED } from '../../interaction/events.js';
import type { ArticleModel, CountSum } from '../model/articles.js';
import type { ArticleDB } from '../model/tables.js';

/** The consumer group: every article instance shares each event once. */
export const CONSUMER_GROUP = 'article';

/** The business name articles have in the interaction service. */
export const ARTICLE_BIZ = 'article';

const IN_FLIGHT = 512;

interface Item extends CountSum {
  key: string;
}

export interface ArticleConsumerOptions {
  db: ServiceDatabase<ArticleDB>;
  articles: ArticleModel;
  queue: Queue;
  clock: Clock;
  log: Logger;
  /** Default 100 ms: about how long until a like shows in the article's stored count. */
  flushIntervalMs?: number;
}

export function sumPerArticle(items: readonly CountSum[]): CountSum[] {
  const sums = new Map<number, CountSum>();
  for (const i of items) {
    const s = sums.get(i.id);
    if (s) {
      s.likes += i.likes;
      s.comments += i.comments;
    } else sums.set(i.id, { id: i.id, likes: i.likes, comments: i.comments });
  }
  return [...sums.values()];
}

export async function startArticleConsumers(o: ArticleConsumerOptions): Promise<{ close(): Promise<void> }> {
  const batches = createBatchApplier<ArticleDB, Item>({
    db: o.db,
    name: 'article counts',
    keyOf: (i) => i.key,
    apply: (trx, fresh) => o.articles.addCounts(trx, sumPerArticle(fresh)),
    afterCommit: (items) => o.articles.forget(items.map((i) => i.id)),
    log: o.log,
    clock: o.clock,
    flushIntervalMs: o.flushIntervalMs,
    maxItems: IN_FLIGHT,
  });
  const add = async (msg: QueueMessage<{ biz: string; targetId: number }>, likes: number, comments: number) => {
    if (msg.data.biz !== ARTICLE_BIZ) return;
    await batches.add({ key: `${CONSUMER_GROUP}:${msg.id}`, id: msg.data.targetId, likes, comments });
  };
  const options = batches.subscribe;
  const subs = [
    await o.queue.subscribe(TARGET_LIKED, CONSUMER_GROUP, (msg) => add(msg, msg.data.delta, 0), options),
    await o.queue.subscribe(TARGET_COMMENTED, CONSUMER_GROUP, (msg) => add(msg, 0, msg.data.delta), options),
  ];
  o.log.debug({ topics: [TARGET_LIKED.name, TARGET_COMMENTED.name], group: CONSUMER_GROUP }, 'article consumers started');
  return {
    async close() {
      await Promise.all(subs.map((s) => s.close()));
      await batches.close();
    },
  };
}
