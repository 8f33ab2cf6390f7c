export { defineMemberService, memberDeps, type MemberService, type MemberServiceOptions } from './service.js';
export { memberMigrations } from './model/migrations.js';
export type { MemberDB } from './model/tables.js';
export { LEVELS, levelOf, MAX_BATCH as MAX_MEMBERS_PER_BATCH, MAX_VIP_MONTHS, MIN_VIP_MONTHS } from './rules.js';
export type { MemberConfig } from './config.js';
export { payDesk, VIP_PURPOSE, type VipPayment, type VipPaymentDesk } from './payments.js';
export { MemberServiceDefinition } from '#gen/surge/member/v1/member';
export { memberModule, type MemberOverrides, type MemberSections } from './module.js';
