// The feed service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { FeedServiceDefinition } from '#gen/surge/feed/v1/feed';
import { feedConfig } from './config.js';

export const feedEntry = defineServiceEntry({
  name: 'feed',
  definition: FeedServiceDefinition,
  config: feedConfig,
  load: () => import('./module.js').then((m) => m.feedModule),
});
