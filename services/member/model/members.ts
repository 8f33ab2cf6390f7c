// The members' totals and the points ledger. Every write here runs inside the caller's
// transaction (the one applyOnce records the event's key in), so an event's points, its cap
// count and its total move together or not at all.
import { sql, type Kysely } from 'kysely';
import type { ServiceDatabase } from '#kit/store';
import type { MemberDB, PointKind } from './tables.js';
import type { Tx } from './tx.js';

export interface MemberRow {
  userId: number;
  points: number;
  /** 0 when never VIP. */
  vipUntil: number;
}

export interface PointRule {
  points: number;
  /** Events a UTC day that earn points. */
  perDay: number;
}

export interface MemberModel {
  /** The rows of the ids that have one (no activity yet: no row). */
  get(userIds: readonly number[]): Promise<Map<number, MemberRow>>;
  /** Records `ref` as awarded; false when it already was (points are given once per ref). */
  markAwarded(trx: Tx, ref: string, now: number): Promise<boolean>;
  /**
   * Makes the member's row and its (kind, day) ledger row when absent, outside any transaction:
   * award() and extendVip() then only update them. An INSERT IGNORE that meets an existing row
   * inside a transaction holds a shared lock on it, and two such transactions both asking to
   * update the row deadlock on MariaDB; made beforehand, the rows are only ever locked for update.
   */
  prepare(userId: number, now: number, points?: { kind: PointKind; day: number }): Promise<void>;
  /**
   * Counts one event of `kind` on `day` if the day's cap allows it, and adds its points to the
   * member's total; false when the cap was reached. Exact under concurrent events: the count is
   * one conditional UPDATE on the (user, kind, day) row, which holds the row locked to commit.
   * The rows must exist (prepare).
   */
  award(trx: Tx, userId: number, kind: PointKind, day: number, rule: PointRule, now: number): Promise<boolean>;
  /** Adds `ms` of VIP from max(now, vip_until), in one statement (two payments never read the same start). The row must exist (prepare). */
  extendVip(trx: Tx, userId: number, ms: number, now: number): Promise<void>;
}

const asTx = (trx: Tx) => trx as unknown as Kysely<MemberDB>;

export function createMemberModel(sdb: ServiceDatabase<MemberDB>): MemberModel {
  return {
    async prepare(userId, now, points) {
      await sdb.insertIgnore('members', { user_id: userId, points: 0, vip_until: 0, updated_at: now });
      if (points) await sdb.insertIgnore('member_point_days', { user_id: userId, kind: points.kind, day: points.day, events: 0, points: 0 });
    },
    async get(userIds) {
      if (userIds.length === 0) return new Map();
      const rows = await sdb.db.selectFrom('members').select(['user_id', 'points', 'vip_until']).where('user_id', 'in', [...new Set(userIds)]).execute();
      return new Map(rows.map((row) => [Number(row.user_id), { userId: Number(row.user_id), points: Number(row.points), vipUntil: Number(row.vip_until) }]));
    },
    markAwarded: (trx, ref, now) => sdb.insertIgnore('member_awarded', { ref, awarded_at: now }, { executor: asTx(trx) }),
    async award(trx, userId, kind, day, rule, now) {
      if (rule.perDay === 0) return false;
      const db = asTx(trx);
      const counted = await db
        .updateTable('member_point_days')
        .set({ events: sql`events + 1`, points: sql`points + ${rule.points}` })
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .where('day', '=', day)
        .where('events', '<', rule.perDay)
        .executeTakeFirst();
      if (Number(counted.numUpdatedRows) !== 1) return false;
      await db.updateTable('members').set({ points: sql`points + ${rule.points}`, updated_at: now }).where('user_id', '=', userId).execute();
      return true;
    },
    async extendVip(trx, userId, ms, now) {
      await asTx(trx)
        .updateTable('members')
        .set({ vip_until: sql`(CASE WHEN vip_until > ${now} THEN vip_until ELSE ${now} END) + ${ms}`, updated_at: now })
        .where('user_id', '=', userId)
        .execute();
    },
  };
}
