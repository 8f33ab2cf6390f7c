// The paged follower and following lists, on SQLite and (when reachable) MariaDB, through the
// in-process transport: every follow exactly once across pages, newest first with ties (many
// follows in one millisecond) broken by the other user's id; a page that does not shift when
// follows change between pages; page sizes; refusals naming the field; and each list read off
// its index with no sort step, which is what keeps a deep page as cheap as the first.
import { afterAll, describe, expect, it } from 'vitest';
import { CompiledQuery, sql } from 'kysely';
import pino from 'pino';
import { createCache, createMemoryCacheStore } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { createOutbox } from '#kit/outbox';
import { cursorCodec } from '#kit/paging';
import { createMemoryQueue } from '#kit/queue';
import { inProcessClient, rejectionOf, seededRandom, testDatabases } from '#kit/testing';
import { RelationServiceDefinition, type UserPage } from '#gen/surge/relation/v1/relation';
import { pageQuery, type Side } from './model/pages.js';
import { relationMigrations } from './model/migrations.js';
import type { RelationDB } from './model/tables.js';
import { PAGE } from './rules.js';
import { defineRelationService } from './service.js';

const log = pino({ level: 'silent' });
const START = Date.UTC(2026, 0, 1);
const SIDES: Side[] = ['followers', 'following'];

/** A follow as the test writes it: owner's side, the other user, when. */
interface Written {
  other: number;
  at: number;
}

/** The order both lists promise: newest follow first, then the other user's id, both descending. */
const listOrder = (rows: readonly Written[]) => [...rows].sort((a, b) => b.at - a.at || b.other - a.other).map((r) => r.other);

