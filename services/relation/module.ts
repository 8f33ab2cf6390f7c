// The relation service as a module: follows over its own database and cache, and the outbox for
// relation.followed.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';
import { RELATION_FOLLOWED } from './events.js';
import { relationMigrations } from './model/migrations.js';
import type { RelationDB } from './model/tables.js';
import { defineRelationService } from './service.js';

export const relationModule = defineServiceModule({
  definition: RelationServiceDefinition,
  migrations: relationMigrations,
  publishes: [RELATION_FOLLOWED],
  handlers: (ctx: ModuleContext<RelationDB>) => defineRelationService({ db: ctx.db, cache: ctx.cache(), clock: ctx.clock, outbox: ctx.outbox() }),
});
