// Wires the relation service: the follow model over the service's own database and cache, then
// one handler per RPC method, each a use case in logic/.
import type { Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import type { Outbox } from '#kit/outbox';
import type { ServiceImpl } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';
import type { RelationDeps } from './deps.js';
import { follow } from './logic/follow.js';
import { isFollowing } from './logic/is-following.js';
import { listFollowers, listFollowing, listFriends } from './logic/lists.js';
import { listFollowersPage, listFollowingPage } from './logic/pages.js';
import { createFollowModel } from './model/follows.js';
import { createFollowPages } from './model/pages.js';
import type { RelationDB } from './model/tables.js';

export interface RelationServiceOptions {
  db: ServiceDatabase<RelationDB>;
  cache: Cache;
  clock: Clock;
  /** An outbox over the same database (createOutbox from #kit/outbox). */
  outbox: Pick<Outbox, 'add' | 'flush'>;
}

export type RelationService = ServiceImpl<typeof RelationServiceDefinition>;

export function defineRelationService(o: RelationServiceOptions): RelationService {
  const d: RelationDeps = { follows: createFollowModel(o.db, o.cache), pages: createFollowPages(o.db.db), outbox: o.outbox, clock: o.clock };
  return {
    follow: (req) => follow(d, req),
    listFollowing: (req) => listFollowing(d, req),
    listFollowers: (req) => listFollowers(d, req),
    listFriends: (req) => listFriends(d, req),
    isFollowing: (req) => isFollowing(d, req),
    listFollowersPage: (req) => listFollowersPage(d, req),
    listFollowingPage: (req) => listFollowingPage(d, req),
  };
}
