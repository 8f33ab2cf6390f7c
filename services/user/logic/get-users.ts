import { errors } from '#kit/errors';
import type { GetUsersReply, GetUsersRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkId } from '../rules.js';

// Lists of the Douyin API (followers, comments) pack up to 1000 users in one call.
export const MAX_BATCH = 1000;

/** Many profiles in one call (list pages): one cache round trip, one query for the misses. */
export async function getUsers(d: UserDeps, req: GetUsersRequest): Promise<GetUsersReply> {
  if (req.ids.length > MAX_BATCH) throw errors.invalid('ids', `at most ${MAX_BATCH} ids per call`);
  const ids = [...new Set(req.ids.map((id) => checkId('ids', id)))];
  if (ids.length === 0) return { users: [] };
  return { users: await d.users.profiles(ids) };
}
