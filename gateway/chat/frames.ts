// The chat WebSocket's frames (docs/api/chat.md): what a client may send, checked field by field
// before any work is done on it, and the server's frames, each built once as a JSON string.
import { Code, SurgeError, errors } from '#kit/errors';
import { checkText } from '#kit/rules';

export type ClientFrame =
  | { type: 'join'; room: number; sinceSeq: number | undefined; epoch: string | undefined }
  | { type: 'leave'; room: number }
  | { type: 'send'; room: number; content: string; clientMsgId: string }
  | { type: 'ping' };

export interface FrameLimits {
  /** Most characters in a message (after trimming). */
  maxMessageChars: number;
}

/** As the chat service takes it. */
const CLIENT_MSG_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** A room's epoch as the joined frame gave it. */
const EPOCH = /^[A-Za-z0-9_-]{1,32}$/;
const KEYS: Record<ClientFrame['type'], readonly string[]> = {
  join: ['type', 'room', 'since_seq', 'epoch'],
  leave: ['type', 'room'],
  send: ['type', 'room', 'content', 'client_msg_id'],
  ping: ['type'],
};

/**
 * What a refused frame was about, as far as it can be read: its room and client_msg_id when they
 * are well-formed, so the client knows which of its frames the error answers.
 */
export function aboutFrame(text: string): { room?: number; clientMsgId?: string } {
  try {
    const f = JSON.parse(text) as Record<string, unknown>;
    if (typeof f !== 'object' || f === null) return {};
    return {
      ...(typeof f.room === 'number' && Number.isSafeInteger(f.room) && f.room > 0 ? { room: f.room } : {}),
      ...(typeof f.client_msg_id === 'string' && CLIENT_MSG_ID.test(f.client_msg_id) ? { clientMsgId: f.client_msg_id } : {}),
    };
  } catch {
    return {};
  }
}

/** The client frame in `text`, or InvalidArgument naming the field. `text` is bounded by the socket's maxPayload. */
export function parseClientFrame(text: string, limits: FrameLimits): ClientFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw errors.invalid('frame', 'is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw errors.invalid('frame', 'must be a JSON object');
  const f = raw as Record<string, unknown>;
  const type = f.type;
  if (type !== 'join' && type !== 'leave' && type !== 'send' && type !== 'ping') throw errors.invalid('type', 'must be join, leave, send or ping');
  for (const key of Object.keys(f)) {
    // The name is the client's: echoed back at most 40 characters of it.
    if (!KEYS[type].includes(key)) throw errors.invalid(key.length > 40 ? `${key.slice(0, 40)}…` : key, `is not a field of a ${type} frame`);
  }
  switch (type) {
    case 'ping':
      return { type };
    case 'leave':
      return { type, room: id('room', f.room) };
    case 'join': {
      if (f.epoch !== undefined && (typeof f.epoch !== 'string' || !EPOCH.test(f.epoch))) throw errors.invalid('epoch', "must be the room's epoch as the joined frame gave it");
      if (f.epoch !== undefined && f.since_seq === undefined) throw errors.invalid('epoch', 'goes with since_seq: the epoch says which history the seq belongs to');
      return { type, room: id('room', f.room), sinceSeq: f.since_seq === undefined ? undefined : seq('since_seq', f.since_seq), epoch: f.epoch as string | undefined };
    }
    case 'send': {
      if (typeof f.content !== 'string') throw errors.invalid('content', 'must be a string');
      if (typeof f.client_msg_id !== 'string' || !CLIENT_MSG_ID.test(f.client_msg_id)) throw errors.invalid('client_msg_id', 'must be 1–64 letters, digits, ., :, - or _');
      return { type, room: id('room', f.room), content: checkText('content', f.content, { max: limits.maxMessageChars, multiline: true }), clientMsgId: f.client_msg_id };
    }
  }
}

function id(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw errors.invalid(field, 'must be a positive integer id');
  return v;
}

function seq(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw errors.invalid(field, 'must be a whole number ≥ 0');
  return v;
}

export interface Author {
  id: number;
  name: string;
  avatar: string;
}

export interface MessageFields {
  room: number;
  seq: number;
  id: number;
  from: Author;
  content: string;
  createdAt: number;
  clientMsgId: string;
}

const s = JSON.stringify;

export const frames = {
  message: (m: MessageFields) =>
    `{"type":"message","room":${m.room},"seq":${m.seq},"id":${m.id},"from":{"id":${m.from.id},"name":${s(m.from.name)},"avatar":${s(m.from.avatar)}},"content":${s(m.content)},"created_at":${m.createdAt}${m.clientMsgId ? `,"client_msg_id":${s(m.clientMsgId)}` : ''}}`,
  joined: (room: number, user: Author) => s({ type: 'joined', room, user }),
  left: (room: number, user: Author) => s({ type: 'left', room, user }),
  /** To each of a removed member's connections in the room: it is out of the room, and a join is refused. */
  removed: (room: number, user: Author) => s({ type: 'left', room, user, reason: 'removed' }),
  presence: (room: number, online: Author[], count: number) => s({ type: 'presence', room, online, count }),
  ack: (clientMsgId: string, seq: number, room: number) => s({ type: 'ack', client_msg_id: clientMsgId, seq, room }),
  pong: () => '{"type":"pong"}',
  /** An error about one frame: its code (docs/errors.md), what went wrong, what it was about, and when to retry (seconds). */
  error: (e: SurgeError, about: { room?: number; clientMsgId?: string; reload?: boolean } = {}) =>
    s({
      type: 'error',
      code: e.code,
      message: e.message,
      ...(e.details?.field ? { field: e.details.field } : {}),
      ...(about.room ? { room: about.room } : {}),
      ...(about.clientMsgId ? { client_msg_id: about.clientMsgId } : {}),
      ...(about.reload ? { reload: true } : {}),
      ...(typeof e.details?.retryAfter === 'number' ? { retry_after: e.details.retryAfter } : {}),
    }),
};

/** The error a room's recovery answers when the history no longer holds what the client missed. */
export const reloadError = (room: number, afterSeq: number) =>
  new SurgeError(Code.FailedPrecondition, `room ${room}: the messages after seq ${afterSeq} are no longer all kept; load the room's history again`);
