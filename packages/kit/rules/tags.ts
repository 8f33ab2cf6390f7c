// The rule for a list of tags (articles, questions): few, short, one line each, trimmed, a repeat
// counted once, and no character a reader cannot see, which would make a second tag that looks
// like the first ("phone" and "pho" + U+200B + "ne").
import { errors } from '#kit/errors';
import { checkText, invisibleIn } from './text.js';

export interface TagsRule {
  /** Most tags. Default 5. */
  readonly max?: number;
  /** Most characters of a tag. Default 20. */
  readonly maxChars?: number;
}

/** The tags as stored, in order, each once; InvalidArgument naming `tags` otherwise. */
export function checkTags(tags: readonly string[], rule: TagsRule = {}): string[] {
  const max = rule.max ?? 5;
  if (tags.length > max) throw errors.invalid('tags', `at most ${max} tags (got ${tags.length})`);
  return [
    ...new Set(
      tags.map((tag) => {
        const text = checkText('tags', tag, { max: rule.maxChars ?? 20 });
        const hidden = invisibleIn(text);
        if (hidden !== undefined) throw errors.invalid('tags', `a tag may not hold an invisible character (${hidden})`);
        return text;
      }),
    ),
  ];
}
