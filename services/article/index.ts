export { defineArticleService, type ArticleService, type ArticleServiceOptions } from './service.js';
export { articleMigrations } from './model/migrations.js';
export type { ArticleDB } from './model/tables.js';
export { MAX_BATCH as MAX_ARTICLES_PER_BATCH, MAX_CONTENT, MAX_COVER_URL, MAX_QUERY, MAX_TAG, MAX_TAGS, MAX_TITLE } from './rules.js';
export { DEFAULT_BLOCKED_WORDS, type ArticleConfig } from './config.js';
export { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
export { articleModule, type ArticleSections } from './module.js';
