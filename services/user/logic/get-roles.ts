import type { GetRolesRequest, Roles } from '#gen/surge/user/v1/user';
import type { RoleDeps } from '../deps.js';
import { checkId } from '../rules.js';

/** The account's roles, fresh from the database (model/roles.ts says why there is no cache). */
export async function getRoles(d: Pick<RoleDeps, 'roles'>, req: GetRolesRequest): Promise<Roles> {
  return { roles: await d.roles.of(checkId('user_id', req.userId)) };
}
