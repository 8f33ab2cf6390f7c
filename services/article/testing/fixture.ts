// One article service over a fresh database of the given kind, for the service's own tests: the
// real models, an in-process cache, a manual clock (articles written while it stands still share
// their created_at), called through the in-process transport with its codec check.
import { afterAll } from 'vitest';
import { createCache, type Cache } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { ArticleServiceDefinition, type Article, type CreateArticleRequest, type UpdateArticleRequest } from '#gen/surge/article/v1/article';
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
  afterAll(() => kind.cleanup());
  return (o) => openArticleFixture(kind, o);
}

export async function openArticleFixture(kind: TestDatabaseKind, o: ArticleFixtureOptions = {}): Promise<ArticleFixture> {
  const db = await kind.open<ArticleDB>('article', articleMigrations);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const cache = createCache({ name: 'article', local: { maxEntries: 10_000, ttlMs: 60_000 }, clock: systemClock });
  const handlers = defineArticleService({
    db,
    cache,
    clock,
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
    clock,
    publish: (authorId, fields = {}) => svc.createArticle({ authorId, title: 'A title', content: 'Some **Markdown**.', coverUrl: '', tags: [], ...fields }),
    update: (req) => svc.updateArticle({ title: undefined, content: undefined, coverUrl: undefined, tags: [], replaceTags: false, ...req }),
  };
}
