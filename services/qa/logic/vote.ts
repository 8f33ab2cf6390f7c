import type { Answer, VoteRequest } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId, checkVote } from '../rules.js';

/** Sets the caller's vote on an answer (1, -1; 0 removes it); the answer after, its score exact under concurrent votes. */
export async function vote(d: QaDeps, req: VoteRequest): Promise<Answer> {
  const userId = checkId('user_id', req.userId);
  const answerId = checkId('answer_id', req.answerId);
  const value = checkVote(req.value);
  const after = await d.votes.set(answerId, userId, value, (answer) => {
    if (answer.answererId === userId) throw refusals.ownAnswer();
  });
  if (!after) throw refusals.noAnswer(answerId);
  return after;
}
