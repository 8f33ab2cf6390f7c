// The qa service as a module: questions, answers and votes over its own database, the outbox for
// the events a message center reads, and the configured words masked in what users write.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { QaServiceDefinition } from '#gen/surge/qa/v1/qa';
import type { QaConfig } from './config.js';
import { ACCEPTED, ANSWERED } from './events.js';
import { qaMigrations } from './model/migrations.js';
import type { QaDB } from './model/tables.js';
import { defineQaService } from './service.js';

/** The configuration section the qa service reads (./config.ts). */
export interface QaSections {
  qa: QaConfig;
}

export const qaModule = defineServiceModule({
  definition: QaServiceDefinition,
  migrations: qaMigrations,
  config: ['qa'],
  publishes: [ANSWERED, ACCEPTED],
  handlers: (ctx: ModuleContext<QaDB, QaSections>) =>
    defineQaService({ db: ctx.db, clock: ctx.clock, ids: ctx.ids, outbox: ctx.outbox(), blockedWords: ctx.config.qa.blockedWords }),
});
