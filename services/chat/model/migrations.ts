// The chat service's tables in its own database. Runs on SQLite and MariaDB alike; on MariaDB a
// send is also a stored procedure (0002, model/messages.ts says why).
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
  // A send on MariaDB: the transaction of model/messages.ts run inside the server, so it costs the
  // service one round trip instead of four (BEGIN, the counter, the row, COMMIT). Any error rolls
  // the transaction back before it leaves, so no connection goes back to the pool inside one (a
  // lock wait timeout rolls back only its statement). Answers one row, `seq`: the message's seq,
  // 0 when the room has no row or the sender may not see it, -1 when a unique key refused the row
  // (a resend, or a seq taken outside this path: the caller tells them apart). SQLite runs the
  // same transaction in-process, where a statement costs no round trip.
  '0002_chat_append_procedure': {
    async up(db: Kysely<any>) {
      if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
      await sql.raw(`CREATE PROCEDURE chat_append(
  IN p_id BIGINT, IN p_room BIGINT, IN p_user BIGINT,
  IN p_content TEXT CHARACTER SET utf8mb4, IN p_client_msg_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, IN p_at BIGINT)
MODIFIES SQL DATA
BEGIN
  DECLARE v_seq BIGINT;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  DECLARE EXIT HANDLER FOR 1062 BEGIN ROLLBACK; SELECT -1 AS seq; END;
  START TRANSACTION;
  UPDATE rooms SET last_seq = LAST_INSERT_ID(last_seq + 1)
    WHERE id = p_room AND (is_private = 0 OR owner_id = p_user OR EXISTS (SELECT 1 FROM room_members WHERE room_id = p_room AND user_id = p_user));
  IF ROW_COUNT() = 0 THEN
    ROLLBACK;
    SELECT 0 AS seq;
  ELSE
    SET v_seq = LAST_INSERT_ID();
    INSERT INTO messages (id, room_id, seq, user_id, content, client_msg_id, created_at)
      VALUES (p_id, p_room, v_seq, p_user, p_content, p_client_msg_id, p_at);
    COMMIT;
    SELECT v_seq AS seq;
  END IF;
END`).execute(db);
    },
    async down(db: Kysely<any>) {
      if (db.getExecutor().adapter instanceof MysqlAdapter) await sql.raw('DROP PROCEDURE IF EXISTS chat_append').execute(db);
    },
  },
};
