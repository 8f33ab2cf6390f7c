// Wires the interaction service: models over the service's own database and cache, the outbox
// for its events, then one handler per RPC method, each a use case in logic/.
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from './deps.js';
import { deleteComment } from './logic/delete-comment.js';
import { favorite } from './logic/favorite.js';
import { isFavorite } from './logic/is-favorite.js';
import { listComments } from './logic/list-comments.js';
import { listFavorites } from './logic/list-favorites.js';
import { postComment } from './logic/post-comment.js';
import { createCommentModel } from './model/comments.js';
import { createFavoriteModel } from './model/favorites.js';
import type { InteractionDB } from './model/tables.js';
import type { EventSink } from './model/tx.js';
import type { VideoDirectory } from './videos.js';

export interface InteractionServiceOptions {
  /** Opened with interactionMigrations (they include the outbox's tables). */
  db: ServiceDatabase<InteractionDB>;
  cache: Cache;
  clock: Clock;
  /** Snowflake ids for comments (createIdGenerator from #kit/ids). */
  ids: { next(): number };
  /** The outbox over the same db (createOutbox from #kit/outbox). */
  outbox: EventSink;
  /** The video service: existence and author of a video (videoDirectory over its client). */
  videos: VideoDirectory;
}

export type InteractionService = ServiceImpl<typeof InteractionServiceDefinition>;

export function defineInteractionService(o: InteractionServiceOptions): InteractionService {
  const d: InteractionDeps = {
    favorites: createFavoriteModel(o.db, o.cache),
    comments: createCommentModel(o.db, o.cache),
    events: o.outbox,
    ids: o.ids,
    clock: o.clock,
    videos: o.videos,
  };
  return {
    favorite: (req, ctx) => favorite(d, req, ctx),
    listFavorites: (req) => listFavorites(d, req),
    isFavorite: (req) => isFavorite(d, req),
    postComment: (req, ctx) => postComment(d, req, ctx),
    deleteComment: (req) => deleteComment(d, req),
    listComments: (req) => listComments(d, req),
  };
}
