// The user service's tables. Runs on SQLite and MariaDB alike.
import type { Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import { isUniqueViolation, type Migration } from '#kit/store';
import { legacyUsernameKey, storedUsernameKey } from './username-key.js';

const COUNTERS = ['follow_count', 'follower_count', 'work_count', 'favorite_count', 'total_favorited'] as const;

export const userMigrations: Record<string, Migration> = {
  // Applied-event keys of the counter consumers (the user service publishes no events yet).
  ...outboxMigrations,
  '0001_create_users': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('username', 'varchar(32)', (c) => c.unique())
        .addColumn('password_hash', 'varchar(200)')
        // AES-256-GCM ciphertext of the mobile number, and its keyed blind index for lookups.
        .addColumn('mobile_enc', 'varchar(200)')
        .addColumn('mobile_idx', 'char(64)', (c) => c.unique())
        .addColumn('name', 'varchar(64)', (c) => c.notNull())
        .addColumn('avatar', 'varchar(512)', (c) => c.notNull().defaultTo(''))
        .addColumn('signature', 'varchar(512)', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // One live code per mobile; a new code replaces the old one.
      await db.schema
        .createTable('verification_codes')
        .addColumn('mobile_idx', 'char(64)', (c) => c.primaryKey())
        .addColumn('code_hash', 'char(64)', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('verification_codes').execute();
      await db.schema.dropTable('users').execute();
    },
  },
  '0002_profile_counters': {
    async up(db: Kysely<any>) {
      // One column per statement: SQLite adds one at a time.
      await db.schema.alterTable('users').addColumn('background_image', 'varchar(512)', (c) => c.notNull().defaultTo('')).execute();
      for (const c of COUNTERS) await db.schema.alterTable('users').addColumn(c, 'bigint', (col) => col.notNull().defaultTo(0)).execute();
    },
    async down(db: Kysely<any>) {
      for (const c of [...COUNTERS, 'background_image']) await db.schema.alterTable('users').dropColumn(c).execute();
    },
  },
  // Usernames compared by key (NFKC, case-folded), and mobiles read as E.164.
  '0003_canonical_keys': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('users').addColumn('username_key', 'char(64)').execute();
      await db.schema.createIndex('users_username_key').on('users').column('username_key').unique().execute();
      // Existing names get their key in creation order (ids are time-ordered): where two already
      // share one ("Alice" and "alice"), the older keeps it and the newer gets a key of its exact
      // spelling, so both still sign in as before and no new look-alike can be made.
      for (let after = -1; ; ) {
        const page = await db.selectFrom('users').select(['id', 'username']).where('id', '>', after).where('username', 'is not', null).orderBy('id').limit(500).execute();
        for (const row of page) {
          const setKey = (key: string) => db.updateTable('users').set({ username_key: key }).where('id', '=', row.id).execute();
          try {
            await setKey(storedUsernameKey(row.username));
          } catch (err) {
            if (!isUniqueViolation(err)) throw err;
            await setKey(legacyUsernameKey(row.username));
          }
        }
        if (page.length < 500) break;
        after = Number(page.at(-1)!.id);
      }
      // Mobiles were indexed as typed (13900139000 and +8613900139000 apart). Re-indexing needs the
      // field key, which migrations do not have: list the rows for the service to do at start.
      await db.schema.createTable('mobile_reindex').addColumn('id', 'bigint', (c) => c.primaryKey()).execute();
      await db.insertInto('mobile_reindex').columns(['id']).expression(db.selectFrom('users').select('id').where('mobile_enc', 'is not', null)).execute();
    },
    // No down: SQLite drops an indexed column only by rebuilding the table, and nothing runs downs.
  },
  // Roles of accounts ('admin'): a row per role held, so granting twice is one row.
  '0004_user_roles': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('user_roles')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('role', 'varchar(32)', (c) => c.notNull())
        .addColumn('granted_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('user_roles').execute();
    },
  },
};
