export { defineRelationService, type RelationService, type RelationServiceOptions } from './service.js';
export { relationMigrations } from './model/migrations.js';
export type { RelationDB } from './model/tables.js';
export { RELATION_FOLLOWED, type RelationFollowed } from './events.js';
export { MAX_IDS_PER_BATCH, MAX_LIST } from './rules.js';
export { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';
export { relationModule } from './module.js';
