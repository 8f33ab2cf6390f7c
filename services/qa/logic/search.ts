import { errors } from '#kit/errors';
import { queryTerms } from '#kit/search';
import type { QuestionPage, SearchRequest } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkLimit, checkQuery } from '../rules.js';
import { questionPage } from './page.js';

/** Questions holding every term of q (#kit/search), best match first, then newest. */
export async function search(d: QaDeps, req: SearchRequest): Promise<QuestionPage> {
  const q = checkQuery(req.q);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, ['search']);
  const terms = queryTerms(q);
  if (terms.length === 0) throw errors.invalid('q', 'must hold a letter, digit or CJK character to search for');
  return questionPage(await d.lists.search(terms, from, limit), limit, 'search');
}
