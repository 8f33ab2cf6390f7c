// Wires the qa service: the question, answer, vote and list models over the service's own
// database, the outbox for its events, the word filter over the configured words, then one
// handler per RPC method, each a use case in logic/.
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { createWordFilter } from '#kit/wordfilter';
import { QaServiceDefinition } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from './deps.js';
import { acceptAnswer } from './logic/accept-answer.js';
import { askQuestion } from './logic/ask-question.js';
import { getQuestion } from './logic/get-question.js';
import { listQuestions } from './logic/list-questions.js';
import { postAnswer } from './logic/post-answer.js';
import { search } from './logic/search.js';
import { vote } from './logic/vote.js';
import { createAnswerModel } from './model/answers.js';
import { createListModel } from './model/lists.js';
import { createQuestionModel } from './model/questions.js';
import type { QaDB } from './model/tables.js';
import type { EventSink } from './model/tx.js';
import { createVoteModel } from './model/votes.js';

export interface QaServiceOptions {
  /** Opened with qaMigrations (they include the outbox's tables). */
  db: ServiceDatabase<QaDB>;
  clock: Clock;
  /** Snowflake ids for questions and answers (createIdGenerator from #kit/ids). */
  ids: { next(): number };
  /** The outbox over the same db (createOutbox from #kit/outbox). */
  outbox: EventSink;
  /** The words masked in what users write (qa.blockedWords); [] masks nothing. */
  blockedWords: readonly string[];
}

export type QaService = ServiceImpl<typeof QaServiceDefinition>;

export function defineQaService(o: QaServiceOptions): QaService {
  const d: QaDeps = {
    questions: createQuestionModel(o.db),
    answers: createAnswerModel(o.db),
    votes: createVoteModel(o.db),
    lists: createListModel(o.db.db),
    events: o.outbox,
    words: createWordFilter({ words: o.blockedWords }),
    ids: o.ids,
    clock: o.clock,
  };
  return {
    askQuestion: (req) => askQuestion(d, req),
    getQuestion: (req) => getQuestion(d, req),
    listQuestions: (req) => listQuestions(d, req),
    search: (req) => search(d, req),
    postAnswer: (req) => postAnswer(d, req),
    acceptAnswer: (req) => acceptAnswer(d, req),
    vote: (req) => vote(d, req),
  };
}
