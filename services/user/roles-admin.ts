// Roles for a process that holds the user service's database but hosts no service: `surge admin`
// opens the database with the service's migrations and changes roles through the same use case as
// the SetRole RPC, without the cache, field key or signing secret the running service needs.
import type { Clock } from '#kit/clock';
import type { ServiceDatabase } from '#kit/store';
import { checkTypedUsername, setRoleByUsername, type RoleChange } from './logic/set-role.js';
import { createRoleModel } from './model/roles.js';
import type { UserDB } from './model/tables.js';
import { findCredentials } from './model/users.js';

export type { RoleChange };

/**
 * Checks a username as setRoleOf will (InvalidArgument naming 'username'), for a tool to refuse
 * a malformed one before it opens the database.
 */
export const checkRoleUsername: (typed: string) => string = checkTypedUsername;

export interface RoleAdmin {
  /**
   * Grants (granted = true) or revokes `role` for the account `username` signs in to. Refuses an
   * unknown role or a malformed username (InvalidArgument naming the field) and an unknown user
   * (NotFound).
   */
  setRoleOf(username: string, role: string, granted: boolean): Promise<RoleChange>;
}

export function createRoleAdmin(db: ServiceDatabase<UserDB>, clock: Clock): RoleAdmin {
  const deps = { roles: createRoleModel(db), users: { findCredentials: (username: string, typed: string) => findCredentials(db.db, username, typed) }, clock };
  return { setRoleOf: (username, role, granted) => setRoleByUsername(deps, username, role, granted) };
}
