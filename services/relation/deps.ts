// What the relation service's use cases need, passed in by service.ts. Interfaces only.
import type { Clock } from '#kit/clock';
import type { Outbox } from '#kit/outbox';
import type { FollowModel } from './model/follows.js';
import type { FollowPages } from './model/pages.js';

export interface RelationDeps {
  readonly follows: FollowModel;
  /** The paged lists, straight from the database. */
  readonly pages: FollowPages;
  /** Follow events are written with the follow itself and published after the commit. */
  readonly outbox: Pick<Outbox, 'add' | 'flush'>;
  readonly clock: Clock;
}
