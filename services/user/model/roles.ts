// Queries on `user_roles`: a row per role an account holds. Never cached: the gateway asks only on
// admin routes, which are rare, and a grant or revocation made by another process (surge admin,
// another instance) must count for the very next request.
import type { ServiceDatabase } from '#kit/store';
import type { UserDB } from './tables.js';

export interface RoleModel {
  /** The account's roles, sorted by name, read from the database. */
  of(userId: number): Promise<string[]>;
  /** Adds the role: 'granted', 'held' (the account had it already) or 'no-account'. */
  grant(userId: number, role: string, now: number): Promise<'granted' | 'held' | 'no-account'>;
  /** Removes the role: 'revoked', 'not-held' or 'no-account'. */
  revoke(userId: number, role: string): Promise<'revoked' | 'not-held' | 'no-account'>;
}

export function createRoleModel(store: ServiceDatabase<UserDB>): RoleModel {
  const db = store.db;
  // Accounts are never deleted, so a row found here stays an account for the write that follows.
  const exists = async (userId: number) => (await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;

  return {
    async of(userId) {
      const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).orderBy('role').execute();
      return rows.map((r) => r.role);
    },

    async grant(userId, role, now) {
      if (!(await exists(userId))) return 'no-account';
      // The primary key (user_id, role) makes a second grant, even a concurrent one, a no-op.
      return (await store.insertIgnore('user_roles', { user_id: userId, role, granted_at: now })) ? 'granted' : 'held';
    },

    async revoke(userId, role) {
      const res = await db.deleteFrom('user_roles').where('user_id', '=', userId).where('role', '=', role).executeTakeFirst();
      if (Number(res.numDeletedRows) > 0) return 'revoked';
      return (await exists(userId)) ? 'not-held' : 'no-account';
    },
  };
}
