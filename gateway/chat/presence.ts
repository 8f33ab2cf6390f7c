// Who is online in a room, as the chat face needs it: connections join and leave, users are
// shown once however many connections they have. Kept by #kit/presence (in process embedded, in
// Redis on the servers), whose entries expire unless the instance holding them refreshes them,
// so an instance that dies leaves no one behind for longer than the presence TTL. This instance
// refreshes its own connections every refreshEveryMs, and joins again any the store lost.
import { startEvery } from '#kit/clock';
import type { Clock } from '#kit/clock';
import type { Presence } from '#kit/presence';
import type { Author } from './frames.js';

export interface RoomPresence {
  /** cameOnline: the user had no other connection in the room (others are told "joined"). */
  join(room: number, connId: string, user: Author): Promise<{ cameOnline: boolean }>;
  /** wentOffline: it was the user's last connection in the room (others are told "left"). */
  leave(room: number, connId: string): Promise<{ wentOffline: boolean }>;
  /** Distinct users online (at most `limit` of them) and their exact count. */
  online(room: number): Promise<{ users: Author[]; count: number }>;
  /** The exact count of distinct users online. */
  count(room: number): Promise<number>;
  close(): Promise<void>;
}

/** Users listed in a presence frame; the count is always exact. */
const ONLINE_LIMIT = 100;

export function createRoomPresence(o: { presence: Presence; clock: Clock; onError: (err: unknown) => void }): RoomPresence {
  const p = o.presence;
  /** This instance's connections per room, with the user each one showed. */
  const local = new Map<number, Map<string, Author>>();

  const heartbeat = startEvery({
    clock: o.clock,
    everyMs: p.refreshEveryMs,
    async run() {
      for (const [room, conns] of local) {
        if (conns.size === 0) continue;
        const gone = await p.refresh(String(room), [...conns.keys()]);
        // Expired while this instance was stalled or cut off: they are still here, say so again.
        for (const connId of gone) {
          const user = conns.get(connId);
          if (user) await p.join(String(room), { userId: String(user.id), connId, info: { ...user } });
        }
      }
    },
    onError: o.onError,
  });

  return {
    async join(room, connId, user) {
      let conns = local.get(room);
      if (!conns) local.set(room, (conns = new Map()));
      conns.set(connId, user);
      return p.join(String(room), { userId: String(user.id), connId, info: { ...user } });
    },
    async leave(room, connId) {
      const conns = local.get(room);
      conns?.delete(connId);
      if (conns?.size === 0) local.delete(room);
      return p.leave(String(room), connId);
    },
    async online(room) {
      const [users, count] = await Promise.all([p.online(String(room), { limit: ONLINE_LIMIT }), p.count(String(room))]);
      return { users: users.map((u) => (u.info as unknown as Author | undefined) ?? { id: Number(u.userId), name: '', avatar: '' }), count };
    },
    count: (room) => p.count(String(room)),
    close: () => heartbeat.close(),
  };
}
