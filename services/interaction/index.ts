export { defineInteractionService, type InteractionService, type InteractionServiceOptions } from './service.js';
export { interactionMigrations } from './model/migrations.js';
export type { InteractionDB } from './model/tables.js';
export { MAX_IDS_PER_BATCH } from './rules.js';
export { FAVORITED, COMMENTED, type FavoritedEvent, type CommentedEvent } from './events.js';
export { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
export { interactionModule } from './module.js';
export { videoDirectory, type VideoDirectory } from './videos.js';
