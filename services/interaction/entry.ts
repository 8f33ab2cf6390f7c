// The interaction service in the list of services: its contract and its module, loaded only by a
// process that hosts it. It has no configuration section.
import { defineServiceEntry } from '#kit/service';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';

export const interactionEntry = defineServiceEntry({
  name: 'interaction',
  definition: InteractionServiceDefinition,
  config: undefined,
  load: () => import('./module.js').then((m) => m.interactionModule),
});
