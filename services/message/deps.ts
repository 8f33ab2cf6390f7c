// What the message service's use cases need, passed in by service.ts. Interfaces only.
import type { Clock } from '#kit/clock';
import type { LatestModel } from './model/latest.js';
import type { MessageModel } from './model/messages.js';

export interface MessageDeps {
  readonly messages: MessageModel;
  readonly latest: LatestModel;
  readonly ids: { next(): number };
  readonly clock: Clock;
}
