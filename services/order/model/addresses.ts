// A user's addresses. Every write runs in one transaction that first writes the user's
// address_books row, which locks it: one user's writes run one at a time (on MariaDB across
// instances too), so "at most 20" and "exactly one default" are decided on what is there. Rows
// are then changed by primary key only (the row was read as the user's under that lock), so no
// write locks a range of the user index that another user's insert falls into.
import type { Kysely, Selectable } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { AddressesTable, OrderDB } from './tables.js';

export type AddressRow = Selectable<AddressesTable>;

export interface AddressFields {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
}

export type AddressChanges = Partial<AddressFields> & { makeDefault?: boolean };

export interface AddressModel {
  /** The default first, then newest first. */
  list(userId: number): Promise<AddressRow[]>;
  get(userId: number, id: number): Promise<AddressRow | undefined>;
  /** Addresses by id whoever's they are, in one query (the caller checks each one's user); missing ids left out. */
  byIds(ids: readonly number[]): Promise<AddressRow[]>;
  /** Adds one unless the user keeps `max` already (then undefined). The first becomes the default. */
  add(userId: number, id: number, fields: AddressFields, makeDefault: boolean, max: number, now: number): Promise<AddressRow | undefined>;
  /** Changes the user's address; undefined when there is none. makeDefault unsets the old default in the same transaction. */
  update(userId: number, id: number, changes: AddressChanges, now: number): Promise<AddressRow | undefined>;
  /** Deletes the user's address; false when there is none. Deleting the default promotes the newest remaining. */
  remove(userId: number, id: number, now: number): Promise<boolean>;
}

export function createAddressModel(sdb: ServiceDatabase<OrderDB>): AddressModel {
  const db = sdb.db;

  /** Takes the user's lock for the rest of the transaction. */
  const lockBook = (trx: Kysely<OrderDB>, userId: number, now: number) =>
    sdb.upsert('address_books', { user_id: userId, updated_at: now }, { conflict: ['user_id'], update: ['updated_at'], executor: trx });

  /**
   * Unsets the user's default, found first and then updated by its primary key: an UPDATE by
   * (user_id, is_default) would take gap locks on MariaDB's user index, on which another user's
   * first address, inserted at the same time, deadlocks. The user's lock makes the read current.
   */
  const unsetDefault = async (trx: Kysely<OrderDB>, userId: number) => {
    const current = await trx.selectFrom('addresses').select('id').where('user_id', '=', userId).where('is_default', '=', 1).execute();
    for (const { id } of current) await trx.updateTable('addresses').set({ is_default: 0 }).where('id', '=', id).execute();
  };

  const one = (trx: Kysely<OrderDB>, userId: number, id: number) =>
    trx.selectFrom('addresses').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();

  return {
    list: (userId) => db.selectFrom('addresses').selectAll().where('user_id', '=', userId).orderBy('is_default', 'desc').orderBy('id', 'desc').execute(),

    get: (userId, id) => one(db, userId, id),

    byIds: async (ids) => (ids.length === 0 ? [] : db.selectFrom('addresses').selectAll().where('id', 'in', [...ids]).execute()),

    add(userId, id, fields, makeDefault, max, now) {
      return sdb.transaction(async (trx) => {
        await lockBook(trx, userId, now);
        const { n } = await trx.selectFrom('addresses').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
        const count = Number(n);
        if (count >= max) return undefined;
        const isDefault = count === 0 || makeDefault;
        if (isDefault && count > 0) await unsetDefault(trx, userId);
        const row: AddressRow = { id, user_id: userId, ...fields, is_default: isDefault ? 1 : 0, created_at: now, updated_at: now };
        await trx.insertInto('addresses').values(row).execute();
        return row;
      });
    },

    update(userId, id, changes, now) {
      return sdb.transaction(async (trx) => {
        await lockBook(trx, userId, now);
        const row = await one(trx, userId, id);
        if (!row) return undefined;
        const { makeDefault, ...fields } = changes;
        if (makeDefault && row.is_default !== 1) await unsetDefault(trx, userId);
        const set = { ...fields, ...(makeDefault ? { is_default: 1 } : {}), updated_at: now };
        await trx.updateTable('addresses').set(set).where('id', '=', id).execute();
        return { ...row, ...set, is_default: makeDefault ? 1 : Number(row.is_default) };
      });
    },

    remove(userId, id, now) {
      return sdb.transaction(async (trx) => {
        await lockBook(trx, userId, now);
        const row = await one(trx, userId, id);
        if (!row) return false;
        await trx.deleteFrom('addresses').where('id', '=', id).execute();
        if (Number(row.is_default) === 1) {
          const newest = await trx.selectFrom('addresses').select('id').where('user_id', '=', userId).orderBy('id', 'desc').limit(1).executeTakeFirst();
          if (newest) await trx.updateTable('addresses').set({ is_default: 1, updated_at: now }).where('id', '=', newest.id).execute();
        }
        return true;
      });
    },
  };
}
