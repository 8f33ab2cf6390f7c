// A page of questions as the API shows it (the Q&A lists and a search of questions): summaries
// with their askers' public names and avatars, from one batch call to the user service.
import type { FastifyRequest } from 'fastify';
import type { Client } from '#kit/rpc';
import type { QuestionPage } from '#gen/surge/qa/v1/qa';
import type { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { questionSummaryView } from '../views.js';
import { peopleOf } from './people.js';

export async function questionPageShown(users: Client<typeof UserServiceDefinition>, page: QuestionPage, request: FastifyRequest) {
  const people = await peopleOf(users, page.questions.map((q) => q.askerId), request);
  return { questions: page.questions.map((q) => questionSummaryView(q, people)), next_cursor: page.nextCursor, is_end: page.isEnd };
}
