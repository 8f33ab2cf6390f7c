import type { Generated } from 'kysely';
import type { OutboxTables } from '#kit/outbox';

export interface UsersTable {
  id: number;
  username: string | null;
  /** SHA-256 (hex) of the username's comparison key (usernameKey): unique, so one name is one account. */
  username_key: string | null;
  password_hash: string | null;
  mobile_enc: string | null;
  mobile_idx: string | null;
  name: string;
  avatar: string;
  signature: string;
  created_at: number;
  updated_at: number;
  // Defaults on insert: '' and 0.
  background_image: Generated<string>;
  follow_count: Generated<number>;
  follower_count: Generated<number>;
  work_count: Generated<number>;
  favorite_count: Generated<number>;
  total_favorited: Generated<number>;
}

/** The counters other services' events keep on a user's row. */
export type CounterColumn = 'follow_count' | 'follower_count' | 'work_count' | 'favorite_count' | 'total_favorited';

export interface CodesTable {
  mobile_idx: string;
  code_hash: string;
  expires_at: number;
  attempts: number;
  created_at: number;
}

/** Accounts whose mobile was stored before numbers were read as E.164: re-indexed once at start (mobile-reindex.ts). */
export interface MobileReindexTable {
  id: number;
}

/** A role an account holds (rules.ts ROLES), since granted_at (ms). */
export interface UserRolesTable {
  user_id: number;
  role: string;
  granted_at: number;
}

export interface UserDB extends OutboxTables {
  users: UsersTable;
  verification_codes: CodesTable;
  mobile_reindex: MobileReindexTable;
  user_roles: UserRolesTable;
}
