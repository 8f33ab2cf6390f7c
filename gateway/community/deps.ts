// What the community face's routes are given: a client per service it calls (face.ts) and the
// blob store uploaded images go to.
import type { BlobStore } from '#kit/blob';
import type { Clients } from '#kit/service';
import type { Limiter } from '../plugins/limits.js';
import type { communityCalls } from './calls.js';

export interface CommunityDeps {
  readonly clients: Clients<typeof communityCalls>;
  readonly blob: BlobStore;
  /** Image uploads per user (limits.imageUploadsPerUser), taken before the body is read. */
  readonly uploadLimit: Limiter;
}
