// The relation service in the list of services: its contract and its module, loaded only by a
// process that hosts it. It has no configuration section.
import { defineServiceEntry } from '#kit/service';
import { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';

export const relationEntry = defineServiceEntry({
  name: 'relation',
  definition: RelationServiceDefinition,
  config: undefined,
  load: () => import('./module.js').then((m) => m.relationModule),
});
