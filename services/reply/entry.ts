// The reply (reviews) service in the list of services: contract, configuration section, and its
// module, loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { ReplyServiceDefinition } from '#gen/surge/reply/v1/reply';
import { replyConfig, replyConfigProblems } from './config.js';

export const replyEntry = defineServiceEntry({
  name: 'reply',
  definition: ReplyServiceDefinition,
  config: replyConfig,
  problems: replyConfigProblems,
  load: () => import('./module.js').then((m) => m.replyModule),
});
