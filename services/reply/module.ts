// The reply (reviews) service as a module: reviews and their summaries over its own database,
// and the order service as the judge of which orders a buyer completed and what they held.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { ReplyServiceDefinition } from '#gen/surge/reply/v1/reply';
import type { ReplyConfig } from './config.js';
import { replyMigrations } from './model/migrations.js';
import type { ReplyDB } from './model/tables.js';
import { purchaseBook } from './orders.js';
import { defineReplyService } from './service.js';

/** The configuration section the reply service reads (./config.ts). */
export interface ReplySections {
  reply: ReplyConfig;
}

const calls = { orders: OrderServiceDefinition };

export const replyModule = defineServiceModule({
  definition: ReplyServiceDefinition,
  migrations: replyMigrations,
  config: ['reply'],
  calls,
  handlers: (ctx: ModuleContext<ReplyDB, ReplySections, typeof calls>) =>
    defineReplyService({ db: ctx.db, cache: ctx.cache(), clock: ctx.clock, ids: ctx.ids, purchases: purchaseBook(ctx.clients.orders), blockedWords: ctx.config.reply.blockedWords }),
});
