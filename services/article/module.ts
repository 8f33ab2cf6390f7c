// The article service as a module: articles over its own database and cache, with the configured
// words masked in what authors write, the view counter's batches, the outbox for article.published and article.deleted, and the consumer that keeps their like and comment counts.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import { TARGET_COMMENTED, TARGET_LIKED } from '../interaction/events.js';
import type { ArticleConfig } from './config.js';
import { startArticleConsumers } from './consumers/counts.js';
import { ARTICLE_DELETED, ARTICLE_PUBLISHED } from './events.js';
import { createArticleModel } from './model/articles.js';
import { articleMigrations } from './model/migrations.js';
import type { ArticleDB } from './model/tables.js';
import { defineArticleService } from './service.js';
import { createViewCounter } from './views.js';

/** The configuration section the article service reads (./config.ts). */
export interface ArticleSections {
  article: ArticleConfig;
}

type ArticleContext = ModuleContext<ArticleDB, ArticleSections>;

export const articleModule = defineServiceModule({
  definition: ArticleServiceDefinition,
  migrations: articleMigrations,
  config: ['article'],
  publishes: [ARTICLE_PUBLISHED, ARTICLE_DELETED],
  consumes: [TARGET_LIKED, TARGET_COMMENTED],
  handlers(ctx: ArticleContext) {
    const views = createViewCounter({ articles: createArticleModel(ctx.db, ctx.cache()), clock: ctx.clock, log: ctx.log });
    ctx.defer(() => views.close());
    return defineArticleService({ db: ctx.db, cache: ctx.cache(), clock: ctx.clock, ids: ctx.ids, outbox: ctx.outbox(), views, blockedWords: ctx.config.article.blockedWords });
  },
  consumers: (ctx: ArticleContext) =>
    startArticleConsumers({ db: ctx.db, articles: createArticleModel(ctx.db, ctx.cache()), queue: ctx.queue, clock: ctx.clock, log: ctx.log }),
});
