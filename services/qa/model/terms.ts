// A question's search index rows (#kit/search): the terms of its title, tags and body, a title
// term weighing most, in the question_terms table.
import { weighTerms, type TermTable } from '#kit/search';

/** How much a term weighs in each field: a title hit says most about what a question asks, a body hit least. */
export const TITLE_WEIGHT = 3;
export const TAG_WEIGHT = 2;
export const CONTENT_WEIGHT = 1;

export const QUESTION_TERMS: TermTable = { table: 'question_terms', docColumn: 'question_id' };

/** A question's index rows: each term once, weighing the sum of its fields' weights. */
export function questionTerms(title: string, tags: readonly string[], content: string): Map<string, number> {
  return weighTerms([
    { text: title, weight: TITLE_WEIGHT },
    { text: tags.join(' '), weight: TAG_WEIGHT },
    { text: content, weight: CONTENT_WEIGHT },
  ]);
}
