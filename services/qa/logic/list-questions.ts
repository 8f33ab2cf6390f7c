import type { ListQuestionsRequest, QuestionPage } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkLimit, checkOrder } from '../rules.js';
import { questionPage } from './page.js';

/** Questions newest first, unanswered ones newest first, or by hot score; ties broken by id; a cursor of another order is refused. */
export async function listQuestions(d: QaDeps, req: ListQuestionsRequest): Promise<QuestionPage> {
  const order = checkOrder(req.sort);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, [order]);
  return questionPage(await d.lists.list(order, from, limit), limit, order);
}
