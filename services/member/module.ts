// The member service as a module: points and VIP over its own database, the consumers that give
// points for articles, accepted answers and likes, and a VIP payment desk when an embedder or a
// test gives one (none over the pay service yet: payments.ts).
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { MemberServiceDefinition } from '#gen/surge/member/v1/member';
import type { MemberConfig } from './config.js';
import { POINT_TOPICS, startPointConsumers } from './consumers/points.js';
import { memberMigrations } from './model/migrations.js';
import type { MemberDB } from './model/tables.js';
import type { VipPaymentDesk } from './payments.js';
import { defineMemberService, memberDeps } from './service.js';

/** The configuration section the member service reads (./config.ts). */
export interface MemberSections {
  member: MemberConfig;
}

/** Overrides the member module takes (ModuleContext.overrides): a VIP payment desk. */
export interface MemberOverrides {
  vipPayments?: VipPaymentDesk;
}

type MemberContext = ModuleContext<MemberDB, MemberSections>;

const depsOf = (ctx: MemberContext) => {
  const { vipPayments } = ctx.overrides as MemberOverrides;
  return memberDeps({ db: ctx.db, clock: ctx.clock, config: ctx.config.member, ...(vipPayments ? { payDesk: vipPayments } : {}) });
};

export const memberModule = defineServiceModule({
  definition: MemberServiceDefinition,
  migrations: memberMigrations,
  config: ['member'],
  consumes: [...POINT_TOPICS],
  handlers: (ctx: MemberContext) => defineMemberService(depsOf(ctx)),
  consumers: (ctx: MemberContext) => startPointConsumers({ deps: depsOf(ctx), queue: ctx.queue, log: ctx.log }),
});
