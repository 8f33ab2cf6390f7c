// What the relation service's use cases need, passed in by service.ts. Interfaces only.
import type { Clock } from '#kit/clock';
import type { Outbox } from '#kit/outbox';
import type { FollowModel } from './model/follows.js';

export interface RelationDeps {
  readonly follows: FollowModel;
  /** Follow events are written with the follow itself and published after the commit. */
  readonly outbox: Pick<Outbox, 'add' | 'flush'>;
  readonly clock: Clock;
}
