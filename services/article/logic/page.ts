// A page of articles from the ids a list query found (limit + 1 of them): the rows from the row
// cache, the next cursor from the last id served and the keys it was sorted by.
import { pageOf } from '#kit/paging';
import type { ArticlePage } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { encodeCursor, type CursorKind } from '../model/cursor.js';
import type { Keyed } from '../model/lists.js';

export async function articlePage(d: ArticleDeps, found: readonly Keyed[], limit: number, kind: CursorKind): Promise<ArticlePage> {
  const { rows, isEnd } = pageOf(found, limit);
  const last = rows.at(-1);
  // An article deleted since its id was read is left out (the row cache finds none).
  const articles = await d.articles.byIds(rows.map((r) => r.id));
  return { articles, nextCursor: isEnd || !last ? '' : encodeCursor({ kind, keys: last.keys, id: last.id }), isEnd };
}
