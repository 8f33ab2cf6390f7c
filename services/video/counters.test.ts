// The video's counters kept from interaction events, on SQLite and, when reachable, MariaDB:
// each event applied exactly once (however often it is delivered, and concurrently), exact in
// whatever order the events arrive, never shown below zero, and the cached row dropped so
// GetVideos shows the new count.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { bytesCodec, createMemoryQueue, deadLetterHeader, type QueueMessage } from '#kit/queue';
import { seededRandom, testDatabases } from '#kit/testing';
import type { Video } from '#gen/surge/video/v1/video';
import { Favorited } from '#gen/surge/interaction/v1/events';
import { COMMENTED, FAVORITED } from '../interaction/events.js';
import { createCounterHandlers } from './consumers/counters.js';
import { createVideoModel } from './model/videos.js';
import { startVideoConsumers, type VideoService } from './index.js';
import { videoTestEnv, type VideoTestEnv } from './testing/harness.js';

const message = <T>(topic: string, data: T, id = randomUUID()): QueueMessage<T> => ({
  id,
  topic,
  data,
  headers: {},
  attempt: 1,
  publishedAt: 0,
});

const read = async (svc: VideoService, id: number): Promise<Video> => (await svc.getVideos({ ids: [id] }, undefined as never)).videos[0]!;

