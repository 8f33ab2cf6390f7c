// The interaction service as a module: likes and comments over its own database and cache, the
// outbox for its events, and the video service as the judge of which videos exist and who wrote them.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import { VideoServiceDefinition } from '#gen/surge/video/v1/video';
import { COMMENTED, FAVORITED } from './events.js';
import { interactionMigrations } from './model/migrations.js';
import type { InteractionDB } from './model/tables.js';
import { defineInteractionService } from './service.js';
import { videoDirectory } from './videos.js';

const calls = { videos: VideoServiceDefinition };

export const interactionModule = defineServiceModule({
  definition: InteractionServiceDefinition,
  migrations: interactionMigrations,
  calls,
  publishes: [FAVORITED, COMMENTED],
  handlers: (ctx: ModuleContext<InteractionDB, unknown, typeof calls>) =>
    defineInteractionService({ db: ctx.db, cache: ctx.cache(), clock: ctx.clock, ids: ctx.ids, outbox: ctx.outbox(), videos: videoDirectory(ctx.clients.videos) }),
});
