// The "minimal Douyin" API that the existing mobile client speaks, under /douyin: its HTTP
// conventions (http/), the objects it reads (views.ts) and its routes (routes/).
import type { FastifyInstance } from 'fastify';
import { blobRoutes, createUploadGate, douyinPlugin } from './http/index.js';
import type { DouyinDeps, DouyinRoute } from './deps.js';
import { interactionRoutes } from './routes/interaction.js';
import { socialRoutes } from './routes/social.js';
import { userRoutes } from './routes/user.js';
import { uploadKey, uploadType, videoRoutes } from './routes/video.js';
import { BLOB_PREFIX } from './routes/context.js';
import { FragmentCache } from './encode.js';

export type { DouyinClients } from './clients.js';
export type { DouyinDeps, DouyinSettings } from './deps.js';

const PREFIX = '/douyin';

export async function douyinRoutes(app: FastifyInstance, d: DouyinDeps): Promise<void> {
  // Encoded strings of videos and authors, shared by every video list (feed, works, likes).
  const fragments = new FragmentCache();
  const routes: DouyinRoute[] = [...userRoutes(d), ...videoRoutes(d, fragments), ...interactionRoutes(d, fragments), ...socialRoutes(d)];
  // One gate for the process's uploads: its bounds hold across every upload route.
  const gate = createUploadGate(d.settings.uploads);
  await app.register(
    async (scope) => {
      const router = douyinPlugin(scope, { formLimitBytes: d.settings.formLimitBytes, uploads: { tokens: d.tokens, gate } });
      for (const r of routes) {
        router.route({
          url: r.url.slice(PREFIX.length),
          empty: r.empty,
          handler: (p, request) => r.handler(p, request),
          ...(r.upload
            ? {
                upload: {
                  field: 'data',
                  maxBytes: d.settings.maxUploadBytes,
                  sink: (file, info) => d.blob.put(uploadKey(info.filename), file, { contentType: uploadType(info.mimeType, info.filename), maxBytes: d.settings.maxUploadBytes }),
                  discard: (key) => d.blob.delete(key),
                  check: r.upload.check,
                },
              }
            : {}),
        });
      }
    },
    { prefix: PREFIX },
  );
  // Local blobs (videos, covers) for the client's players; S3 serves its own URLs.
  await app.register(blobRoutes, { prefix: BLOB_PREFIX.slice(0, -1), blob: d.blob });
}
