// The behaviour every Presence adapter must show. Run by memory.test.ts and redis.test.ts.
// Two instances share one store (memory: one object, as one process; Redis: two connections under
// one prefix, as two gateways) and one ManualClock, which is the time entries expire by.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import type { ManualClock } from '#kit/clock';
import type { OnlineUser, Presence } from './index.js';

export interface PresenceHarness {
  a: Presence;
  b: Presence;
  clock: ManualClock;
}

const TTL = 30_000;
const byUser = (users: OnlineUser[]) => [...users].sort((x, y) => x.userId.localeCompare(y.userId));

export function presenceSuite(label: string, harness: (options: { ttlMs: number }) => Promise<PresenceHarness>): void {
  describe(`presence behaviour: ${label}`, () => {
    it('counts a user once however many connections; says when a user comes online and goes offline', async () => {
      const { a } = await harness({ ttlMs: TTL });
      expect(a.ttlMs).toBe(TTL);
      expect(a.refreshEveryMs).toBe(TTL / 3);
      expect(await a.join('room-1', { userId: 'u1', connId: 'c1', info: { name: '张三', avatar: 'a.png' } })).toEqual({ cameOnline: true });
      expect(await a.join('room-1', { userId: 'u1', connId: 'c2', info: { name: '张三 (phone)' } })).toEqual({ cameOnline: false });
      expect(await a.join('room-1', { userId: 'u2', connId: 'c3' })).toEqual({ cameOnline: true });
      expect(await a.join('room-2', { userId: 'u1', connId: 'c9' })).toEqual({ cameOnline: true });
      expect(await a.count('room-1')).toBe(2);
      // The latest join's info is the user's.
      expect(byUser(await a.online('room-1'))).toEqual([{ userId: 'u1', info: { name: '张三 (phone)' } }, { userId: 'u2' }]);

      expect(await a.join('room-1', { userId: 'u1', connId: 'c2', info: { name: 'again' } })).toEqual({ cameOnline: false }); // the same connection joining again
      expect(await a.count('room-1')).toBe(2);
      expect(await a.leave('room-1', 'c1')).toEqual({ wentOffline: false });
      expect(await a.count('room-1')).toBe(2);
      expect(await a.leave('room-1', 'c2')).toEqual({ wentOffline: true });
      expect(await a.leave('room-1', 'c2')).toEqual({ wentOffline: false });
      expect(await a.leave('room-1', 'never-joined')).toEqual({ wentOffline: false });
      expect(await a.leave('no-such-room', 'c1')).toEqual({ wentOffline: false });
      expect(await a.online('room-1')).toEqual([{ userId: 'u2' }]);
      expect(await a.count('room-2')).toBe(1); // other rooms untouched
      expect(await a.leave('room-1', 'c3')).toEqual({ wentOffline: true });
      expect(await a.count('room-1')).toBe(0);
      expect(await a.online('room-1')).toEqual([]);
      expect(await a.count('never-used')).toBe(0);
    });

    it('a connection id joined again by another user moves to that user', async () => {
      const { a } = await harness({ ttlMs: TTL });
      await a.join('r', { userId: 'u1', connId: 'c1' });
      expect(await a.join('r', { userId: 'u2', connId: 'c1' })).toEqual({ cameOnline: true });
      expect(await a.online('r')).toEqual([{ userId: 'u2' }]);
      expect(await a.leave('r', 'c1')).toEqual({ wentOffline: true });
      expect(await a.count('r')).toBe(0);
    });

    it('an entry not refreshed is gone exactly ttlMs after its join', async () => {
      const { a, clock } = await harness({ ttlMs: TTL });
      await a.join('r', { userId: 'u1', connId: 'c1' });
      clock.advance(TTL - 1);
      expect(await a.count('r')).toBe(1);
      await a.join('r', { userId: 'u2', connId: 'c2' });
      clock.advance(1);
      expect(await a.count('r')).toBe(1);
      expect(await a.online('r')).toEqual([{ userId: 'u2' }]);
      expect(await a.leave('r', 'c1')).toEqual({ wentOffline: false }); // it already went, silently
      clock.advance(TTL - 1);
      expect(await a.count('r')).toBe(0);
      expect(await a.online('r')).toEqual([]);
    });

    it('refresh every ttlMs/3 keeps connections alive; refresh names the ones that are gone so they can join again', async () => {
      const { a, clock } = await harness({ ttlMs: TTL });
      await a.join('r', { userId: 'u1', connId: 'c1', info: { n: 1 } });
      await a.join('r', { userId: 'u2', connId: 'c2' });
      for (let tick = 0; tick < 9; tick++) {
        clock.advance(a.refreshEveryMs);
        expect(await a.refresh('r', ['c1'])).toEqual([]);
      }
      expect(await a.online('r')).toEqual([{ userId: 'u1', info: { n: 1 } }]);
      expect(await a.refresh('r', ['c1', 'c2', 'never'])).toEqual(['c2', 'never']);
      expect(await a.refresh('r', [])).toEqual([]);
      expect(await a.refresh('empty-room', ['x'])).toEqual(['x']);
      expect(await a.join('r', { userId: 'u2', connId: 'c2' })).toEqual({ cameOnline: true });
      expect(await a.count('r')).toBe(2);
    });

    it('two instances see each other\'s members and can end each other\'s entries', async () => {
      const { a, b } = await harness({ ttlMs: TTL });
      await a.join('r', { userId: 'u1', connId: 'a-1', info: { name: '李四' } });
      await b.join('r', { userId: 'u1', connId: 'b-1' });
      await b.join('r', { userId: 'u2', connId: 'b-2', info: { name: 'Ada' } });
      expect(await a.count('r')).toBe(2);
      expect(byUser(await a.online('r'))).toEqual([{ userId: 'u1' }, { userId: 'u2', info: { name: 'Ada' } }]);
      expect(await b.leave('r', 'a-1')).toEqual({ wentOffline: false });
      expect(await a.leave('r', 'b-1')).toEqual({ wentOffline: true });
      expect(await b.online('r')).toEqual([{ userId: 'u2', info: { name: 'Ada' } }]);
    });

    it('a dead instance\'s connections vanish within ttlMs while the live one refreshes its own', async () => {
      const { a, b, clock } = await harness({ ttlMs: TTL });
      await a.join('r', { userId: 'u1', connId: 'a-1' });
      await a.join('r', { userId: 'u3', connId: 'a-3' });
      await b.join('r', { userId: 'u2', connId: 'b-2' });
      await b.join('r', { userId: 'u1', connId: 'b-1' }); // u1 is on both instances
      expect(await b.count('r')).toBe(3);
      // a dies: only b's heartbeat runs.
      clock.advance(b.refreshEveryMs);
      await b.refresh('r', ['b-2', 'b-1']);
      clock.advance(b.refreshEveryMs);
      await b.refresh('r', ['b-2', 'b-1']);
      clock.advance(TTL - 2 * b.refreshEveryMs - 1);
      expect(await b.count('r')).toBe(3); // a's entries live until their ttl has passed
      clock.advance(1);
      expect(await b.count('r')).toBe(2);
      expect(byUser(await b.online('r'))).toEqual([{ userId: 'u1' }, { userId: 'u2' }]);
      // a comes back from a long stall: its heartbeat finds its connections gone and joins them again.
      expect(await a.refresh('r', ['a-1', 'a-3'])).toEqual(['a-1', 'a-3']);
      expect(await a.join('r', { userId: 'u3', connId: 'a-3' })).toEqual({ cameOnline: true });
      expect(await b.count('r')).toBe(3);
    });

    it('reads stay bounded in a room of 10,000: count is exact, online returns at most its limit', async () => {
      const { a, b, clock } = await harness({ ttlMs: TTL });
      const n = 10_000;
      for (let from = 0; from < n; from += 1000)
        await Promise.all(Array.from({ length: 1000 }, (_, i) => a.join('big', { userId: `u${from + i}`, connId: `c${from + i}`, info: { i: from + i } })));
      await a.join('big', { userId: 'u0', connId: 'c0-second', info: { i: 0 } }); // a second connection: still one user
      expect(await b.count('big')).toBe(n);
      const some = await b.online('big', { limit: 50 });
      expect(some).toHaveLength(50);
      expect(new Set(some.map((u) => u.userId)).size).toBe(50);
      for (const u of some) expect(u.info).toEqual({ i: Number(u.userId.slice(1)) });
      expect(await b.online('big')).toHaveLength(1000); // the default cap
      expect(await b.online('big', { limit: 10_000 })).toHaveLength(n);
      clock.advance(TTL);
      expect(await b.count('big')).toBe(0); // ten thousand departures pruned in one call
      expect(await b.online('big')).toEqual([]);
    });

    it('refuses bad arguments with InvalidArgument naming the field', async () => {
      const { a } = await harness({ ttlMs: TTL });
      const invalid = (field: string) => expect.objectContaining({ code: Code.InvalidArgument, details: { field } });
      await expect(a.join('', { userId: 'u', connId: 'c' })).rejects.toEqual(invalid('room'));
      await expect(a.join('r', { userId: '', connId: 'c' })).rejects.toEqual(invalid('userId'));
      await expect(a.join('r', { userId: 'u', connId: 'x'.repeat(257) })).rejects.toEqual(invalid('connId'));
      await expect(a.join('r', { userId: 'u', connId: 'c', info: { big: 1n } as never })).rejects.toEqual(invalid('info'));
      await expect(a.join('r', { userId: 'u', connId: 'c', info: { text: 'x'.repeat(5000) } })).rejects.toEqual(invalid('info'));
      await expect(a.refresh('r', Array.from({ length: 10_001 }, (_, i) => `c${i}`))).rejects.toEqual(invalid('connIds'));
      await expect(a.online('r', { limit: 0 })).rejects.toEqual(invalid('limit'));
      await expect(a.online('r', { limit: 10_001 })).rejects.toEqual(invalid('limit'));
      await expect(a.leave('r', 7 as never)).rejects.toEqual(invalid('connId'));
      expect(await a.count('r')).toBe(0); // nothing was written by the refused calls
    });
  });
}
