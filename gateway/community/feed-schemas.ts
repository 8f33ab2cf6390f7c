// The shapes of the community's feed route (routes/feed.ts). The feed service checks the same
// rules and names the field; here only shapes. A page answers ArticlePage (schemas.ts), the
// shape of an author's list.
import { Type } from 'typebox';
import { Cursor, LimitParam } from '../schemas/common.js';

export const FeedQuery = Type.Object(
  {
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);
