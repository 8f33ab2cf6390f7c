// The qa service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { QaServiceDefinition } from '#gen/surge/qa/v1/qa';
import { qaConfig, qaConfigProblems } from './config.js';

export const qaEntry = defineServiceEntry({
  name: 'qa',
  definition: QaServiceDefinition,
  config: qaConfig,
  problems: qaConfigProblems,
  load: () => import('./module.js').then((m) => m.qaModule),
});
