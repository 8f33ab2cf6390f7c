// Input rules of the chat service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one, before any
// work is done (no room read, no row written).
import { errors } from '#kit/errors';
import { checkId, checkLimit, checkText } from '#kit/rules';

export { checkId };

/** A room's name, in characters (code points) after trimming. */
export const MAX_ROOM_NAME = 40;
/** A client's key for one message. */
export const MAX_CLIENT_MSG_ID = 64;
/** A room's epoch as the service makes it, and as a client may quote it back. */
export const MAX_EPOCH = 32;
/** Page sizes: 0 means byDefault, more than max counts as max (#kit/rules checkLimit). */
export const ROOM_PAGE = { byDefault: 20, max: 100 } as const;
export const HISTORY_PAGE = { byDefault: 50, max: 100 } as const;
export const SINCE_PAGE = { byDefault: 100, max: 100 } as const;

// A client's message key: UUIDs, ULIDs, "<device>:<counter>" all fit; nothing that needs
// escaping in a log line or a JSON frame.
const CLIENT_MSG_ID = new RegExp(`^[A-Za-z0-9_.:-]{1,${MAX_CLIENT_MSG_ID}}$`);
const EPOCH = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_EPOCH}}$`);

/** A room's name: one line, 1–40 characters (#kit/rules checkText). */
export const checkRoomName = (name: string) => checkText('name', name, { max: MAX_ROOM_NAME });

/** A message: lines allowed, 1–maxChars characters after trimming (chat.maxMessageChars). */
export const checkContent = (content: string, maxChars: number) => checkText('content', content, { max: maxChars, multiline: true });

export function checkClientMsgId(id: string): string {
  if (!CLIENT_MSG_ID.test(id)) throw errors.invalid('client_msg_id', `must be 1–${MAX_CLIENT_MSG_ID} characters of A–Z, a–z, 0–9, '_', '.', ':' and '-'`);
  return id;
}

/** A seq a client names (before_seq, since_seq): 0 or a positive integer. */
export function checkSeq(field: string, seq: number): number {
  if (!Number.isSafeInteger(seq) || seq < 0) throw errors.invalid(field, 'must be 0 or a positive integer');
  return seq;
}

/** The epoch a client quotes: "" (not checked) or one the service could have made. */
export function checkEpoch(epoch: string): string {
  if (epoch !== '' && !EPOCH.test(epoch)) throw errors.invalid('epoch', `must be "" or the room's epoch as given (1–${MAX_EPOCH} characters of A–Z, a–z, 0–9, '_' and '-')`);
  return epoch;
}

export const checkRoomPageSize = (limit: number) => checkLimit(limit, ROOM_PAGE);
export const checkHistoryPageSize = (limit: number) => checkLimit(limit, HISTORY_PAGE);
export const checkSincePageSize = (limit: number) => checkLimit(limit, SINCE_PAGE);
