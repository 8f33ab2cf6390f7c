// What the member service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { ServiceDatabase } from '#kit/store';
import type { MemberModel, PointRule } from './model/members.js';
import type { MemberDB, PointKind } from './model/tables.js';
import type { VipPaymentModel } from './model/vip-payments.js';
import type { VipPaymentDesk } from './payments.js';

export interface MemberDeps {
  readonly db: ServiceDatabase<MemberDB>;
  readonly members: MemberModel;
  readonly vipPayments: VipPaymentModel;
  /** Undefined while no payment desk can take a VIP payment (payments.ts says why). */
  readonly payDesk: VipPaymentDesk | undefined;
  /** Points and daily cap per kind (member.*Points, member.*PerDay). */
  readonly rules: Readonly<Record<PointKind, PointRule>>;
  readonly vipMonthCents: number;
  readonly clock: Clock;
}
