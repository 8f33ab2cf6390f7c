// The community API under /api/v1/community (docs/api/community.md): articles (publish, edit and
// delete one's own; detail, an author's list, search), image uploads, likes and comments on
// anything, follows and the following feed, Q&A, notifications and membership.
import type { FastifyInstance } from 'fastify';
import type { CommunityDeps, CommunityFaceDeps } from './deps.js';
import { createArticlePages } from './pages.js';
import { COMMUNITY_PREFIX } from './prefix.js';
import { articleRoutes } from './routes/articles.js';
import { commentRoutes } from './routes/comments.js';
import { feedRoutes } from './routes/feed.js';
import { followRoutes } from './routes/follows.js';
import { likeRoutes } from './routes/likes.js';
import { membershipRoutes } from './routes/membership.js';
import { notificationRoutes } from './routes/notifications.js';
import { questionRoutes } from './routes/questions.js';
import { createStateReader } from './routes/states.js';
import { uploadRoutes } from './routes/uploads.js';
import { createViewBuffer } from './view-buffer.js';

export { communityCalls } from './calls.js';
export type { CommunityDeps, CommunityFaceDeps, CommunitySettings } from './deps.js';
export { COMMUNITY_PREFIX };

export async function communityRoutes(app: FastifyInstance, f: CommunityFaceDeps): Promise<void> {
  const views = createViewBuffer({ send: (v) => f.clients.articles.recordViews({ views: v }), log: app.log });
  // Views counted here reach the article service before the gateway's clients close.
  app.addHook('onClose', () => views.close());
  const d: CommunityDeps = { clients: f.clients, blob: f.blob, uploadLimit: f.uploadLimit, pages: createArticlePages({ ttlMs: f.settings.pageCacheMs }), states: createStateReader(f.clients.interactions), views };
  await app.register(
    async (scope) => {
      for (const routes of [articleRoutes, likeRoutes, commentRoutes, followRoutes, questionRoutes, notificationRoutes, membershipRoutes, feedRoutes, uploadRoutes]) await routes(scope, d);
    },
    { prefix: COMMUNITY_PREFIX },
  );
}
