// The events this service publishes (through the outbox, in the transaction that changed the
// fact), typed by proto/surge/qa/v1/events.proto: what a message center tells an asker (an answer
// came) and an answerer (their answer was accepted). Consumers import this file, so it imports
// only the message types and the kit.
import { defineTopic, requireId } from '#kit/events';
import { Accepted, Answered } from '#gen/surge/qa/v1/events';

/** answerer_id answered asker_id's question_id with answer_id. */
export type AnsweredEvent = Answered;
/** asker_id accepted answer_id (by answerer_id) on question_id. */
export type AcceptedEvent = Accepted;

export const ANSWERED = defineTopic('qa.answered', Answered, (event) => {
  requireId(event.questionId, 'questionId');
  requireId(event.askerId, 'askerId');
  requireId(event.answerId, 'answerId');
  requireId(event.answererId, 'answererId');
});

export const ACCEPTED = defineTopic('qa.accepted', Accepted, (event) => {
  requireId(event.questionId, 'questionId');
  requireId(event.answerId, 'answerId');
  requireId(event.askerId, 'askerId');
  requireId(event.answererId, 'answererId');
});
