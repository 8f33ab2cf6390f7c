// A product's search index rows (#kit/search): the terms of its name and subtitle, a name term
// weighing more, in the product_terms table.
import { weighTerms, type TermTable } from '#kit/search';

/** How much a term found in the name and the subtitle weighs: the name counts more. */
export const NAME_WEIGHT = 2;
export const SUBTITLE_WEIGHT = 1;

export const PRODUCT_TERMS: TermTable = { table: 'product_terms', docColumn: 'product_id' };

/** A product's index rows: each term once, weighing NAME_WEIGHT if in the name plus SUBTITLE_WEIGHT if in the subtitle. */
export function productTerms(name: string, subtitle: string): Map<string, number> {
  return weighTerms([
    { text: name, weight: NAME_WEIGHT },
    { text: subtitle, weight: SUBTITLE_WEIGHT },
  ]);
}
