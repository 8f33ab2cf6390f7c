// The chat service's configuration section (`chat`). Schema only: every process loads it.
import { Type, type Static } from 'typebox';
import { SurgeError } from '#kit/errors';
import { settings } from '#kit/service';
import { createWordFilter } from '#kit/wordfilter';

/** Most words the filter is given: the automaton is built once per process, and a list past this is a mistake. */
export const BLOCKED_WORDS_CEILING = 10_000;

/**
 * The longest message any setting allows: a Since or History page is up to 100 messages, and at
 * 10,000 characters (up to 40 KB of UTF-8 each) a page stays under 4 MB, gRPC's default limit
 * for one message.
 */
export const MESSAGE_CHARS_CEILING = 10_000;

/**
 * The default list: a few words no community wants in a room, in English and Chinese (the same
 * as the review service's). Sites keep their own list in the config file; [] turns masking off.
 */
export const DEFAULT_BLOCKED_WORDS = ['fuck', 'shit', 'bitch', '傻逼', '操你妈', '他妈的'] as const;

export const chatConfig = settings.section({
  /**
   * Words masked with '*' in a message's content before it is stored (#kit/wordfilter: any case,
   * full-width and other compatibility forms, invisible characters between letters).
   */
  blockedWords: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [...DEFAULT_BLOCKED_WORDS], maxItems: BLOCKED_WORDS_CEILING }),
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

/**
 * What the schema cannot say: each word must leave something to match once the filter drops its
 * invisible characters (a word of only U+200B would match nothing). Checked at start, so the
 * module never fails on its first message instead.
 */
export function chatConfigProblems(chat: ChatConfig): string[] {
  try {
    createWordFilter({ words: chat.blockedWords });
    return [];
  } catch (err) {
    const why = err instanceof SurgeError ? err.message : String(err);
    return [`chat.blockedWords: ${why}; remove the word or write it with visible letters`];
  }
}
