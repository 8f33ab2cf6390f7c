export { defineInteractionService, type InteractionService, type InteractionServiceOptions } from './service.js';
export { interactionMigrations } from './model/migrations.js';
export type { InteractionDB } from './model/tables.js';
export { createCountModel } from './model/counts.js';
export { startCountConsumers } from './consumers/counts.js';
export { BUSINESSES, MAX_IDS_PER_BATCH, MAX_TARGETS_PER_BATCH, type Biz } from './rules.js';
export {
  COMMENTED,
  FAVORITED,
  TARGET_COMMENTED,
  TARGET_LIKED,
  type CommentedEvent,
  type FavoritedEvent,
  type TargetCommentedEvent,
  type TargetLikedEvent,
} from './events.js';
export { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
export { interactionModule } from './module.js';
export { targetDirectory, type TargetDirectory } from './targets.js';