/** Every page to the end; each page full but the last, the last with no cursor; fails on a list that never ends. */
async function allPages(get: (cursor: string) => Promise<UserPage>, limit: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let cursor = '';
  for (let pages = 1; pages <= 1000; pages++) {
    const page = await get(cursor);
    ids.push(...page.userIds);
    if (page.isEnd) {
      expect(page.nextCursor).toBe('');
      expect(page.userIds.length).toBeLessThanOrEqual(limit);
      return { ids, pages };
    }
    expect(page.userIds).toHaveLength(limit);
    expect(page.nextCursor).not.toBe('');
    cursor = page.nextCursor;
  }
  throw new Error('the list never ended');
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`relation pages on ${kind.name}`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const close of cleanups.reverse()) await close();
      await kind.cleanup();
    });

    async function setup() {
      const db = await kind.open<RelationDB>('relation', relationMigrations);
      const clock = new ManualClock(START);
      const queue = createMemoryQueue();
      const outbox = createOutbox({ db, queue, clock: systemClock, log, pollMs: 60_000 });
      const cache = createCache({ store: createMemoryCacheStore() });
      cleanups.push(() => queue.close(), () => outbox.close(), () => cache.close());
      const svc = inProcessClient(RelationServiceDefinition, defineRelationService({ db, cache, clock, outbox }));
      const list = (side: Side, userId: number, cursor: string, limit: number) =>
        side === 'followers' ? svc.listFollowersPage({ userId, cursor, limit }) : svc.listFollowingPage({ userId, cursor, limit });
      /** Many follows of one owner written as rows (the lists read only the table): `side` of `owner` gets each of `rows`. */
      const writeRows = async (side: Side, owner: number, rows: readonly Written[]) => {
        const values = rows.map((r) => (side === 'followers' ? { follower_id: r.other, followee_id: owner, created_at: r.at } : { follower_id: owner, followee_id: r.other, created_at: r.at }));
        for (let i = 0; i < values.length; i += 500) await db.db.insertInto('follows').values(values.slice(i, i + 500)).execute();
      };
      return { db, clock, svc, list, writeRows };
    }

    it('pages 30 follows made in one millisecond through the service: by the other id, each once', async () => {
      const { svc, list } = await setup();
      // The clock stands still: every follow has the same created_at, so the id alone orders them.
      const others = Array.from({ length: 30 }, (_, i) => 1000 + ((i * 7) % 30));
      for (const other of others) {
        await svc.follow({ followerId: other, followeeId: 1, follow: true });
        await svc.follow({ followerId: 1, followeeId: other, follow: true });
      }
      const expected = [...others].sort((a, b) => b - a);
      for (const side of SIDES) {
        for (const limit of [1, 4, 30]) {
          const { ids, pages } = await allPages((cursor) => list(side, 1, cursor, limit), limit);
          expect(ids, `${side} by ${limit}`).toEqual(expected);
          // A page of exactly the last `limit` knows it is the last (limit + 1 rows were asked for).
          expect(pages).toBe(Math.ceil(30 / limit));
        }
      }
    });

    it('pages 1,200 follows in runs of equal times, ids shuffled: no duplicates, no gaps, newest first', async () => {
      const { list, writeRows } = await setup();
      const random = seededRandom(7);
      const others = Array.from({ length: 1200 }, (_, i) => 10_000 + i);
      for (let i = others.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [others[i], others[j]] = [others[j]!, others[i]!];
      }
      // Runs of 1–40 follows share a millisecond, and the runs are written out of time order.
      const rows: Written[] = [];
      for (let i = 0, run = 0; i < others.length; run++) {
        const size = 1 + Math.floor(random() * 40);
        const at = START + ((run * 7919) % 97) * 1000;
        for (const other of others.slice(i, i + size)) rows.push({ other, at });
        i += size;
      }
      for (const side of SIDES) {
        await writeRows(side, 5, rows);
        const expected = listOrder(rows);
        for (const limit of [7, PAGE.max]) {
          const { ids, pages } = await allPages((cursor) => list(side, 5, cursor, limit), limit);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toEqual(expected);
          expect(pages).toBe(Math.ceil(1200 / limit));
        }
      }
      // A list holds its owner's own follows only: 10,000 follows 5 and is followed by 5, nothing else.
      expect((await list('followers', 10_000, '', 0)).userIds).toEqual([5]);
      expect((await list('following', 10_000, '', 0)).userIds).toEqual([5]);
    });

    it('a page does not shift when follows change between pages: unfollows and new follows move no one', async () => {
      const { svc, clock, list } = await setup();
      // 12 followers, one a second: 2012 the newest.
      for (let other = 2001; other <= 2012; other++) {
        await svc.follow({ followerId: other, followeeId: 3, follow: true });
        clock.advance(1000);
      }
      const first = await list('followers', 3, '', 5);
      expect(first.userIds).toEqual([2012, 2011, 2010, 2009, 2008]);
      // One served and one not yet served leave; a new follower arrives (newer than every page).
      await svc.follow({ followerId: 2010, followeeId: 3, follow: false });
      await svc.follow({ followerId: 2004, followeeId: 3, follow: false });
      await svc.follow({ followerId: 2999, followeeId: 3, follow: true });
      const rest = await allPages((cursor) => list('followers', 3, cursor || first.nextCursor, 5), 5);
      // OFFSET 5 would now skip 2007 (a row before it left) and serve 2008 again (one arrived before it).
      expect(rest.ids).toEqual([2007, 2006, 2005, 2003, 2002, 2001]);
      expect((await allPages((cursor) => list('followers', 3, cursor, 5), 5)).ids).toEqual([2999, 2012, 2011, 2009, 2008, 2007, 2006, 2005, 2003, 2002, 2001]);
    });

    it('page sizes: 0 is 20, more than 50 is 50; an empty list is one empty last page', async () => {
      const { list, writeRows } = await setup();
      await writeRows('followers', 4, Array.from({ length: 60 }, (_, i) => ({ other: 3000 + i, at: START + i })));
      const sizes = async (limit: number) => {
        const page = await list('followers', 4, '', limit);
        return [page.userIds.length, page.isEnd];
      };
      expect(await sizes(0)).toEqual([PAGE.byDefault, false]);
      expect(await sizes(1)).toEqual([1, false]);
      expect(await sizes(50)).toEqual([50, false]);
      expect(await sizes(51)).toEqual([PAGE.max, false]);
      expect(await sizes(2_000_000_000)).toEqual([PAGE.max, false]);
      const last = await list('followers', 4, (await list('followers', 4, '', 50)).nextCursor, 50);
      expect(last).toEqual({ userIds: Array.from({ length: 10 }, (_, i) => 3009 - i), nextCursor: '', isEnd: true });
      expect(await list('following', 4, '', 0)).toEqual({ userIds: [], nextCursor: '', isEnd: true });
    });

    it('refuses bad input, naming the field', async () => {
      const { list, writeRows } = await setup();
      await writeRows('followers', 6, [{ other: 7, at: START }, { other: 8, at: START }]);
      const followersCursor = (await list('followers', 6, '', 1)).nextCursor;
      const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
      const rows: [name: string, side: Side, userId: number, cursor: string, limit: number, field: string][] = [
        ['user id 0', 'followers', 0, '', 0, 'user_id'],
        ['a negative user id', 'following', -4, '', 0, 'user_id'],
        ['a negative limit', 'followers', 6, '', -1, 'limit'],
        ['a cursor that is not base64url', 'followers', 6, 'a/b+c=', 0, 'cursor'],
        ['a cursor of no list', 'following', 6, raw('forged'), 0, 'cursor'],
        ['a cursor too long', 'followers', 6, 'a'.repeat(201), 0, 'cursor'],
        ['a cursor with id 0', 'followers', 6, raw(`followers.${START}.0`), 0, 'cursor'],
        ['a cursor without its time', 'followers', 6, raw('followers.8'), 0, 'cursor'],
        ['a cursor with a negative time', 'followers', 6, raw('followers.-1.8'), 0, 'cursor'],
        ["the followers list's cursor given to the following list", 'following', 6, followersCursor, 0, 'cursor'],
        ["a cursor of another service's list", 'followers', 6, cursorCodec({ newest: 1 }).encode({ kind: 'newest', keys: [START], id: 8 }), 0, 'cursor'],
      ];
      for (const [name, side, userId, cursor, limit, field] of rows) {
        const err = await rejectionOf(list(side, userId, cursor, limit), Code.InvalidArgument);
        expect(err.details?.field, name).toBe(field);
      }
      // The good cursor, for the list it came from, still reads on.
      expect((await list('followers', 6, followersCursor, 1)).userIds).toEqual([7]);
    });

    it('reads each list off its (owner, created_at, other) index with no sort step, deep pages too', async () => {
      const { db, writeRows } = await setup();
      // Enough rows, over enough owners, that an optimizer prefers the index to a scan.
      for (const owner of [8, 9, 10]) await writeRows('followers', owner, Array.from({ length: 2000 }, (_, i) => ({ other: 50_000 + i, at: START + (i % 300) })));
      for (const owner of [8, 9, 10]) await writeRows('following', owner, Array.from({ length: 2000 }, (_, i) => ({ other: 60_000 + i, at: START + (i % 300) })));
      if (kind.name === 'MariaDB') await sql`ANALYZE TABLE follows`.execute(db.db);
      const INDEX: Record<Side, string> = { followers: 'follows_followers_by_time', following: 'follows_following_by_time' };
      for (const side of SIDES) {
        for (const from of [undefined, { keys: [START + 150], id: 51_000 }]) {
          const query = pageQuery(db.db, side, 9, from, 20).compile();
          const what = `${side}, ${from ? 'a deep' : 'the first'} page`;
          if (kind.name === 'SQLite') {
            const plan = await db.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]));
            const details = plan.rows.map((r) => r.detail).join(' | ');
            expect(details, what).toContain(`INDEX ${INDEX[side]} `);
            expect(details, what).not.toMatch(/TEMP B-TREE|SCAN follows/);
          } else {
            const plan = await db.db.executeQuery<{ key: string | null; Extra: string | null }>(CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]));
            expect(plan.rows.map((r) => r.key), what).toEqual([INDEX[side]]);
            expect(plan.rows.map((r) => r.Extra).join(' '), what).not.toMatch(/filesort|temporary/i);
          }
        }
      }
    });
  });
}
