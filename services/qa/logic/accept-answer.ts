import type { AcceptAnswerRequest, Question } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from '../deps.js';
import { ACCEPTED, type AcceptedEvent } from '../events.js';
import { refusals } from '../refusals.js';
import { checkId } from '../rules.js';

/**
 * The asker accepts an answer to their question, moving the acceptance from any other; anyone
 * else (the asker of another question included) is PermissionDenied and nothing changes. A change
 * is announced as qa.accepted in its transaction; accepting the accepted answer again is none.
 */
export async function acceptAnswer(d: QaDeps, req: AcceptAnswerRequest): Promise<Question> {
  const userId = checkId('user_id', req.userId);
  const answerId = checkId('answer_id', req.answerId);
  const answer = await d.answers.find(answerId);
  if (!answer) throw refusals.noAnswer(answerId);
  const accepted = await d.questions.accept(
    answer.questionId,
    answerId,
    (question) => {
      if (question.askerId !== userId) throw refusals.notAsker();
    },
    (trx) => d.events.add(trx, ACCEPTED, { questionId: answer.questionId, answerId, askerId: userId, answererId: answer.answererId } satisfies AcceptedEvent),
  );
  // Questions are never deleted, so an answer's question is always there; were it gone, so is the answer.
  if (!accepted) throw refusals.noAnswer(answerId);
  if (accepted.changed) d.events.flush();
  return accepted.after;
}
