// What the community face's routes are given: a client per service it calls (face.ts) and the
// blob store uploaded images go to.
import type { BlobStore } from '#kit/blob';
import type { Clients } from '#kit/service';
import type { Limiter } from '../plugins/limits.js';
import type { communityCalls } from './calls.js';
import type { ArticlePages } from './pages.js';
import type { StateReader } from './routes/states.js';
import type { ViewBuffer } from './view-buffer.js';

/** The community face's settings (config.community). */
export interface CommunitySettings {
  /** How long an anonymous article page is kept (pages.ts); 0: not kept. */
  readonly pageCacheMs: number;
}

/** What the face is mounted with (faces.ts). */
export interface CommunityFaceDeps {
  readonly clients: Clients<typeof communityCalls>;
  readonly blob: BlobStore;
  readonly uploadLimit: Limiter;
  readonly settings: CommunitySettings;
}

export interface CommunityDeps {
  readonly clients: Clients<typeof communityCalls>;
  readonly blob: BlobStore;
  /** Image uploads per user (limits.imageUploadsPerUser), taken before the body is read. */
  readonly uploadLimit: Limiter;
  /** Anonymous article pages kept for a moment (pages.ts). */
  readonly pages: ArticlePages;
  /** One target's counts and like flag, the asks of a turn in one call (routes/states.ts). */
  readonly states: StateReader;
  /** Detail views counted here and handed to the article service each second. */
  readonly views: ViewBuffer;
}
