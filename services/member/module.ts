// The member service as a module: points and VIP over its own database, the consumers that give
// points for articles, accepted answers and likes and extend VIP for paid VIP payments, and the
// pay service through its client as the VIP payment desk (unless an embedder or a test gives one).
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { MemberServiceDefinition } from '#gen/surge/member/v1/member';
import { PayServiceDefinition } from '#gen/surge/pay/v1/pay';
import type { MemberConfig } from './config.js';
import { MEMBER_TOPICS, startMemberConsumers } from './consumers/index.js';
import { memberMigrations } from './model/migrations.js';
import type { MemberDB } from './model/tables.js';
import { payDesk, type VipPaymentDesk } from './payments.js';
import { defineMemberService, memberDeps } from './service.js';

/** The configuration section the member service reads (./config.ts). */
export interface MemberSections {
  member: MemberConfig;
}

/** Overrides the member module takes (ModuleContext.overrides): another VIP payment desk than the pay service. */
export interface MemberOverrides {
  vipPayments?: VipPaymentDesk;
}

const calls = { pay: PayServiceDefinition };

type MemberContext = ModuleContext<MemberDB, MemberSections, typeof calls>;

const depsOf = (ctx: MemberContext) => {
  const { vipPayments } = ctx.overrides as MemberOverrides;
  return memberDeps({ db: ctx.db, clock: ctx.clock, ids: ctx.ids, config: ctx.config.member, payDesk: vipPayments ?? payDesk(ctx.clients.pay) });
};

export const memberModule = defineServiceModule({
  definition: MemberServiceDefinition,
  migrations: memberMigrations,
  config: ['member'],
  calls,
  consumes: [...MEMBER_TOPICS],
  handlers: (ctx: MemberContext) => defineMemberService(depsOf(ctx)),
  consumers: (ctx: MemberContext) => startMemberConsumers({ deps: depsOf(ctx), queue: ctx.queue, log: ctx.log }),
});
