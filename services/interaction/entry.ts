// The interaction service in the list of services: contract, configuration section, and its
// module, loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import { interactionConfig, interactionConfigProblems } from './config.js';

export const interactionEntry = defineServiceEntry({
  name: 'interaction',
  definition: InteractionServiceDefinition,
  config: interactionConfig,
  problems: interactionConfigProblems,
  load: () => import('./module.js').then((m) => m.interactionModule),
});
