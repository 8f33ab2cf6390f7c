// The chat service's tables in its own database. Runs on SQLite and MariaDB alike.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import type { Migration } from '#kit/store';

/**
 * A key a client chose (client_msg_id): compared byte for byte, as SQLite's TEXT is, so 'Msg-1'
 * and 'msg-1' are two keys on MariaDB too (its default collation folds case).
 */
const exactKey = (db: Kysely<any>) =>
  db.getExecutor().adapter instanceof MysqlAdapter ? sql`varchar(64) character set utf8mb4 collate utf8mb4_bin` : sql`varchar(64)`;

export const chatMigrations: Record<string, Migration> = {
  '0001_create_rooms_and_messages': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rooms')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'bigint', (c) => c.notNull())
        .addColumn('is_private', 'integer', (c) => c.notNull())
        .addColumn('epoch', 'varchar(32)', (c) => c.notNull())
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .addColumn('member_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // ListRooms: the public rooms, newest (largest id) first.
      await db.schema.createIndex('rooms_by_visibility').on('rooms').columns(['is_private', 'id']).execute();

      await db.schema
        .createTable('room_members')
        .addColumn('room_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        // A user belongs to a room once: a second AddMember is refused by the key itself.
        .addPrimaryKeyConstraint('room_members_pk', ['room_id', 'user_id'])
        .execute();
      // ListRooms: the private rooms a user belongs to, newest first.
      await db.schema.createIndex('room_members_by_user').on('room_members').columns(['user_id', 'room_id']).execute();

      await db.schema
        .createTable('room_owners')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey())
        .addColumn('rooms_owned', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('room_id', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('client_msg_id', exactKey(db), (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // History and Since read ranges of seq in one room; the key also refuses a seq given twice.
      await db.schema.createIndex('messages_by_room_seq').unique().on('messages').columns(['room_id', 'seq']).execute();
      // A resent message is stored once: the sender's key is unique within the room.
      await db.schema.createIndex('messages_once_per_client_id').unique().on('messages').columns(['room_id', 'user_id', 'client_msg_id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('messages').execute();
      await db.schema.dropTable('room_owners').execute();
      await db.schema.dropTable('room_members').execute();
      await db.schema.dropTable('rooms').execute();
    },
  },
};
