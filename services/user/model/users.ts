// Queries on `users`, and the public profile row kept in the row cache. Credentials never
// enter the cache: only the profile fields that GetUser/GetUsers return.
import type { Cache } from '#kit/cache';
import { createRowCache, isUniqueViolation, type ServiceDatabase } from '#kit/store';
import type { User } from '#gen/surge/user/v1/user';
import type { UserDB, UsersTable } from './tables.js';

const PROFILE_COLUMNS = ['id', 'username', 'name', 'avatar', 'signature', 'created_at'] as const;

type ProfileRow = Pick<UsersTable, (typeof PROFILE_COLUMNS)[number]>;

const toUser = (r: ProfileRow): User => ({
  id: Number(r.id),
  username: r.username ?? '',
  name: r.name,
  avatar: r.avatar,
  signature: r.signature,
  createdAt: Number(r.created_at),
  backgroundImage: '',
  followCount: 0,
  followerCount: 0,
  workCount: 0,
  favoriteCount: 0,
  totalFavorited: 0,
});

export type NewUser = Omit<UsersTable, 'updated_at'>;

export interface UserModel {
  insert(row: NewUser): Promise<'ok' | 'duplicate'>;
  findCredentials(username: string): Promise<{ id: number; password_hash: string | null } | undefined>;
  findIdByMobile(mobileIdx: string): Promise<number | undefined>;
  profile(id: number): Promise<User | undefined>;
  profiles(ids: readonly number[]): Promise<User[]>;
  updateProfile(id: number, patch: Partial<Pick<UsersTable, 'name' | 'avatar' | 'signature'>>, now: number): Promise<boolean>;
}

export function createUserModel(store: ServiceDatabase<UserDB>, cache: Cache): UserModel {
  const db = store.db;
  const rows = createRowCache<User>({ cache, prefix: 'user' });
  const select = () => db.selectFrom('users').select(PROFILE_COLUMNS);

  return {
    async insert(row) {
      try {
        await db.insertInto('users').values({ ...row, updated_at: row.created_at }).execute();
        return 'ok';
      } catch (err) {
        if (isUniqueViolation(err)) return 'duplicate';
        throw err;
      }
    },

    findCredentials: (username) => db.selectFrom('users').select(['id', 'password_hash']).where('username', '=', username).executeTakeFirst(),

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
  };
}
