// A page of questions from the rows a list query found (limit + 1 of them): the next cursor from
// the last one served and the keys it was sorted by.
import { pageOf } from '#kit/paging';
import type { QuestionPage } from '#gen/surge/qa/v1/qa';
import { encodeCursor, type CursorKind } from '../model/cursor.js';
import type { Listed } from '../model/lists.js';

export function questionPage(found: readonly Listed[], limit: number, kind: CursorKind): QuestionPage {
  const { rows, isEnd } = pageOf(found, limit);
  const last = rows.at(-1);
  return {
    questions: rows.map((r) => r.question),
    nextCursor: isEnd || !last ? '' : encodeCursor({ kind, keys: last.keys, id: last.question.id }),
    isEnd,
  };
}
