// Wires the article service: the article and list models over the service's own database and
// cache, the outbox for its events, the word filter over the configured words, then one handler
// per RPC method, each a use case in logic/.
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { createWordFilter } from '#kit/wordfilter';
import { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from './deps.js';
import { createArticle } from './logic/create-article.js';
import { deleteArticle } from './logic/delete-article.js';
import { getArticles } from './logic/get-articles.js';
import { listByAuthor } from './logic/list-by-author.js';
import { listDrafts } from './logic/list-drafts.js';
import { recordViews } from './logic/record-views.js';
import { listHot } from './logic/list-hot.js';
import { search } from './logic/search.js';
import { updateArticle } from './logic/update-article.js';
import { createArticleModel } from './model/articles.js';
import { createListModel } from './model/lists.js';
import type { ArticleDB } from './model/tables.js';
import type { EventSink } from './model/tx.js';
import type { ViewCounter } from './views.js';

export interface ArticleServiceOptions {
  /** Opened with articleMigrations. */
  db: ServiceDatabase<ArticleDB>;
  /** Holds the article rows a detail page and every list read. */
  cache: Cache;
  clock: Clock;
  /** Snowflake ids for articles (createIdGenerator from #kit/ids). */
  ids: { next(): number };
  /** The outbox over the same db (createOutbox from #kit/outbox): article.published and article.deleted. */
  outbox: EventSink;
  /** Detail reads' views (createViewCounter over the same article model's addViews); the caller closes it. */
  views: ViewCounter;
  /** The words masked in titles and bodies (article.blockedWords); [] masks nothing. */
  blockedWords: readonly string[];
}

export type ArticleService = ServiceImpl<typeof ArticleServiceDefinition>;

export function defineArticleService(o: ArticleServiceOptions): ArticleService {
  const d: ArticleDeps = {
    articles: createArticleModel(o.db, o.cache),
    lists: createListModel(o.db.db, o.cache),
    words: createWordFilter({ words: o.blockedWords }),
    ids: o.ids,
    clock: o.clock,
    events: o.outbox,
    views: o.views,
  };
  return {
    createArticle: (req) => createArticle(d, req),
    updateArticle: (req) => updateArticle(d, req),
    deleteArticle: (req) => deleteArticle(d, req),
    getArticles: (req) => getArticles(d, req),
    listByAuthor: (req) => listByAuthor(d, req),
    search: (req) => search(d, req),
    listHot: (req) => listHot(d, req),
    listDrafts: (req) => listDrafts(d, req),
    recordViews: (req) => recordViews(d, req),
  };
}
