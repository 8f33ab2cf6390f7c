// The shapes of the community's follow routes (routes/follows.ts): follow and unfollow a user, and
// a user's followers and following, paged. The relation service checks the same rules and names
// the field; here only shapes.
import { Type } from 'typebox';
import { Cursor, Id, IdParam, LimitParam } from '../schemas/common.js';

/** The user followed or unfollowed: the caller is the follower, always (the token says who). */
export const FollowParams = Type.Object({ user_id: IdParam }, { additionalProperties: false });

/** Follow and unfollow take nothing else: a follower_id in the query string is refused, not read. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

export const FollowReply = Type.Object({ following: Type.Boolean({ description: 'whether the caller follows the user now' }) });

export const FollowListQuery = Type.Object(
  {
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);

const ListedUser = Type.Object({
  id: Id,
  name: Type.String(),
  avatar: Type.String(),
  following: Type.Boolean({ description: 'whether the caller follows this user (false when signed out)' }),
});

export const FollowPage = Type.Object({ users: Type.Array(ListedUser), next_cursor: Type.String(), is_end: Type.Boolean() });
