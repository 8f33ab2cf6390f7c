// What the member service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { ServiceDatabase } from '#kit/store';
import type { MemberModel, PointRule } from './model/members.js';
import type { MemberDB, PointKind } from './model/tables.js';
import type { VipPurchaseModel } from './model/vip-purchases.js';
import type { VipPaymentDesk } from './payments.js';

export interface MemberDeps {
  readonly db: ServiceDatabase<MemberDB>;
  readonly members: MemberModel;
  readonly vipPurchases: VipPurchaseModel;
  /** Takes VIP payments: the pay service (payments.ts payDesk), or what a test gives. */
  readonly payDesk: VipPaymentDesk;
  /** Points and daily cap per kind (member.*Points, member.*PerDay). */
  readonly rules: Readonly<Record<PointKind, PointRule>>;
  readonly vipMonthCents: number;
  /** Snowflake ids for VIP purchases. */
  readonly ids: { next(): number };
  readonly clock: Clock;
}
