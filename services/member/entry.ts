// The member service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { MemberServiceDefinition } from '#gen/surge/member/v1/member';
import { memberConfig, memberConfigProblems } from './config.js';

export const memberEntry = defineServiceEntry({
  name: 'member',
  definition: MemberServiceDefinition,
  config: memberConfig,
  problems: memberConfigProblems,
  load: () => import('./module.js').then((m) => m.memberModule),
});
