import type { GetUsersReply, GetUsersRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkIds } from '#kit/rules';

// Lists of the Douyin API (followers, comments) pack up to 1000 users in one call.
export const MAX_BATCH = 1000;

/** Many profiles in one call (list pages): one cache round trip, one query for the misses. */
export async function getUsers(d: UserDeps, req: GetUsersRequest): Promise<GetUsersReply> {
  const ids = checkIds('ids', req.ids, { max: MAX_BATCH, unique: true });
  if (ids.length === 0) return { users: [] };
  return { users: await d.users.profiles(ids) };
}
