// The message service as a module: chat messages over its own database (no cache: see service.ts).
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { MessageServiceDefinition } from '#gen/surge/message/v1/message';
import { messageMigrations } from './model/migrations.js';
import type { MessageDB } from './model/tables.js';
import { defineMessageService } from './service.js';

export const messageModule = defineServiceModule({
  definition: MessageServiceDefinition,
  migrations: messageMigrations,
  handlers: (ctx: ModuleContext<MessageDB>) => defineMessageService({ db: ctx.db, clock: ctx.clock, ids: ctx.ids }),
});
