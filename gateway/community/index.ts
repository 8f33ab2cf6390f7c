// The community API under /api/v1/community (docs/api/community.md): articles (publish, edit and
// delete one's own; detail, an author's list, search), image uploads, likes and comments on
// anything, follows and the following feed, Q&A, notifications and membership.
import type { FastifyInstance } from 'fastify';
import type { CommunityDeps } from './deps.js';
import { COMMUNITY_PREFIX } from './prefix.js';
import { articleRoutes } from './routes/articles.js';
import { commentRoutes } from './routes/comments.js';
import { feedRoutes } from './routes/feed.js';
import { followRoutes } from './routes/follows.js';
import { likeRoutes } from './routes/likes.js';
import { membershipRoutes } from './routes/membership.js';
import { notificationRoutes } from './routes/notifications.js';
import { questionRoutes } from './routes/questions.js';
import { uploadRoutes } from './routes/uploads.js';

export { communityCalls } from './calls.js';
export type { CommunityDeps } from './deps.js';
export { COMMUNITY_PREFIX };

export async function communityRoutes(app: FastifyInstance, d: CommunityDeps): Promise<void> {
  await app.register(
    async (scope) => {
      for (const routes of [articleRoutes, likeRoutes, commentRoutes, followRoutes, questionRoutes, notificationRoutes, membershipRoutes, feedRoutes, uploadRoutes]) await routes(scope, d);
    },
    { prefix: COMMUNITY_PREFIX },
  );
}
