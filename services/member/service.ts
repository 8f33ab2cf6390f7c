// Wires the member service: the member and VIP purchase models over the service's own database,
// the point rules from the configuration, the payment desk, then one handler
// per RPC method, each a use case in logic/.
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { MemberServiceDefinition } from '#gen/surge/member/v1/member';
import type { MemberConfig } from './config.js';
import type { MemberDeps } from './deps.js';
import { buyVip } from './logic/buy-vip.js';
import { getMembership } from './logic/get-membership.js';
import { getVipPurchase } from './logic/get-vip-purchase.js';
import { createMemberModel } from './model/members.js';
import type { MemberDB } from './model/tables.js';
import { createVipPurchaseModel } from './model/vip-purchases.js';
import type { VipPaymentDesk } from './payments.js';

export interface MemberServiceOptions {
  /** Opened with memberMigrations. */
  db: ServiceDatabase<MemberDB>;
  clock: Clock;
  /** The `member` section. */
  config: MemberConfig;
  /** Takes VIP payments (payments.ts payDesk over the pay service's client). */
  payDesk: VipPaymentDesk;
  /** Snowflake ids for VIP purchases. */
  ids: { next(): number };
}

export type MemberService = ServiceImpl<typeof MemberServiceDefinition>;

/** The dependencies of the use cases, shared by the handlers and the consumers. */
export function memberDeps(o: MemberServiceOptions): MemberDeps {
  const c = o.config;
  return {
    db: o.db,
    members: createMemberModel(o.db),
    vipPurchases: createVipPurchaseModel(o.db),
    payDesk: o.payDesk,
    rules: Object.freeze({
      article: { points: c.articlePoints, perDay: c.articlesPerDay },
      accepted: { points: c.acceptedPoints, perDay: c.acceptedPerDay },
      like: { points: c.likePoints, perDay: c.likesPerDay },
    }),
    vipMonthCents: c.vipMonthCents,
    ids: o.ids,
    clock: o.clock,
  };
}

export function defineMemberService(d: MemberDeps): MemberService {
  return {
    getMembership: (req) => getMembership(d, req),
    buyVip: (req, ctx) => buyVip(d, req, ctx),
    getVipPurchase: (req, ctx) => getVipPurchase(d, req, ctx),
  };
}
