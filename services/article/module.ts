// The article service as a module: articles over its own database and cache, with the configured
// words masked in what authors write.
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import type { ArticleConfig } from './config.js';
import { articleMigrations } from './model/migrations.js';
import type { ArticleDB } from './model/tables.js';
import { defineArticleService } from './service.js';

/** The configuration section the article service reads (./config.ts). */
export interface ArticleSections {
  article: ArticleConfig;
}

export const articleModule = defineServiceModule({
  definition: ArticleServiceDefinition,
  migrations: articleMigrations,
  config: ['article'],
  handlers: (ctx: ModuleContext<ArticleDB, ArticleSections>) =>
    defineArticleService({ db: ctx.db, cache: ctx.cache(), clock: ctx.clock, ids: ctx.ids, blockedWords: ctx.config.article.blockedWords }),
});
