import { mapLimit } from '#kit/mapreduce';
import type { CallContext } from '#kit/rpc';
import { pageOf } from '#kit/paging';
import type { FeedPage, FeedRequest } from '#gen/surge/feed/v1/feed';
import type { FeedDeps } from '../deps.js';
import { decodeCursor, encodeCursor } from '../model/cursor.js';
import { newestFirst } from '../model/rows.js';
import type { After, FeedEntry } from '../model/tables.js';
import { checkId, checkLimit } from '../rules.js';

/** Pulled authors read at once: a reader following many big authors waits on a few queries at a time. */
const PULL_PARALLEL = 8;

/**
 * A page of the feed: the reader's inbox (pushed articles) merged with the pulled articles of
 * the authors they follow, newest first. Each source gives limit + 1 entries after the cursor,
 * so the first limit + 1 of the merge are exact (an entry of the merged page is among the first
 * limit + 1 of its own source); an article in both (pushed before its author grew past the push
 * limit, or backfilled) is kept once.
 */
export async function readFeed(d: FeedDeps, req: FeedRequest, ctx?: CallContext): Promise<FeedPage> {
  const userId = checkId('user_id', req.userId);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor);
  const [pushed, pulled] = await Promise.all([d.inbox.page(userId, from, limit), pulledFor(d, userId, from, limit, ctx)]);
  const unique = new Map<number, FeedEntry>();
  for (const entry of [...pushed, ...pulled.flat()]) unique.set(entry.articleId, entry);
  const { rows, isEnd } = pageOf([...unique.values()].sort(newestFirst), limit);
  const last = rows.at(-1);
  return { items: rows, nextCursor: isEnd || !last ? '' : encodeCursor(last), isEnd };
}

/** limit + 1 pulled entries after `from` of each followed author that has any. */
async function pulledFor(d: FeedDeps, userId: number, from: After | undefined, limit: number, ctx?: CallContext): Promise<FeedEntry[][]> {
  const following = await d.relations.following(userId, ctx);
  if (following.length === 0) return [];
  const authors = await d.articles.pulledAuthors(following);
  return mapLimit(authors, PULL_PARALLEL, (authorId) => d.articles.pulledPage(authorId, from, limit));
}
