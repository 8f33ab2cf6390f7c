// In-process presence on the injected clock, for embedded runs (one process holds every
// connection) and as the reference the Redis adapter is tested against.
//
// Each room keeps its connections in a Map whose insertion order is expiry order: every join and
// refresh deletes and re-inserts the entry with expiry now + ttl, and the monotonic clock never
// goes back, so expired entries are always at the front and pruning touches only them.
import { checkConnIds, checkId, checkMember, decodeInfo, encodeInfo, onlineLimit, resolvePresenceOptions, type PresenceOptions } from './options.js';
import type { OnlineUser, Presence } from './types.js';

interface Conn {
  readonly userId: string;
  expiresAt: number;
}

interface User {
  /** Live connections of the user in the room. */
  conns: number;
  /** JSON of the info given at the user's latest join (a copy, as Redis would hand back). */
  info: string;
}

interface Room {
  readonly conns: Map<string, Conn>;
  readonly users: Map<string, User>;
}

export type MemoryPresenceOptions = PresenceOptions;

export function createMemoryPresence(options: MemoryPresenceOptions = {}): Presence {
  const { ttlMs, clock } = resolvePresenceOptions(options);
  const rooms = new Map<string, Room>();

  /** One connection of the user fewer; true when it was the last. */
  const dropConn = (room: Room, userId: string): boolean => {
    const user = room.users.get(userId);
    if (!user) return false;
    if (--user.conns > 0) return false;
    room.users.delete(userId);
    return true;
  };

  /** The room with its expired entries gone, or undefined when nothing is left in it. */
  const live = (name: string): Room | undefined => {
    const room = rooms.get(name);
    if (!room) return undefined;
    const now = clock.monotonic();
    for (const [connId, conn] of room.conns) {
      if (conn.expiresAt > now) break; // expiry order: everything after lives longer
      room.conns.delete(connId);
      dropConn(room, conn.userId);
    }
    if (room.conns.size > 0) return room;
    rooms.delete(name);
    return undefined;
  };

  return {
    name: 'memory',
    ttlMs,
    refreshEveryMs: Math.floor(ttlMs / 3),
    async join(roomName, member) {
      checkId('room', roomName);
      checkMember(member);
      const info = encodeInfo(member.info);
      let room = live(roomName);
      if (!room) rooms.set(roomName, (room = { conns: new Map(), users: new Map() }));
      const previous = room.conns.get(member.connId);
      room.conns.delete(member.connId); // re-inserted at the end: the latest expiry
      room.conns.set(member.connId, { userId: member.userId, expiresAt: clock.monotonic() + ttlMs });
      const user = room.users.get(member.userId);
      const newConn = previous?.userId !== member.userId;
      if (previous && newConn) dropConn(room, previous.userId); // a connection id reused by another user
      if (!user) {
        room.users.set(member.userId, { conns: 1, info });
        return { cameOnline: true };
      }
      if (newConn) user.conns++;
      user.info = info;
      return { cameOnline: false };
    },
    async leave(roomName, connId) {
      checkId('room', roomName);
      checkId('connId', connId);
      const room = live(roomName);
      const conn = room?.conns.get(connId);
      if (!room || !conn) return { wentOffline: false };
      room.conns.delete(connId);
      const wentOffline = dropConn(room, conn.userId);
      if (room.conns.size === 0) rooms.delete(roomName);
      return { wentOffline };
    },
    async refresh(roomName, connIds) {
      checkId('room', roomName);
      checkConnIds(connIds);
      const room = live(roomName);
      if (!room) return [...connIds];
      const expiresAt = clock.monotonic() + ttlMs;
      const missing: string[] = [];
      for (const connId of connIds) {
        const conn = room.conns.get(connId);
        if (!conn) {
          missing.push(connId);
          continue;
        }
        room.conns.delete(connId);
        conn.expiresAt = expiresAt;
        room.conns.set(connId, conn);
      }
      return missing;
    },
    async online(roomName, options) {
      checkId('room', roomName);
      const limit = onlineLimit(options);
      const room = live(roomName);
      const users: OnlineUser[] = [];
      if (!room) return users;
      for (const [userId, user] of room.users) {
        if (users.length >= limit) break;
        const info = decodeInfo(user.info);
        users.push(info === undefined ? { userId } : { userId, info });
      }
      return users;
    },
    async count(roomName) {
      checkId('room', roomName);
      return live(roomName)?.users.size ?? 0;
    },
  };
}
