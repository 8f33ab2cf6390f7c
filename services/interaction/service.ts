// Wires the interaction service: models over the service's own database and cache, the outbox
// for its events, the owning services as the judges of targets, the word filter over the
// configured words, then one handler per RPC method, each a use case in logic/.
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { createWordFilter } from '#kit/wordfilter';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import type { InteractionDeps } from './deps.js';
import { addComment } from './logic/add-comment.js';
import { deleteComment } from './logic/delete-comment.js';
import { favorite } from './logic/favorite.js';
import { getTargetStates } from './logic/get-target-states.js';
import { getViewerStates } from './logic/get-viewer-states.js';
import { isFavorite } from './logic/is-favorite.js';
import { like } from './logic/like.js';
import { listComments } from './logic/list-comments.js';
import { listFavorites } from './logic/list-favorites.js';
import { listTargetComments } from './logic/list-target-comments.js';
import { postComment } from './logic/post-comment.js';
import { removeComment } from './logic/remove-comment.js';
import { createCommentModel } from './model/comments.js';
import { createCountModel, type CountModel } from './model/counts.js';
import { createLikeModel } from './model/likes.js';
import type { InteractionDB } from './model/tables.js';
import type { EventSink } from './model/tx.js';
import type { TargetDirectory } from './targets.js';

export interface InteractionServiceOptions {
  /** Opened with interactionMigrations (they include the outbox's tables). */
  db: ServiceDatabase<InteractionDB>;
  cache: Cache;
  clock: Clock;
  /** Snowflake ids for comments (createIdGenerator from #kit/ids). */
  ids: { next(): number };
  /** The outbox over the same db (createOutbox from #kit/outbox). */
  outbox: EventSink;
  /** The owning services: existence and owner of a target (targetDirectory over their clients). */
  targets: TargetDirectory;
  /** The words masked in comments (interaction.blockedWords); default none. */
  blockedWords?: readonly string[];
  /** The counts, when the caller also runs their consumer over the same model (module.ts); default one over db and cache. */
  counts?: CountModel;
}

export type InteractionService = ServiceImpl<typeof InteractionServiceDefinition>;

export function defineInteractionService(o: InteractionServiceOptions): InteractionService {
  const d: InteractionDeps = {
    likes: createLikeModel(o.db, o.cache),
    comments: createCommentModel(o.db, o.cache),
    counts: o.counts ?? createCountModel(o.db, o.cache),
    events: o.outbox,
    ids: o.ids,
    clock: o.clock,
    targets: o.targets,
    words: createWordFilter({ words: o.blockedWords ?? [] }),
  };
  return {
    favorite: (req, ctx) => favorite(d, req, ctx),
    listFavorites: (req) => listFavorites(d, req),
    isFavorite: (req) => isFavorite(d, req),
    postComment: (req, ctx) => postComment(d, req, ctx),
    deleteComment: (req, ctx) => deleteComment(d, req, ctx),
    listComments: (req) => listComments(d, req),
    like: (req, ctx) => like(d, req, ctx),
    getTargetStates: (req) => getTargetStates(d, req),
    getViewerStates: (req) => getViewerStates(d, req),
    addComment: (req, ctx) => addComment(d, req, ctx),
    removeComment: (req, ctx) => removeComment(d, req, ctx),
    listTargetComments: (req) => listTargetComments(d, req),
  };
}
