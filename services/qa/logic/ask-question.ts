import type { AskQuestionRequest, Question } from '#gen/surge/qa/v1/qa';
import type { QaDeps } from '../deps.js';
import { checkContent, checkId, checkTags, checkTitle } from '../rules.js';

/** A new question, listed and indexed for search at once, its title, tags and body with the configured words masked. */
export async function askQuestion(d: QaDeps, req: AskQuestionRequest): Promise<Question> {
  const askerId = checkId('user_id', req.userId);
  const title = checkTitle(req.title);
  const content = checkContent(req.content);
  const tags = checkTags(req.tags);
  return d.questions.insert({
    id: d.ids.next(),
    asker_id: askerId,
    title: d.words.mask(title),
    content: d.words.mask(content),
    // Masking may make two tags alike: still once each.
    tags: [...new Set(tags.map((tag) => d.words.mask(tag)))],
    created_at: d.clock.now(),
  });
}
