// What the chat service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Clock } from '#kit/clock';
import type { WordFilter } from '#kit/wordfilter';
import type { MessageModel } from './model/messages.js';
import type { RoomModel } from './model/rooms.js';

/** The bounds the use cases apply (the `chat` section, but for the word list). */
export interface ChatLimits {
  readonly recoveryLimit: number;
  readonly maxMessageChars: number;
  readonly maxRoomsPerUser: number;
  readonly maxMembersPerRoom: number;
}

export interface ChatDeps {
  readonly rooms: RoomModel;
  readonly messages: MessageModel;
  /** Masks the configured words (chat.blockedWords) in a message's content. */
  readonly words: WordFilter;
  readonly ids: { next(): number };
  readonly clock: Clock;
  /** A new room's epoch: random, 1–32 characters of [A-Za-z0-9_-]. */
  readonly newEpoch: () => string;
  readonly limits: ChatLimits;
}
