// The qa service's refusals that are not bad input: each a SurgeError with the code callers
// branch on, naming the field the caller can act on.
import { Code, SurgeError } from '#kit/errors';

export const refusals = {
  /** A question id that does not exist; `field` is the request's name for it. */
  noQuestion: (field: 'id' | 'question_id', id: number) => new SurgeError(Code.NotFound, `${field}: question ${id} not found`, { details: { field, resource: 'question' } }),
  noAnswer: (id: number) => new SurgeError(Code.NotFound, `answer_id: answer ${id} not found`, { details: { field: 'answer_id', resource: 'answer' } }),
  /** Only a question's asker accepts one of its answers; the field named is the caller's id. */
  notAsker: () => new SurgeError(Code.PermissionDenied, 'user_id: only the asker of a question can accept an answer to it', { details: { field: 'user_id' } }),
  /** Votes say what others think of an answer: its answerer's own would only inflate it. */
  ownAnswer: () => new SurgeError(Code.PermissionDenied, 'user_id: you cannot vote on your own answer', { details: { field: 'user_id' } }),
};
