import type { Answer, PostAnswerRequest } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from '../deps.js';
import { ANSWERED, type AnsweredEvent } from '../events.js';
import { refusals } from '../refusals.js';
import { checkContent, checkId } from '../rules.js';

/**
 * An answer (its body with the configured words masked) to a question that exists, counted on the
 * question (answers, last answer time, hot score) and announced as qa.answered, all in one
 * transaction.
 */
export async function postAnswer(d: QaDeps, req: PostAnswerRequest): Promise<Answer> {
  const answererId = checkId('user_id', req.userId);
  const questionId = checkId('question_id', req.questionId);
  const content = d.words.mask(checkContent(req.content));
  const id = d.ids.next();
  const stored = await d.answers.add({ id, question_id: questionId, answerer_id: answererId, content, created_at: d.clock.now() }, (trx, question) =>
    d.events.add(trx, ANSWERED, { questionId, askerId: question.askerId, answerId: id, answererId } satisfies AnsweredEvent),
  );
  if (!stored) throw refusals.noQuestion('question_id', questionId);
  d.events.flush();
  return stored.answer;
}
