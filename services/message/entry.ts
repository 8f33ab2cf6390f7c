// The message service in the list of services: its contract and its module, loaded only by a
// process that hosts it. It has no configuration section.
import { defineServiceEntry } from '#kit/service';
import { MessageServiceDefinition } from '#gen/surge/message/v1/message';

export const messageEntry = defineServiceEntry({
  name: 'message',
  definition: MessageServiceDefinition,
  config: undefined,
  load: () => import('./module.js').then((m) => m.messageModule),
});
