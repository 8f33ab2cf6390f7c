// What the qa service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { WordFilter } from '#kit/wordfilter';
import type { AnswerModel } from './model/answers.js';
import type { ListModel } from './model/lists.js';
import type { QuestionModel } from './model/questions.js';
import type { EventSink } from './model/tx.js';
import type { VoteModel } from './model/votes.js';

export interface QaDeps {
  readonly questions: QuestionModel;
  readonly answers: AnswerModel;
  readonly votes: VoteModel;
  readonly lists: ListModel;
  /** Records events in the writing transaction and publishes them after commit (#kit/outbox). */
  readonly events: EventSink;
  /** Masks the configured words in what users write before it is stored. */
  readonly words: WordFilter;
  readonly ids: { next(): number };
  readonly clock: Clock;
}