async function until(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`video counters on ${kind.name}`, () => {
    const envs: VideoTestEnv[] = [];
    afterAll(async () => {
      for (const e of envs) await e.close();
      await kind.cleanup();
    });

    /** A service, the consumers' handlers over the same cache, and one published video. */
    const setup = async () => {
      const e = await videoTestEnv(kind);
      envs.push(e);
      const { svc, cache, queries } = e.service();
      const handlers = createCounterHandlers({ db: e.sdb, videos: createVideoModel(e.sdb, cache), clock: e.clock });
      const video = await svc.publish({ authorId: 5, title: 'counted', playKey: 'uploads/c.mp4', contentType: 'video/mp4' }, undefined as never);
      return { e, svc, cache, queries, handlers, video };
    };

    it('applies an event delivered twice once, and the cached row shows it', async () => {
      const { svc, handlers, video } = await setup();
      expect((await read(svc, video.id)).favoriteCount).toBe(0); // now cached
      const like = message('interaction.favorited', { userId: 9, videoId: video.id, authorId: 5, delta: 1 });
      await handlers.favorited(like);
      await handlers.favorited(like);
      expect((await read(svc, video.id)).favoriteCount).toBe(1);
      // The same delivery many times at once still counts once.
      await Promise.all(Array.from({ length: 20 }, () => handlers.favorited(like)));
      expect((await read(svc, video.id)).favoriteCount).toBe(1);
    });

    it('counts 50 different favorited events arriving at once as +50', async () => {
      const { svc, handlers, video } = await setup();
      await Promise.all(Array.from({ length: 50 }, (_, i) => handlers.favorited(message('interaction.favorited', { userId: i + 1, videoId: video.id, authorId: 5, delta: 1 }))));
      expect((await read(svc, video.id)).favoriteCount).toBe(50);
    });

    it('keeps comment_count from commented events, never shown below zero', async () => {
      const { svc, handlers, video } = await setup();
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: 1 }));
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: 1 }));
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: -1 }));
      expect(await read(svc, video.id)).toMatchObject({ commentCount: 1, favoriteCount: 0 });
      // Three deletes, two of whose posts are still on their way: shown as 0 meanwhile.
      for (let i = 0; i < 3; i++) await handlers.commented(message('interaction.commented', { videoId: video.id, delta: -1 }));
      expect((await read(svc, video.id)).commentCount).toBe(0);
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: 1 }));
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: 1 }));
      expect((await read(svc, video.id)).commentCount).toBe(0);
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: 1 }));
      expect((await read(svc, video.id)).commentCount).toBe(1);
    });

    it('ends exact when an unlike is applied before its like, and in the usual order', async () => {
      const { e, svc, handlers, video } = await setup();
      const like = message('interaction.favorited', { userId: 9, videoId: video.id, authorId: 5, delta: 1 });
      const unlike = message('interaction.favorited', { userId: 9, videoId: video.id, authorId: 5, delta: -1 });
      await handlers.favorited(unlike);
      const stored = await e.sdb.db.selectFrom('videos').select('favorite_count').where('id', '=', video.id).executeTakeFirstOrThrow();
      expect(Number(stored.favorite_count)).toBe(-1); // the column holds it (signed on both dialects)
      expect((await read(svc, video.id)).favoriteCount).toBe(0); // and it is shown as 0
      await handlers.favorited(like);
      expect((await read(svc, video.id)).favoriteCount).toBe(0);
      // The same pair in the usual order, from another fan.
      await handlers.favorited(message('interaction.favorited', { userId: 10, videoId: video.id, authorId: 5, delta: 1 }));
      expect((await read(svc, video.id)).favoriteCount).toBe(1);
      await handlers.favorited(message('interaction.favorited', { userId: 10, videoId: video.id, authorId: 5, delta: -1 }));
      expect((await read(svc, video.id)).favoriteCount).toBe(0);
      // And a like after both: counted, not swallowed by the early unlike.
      await handlers.favorited(message('interaction.favorited', { userId: 9, videoId: video.id, authorId: 5, delta: 1 }));
      expect((await read(svc, video.id)).favoriteCount).toBe(1);
    });

    it('ends exact when a comment\'s delete is applied before its post', async () => {
      const { svc, handlers, video } = await setup();
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: -1 }));
      expect((await read(svc, video.id)).commentCount).toBe(0);
      await handlers.commented(message('interaction.commented', { videoId: video.id, delta: 1 }));
      expect((await read(svc, video.id)).commentCount).toBe(0);
    });

    it('converges on the net count for like, unlike, like per fan delivered shuffled, concurrently and twice', async () => {
      const { svc, handlers, video } = await setup();
      const fans = Array.from({ length: 20 }, (_, i) => i + 100);
      // Each fan liked, unliked and liked again (net +1); the odd fans then unliked too (net 0).
      const events = fans.flatMap((userId) =>
        [1, -1, 1, ...(userId % 2 ? [-1] : [])].map((delta) => message('interaction.favorited', { userId, videoId: video.id, authorId: 5, delta })),
      );
      const random = seededRandom(7);
      const deliveries = [...events, ...events].sort(() => random() - 0.5);
      await Promise.all(deliveries.map((m) => handlers.favorited(m)));
      expect((await read(svc, video.id)).favoriteCount).toBe(fans.length / 2);
    });

    it('dead-letters a malformed event on its first delivery, before the handler, and changes nothing', async () => {
      const { e, svc, cache, video } = await setup();
      const queue = createMemoryQueue();
      const dead: QueueMessage<Uint8Array>[] = [];
      await queue.subscribe({ name: 'interaction.favorited.dead', codec: bytesCodec }, 'test', async (m) => void dead.push(m));
      const consumers = await startVideoConsumers({ db: e.sdb, queue, cache, clock: e.clock, log: e.log });
      try {
        const raw = { name: FAVORITED.name, codec: bytesCodec };
        const utf8 = (text: string) => new TextEncoder().encode(text);
        await queue.publish(raw, new Uint8Array([0xff, 0xff, 0xff])); // not protobuf
        await queue.publish(raw, Favorited.encode({ userId: 1, videoId: 0, authorId: 5, delta: 1 }).finish()); // no video id
        await queue.publish(raw, Favorited.encode({ userId: 1, videoId: video.id, authorId: 5, delta: 2 }).finish()); // delta not ±1
        await queue.publish(raw, utf8(JSON.stringify({ userId: 1, videoId: video.id, authorId: 5, delta: 'x' }))); // old JSON, wrong type
        await until(async () => dead.length === 4);
        expect(dead.map((m) => m.headers[deadLetterHeader.attempts])).toEqual(['1', '1', '1', '1']);
        expect(dead.map((m) => m.headers[deadLetterHeader.group])).toEqual(['video', 'video', 'video', 'video']);
        expect(dead.slice(1).map((m) => m.headers[deadLetterHeader.error])).toEqual([
          expect.stringContaining('videoId'),
          expect.stringContaining('delta'),
          expect.stringContaining('delta'),
        ]);
        expect((await read(svc, video.id)).favoriteCount).toBe(0);
        expect(await e.sdb.db.selectFrom('surge_applied_events').select('id').execute()).toEqual([]);
        // The publisher is refused the same event: it never reaches the queue.
        await expect(queue.publish(FAVORITED, { userId: 1, videoId: 0, authorId: 5, delta: 1 })).rejects.toMatchObject({ code: Code.InvalidArgument });
      } finally {
        await consumers.close();
        await queue.close();
      }
    });

    it('counts an event still in the old JSON form (published before the upgrade) once', async () => {
      const { e, svc, cache, video } = await setup();
      const queue = createMemoryQueue();
      const consumers = await startVideoConsumers({ db: e.sdb, queue, cache, clock: e.clock, log: e.log });
      try {
        const legacy = { userId: 3, videoId: video.id, authorId: 5, delta: 1, extra: 'ignored' };
        await queue.publish('interaction.favorited', legacy, { dedupKey: 'old-1' }); // the queue's JSON codec, as the last release sent it
        await until(async () => (await read(svc, video.id)).favoriteCount === 1);
      } finally {
        await consumers.close();
        await queue.close();
      }
    });

    it('consumes interaction events from the queue in the video group: 50 at once, plus a redelivered one', async () => {
      const { e, svc, cache, queries, video } = await setup();
      // A dedup window of 1 ms: a second publish with the same key is delivered again, with the same id.
      const queue = createMemoryQueue({ dedupWindowMs: 1 });
      const consumers = await startVideoConsumers({ db: e.sdb, queue, cache, clock: e.clock, log: e.log });
      try {
        expect((await read(svc, video.id)).favoriteCount).toBe(0);
        await Promise.all(Array.from({ length: 50 }, (_, i) => queue.publish(FAVORITED, { userId: i + 1, videoId: video.id, authorId: 5, delta: 1 })));
        await queue.publish(COMMENTED, { videoId: video.id, delta: 1 }, { dedupKey: 'comment-1' });
        await until(async () => {
          const v = await read(svc, video.id);
          return v.favoriteCount === 50 && v.commentCount === 1;
        });
        // Settled: the row stays cached.
        await until(async () => (await e.queriesDuring(queries, () => read(svc, video.id))) === 0);
        // The same event id delivered again (a relay that published twice): handled (the
        // consumer drops the cached row, so the next read is a query) and counted once.
        await new Promise((r) => setTimeout(r, 5));
        await queue.publish(COMMENTED, { videoId: video.id, delta: 1 }, { dedupKey: 'comment-1' });
        await until(async () => (await e.queriesDuring(queries, () => read(svc, video.id))) === 1);
        const applied = await e.sdb.db.selectFrom('surge_applied_events').select('id').execute();
        expect(applied.length).toBe(51);
        expect(applied.every((r) => r.id.startsWith('video:'))).toBe(true);
        expect((await read(svc, video.id)).commentCount).toBe(1);
      } finally {
        await consumers.close();
        await queue.close();
      }
    });
  });
}
