// Queries on `users`, and the public profile row kept in the row cache. Credentials never
// enter the cache: only the profile fields that GetUser/GetUsers return.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Cache } from '#kit/cache';
import { createRowCache, isUniqueViolation, type ServiceDatabase } from '#kit/store';
import type { User } from '#gen/surge/user/v1/user';
import type { CounterColumn, UserDB, UsersTable } from './tables.js';
import { legacyUsernameKey, storedUsernameKey } from './username-key.js';

const PROFILE_COLUMNS = [
  'id', 'username', 'name', 'avatar', 'signature', 'created_at', 'background_image',
  'follow_count', 'follower_count', 'work_count', 'favorite_count', 'total_favorited',
] as const;

type ProfileRow = Pick<Selectable<UsersTable>, (typeof PROFILE_COLUMNS)[number]>;

/**
 * A counter as served. Stored counters are the plain sum of their events' deltas, which dips
 * below 0 while an unlike or unfollow is applied ahead of its like or follow (events are not
 * ordered); the sum is exact once both are in, and meanwhile a profile shows 0 (decision 70).
 */
const shown = (stored: number): number => Math.max(0, Number(stored));

const toUser = (r: ProfileRow): User => ({
  id: Number(r.id),
  username: r.username ?? '',
  name: r.name,
  avatar: r.avatar,
  signature: r.signature,
  createdAt: Number(r.created_at),
  backgroundImage: r.background_image,
  followCount: shown(r.follow_count),
  followerCount: shown(r.follower_count),
  workCount: shown(r.work_count),
  favoriteCount: shown(r.favorite_count),
  totalFavorited: shown(r.total_favorited),
});

export type NewUser = Pick<UsersTable, 'id' | 'username' | 'password_hash' | 'mobile_enc' | 'mobile_idx' | 'name' | 'avatar' | 'signature' | 'created_at'>;

export interface Credentials {
  id: number;
  /** As stored (NFKC), which may differ in case from the name typed. */
  username: string;
  password_hash: string | null;
}

export interface UserModel {
  /** Inserts a user; the username's key is derived here, so two names with one key are a duplicate. */
  insert(row: NewUser): Promise<'ok' | 'duplicate'>;
  /**
   * The account a username signs in to: the one under its key (checkUsername's form, compared as
   * usernameKey), or an older account whose exact spelling this is (see migration 0003).
   */
  findCredentials(username: string, typed: string): Promise<Credentials | undefined>;
  /** Replaces the password hash if it is still `old` (a rehash never overwrites a newer change). */
  replacePasswordHash(id: number, old: string, hash: string, now: number): Promise<boolean>;
  findIdByMobile(mobileIdx: string): Promise<number | undefined>;
  profile(id: number): Promise<User | undefined>;
  profiles(ids: readonly number[]): Promise<User[]>;
  updateProfile(id: number, patch: Partial<Pick<UsersTable, 'name' | 'avatar' | 'signature'>>, now: number): Promise<boolean>;
  /**
   * Adds each delta to its counter, unclamped (shown as max(0, n)), in the caller's transaction,
   * one statement per change; invalidate after commit.
   */
  addCounters(trx: Kysely<UserDB>, changes: readonly CounterChange[]): Promise<void>;
  /** Drops the cached profiles of these users (after a counter change commits). */
  invalidate(ids: readonly number[]): Promise<void>;
}

export interface CounterChange {
  id: number;
  column: CounterColumn;
  delta: number;
}

/**
 * The account a username signs in to (UserModel.findCredentials), as a query of its own: tools
 * that hold the database but no cache (surge admin) find accounts exactly as sign-in does.
 */
export async function findCredentials(db: Kysely<UserDB>, username: string, typed: string): Promise<Credentials | undefined> {
  const key = storedUsernameKey(username);
  const found = await db.selectFrom('users').select(['id', 'username', 'username_key', 'password_hash']).where('username_key', 'in', [key, legacyUsernameKey(typed)]).execute();
  const row = found.find((r) => r.username === typed) ?? found.find((r) => r.username_key === key);
  return row && { id: Number(row.id), username: row.username ?? username, password_hash: row.password_hash };
}

export function createUserModel(store: ServiceDatabase<UserDB>, cache: Cache): UserModel {
  const db = store.db;
  const rows = createRowCache<User>({ cache, prefix: 'user' });
  const select = () => db.selectFrom('users').select(PROFILE_COLUMNS);

  return {
    async insert(row) {
      try {
        const username_key = row.username === null ? null : storedUsernameKey(row.username);
        await db.insertInto('users').values({ ...row, username_key, updated_at: row.created_at }).execute();
        return 'ok';
      } catch (err) {
        if (isUniqueViolation(err)) return 'duplicate';
        throw err;
      }
    },

    findCredentials: (username, typed) => findCredentials(db, username, typed),

    async replacePasswordHash(id, old, hash, now) {
      const res = await db.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', id).where('password_hash', '=', old).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async findIdByMobile(mobileIdx) {
      const r = await db.selectFrom('users').select('id').where('mobile_idx', '=', mobileIdx).executeTakeFirst();
      return r ? Number(r.id) : undefined;
    },

    profile: (id) =>
      rows.byId(id, async () => {
        const r = await select().where('id', '=', id).executeTakeFirst();
        return r && toUser(r);
      }),

    profiles: (ids) => rows.byIds(ids, async (missing) => (await select().where('id', 'in', missing).execute()).map(toUser)),

    async updateProfile(id, patch, now) {
      const res = await db
        .updateTable('users')
        .set({ ...patch, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      await rows.invalidate({ id });
      return Number(res.numUpdatedRows) > 0;
    },

    async addCounters(trx, changes) {
      // No floor here: an unlike applied before its like would be lost to it, and the like that
      // follows would leave the count one too high for good. Reads clamp instead (shown).
      for (const { id, column, delta } of changes) {
        await trx.updateTable('users').set({ [column]: sql<number>`${sql.ref(column)} + ${delta}` }).where('id', '=', id).execute();
      }
    },

    invalidate: (ids) => rows.invalidate(...ids.map((id) => ({ id }))),
  };
}
