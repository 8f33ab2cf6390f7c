// One article service over a fresh database of the given kind, for the service's own tests: the
// real models, an in-process cache, a manual clock (articles written while it stands still share
// their created_at), called through the in-process transport with its codec check.
import { afterAll } from 'vitest';
import pino from 'pino';
import { createCache, type Cache } from '#kit/cache';
import { createOutbox } from '#kit/outbox';
import { createMemoryQueue, type Queue, type Topic } from '#kit/queue';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { ArticleServiceDefinition, type Article, type CreateArticleRequest, type UpdateArticleRequest } from '#gen/surge/article/v1/article';
import { ARTICLE_DELETED, ARTICLE_PUBLISHED } from '../events.js';
import { createArticleModel } from '../model/articles.js';
import { createViewCounter } from '../views.js';
import { articleMigrations } from '../model/migrations.js';
import type { ArticleDB } from '../model/tables.js';
import { defineArticleService, type ArticleService } from '../service.js';

export interface ArticleFixture {
  /** A client through the in-process transport: requests and replies are encoded as on the wire. */
  svc: Client<typeof ArticleServiceDefinition>;
  handlers: ArticleService;
  db: ServiceDatabase<ArticleDB>;
  /** The service's cache: the count consumer drops its rows there. */
  cache: Cache;
  /** The queue the outbox publishes to (and a test's consumers read). */
  queue: Queue;
  /** article.published and article.deleted, as delivered so far. */
  events: { topic: string; data: unknown }[];
  close(): Promise<void>;
  clock: ManualClock;
  /** CreateArticle by `authorId` with defaults for the fields not given. */
  publish(authorId: number, fields?: Partial<CreateArticleRequest>): Promise<Article>;
  /** UpdateArticle with every optional field named (absent ones undefined), as a decoded request has them. */
  update(req: Partial<UpdateArticleRequest> & { id: number; authorId: number }): Promise<Article>;
}

export interface ArticleFixtureOptions {
  /** article.blockedWords; default none. */
  blockedWords?: readonly string[];
}

/** For one describe block: opens fresh fixtures on `kind`, whose databases are dropped after the block. */
export function articleFixturesOn(kind: TestDatabaseKind): (o?: ArticleFixtureOptions) => Promise<ArticleFixture> {
  const opened: ArticleFixture[] = [];
  afterAll(async () => {
    for (const f of opened) await f.close();
    await kind.cleanup();
  });
  return async (o) => {
    const f = await openArticleFixture(kind, o);
    opened.push(f);
    return f;
  };
}

export async function openArticleFixture(kind: TestDatabaseKind, o: ArticleFixtureOptions = {}): Promise<ArticleFixture> {
  const db = await kind.open<ArticleDB>('article', articleMigrations);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const cache = createCache({ name: 'article', local: { maxEntries: 10_000, ttlMs: 60_000 }, clock: systemClock });
  const queue = createMemoryQueue();
  const events: { topic: string; data: unknown }[] = [];
  const subs = await Promise.all(
    [ARTICLE_PUBLISHED, ARTICLE_DELETED].map((topic: Topic<any>) => queue.subscribe(topic, 'test', async (m) => void events.push({ topic: m.topic, data: m.data }))),
  );
  // A poll far beyond any test: events reach the queue only because the service flushed.
  const outbox = createOutbox({ db, queue, clock, log: pino({ level: 'silent' }), pollMs: 3_600_000 });
  const views = createViewCounter({ articles: createArticleModel(db, cache), clock: systemClock, log: pino({ level: 'silent' }), flushIntervalMs: 10 });
  const handlers = defineArticleService({
    db,
    cache,
    clock,
    outbox,
    views,
    // Ids on the real clock: the manual one stands still, and a burst would wait for it.
    ids: createIdGenerator({ workerId: 1, clock: systemClock }),
    blockedWords: o.blockedWords ?? [],
  });
  const svc = inProcessClient(ArticleServiceDefinition, handlers);
  return {
    svc,
    handlers,
    db,
    cache,
    queue,
    events,
    clock,
    async close() {
      await views.close();
      await outbox.close();
      await Promise.all(subs.map((sub) => sub.close()));
      await queue.close();
    },
    publish: (authorId, fields = {}) => svc.createArticle({ authorId, title: 'A title', content: 'Some **Markdown**.', coverUrl: '', tags: [], ...fields }),
    update: (req) => svc.updateArticle({ title: undefined, content: undefined, coverUrl: undefined, tags: [], replaceTags: false, ...req }),
  };
}
