import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import type { Video } from '#gen/surge/video/v1/video';
import { createNewestFeedPage, type FeedPage } from './feed-page.js';

const video = (id: number, publishedAt: number): Video => ({ id, authorId: 1, title: `v${id}`, playKey: 'p', coverKey: 'c', publishedAt, favoriteCount: 0, commentCount: 0 });

/** A feed of videos published at 100, 200, … 500 ms; records every load's `before`. */
function feedService(times = [500, 400, 300, 200, 100]) {
  const loads: number[] = [];
  const load = async (before: number): Promise<FeedPage> => {
    loads.push(before);
    const videos = times.filter((t) => before === 0 || t < before).map((t) => video(t, t));
    return { videos, nextTime: videos.at(-1)?.publishedAt ?? before, authors: new Map(), authorIds: [] };
  };
  return { loads, load, times };
}

describe('the newest feed page', () => {
  it('is loaded once per interval for every viewer, then again', async () => {
    const clock = new ManualClock();
    const page = createNewestFeedPage({ ttlMs: 1000, clock });
    const f = feedService();
    const [a, b] = await Promise.all([page.get(0, f.load), page.get(0, f.load)]);
    expect(a).toBe(b);
    expect((await page.get(0, f.load)).videos.map((v) => v.id)).toEqual([500, 400, 300, 200, 100]);
    expect(f.loads).toEqual([0]);
    clock.advance(1001);
    await page.get(0, f.load);
    expect(f.loads).toEqual([0, 0]);
  });

  it('answers a `before` after its newest video (a client sending the time it refreshed); an older one is loaded as asked', async () => {
    const page = createNewestFeedPage({ ttlMs: 1000, clock: new ManualClock() });
    const f = feedService();
    expect((await page.get(9_999, f.load)).videos).toHaveLength(5);
    expect((await page.get(501, f.load)).videos).toHaveLength(5);
    expect(f.loads).toEqual([0]);
    const older = await page.get(500, f.load);
    expect(older.videos.map((v) => v.id)).toEqual([400, 300, 200, 100]);
    expect(f.loads).toEqual([0, 500]);
  });

  it('loads anew after a publish through this gateway', async () => {
    const page = createNewestFeedPage({ ttlMs: 60_000, clock: new ManualClock() });
    const f = feedService();
    await page.get(0, f.load);
    f.times.unshift(600);
    expect((await page.get(0, f.load)).videos[0]!.id).toBe(500); // kept: another gateway's publish waits out the interval
    page.changed();
    expect((await page.get(0, f.load)).videos[0]!.id).toBe(600);
  });

  it('with nothing published, or kept for 0 ms, loads exactly what is asked', async () => {
    const empty = feedService([]);
    const page = createNewestFeedPage({ ttlMs: 1000, clock: new ManualClock() });
    expect(await page.get(700, empty.load)).toEqual({ videos: [], nextTime: 700, authors: new Map(), authorIds: [] });
    expect(empty.loads).toEqual([0, 700]);

    const off = createNewestFeedPage({ ttlMs: 0 });
    const f = feedService();
    await off.get(0, f.load);
    await off.get(0, f.load);
    await off.get(9_999, f.load);
    expect(f.loads).toEqual([0, 0, 9_999]);
  });
});
