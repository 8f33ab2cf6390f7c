// The member service's tables (model/migrations.ts makes them). Every bigint comes back from
// MariaDB as a string: the models turn each into a number.
import type { OutboxTables } from '#kit/outbox';

/** What earns points; one daily cap each (config: member.*PerDay). */
export type PointKind = 'article' | 'accepted' | 'like';

/** One row per member: the totals GetMembership reads. */
export interface MembersTable {
  user_id: number;
  points: number;
  /** ms since the epoch; 0 when never VIP. */
  vip_until: number;
  updated_at: number;
}

/** The points ledger: what a member earned of one kind on one UTC day. The cap is on `events`. */
export interface PointDaysTable {
  user_id: number;
  kind: PointKind;
  /** Days since the epoch, UTC. */
  day: number;
  /** Events of the kind that earned points that day: never above the kind's cap. */
  events: number;
  points: number;
}

/**
 * What points were already given for, whatever event said it: an article, an answer, a
 * (liker, target) pair. A like taken back and given again, or an acceptance moved away and back,
 * earns nothing the second time.
 */
export interface AwardedTable {
  ref: string;
  awarded_at: number;
}

/** A VIP purchase: its id is its payment's reference at the pay service; applied (vip_until extended) at most once. */
export interface VipPurchasesTable {
  id: number;
  user_id: number;
  months: number;
  amount_cents: number;
  /** The pay service's payment; 0 until it is made. */
  payment_id: number;
  status: 'pending' | 'applied';
  created_at: number;
  /** 0 until applied. */
  applied_at: number;
}

export interface MemberDB extends OutboxTables {
  members: MembersTable;
  member_point_days: PointDaysTable;
  member_awarded: AwardedTable;
  member_vip_purchases: VipPurchasesTable;
}
