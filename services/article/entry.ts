// The article service in the list of services: contract, configuration section, and its module,
// loaded only by a process that hosts it.
import { defineServiceEntry } from '#kit/service';
import { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import { articleConfig, articleConfigProblems } from './config.js';

export const articleEntry = defineServiceEntry({
  name: 'article',
  definition: ArticleServiceDefinition,
  config: articleConfig,
  problems: articleConfigProblems,
  load: () => import('./module.js').then((m) => m.articleModule),
});
