// A member removed from a private room, as one connection's session sees it: after its join, while
// it joins, and just before it joins (the removal went by before this instance listened to the
// room). Real room streams over an in-process bus; the chat service is a small stand-in holding one
// private room's members, and presence a table of connections.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import type { Client } from '#kit/rpc';
import type { ChatServiceDefinition, Room } from '#gen/surge/chat/v1/chat';
import type { Author } from './frames.js';
import type { RoomPresence } from './presence.js';
import { createRoomStreams, type RoomStreams } from './room-streams.js';
import { createSession } from './session.js';
import { sharedBus } from './testing/shared-bus.js';

const ROOM = 5;
const OWNER: Author = { id: 1, name: 'owner', avatar: '' };
const MEMBER: Author = { id: 2, name: 'member', avatar: '' };

interface Frame {
  type: string;
  [field: string]: unknown;
}


/**
 * The chat service's answers for one private room of OWNER's: getRoom as its members may see it
 * (NotFound to anyone else), no messages. `beforeGetRoom` runs inside a getRoom before it answers.
 */
function chatService() {
  const members = new Set([OWNER.id, MEMBER.id]);
  const room: Room = { id: ROOM, name: 'team', ownerId: OWNER.id, private: true, epoch: 'e1', lastSeq: 0, createdAt: 0 };
  const svc = {
    members,
    beforeGetRoom: undefined as ((userId: number, call: number) => void) | undefined,
    getRoomCalls: 0,
    client: {
      async getRoom(req: { userId: number; roomId: number }) {
        svc.getRoomCalls++;
        const visible = req.roomId === ROOM && members.has(req.userId);
        svc.beforeGetRoom?.(req.userId, svc.getRoomCalls);
        if (!visible) throw new SurgeError(Code.NotFound, 'room_id: no such room', { details: { field: 'room_id', resource: 'room' } });
        return room;
      },
      since: async () => ({ messages: [], tooFar: false, epoch: room.epoch, lastSeq: 0 }),
    } as unknown as Client<typeof ChatServiceDefinition>,
  };
  return svc;
}

/** Connections per room, as the presence store keeps them. */
function presence(): RoomPresence & { online(room: number): Promise<{ users: Author[]; count: number }>; conns: Map<number, Map<string, Author>> } {
  const conns = new Map<number, Map<string, Author>>();
  const users = (room: number) => [...new Map([...(conns.get(room)?.values() ?? [])].map((u) => [u.id, u])).values()];
  return {
    conns,
    async join(room, connId, user) {
      const had = users(room).some((u) => u.id === user.id);
      conns.set(room, (conns.get(room) ?? new Map()).set(connId, user));
      return { cameOnline: !had };
    },
    async leave(room, connId) {
      const user = conns.get(room)?.get(connId);
      conns.get(room)?.delete(connId);
      return { wentOffline: user !== undefined && !users(room).some((u) => u.id === user.id) };
    },
    online: async (room) => ({ users: users(room), count: users(room).length }),
    count: async (room) => users(room).length,
    close: async () => {},
  };
}

/** Lets queued promise work run (the stand-ins answer at once: a few turns suffice). */
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function setUp() {
  const chat = chatService();
  const streams: RoomStreams = createRoomStreams({
    bus: sharedBus().bus(),
    history: { head: async () => 0, since: async () => ({ frames: [], tooFar: false }), access: async () => 'member' },
    clock: new ManualClock(),
    subjectOf: (room) => `chat.room.${room}`,
  });
  const where = presence();
  let conn = 0;
  const open = (user: Author) => {
    const got: Frame[] = [];
    const session = createSession({
      user,
      connId: `c${++conn}`,
      chat: chat.client,
      streams,
      presence: where,
      authors: async () => new Map(),
      takeSend: async () => ({ allowed: true, retryAfterMs: 0 }),
      maxRooms: 10,
      joinEventsMaxOnline: 100,
      out(frame) {
        got.push(JSON.parse(frame.toString()) as Frame);
        return true;
      },
    });
    return { session, got, of: (type: string) => got.filter((f) => f.type === type) };
  };
  /** What the HTTP route does: the service forgets the member, then every gateway is told. */
  const remove = (userId: number) => {
    chat.members.delete(userId);
    streams.publishRemoval(ROOM, userId);
  };
  /** A message of the room, as a send on any gateway publishes it. */
  const say = (seq: number) => streams.publishMessage(ROOM, seq, JSON.stringify({ type: 'message', room: ROOM, seq }));
  return { chat, streams, where, open, remove, say };
}

