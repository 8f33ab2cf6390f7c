// The interaction service as a module: likes and comments on any target over its own database
// and cache, the outbox for its events, the owning services (video, article, qa) as the judges of
// which targets exist and who owns them, and the consumer that keeps each target's counts.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import { QaServiceDefinition } from '#gen/surge/qa/v1/qa';
import { VideoServiceDefinition } from '#gen/surge/video/v1/video';
import type { InteractionConfig } from './config.js';
import { startCountConsumers } from './consumers/counts.js';
import { COMMENTED, FAVORITED, TARGET_COMMENTED, TARGET_LIKED } from './events.js';
import { createCountModel } from './model/counts.js';
import { interactionMigrations } from './model/migrations.js';
import type { InteractionDB } from './model/tables.js';
import { defineInteractionService } from './service.js';
import { targetDirectory } from './targets.js';

const calls = { videos: VideoServiceDefinition, articles: ArticleServiceDefinition, questions: QaServiceDefinition };

/** The configuration section the interaction service reads (./config.ts). */
export interface InteractionSections {
  interaction: InteractionConfig;
}

type InteractionContext = ModuleContext<InteractionDB, InteractionSections, typeof calls>;

const counts = (ctx: InteractionContext) => createCountModel(ctx.db, ctx.cache());

export const interactionModule = defineServiceModule({
  definition: InteractionServiceDefinition,
  migrations: interactionMigrations,
  config: ['interaction'],
  calls,
  publishes: [FAVORITED, COMMENTED, TARGET_LIKED, TARGET_COMMENTED],
  consumes: [TARGET_LIKED, TARGET_COMMENTED],
  handlers: (ctx: InteractionContext) =>
    defineInteractionService({
      db: ctx.db,
      cache: ctx.cache(),
      clock: ctx.clock,
      ids: ctx.ids,
      outbox: ctx.outbox(),
      targets: targetDirectory(ctx.clients),
      blockedWords: ctx.config.interaction.blockedWords,
      counts: counts(ctx),
    }),
  consumers: (ctx: InteractionContext) => startCountConsumers({ db: ctx.db, counts: counts(ctx), queue: ctx.queue, clock: ctx.clock, log: ctx.log }),
});
