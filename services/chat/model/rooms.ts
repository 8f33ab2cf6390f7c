// Queries on `rooms`, `room_members` and `room_owners`. The quotas are counters changed in the
// same transaction as the row they count, under a conditional UPDATE that takes the counter row's
// lock, so concurrent creates (one owner) and adds (one room) queue on it and never pass the bound:
//   create: room_owners.rooms_owned + 1 while under maxRoomsPerUser, then the room (and its owner
//           as its first member when private);
//   add:    rooms.member_count + 1 while under maxMembersPerRoom, then the member row, whose
//           primary key refuses a second add of one user (rolling the count back with it);
//   remove: the member row deleted, then rooms.member_count - 1 only when a row was: of two
//           concurrent removes of one user, the second deletes nothing (it waits on the row's
//           lock) and counts nothing.
// The owner's counter row is made before its transaction, in a statement of its own (INSERT
// IGNORE, committed at once), as the reply service makes its summary rows: on MariaDB
// (REPEATABLE READ) an INSERT IGNORE meeting a row takes a shared lock on it, and two concurrent
// creates holding one each would deadlock on the increment.
import type { ServiceDatabase } from '#kit/store';
import { isUniqueViolation } from '#kit/store';
import type { Room } from '#gen/surge/chat/v1/chat';
import type { ChatDB, RoomsTable } from './tables.js';

const COLUMNS = ['id', 'name', 'owner_id', 'is_private', 'epoch', 'last_seq', 'created_at'] as const;
const JOINED = COLUMNS.map((c) => `rooms.${c}` as const);

// MariaDB returns BIGINT columns as numbers or strings: every id, count and time goes through Number().
const toRoom = (r: Pick<RoomsTable, (typeof COLUMNS)[number]>): Room => ({
  id: Number(r.id),
  name: r.name,
  ownerId: Number(r.owner_id),
  private: Number(r.is_private) === 1,
  epoch: r.epoch,
  lastSeq: Number(r.last_seq),
  createdAt: Number(r.created_at),
});

/** What AddMember did: the member was added, belonged already, or the room is full. */
export type AddOutcome = 'added' | 'member' | 'full';

export interface RoomModel {
  /**
   * Stores a new room (last_seq 0), a private one with its owner as its first member, and counts
   * it against its owner. Resolves false, with nothing stored, when the owner owns `maxOwned` already.
   */
  create(room: Room, maxOwned: number): Promise<boolean>;
  /** The room, or undefined when there is none. */
  get(id: number): Promise<Room | undefined>;
  /** Whether the user is a member of the private room (its owner is). */
  isMember(roomId: number, userId: number): Promise<boolean>;
  /** Adds a member to the private room, unless it holds `maxMembers` already (its owner counted). */
  addMember(roomId: number, userId: number, joinedAt: number, maxMembers: number): Promise<AddOutcome>;
  /** Removes a member from the private room; false when they were not one. */
  removeMember(roomId: number, userId: number): Promise<boolean>;
  /** The rooms the user may see (public ones, and private ones they belong to) with ids below `beforeId` (all when undefined), newest first, at most `limit`. */
  visiblePage(userId: number, beforeId: number | undefined, limit: number): Promise<Room[]>;
}

export function createRoomModel(store: ServiceDatabase<ChatDB>): RoomModel {
  const db = store.db;

  /** The owner's counter row exists once this resolves (see the top of this file). */
  async function ensureOwner(userId: number): Promise<void> {
    const found = await db.selectFrom('room_owners').select('user_id').where('user_id', '=', userId).executeTakeFirst();
    if (!found) await store.insertIgnore('room_owners', { user_id: userId, rooms_owned: 0 });
  }

  const isMember = async (roomId: number, userId: number) =>
    (await db.selectFrom('room_members').select('room_id').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;

  return {
    async create(room, maxOwned) {
      await ensureOwner(room.ownerId);
      return store.transaction(async (trx) => {
        const counted = await trx
          .updateTable('room_owners')
          .set((eb) => ({ rooms_owned: eb('rooms_owned', '+', 1) }))
          .where('user_id', '=', room.ownerId)
          .where('rooms_owned', '<', maxOwned)
          .executeTakeFirst();
        if (Number(counted.numUpdatedRows) === 0) return false;
        await trx
          .insertInto('rooms')
          .values({
            id: room.id,
            name: room.name,
            owner_id: room.ownerId,
            is_private: room.private ? 1 : 0,
            epoch: room.epoch,
            last_seq: 0,
            member_count: room.private ? 1 : 0,
            created_at: room.createdAt,
          })
          .execute();
        if (room.private) await trx.insertInto('room_members').values({ room_id: room.id, user_id: room.ownerId, joined_at: room.createdAt }).execute();
        return true;
      });
    },

    async get(id) {
      const row = await db.selectFrom('rooms').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? toRoom(row) : undefined;
    },

    isMember,

    async addMember(roomId, userId, joinedAt, maxMembers) {
      // Most repeated adds end here, without a write.
      if (await isMember(roomId, userId)) return 'member';
      try {
        return await store.transaction(async (trx) => {
          const counted = await trx
            .updateTable('rooms')
            .set((eb) => ({ member_count: eb('member_count', '+', 1) }))
            .where('id', '=', roomId)
            .where('member_count', '<', maxMembers)
            .executeTakeFirst();
          if (Number(counted.numUpdatedRows) === 0) return 'full' as const;
          await trx.insertInto('room_members').values({ room_id: roomId, user_id: userId, joined_at: joinedAt }).execute();
          return 'added' as const;
        });
      } catch (err) {
        // The one unique key: a concurrent add of the same user got there first (this one's count rolled back).
        if (isUniqueViolation(err)) return 'member';
        throw err;
      }
    },

    async removeMember(roomId, userId) {
      // Most repeated removes end here, without a write.
      if (!(await isMember(roomId, userId))) return false;
      return store.transaction(async (trx) => {
        const deleted = await trx.deleteFrom('room_members').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return false;
        await trx
          .updateTable('rooms')
          .set((eb) => ({ member_count: eb('member_count', '-', 1) }))
          .where('id', '=', roomId)
          .execute();
        return true;
      });
    },

    async visiblePage(userId, beforeId, limit) {
      // Two keyset reads on their own indexes, merged: the public rooms, and the user's private
      // ones. Each reads at most `limit` rows, however many rooms the user cannot see.
      let open = db.selectFrom('rooms').select(COLUMNS).where('is_private', '=', 0);
      if (beforeId !== undefined) open = open.where('id', '<', beforeId);
      let mine = db
        .selectFrom('room_members')
        .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
        .select(JOINED)
        .where('room_members.user_id', '=', userId)
        .where('rooms.is_private', '=', 1);
      if (beforeId !== undefined) mine = mine.where('room_members.room_id', '<', beforeId);
      const [publicRows, privateRows] = await Promise.all([
        open.orderBy('id', 'desc').limit(limit).execute(),
        mine.orderBy('room_members.room_id', 'desc').limit(limit).execute(),
      ]);
      return [...publicRows, ...privateRows]
        .map(toRoom)
        .sort((a, b) => b.id - a.id)
        .slice(0, limit);
    },
  };
}
