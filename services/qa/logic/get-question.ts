import type { GetQuestionRequest, QuestionDetail } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from '../deps.js';
import { refusals } from '../refusals.js';
import { checkId, checkViewer, MAX_ANSWERS_SHOWN } from '../rules.js';

/** A question and its first answers (accepted, then by score, then oldest), with the viewer's vote on each. */
export async function getQuestion(d: QaDeps, req: GetQuestionRequest): Promise<QuestionDetail> {
  const id = checkId('id', req.id);
  const viewerId = checkViewer(req.viewerId);
  const question = await d.questions.byId(id);
  if (!question) throw refusals.noQuestion('id', id);
  const answers = await d.answers.shown(question, MAX_ANSWERS_SHOWN);
  const mine = await d.votes.of(viewerId, answers.map((a) => a.id));
  return { question, answers: answers.map((a) => ({ ...a, myVote: mine.get(a.id) ?? 0 })) };
}
