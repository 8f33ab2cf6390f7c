// Grants or revokes a role, by account id (the SetRole RPC) or by username (surge admin, which
// finds the account exactly as sign-in does). Idempotent: a second grant changes nothing.
import { errors } from '#kit/errors';
import type { SetRoleReply, SetRoleRequest } from '#gen/surge/user/v1/user';
import type { RoleDeps } from '../deps.js';
import { checkId, checkRole, checkUsername } from '../rules.js';

/** A typed username longer than this is refused before it is normalised: no 1–32 character name comes from one. */
const MAX_TYPED_USERNAME = 256;

export async function setRole(d: RoleDeps, req: SetRoleRequest): Promise<SetRoleReply> {
  const userId = checkId('user_id', req.userId);
  const role = checkRole(req.role);
  const outcome = req.granted ? await d.roles.grant(userId, role, d.clock.now()) : await d.roles.revoke(userId, role);
  if (outcome === 'no-account') throw errors.notFound(`user ${userId}`);
  return { changed: outcome === 'granted' || outcome === 'revoked', roles: await d.roles.of(userId) };
}

export interface RoleChange extends SetRoleReply {
  userId: number;
  /** The account's username as stored (NFKC), which may differ in case from the one typed. */
  username: string;
}

/** A username as typed, checked by Login's rule (checkUsername) after a bound on its raw length; the stored form back. */
export function checkTypedUsername(typed: string): string {
  if (typed.length > MAX_TYPED_USERNAME) throw errors.invalid('username', 'use 1–32 characters without spaces or control characters');
  return checkUsername(typed);
}

/** setRole for the account `typed` signs in to: the same username rule and look-up as Login. */
export async function setRoleByUsername(d: RoleDeps, typed: string, role: string, granted: boolean): Promise<RoleChange> {
  const username = checkTypedUsername(typed);
  const checkedRole = checkRole(role);
  const found = await d.users.findCredentials(username, typed);
  if (!found) throw errors.notFound(`user "${username}"`);
  const reply = await setRole(d, { userId: found.id, role: checkedRole, granted });
  return { ...reply, userId: found.id, username: found.username };
}