/**
 * The owner is in the room; the member joins, and the chat service removes them just before the
 * join's `nth` room read (1: the access check, 2: the second check once subscribed).
 */
async function memberRemovedWhileJoining(nth: number) {
  const t = setUp();
  const owner = t.open(OWNER);
  owner.session.handle({ type: 'join', room: ROOM, sinceSeq: undefined, epoch: undefined });
  await settle();
  const m = t.open(MEMBER);
  const first = t.chat.getRoomCalls;
  t.chat.beforeGetRoom = (userId, call) => {
    if (userId === MEMBER.id && call === first + nth) t.remove(MEMBER.id);
  };
  m.session.handle({ type: 'join', room: ROOM, sinceSeq: undefined, epoch: undefined });
  await settle();
  return { t, m };
}

describe('a member removed from a private room', () => {
  it('after joining: each of their connections is told once (left, reason removed), gets no later message, leaves presence; the others are told they left', async () => {
    const t = setUp();
    const [owner, m1, m2] = [t.open(OWNER), t.open(MEMBER), t.open(MEMBER)];
    for (const c of [owner, m1, m2]) c.session.handle({ type: 'join', room: ROOM, sinceSeq: undefined, epoch: undefined });
    await settle();
    for (const c of [owner, m1, m2]) expect(c.of('presence')).toHaveLength(1);
    t.say(1);
    t.remove(MEMBER.id);
    t.say(2);
    await settle();
    for (const m of [m1, m2]) {
      expect(m.of('left')).toEqual([{ type: 'left', room: ROOM, user: MEMBER, reason: 'removed' }]);
      expect(m.of('message').map((f) => f.seq)).toEqual([1]);
      expect(m.session.rooms.has(ROOM)).toBe(false);
    }
    expect(owner.of('message').map((f) => f.seq)).toEqual([1, 2]);
    // The user's last connection gone from the room: the room hears they left, once.
    expect(owner.of('left')).toEqual([{ type: 'left', room: ROOM, user: MEMBER }]);
    expect([...(t.where.conns.get(ROOM)?.values() ?? [])]).toEqual([OWNER]);
    expect(t.streams.rooms().get(ROOM)?.size).toBe(1);
    // A later join is refused as any non-member's, and a send as to a room not joined.
    m1.session.handle({ type: 'join', room: ROOM, sinceSeq: 0, epoch: undefined });
    m1.session.handle({ type: 'send', room: ROOM, content: 'hi', clientMsgId: 'x' });
    await settle();
    expect(m1.of('error').map((f) => [f.code, f.field])).toEqual([
      [Code.NotFound, 'room'],
      [Code.FailedPrecondition, 'room'],
    ]);
  });

  it('between the access check and the attach (the removal went by before the room was listened to): the second check refuses the join', async () => {
    // Removed and published just after the member's first getRoom read the room: before the
    // member's connection attached to the room's stream, so the stream does not hold it yet.
    const { t, m } = await memberRemovedWhileJoining(1);
    t.say(1);
    await settle();
    expect(m.got.map((f) => [f.type, f.code])).toEqual([['error', Code.NotFound]]);
    expect(m.session.rooms.has(ROOM)).toBe(false);
    expect(t.streams.rooms().get(ROOM)?.size).toBe(1);
    expect([...(t.where.conns.get(ROOM)?.values() ?? [])]).toEqual([OWNER]);
  });

  it('while joining (during the second check): the join is refused, and nothing else is said', async () => {
    // The second check reads the room before the removal commits, then the removal is published.
    const { t, m } = await memberRemovedWhileJoining(2);
    expect(m.got.map((f) => [f.type, f.code])).toEqual([['error', Code.NotFound]]);
    expect(m.session.rooms.has(ROOM)).toBe(false);
    expect(t.streams.rooms().get(ROOM)?.size).toBe(1);
  });
});
