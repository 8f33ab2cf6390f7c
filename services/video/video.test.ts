// The video service on SQLite and, when reachable, MariaDB: publishing (cover, row and event
// together), the input rules, batch reads in order from the row cache, an author's works, and
// the feed: paging without repeats or gaps when many videos share one ms, its index filled
// once on a cold start, and the database answering what the index cannot.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, errors, type SurgeError } from '#kit/errors';
import type { QueueMessage } from '#kit/queue';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { rejectionOf, requireServer, servers, testDatabases } from '#kit/testing';
import type { Video } from '#gen/surge/video/v1/video';
import { createFeedIndex, MAX_VIDEOS_PER_BATCH, VIDEO_PUBLISHED, type FeedIndex, type VideoService } from './index.js';
import { COPY_INPUT, fakeFfmpeg, INFO, videoTestEnv, type VideoTestEnv } from './testing/harness.js';
import { fakeVideo } from '../../packages/kit/media/testing/fake-video.js';

const call = (svc: VideoService) => ({
  publish: (authorId: number, title: string, playKey = 'uploads/v.mp4') => svc.publish({ authorId, title, playKey, contentType: 'video/mp4' }, undefined as never),
  get: (ids: number[]) => svc.getVideos({ ids }, undefined as never).then((r) => r.videos),
  byAuthor: (authorId: number, limit = 0) => svc.listByAuthor({ authorId, limit }, undefined as never).then((r) => r.videos),
  feed: (before: number, limit = 0) => svc.feed({ before, limit }, undefined as never),
});

const failure = (p: Promise<unknown>): Promise<SurgeError> => rejectionOf(p);

/**
 * More pages than any test here needs (the most is 9: 50 videos at 7, or 30 at 4, and the empty
 * page): a paging bug that keeps answering fails here instead of looping past the test's timeout.
 */
const MAX_PAGES = 50;

/** One more page of the feed; fails if it does not move strictly back in time from `before` (0: the newest). */
function checkProgress(page: { videos: Video[]; nextTime: number }, before: number, limit: number): void {
  expect(page.videos.length).toBeLessThanOrEqual(limit);
  if (page.videos.length === 0) return;
  expect(page.nextTime).toBe(page.videos.at(-1)!.publishedAt);
  if (before !== 0) expect(page.videos[0]!.publishedAt, 'a page starts strictly before the bound it was asked for').toBeLessThan(before);
}

/** Pages through the feed from the newest, `limit` at a time, until an empty page (at most MAX_PAGES). */
async function pageAll(c: ReturnType<typeof call>, limit: number): Promise<{ seen: Video[]; pages: number }> {
  const seen: Video[] = [];
  let before = 0;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const page = await c.feed(before, limit);
    checkProgress(page, before, limit);
    if (page.videos.length === 0) return { seen, pages };
    seen.push(...page.videos);
    before = page.nextTime;
  }
  throw new Error(`the feed still answered videos after ${MAX_PAGES} pages`);
}

const newestFirst = (videos: Video[]) => [...videos].sort((a, b) => b.publishedAt - a.publishedAt);

/** An index that fails as told, standing in for Redis going away. */
function flakyIndex(inner: FeedIndex, fail: { add?: number; before?: number }): FeedIndex {
  return {
    capacity: inner.capacity,
    async add(entries, options) {
      if ((fail.add ?? 0) > 0) {
        fail.add!--;
        throw errors.unavailable('redis');
      }
      return inner.add(entries, options);
    },
    async before(before, limit) {
      if ((fail.before ?? 0) > 0) {
        fail.before!--;
        throw errors.unavailable('redis');
      }
      return inner.before(before, limit);
    },
  };
}

