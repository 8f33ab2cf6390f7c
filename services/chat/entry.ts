// The chat service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { ChatServiceDefinition } from '#gen/surge/chat/v1/chat';
import { chatConfig, chatConfigProblems } from './config.js';

export const chatEntry = defineServiceEntry({
  name: 'chat',
  definition: ChatServiceDefinition,
  config: chatConfig,
  problems: chatConfigProblems,
  load: () => import('./module.js').then((m) => m.chatModule),
});
