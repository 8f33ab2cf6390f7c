// The video service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { VideoServiceDefinition } from '#gen/surge/video/v1/video';
import { videoConfig } from './config.js';

export const videoEntry = defineServiceEntry({
  name: 'video',
  definition: VideoServiceDefinition,
  config: videoConfig,
  load: () => import('./module.js').then((m) => m.videoModule),
});
