// The feed's page cursor (#kit/paging): the created_at of the last entry served, then its article id.
import { cursorCodec } from '#kit/paging';
import type { After } from './tables.js';

const codec = cursorCodec({ feed: 1 });

export const encodeCursor = (last: After): string => codec.encode({ kind: 'feed', keys: [last.createdAt], id: last.articleId });

/** The cursor as given: undefined for the first page (""), or InvalidArgument naming `cursor`. */
export function decodeCursor(raw: string): After | undefined {
  const c = codec.decode(raw, ['feed']);
  return c && { createdAt: c.keys[0]!, articleId: c.id };
}
