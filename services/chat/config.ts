// The chat service's configuration section (`chat`). Schema only: every process loads it.
import type { Static } from 'typebox';
import { settings } from '#kit/service';
import { blockedWordsProblems, blockedWordsSetting } from '#kit/wordfilter';

/**
 * The longest message any setting allows: a Since or History page is up to 100 messages, and at
 * 10,000 characters (up to 40 KB of UTF-8 each) a page stays under 4 MB, gRPC's default limit
 * for one message.
 */
export const MESSAGE_CHARS_CEILING = 10_000;

export { DEFAULT_BLOCKED_WORDS } from '#kit/wordfilter';

export const chatConfig = settings.section({
  /** Words masked with '*' in a message's content before it is stored. */
  blockedWords: blockedWordsSetting(),
  /**
   * The most messages a reconnecting client may have missed and still be brought up to date
   * (Since); past it the client is told to reload. Bounds what one reconnect costs the database.
   */
  recoveryLimit: settings.int(500, 1, 100_000),
  /** A message's length, in characters (code points) after trimming. */
  maxMessageChars: settings.int(2000, 1, MESSAGE_CHARS_CEILING),
  /** Rooms one user may own; CreateRoom refuses one more (RateLimited naming name). */
  maxRoomsPerUser: settings.int(20, 1, 10_000),
  /** Members of one private room, its owner counted; AddMember refuses one more (RateLimited naming member_id). */
  maxMembersPerRoom: settings.int(1000, 2, 100_000),
});

export type ChatConfig = Static<typeof chatConfig>;

/** What the schema cannot say, checked at start (blockedWordsProblems). */
export const chatConfigProblems = (chat: ChatConfig): string[] => blockedWordsProblems('chat.blockedWords', chat.blockedWords);
