// One feed service over a fresh database of the given kind, for the service's own tests: the
// real models and consumers on a memory queue, an in-memory relation service publishing
// relation.followed to the same queue (testing/relations.ts), article events published by the
// test as the article service's outbox would. Each helper returns once the feed applied its event.
import { afterAll } from 'vitest';
import pino from 'pino';
import { ManualClock } from '#kit/clock';
import { createMemoryQueue } from '#kit/queue';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { FeedServiceDefinition, type FeedItem } from '#gen/surge/feed/v1/feed';
import { ARTICLE_DELETED, ARTICLE_PUBLISHED } from '../../article/events.js';
import { startFeedConsumers, type FeedEvents } from '../consumers/events.js';
import { feedMigrations } from '../model/migrations.js';
import type { FeedDB } from '../model/tables.js';
import { defineFeedEvents, defineFeedService } from '../service.js';
import { memoryRelations } from './relations.js';

export interface FeedFixture {
  /** The feed through the in-process transport: requests and replies encoded as on the wire. */
  feed: Client<typeof FeedServiceDefinition>;
  /** The consumers' handlers, to deliver an event again by hand (a redelivery keeps its key). */
  events: FeedEvents;
  db: ServiceDatabase<FeedDB>;
  /** Follows (or unfollows) in the relation stand-in; resolves once the feed applied the event. */
  follow(followerId: number, authorId: number, follow?: boolean): Promise<void>;
  /** Publishes article.published for a new article; resolves once the feed applied it. */
  publish(authorId: number): Promise<FeedItem>;
  /** Publishes article.deleted; resolves once the feed applied it. */
  remove(item: FeedItem): Promise<void>;
  /** Every page of a user's feed with this page size, in order. */
  readAll(userId: number, limit: number): Promise<FeedItem[][]>;
  /** Inbox rows, all users. */
  inboxRows(): Promise<number>;
}

export interface FeedFixtureOptions {
  /** feed.pushLimit; default 3, so a test crosses it with a few follows. */
  pushLimit?: number;
}

const log = pino({ level: 'silent' });

async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** For one describe block: opens fresh fixtures on `kind`, whose databases are dropped after the block. */
export function feedFixturesOn(kind: TestDatabaseKind): (o?: FeedFixtureOptions) => Promise<FeedFixture> {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await kind.cleanup();
  });
  return async (o = {}) => {
    const { fixture, close } = await openFeedFixture(kind, o);
    closers.push(close);
    return fixture;
  };
}

async function openFeedFixture(kind: TestDatabaseKind, o: FeedFixtureOptions): Promise<{ fixture: FeedFixture; close(): Promise<void> }> {
  const db = await kind.open<FeedDB>('feed', feedMigrations);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const queue = createMemoryQueue();
  const relations = memoryRelations(queue);
  const options = { db, clock, relations: relations.client, pushLimit: o.pushLimit ?? 3 };

  // Counts what the consumers finished, so a helper waits for its own event and no longer.
  let handled = 0;
  let expected = 0;
  const real = defineFeedEvents(options);
  const counted = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => async (...args: A) => {
    await fn(...args);
    handled++;
  };
  const consumers = await startFeedConsumers({ queue, log, events: { published: counted(real.published), deleted: counted(real.deleted), followed: counted(real.followed) } });
  const applied = () => waitFor(() => handled >= expected, `${expected} events applied (${handled} so far)`);

  let nextArticle = 1;
  const feed = inProcessClient(FeedServiceDefinition, defineFeedService(options));
  const fixture: FeedFixture = {
    feed,
    events: real,
    db,
    async follow(followerId, authorId, follow = true) {
      if (await relations.follow(followerId, authorId, follow)) expected++;
      await applied();
    },
    async publish(authorId) {
      // Each article a millisecond after the last: the feed's order is by time, then id.
      clock.advance(1);
      const item = { articleId: nextArticle++, authorId, createdAt: clock.now() };
      expected++;
      await queue.publish(ARTICLE_PUBLISHED, item);
      await applied();
      return item;
    },
    async remove(item) {
      expected++;
      await queue.publish(ARTICLE_DELETED, { articleId: item.articleId, authorId: item.authorId });
      await applied();
    },
    async readAll(userId, limit) {
      const pages: FeedItem[][] = [];
      let cursor = '';
      for (let guard = 0; guard < 1000; guard++) {
        const page = await feed.feed({ userId, cursor, limit });
        pages.push(page.items);
        if (page.isEnd) return pages;
        cursor = page.nextCursor;
      }
      throw new Error('the feed never ended');
    },
    async inboxRows() {
      return (await db.db.selectFrom('inbox').select('article_id').execute()).length;
    },
  };
  return {
    fixture,
    async close() {
      await consumers.close();
      await queue.close();
    },
  };
}