const hasRedis = await requireServer(servers.redis);

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`video service on ${kind.name}`, () => {
    const envs: VideoTestEnv[] = [];
    afterAll(async () => {
      for (const e of envs) await e.close();
      await kind.cleanup();
    });
    const env = async () => {
      const e = await videoTestEnv(kind);
      envs.push(e);
      return e;
    };

    describe('publish', () => {
      it('stores the video, a placeholder cover and a video.published event; the feed shows it', async () => {
        const e = await env();
        const events: QueueMessage<unknown>[] = [];
        await e.queue.subscribe(VIDEO_PUBLISHED, 'test', async (m) => void events.push(m));
        const c = call(e.service().svc);
        const v = await c.publish(7, '  Hello <world> & friends  ');
        expect(v).toMatchObject({ authorId: 7, title: 'Hello <world> & friends', playKey: 'uploads/v.mp4', coverKey: `covers/${v.id}.svg`, publishedAt: e.clock.now(), favoriteCount: 0, commentCount: 0 });
        const cover = await e.blob.get(v.coverKey);
        expect(cover.contentType).toBe('image/svg+xml');
        let svg = '';
        for await (const chunk of cover.body) svg += chunk;
        expect(svg).toContain('&lt;world&gt;');
        expect(await c.get([v.id])).toEqual([v]);
        for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
        expect(events.map((m) => m.data)).toEqual([{ videoId: v.id, authorId: 7 }]);
        expect((await c.feed(0)).videos).toEqual([v]);
        // ffmpeg turned off: said once, at info.
        await c.publish(7, 'second');
        expect(e.logLines.filter((l) => /placeholders/.test(l.msg)).map((l) => l.level)).toEqual([INFO]);
      });

      it('takes the cover from the uploaded video when ffmpeg runs (stand-in ffmpeg)', async () => {
        const e = await env();
        const bin = await mkdtemp(join(tmpdir(), 'surge-video-bin-'));
        try {
          await e.blob.put('uploads/clip.mp4', fakeVideo(1024), { contentType: 'video/mp4' });
          const c = call(e.service({ ffmpegPath: await fakeFfmpeg(bin, 'ffmpeg', COPY_INPUT) }).svc);
          const v = await c.publish(3, 'with a frame', 'uploads/clip.mp4');
          expect(v.coverKey).toBe(`covers/${v.id}.jpg`);
          expect((await e.blob.stat(v.coverKey))?.contentType).toBe('image/jpeg');
          expect((await c.get([v.id]))[0]!.coverKey).toBe(v.coverKey);
        } finally {
          await rm(bin, { recursive: true, force: true });
        }
      });

      it('checks author_id, title and play_key, naming the field', async () => {
        const e = await env();
        const c = call(e.service().svc);
        const field = async (p: Promise<unknown>) => {
          const err = await failure(p);
          expect(err.code).toBe(Code.InvalidArgument);
          return err.details?.field;
        };
        expect(await field(c.publish(0, 'ok'))).toBe('author_id');
        expect(await field(c.publish(-3, 'ok'))).toBe('author_id');
        expect(await field(c.publish(1.5, 'ok'))).toBe('author_id');
        expect(await field(c.publish(1, ''))).toBe('title');
        expect(await field(c.publish(1, '    '))).toBe('title');
        expect(await field(c.publish(1, 'x'.repeat(101)))).toBe('title');
        expect(await field(c.publish(1, 'ok', ''))).toBe('play_key');
        // 100 characters after trimming, counted as characters, not UTF-16 units.
        expect((await c.publish(1, `  ${'x'.repeat(100)}  `)).title).toBe('x'.repeat(100));
        expect((await c.publish(1, '😀'.repeat(100))).title).toBe('😀'.repeat(100));
        // Nothing was written for the refused ones.
        expect((await e.sdb.db.selectFrom('videos').select('id').execute()).length).toBe(2);
      });
    });

    describe('GetVideos', () => {
      it('keeps the order asked, leaves missing ids out, and takes at most 1000 ids', async () => {
        const e = await env();
        const c = call(e.service().svc);
        const a = await c.publish(1, 'a');
        const b = await c.publish(2, 'b');
        const d = await c.publish(3, 'd');
        expect((await c.get([d.id, 999_999, a.id, b.id, a.id])).map((v) => v.title)).toEqual(['d', 'a', 'b']);
        expect(await c.get([])).toEqual([]);
        expect(await c.get(Array.from({ length: MAX_VIDEOS_PER_BATCH }, (_, i) => i + 1))).toEqual([]);
        const err = await failure(c.get(Array.from({ length: MAX_VIDEOS_PER_BATCH + 1 }, (_, i) => i + 1)));
        expect(err).toMatchObject({ code: Code.InvalidArgument, details: { field: 'ids' } });
        expect(await failure(c.get([1, 0]))).toMatchObject({ code: Code.InvalidArgument, details: { field: 'ids' } });
      });

      it('reads rows from the row cache: one query for all misses, none when warm', async () => {
        const e = await env();
        const writer = call(e.service().svc);
        const ids: number[] = [];
        for (let i = 0; i < 20; i++) ids.push((await writer.publish(1, `v${i}`)).id);
        const { svc, queries } = e.service();
        const c = call(svc);
        expect(await e.queriesDuring(queries, async () => expect((await c.get(ids)).length).toBe(20))).toBe(1);
        expect(await e.queriesDuring(queries, async () => expect((await c.get(ids)).length).toBe(20))).toBe(0);
        // Missing ids are remembered as missing too.
        expect(await e.queriesDuring(queries, () => c.get([424242]))).toBe(1);
        expect(await e.queriesDuring(queries, () => c.get([424242, ...ids]))).toBe(0);
      });
    });

    describe('ListByAuthor', () => {
      it('lists an author’s videos newest first; limit 0 is 1000, above 1000 is clamped, negative is refused', async () => {
        const e = await env();
        const c = call(e.service().svc);
        const mine: Video[] = [];
        for (let i = 0; i < 5; i++) {
          mine.push(await c.publish(11, `mine ${i}`));
          await c.publish(12, `theirs ${i}`);
          e.clock.advance(3);
        }
        expect(await c.byAuthor(11)).toEqual(newestFirst(mine));
        expect((await c.byAuthor(11, 2)).map((v) => v.title)).toEqual(['mine 4', 'mine 3']);
        expect((await c.byAuthor(11, 5000)).length).toBe(5);
        expect(await c.byAuthor(13)).toEqual([]);
        expect(await failure(c.byAuthor(11, -1))).toMatchObject({ code: Code.InvalidArgument, details: { field: 'limit' } });
        expect(await failure(c.byAuthor(0))).toMatchObject({ code: Code.InvalidArgument, details: { field: 'author_id' } });
      });
    });

    describe('feed', () => {
      it('pages 50 videos published in the same ms, 7 at a time: each exactly once, newest first', async () => {
        const e = await env();
        const c = call(e.service().svc);
        const published = await Promise.all(Array.from({ length: 50 }, (_, i) => c.publish(1 + (i % 4), `same ms ${i}`)));
        expect(new Set(published.map((v) => v.publishedAt)).size).toBe(50);
        const { seen, pages } = await pageAll(c, 7);
        expect(pages).toBe(9); // 8 pages of videos (7 × 7 + 1), then the empty one
        expect(seen.map((v) => v.id)).toEqual(newestFirst(published).map((v) => v.id));
      });

      it('never shares a published_at between instances publishing in the same ms', async () => {
        const e = await env();
        // Two instances with their own stamps, one shared index (as with Redis).
        const shared = createFeedIndex();
        const a = call(e.service({ feedIndex: shared }).svc);
        const b = call(e.service({ feedIndex: shared }).svc);
        const published = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).publish(1, `two ${i}`)));
        expect(new Set(published.map((v) => v.publishedAt)).size).toBe(40);
        const { seen } = await pageAll(a, 7);
        expect(seen.map((v) => v.id)).toEqual(newestFirst(published).map((v) => v.id));
      });

      it('defaults to 30 per page, clamps larger limits, refuses negative ones; an empty page points back at its bound', async () => {
        const e = await env();
        const c = call(e.service().svc);
        expect(await c.feed(0)).toEqual({ videos: [], nextTime: e.clock.now() });
        expect(await c.feed(12345)).toEqual({ videos: [], nextTime: 12345 });
        for (let i = 0; i < 35; i++) await c.publish(1, `v${i}`);
        expect((await c.feed(0)).videos.length).toBe(30);
        expect((await c.feed(0, 100)).videos.length).toBe(30);
        expect((await c.feed(0, 3)).videos.length).toBe(3);
        expect(await failure(c.feed(0, -1))).toMatchObject({ code: Code.InvalidArgument, details: { field: 'limit' } });
        expect(await failure(c.feed(-5))).toMatchObject({ code: Code.InvalidArgument, details: { field: 'before' } });
        // Strictly before: the bound itself is not on the page.
        const newest = (await c.feed(0, 1)).videos[0]!;
        expect((await c.feed(newest.publishedAt, 1)).videos[0]!.publishedAt).toBeLessThan(newest.publishedAt);
      });

      it('fills a cold index from the database once, then serves pages with no query', async () => {
        const e = await env();
        const writer = call(e.service().svc);
        const published: Video[] = [];
        for (let i = 0; i < 40; i++) published.push(await writer.publish(1, `v${i}`));
        // A fresh instance: empty index, empty cache.
        const inner = createFeedIndex();
        let fills = 0;
        const index: FeedIndex = { capacity: inner.capacity, before: inner.before, add: (entries, o) => ((fills += o?.built ? 1 : 0), inner.add(entries, o)) };
        const { svc, queries } = e.service({ feedIndex: index });
        const c = call(svc);
        const pages = await Promise.all(Array.from({ length: 5 }, () => c.feed(0, 10)));
        expect(fills).toBe(1);
        for (const p of pages) expect(p.videos.map((v) => v.id)).toEqual(newestFirst(published).slice(0, 10).map((v) => v.id));
        expect(await e.queriesDuring(queries, () => c.feed(0, 10))).toBe(0);
        // Next page: its rows miss the cache (one query); again: none.
        const next = (await c.feed(0, 10)).nextTime;
        expect(await e.queriesDuring(queries, () => c.feed(next, 10))).toBe(1);
        expect(await e.queriesDuring(queries, () => c.feed(next, 10))).toBe(0);
        // A video published through this instance is in its index at once.
        const fresh = await c.publish(2, 'fresh');
        expect((await c.feed(0, 1)).videos).toEqual([fresh]);
        expect(fills).toBe(1);
      });

      it('serves pages past what the index holds with one database query each', async () => {
        const e = await env();
        const { svc, queries } = e.service({ feedIndex: createFeedIndex({ capacity: 10 }) });
        const c = call(svc);
        const published: Video[] = [];
        for (let i = 0; i < 25; i++) published.push(await c.publish(1, `v${i}`));
        await c.feed(0, 1); // the cold start's fill, counted in the test above
        let before = 0;
        const seen: Video[] = [];
        for (let pages = 1; ; pages++) {
          if (pages > MAX_PAGES) throw new Error(`the feed still answered videos after ${MAX_PAGES} pages`);
          let page!: Awaited<ReturnType<typeof c.feed>>;
          expect(await e.queriesDuring(queries, async () => (page = await c.feed(before, 7)))).toBeLessThanOrEqual(1);
          checkProgress(page, before, 7);
          if (page.videos.length === 0) break;
          seen.push(...page.videos);
          before = page.nextTime;
        }
        expect(seen.map((v) => v.id)).toEqual(newestFirst(published).map((v) => v.id));
      });

      it('shows a video the index missed once the next read has refilled it', async () => {
        const e = await env();
        const fail = { add: 0 };
        const c = call(e.service({ feedIndex: flakyIndex(createFeedIndex(), fail) }).svc);
        const first = await c.publish(1, 'first');
        expect((await c.feed(0)).videos).toEqual([first]);
        fail.add = 1;
        e.clock.advance(5);
        const missed = await c.publish(1, 'missed by the index');
        expect((await c.feed(0)).videos).toEqual([missed, first]);
        expect(e.logLines.some((l) => /missed a published video/.test(l.msg))).toBe(true);
      });

      it('answers from the database when a cold index cannot be filled, and fills it on a later read', async () => {
        const e = await env();
        const writer = call(e.service().svc);
        const published: Video[] = [];
        for (let i = 0; i < 5; i++) published.push(await writer.publish(1, `v${i}`));
        const fail = { add: 1 };
        const { svc, queries } = e.service({ feedIndex: flakyIndex(createFeedIndex(), fail) });
        const c = call(svc);
        const order = newestFirst(published).map((v) => v.id);
        expect((await c.feed(0)).videos.map((v) => v.id)).toEqual(order);
        expect((await c.feed(0)).videos.map((v) => v.id)).toEqual(order);
        expect(await e.queriesDuring(queries, () => c.feed(0))).toBe(0);
      });

      it('is served by the database while the index is unavailable', async () => {
        const e = await env();
        const fail = { before: 0 };
        const { svc, queries } = e.service({ feedIndex: flakyIndex(createFeedIndex(), fail) });
        const c = call(svc);
        const published: Video[] = [];
        for (let i = 0; i < 5; i++) published.push(await c.publish(1, `v${i}`));
        fail.before = 2;
        for (let i = 0; i < 2; i++) {
          let page!: Awaited<ReturnType<typeof c.feed>>;
          expect(await e.queriesDuring(queries, async () => (page = await c.feed(0, 3)))).toBe(1);
          expect(page.videos.map((v) => v.id)).toEqual(newestFirst(published).slice(0, 3).map((v) => v.id));
        }
        expect(e.logLines.filter((l) => /feed index unavailable/.test(l.msg)).length).toBe(1);
        expect((await c.feed(0, 3)).videos.length).toBe(3);
        expect(e.logLines.some((l) => /feed index answers again/.test(l.msg))).toBe(true);
      });
    });

    describe.skipIf(!hasRedis)('feed over a Redis index shared by instances', () => {
      let redis: Redis;
      const key = `surgetest:${Math.random().toString(36).slice(2, 10)}:video:feed`;
      beforeAll(async () => {
        redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-video-test' });
        await redisReady(redis);
      });
      afterAll(async () => {
        await redis.del(key);
        redis.disconnect();
      });

      it('pages what every instance published; a joining instance needs no fill; a wiped index is refilled once', async () => {
        const e = await env();
        const a = call(e.service({ feedIndex: createFeedIndex({ redis, key }) }).svc);
        const b = call(e.service({ feedIndex: createFeedIndex({ redis, key }) }).svc);
        const published = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).publish(1, `shared ${i}`)));
        const order = newestFirst(published).map((v) => v.id);
        expect((await pageAll(a, 7)).seen.map((v) => v.id)).toEqual(order);
        expect((await pageAll(b, 4)).seen.map((v) => v.id)).toEqual(order);

        const joining = e.service({ feedIndex: createFeedIndex({ redis, key }) });
        const c = call(joining.svc);
        // The set is built already: only the rows miss (one query), then nothing.
        expect(await e.queriesDuring(joining.queries, () => c.feed(0, 10))).toBe(1);
        expect(await e.queriesDuring(joining.queries, () => c.feed(0, 10))).toBe(0);

        await redis.del(key);
        expect(await e.queriesDuring(joining.queries, async () => expect((await c.feed(0, 10)).videos.map((v) => v.id)).toEqual(order.slice(0, 10)))).toBe(1);
        expect(await redis.zcard(key)).toBe(31); // 30 videos and the filled marker
        expect((await pageAll(c, 7)).seen.map((v) => v.id)).toEqual(order);
      });
    });
  });
}
