// The Douyin API with every service in its own process, as `npm run up` runs it: user, video,
// relation and message once, interaction twice, and the gateway, each a Node process from dist/,
// found through a test-owned etcd, on the real MariaDB, Redis and NATS. First the app's flow over
// HTTP (register, publish, feed, like, comment, follow back, chat), with counters arriving through
// NATS consumers in other processes. Then a crash: one interaction instance is killed with SIGKILL
// in the middle of a stream of likes by distinct users. Every like the API acknowledged must be
// stored and counted exactly once, by the video and by its author: the survivor's outbox relay
// publishes what the dead instance committed but never sent, and the consumers apply each event
// once however often it arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { mapLimit } from '#kit/mapreduce';
import { clusterServersReady, served, sleep, startCluster, type Cluster } from './cluster.js';
import { DouyinClient, eventually, type Reply } from './douyin/client.js';
import { sampleVideo } from './douyin/media.js';

const ready = await clusterServersReady();
const clip = sampleVideo();

/** Fans that like one video in the crash test, and how many like at once. */
const FANS = 90;
const CONCURRENCY = 4;

interface Account {
  id: number;
  token: string;
}

describe.skipIf(!ready)('distributed Douyin: every service its own process', () => {
  let cluster: Cluster;
  let api: DouyinClient;
  let seq = 0;

  beforeAll(async () => {
    cluster = await startCluster({
      users: 1,
      services: { video: 1, interaction: 2, relation: 1, message: 1 },
      // Every sign-up comes from one address here.
      env: { SURGE__limits__loginPerIp__quota: '100000' },
    });
    api = new DouyinClient(cluster.base);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  const register = async (): Promise<Account> => {
    const r = await api.ok('POST', '/douyin/user/register/', { username: `d${cluster.tag}${seq++}`, password: 'secret123' });
    return { id: r.user_id as number, token: r.token as string };
  };
  const userOf = async (id: number, viewer: Account) => (await api.ok('GET', '/douyin/user/', { user_id: id, token: viewer.token })).user as Reply;
  /** One of the author's videos as the viewer sees it (counters, is_favorite). */
  const videoOf = async (author: Account, videoId: number, viewer: Account) =>
    ((await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: viewer.token })).video_list as Reply[]).find((x) => x.id === videoId);
  const publish = async (author: Account, title: string) => {
    await api.ok('POST', '/douyin/publish/action/', { token: author.token, title }, { file: clip });
    return ((await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: author.token })).video_list as Reply[])[0]!;
  };

  it('serves the Douyin flow across the processes: publish, feed, like, comment, follow back, chat', async () => {
    // The gateway process's readiness for load balancers.
    expect((await fetch(`${cluster.base}/readyz`)).status).toBe(200);
    const a = await register();
    const b = await register();

    // The gateway stores the upload, the video service reads it for the cover (one data dir).
    await api.ok('POST', '/douyin/publish/action/', { token: a.token, title: 'across processes' }, { file: clip });
    const feed = await api.ok('GET', '/douyin/feed/', { token: b.token });
    const v = (feed.video_list as Reply[]).find((x) => x.author.id === a.id)!;
    expect(v).toMatchObject({ title: 'across processes', favorite_count: 0, comment_count: 0, is_favorite: false });
    const play = await fetch(v.play_url);
    expect(play.status).toBe(200);
    expect(new Uint8Array(await play.arrayBuffer())).toEqual(clip.bytes);
    const cover = await fetch(v.cover_url);
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toMatch(/^image\//);
    // video.published → the user service's consumer.
    expect(await eventually(() => userOf(a.id, b), (u) => u.work_count === 1)).toMatchObject({ work_count: 1 });

    // interaction.favorited → the video service's and the user service's consumers.
    await api.ok('POST', '/douyin/favorite/action/', { token: b.token, video_id: v.id, action_type: 1 });
    expect(await eventually(() => videoOf(a, v.id, b), (x) => x?.favorite_count === 1)).toMatchObject({ favorite_count: 1, is_favorite: true });
    expect(await eventually(() => userOf(a.id, b), (u) => u.total_favorited === 1)).toMatchObject({ total_favorited: 1 });
    expect(await eventually(() => userOf(b.id, b), (u) => u.favorite_count === 1)).toMatchObject({ favorite_count: 1 });

    const posted = await api.ok('POST', '/douyin/comment/action/', { token: b.token, video_id: v.id, action_type: 1, comment_text: 'seen from another process' });
    expect(posted.comment).toMatchObject({ content: 'seen from another process', user: { id: b.id } });
    expect((await api.ok('GET', '/douyin/comment/list/', { video_id: v.id })).comment_list.map((c: Reply) => c.id)).toEqual([posted.comment.id]);
    expect(await eventually(() => videoOf(a, v.id, b), (x) => x?.comment_count === 1)).toMatchObject({ comment_count: 1 });

    await api.ok('POST', '/douyin/relation/action/', { token: a.token, to_user_id: b.id, action_type: 1 });
    await api.ok('POST', '/douyin/relation/action/', { token: b.token, to_user_id: a.id, action_type: 1 });
    expect((await api.ok('GET', '/douyin/relation/friend/list/', { user_id: a.id, token: a.token })).user_list.map((u: Reply) => u.id)).toEqual([b.id]);
    // relation.followed → the user service's consumer.
    expect(await eventually(() => userOf(b.id, a), (u) => u.follower_count === 1 && u.follow_count === 1)).toMatchObject({ follower_count: 1, follow_count: 1, is_follow: true });

    await api.ok('POST', '/douyin/message/action/', { token: a.token, to_user_id: b.id, action_type: 1, content: 'hello from a' });
    const chat = await api.ok('GET', '/douyin/message/chat/', { token: b.token, to_user_id: a.id });
    expect(chat.message_list.map((m: Reply) => [m.from_user_id, m.to_user_id, m.content])).toEqual([[a.id, b.id, 'hello from a']]);
    expect((await api.ok('GET', '/douyin/relation/friend/list/', { user_id: b.id, token: b.token })).user_list[0]).toMatchObject({ id: a.id, message: 'hello from a', msgType: 0 });
  }, 30_000);

  it('counts every acknowledged like exactly once after an interaction instance is killed mid-stream', async () => {
    const author = await register();
    const v = await publish(author, 'liked through a crash');
    // 90 sign-ups, 8 at once: the cluster hashes passwords at 2^10 (test/cluster.ts), so they take
    // milliseconds and no longer race the RPC deadline on a busy machine ("register: deadline exceeded").
    const fans = await mapLimit(Array.from({ length: FANS }), 8, () => register());

    /** status_code of each fan's like (-1: no answer at all). */
    const status = new Array<number>(FANS).fill(NaN);
    const like = async (fan: Account): Promise<number> => {
      try {
        const res = await fetch(`${cluster.base}/douyin/favorite/action/`, { method: 'POST', body: new URLSearchParams({ token: fan.token, video_id: String(v.id), action_type: '1' }), signal: AbortSignal.timeout(5000) });
        return ((await res.json()) as Reply).status_code;
      } catch {
        return -1;
      }
    };

    // The stream: CONCURRENCY loops, each liking for the next fan as soon as its last like is answered.
    let next = 0;
    let answered = 0;
    let answeredAtKill = -1;
    const loops = Array.from({ length: CONCURRENCY }, async () => {
      while (next < FANS) {
        const i = next++;
        // Overloaded is the survivor's shedder on a busy machine saying "nothing done, retry later": a client retries it.
        while ((status[i] = await like(fans[i]!)) === Code.Overloaded) await sleep(20);
        answered++;
      }
    });
    // A third of the way in, kill the instance that has served more likes: nothing deregisters.
    const crash = (async () => {
      while (answered < FANS / 3) await sleep(2);
      const counts = await Promise.all(cluster.instances('interaction').map(async (p) => ({ p, n: (await served(p.metricsUrl, 'Favorite')).count })));
      const victim = counts.sort((x, y) => y.n - x.n)[0]!;
      expect(victim.n).toBeGreaterThan(0);
      answeredAtKill = answered;
      await cluster.kill(victim.p.proc);
    })();
    await Promise.all([...loops, crash]);

    expect(cluster.instances('interaction')).toHaveLength(1);
    expect(answeredAtKill, 'the kill lands in the middle of the stream').toBeLessThan(FANS);
    const acknowledged = fans.filter((_, i) => status[i] === 0);
    const unanswered = fans.filter((_, i) => status[i] !== 0);
    // Only calls already sent to the dead instance may fail (at most one per loop, plus one racing
    // the close of its connection); everything else goes to the survivor.
    expect(unanswered.length, `codes of the unanswered: ${fans.map((_, i) => status[i]).filter((c) => c !== 0).join(', ')}`).toBeLessThanOrEqual(2 * CONCURRENCY);

    // Reads that check state: the survivor serves double its load just after the kill, and on a busy
    // machine its shedder may answer Overloaded, which means "retry later": so these reads do.
    const check = async (path: string, params: Record<string, string | number>) => {
      const r = await eventually(() => api.call('GET', path, params), (x) => x.status_code !== Code.Overloaded);
      expect(r.status_code, `${path}: ${r.status_msg}`).toBe(0);
      return r;
    };
    // What is stored: a failed like may or may not have committed before the kill.
    const stored = async () => {
      const lists = await mapLimit(fans, 8, async (f) => (await check('/douyin/favorite/list/', { user_id: f.id, token: f.token })).video_list as Reply[]);
      return fans.filter((_, i) => lists[i]!.some((x) => x.id === v.id));
    };
    const likers = await stored();
    expect(acknowledged.filter((f) => !likers.includes(f)).map((f) => f.id), 'acknowledged likes are stored').toEqual([]);

    // Each stored like counted once: the dead instance's unsent events arrive through the
    // survivor's relay (it polls every second), redelivered ones change nothing.
    const counted = async () => ({ video: (await videoOf(author, v.id, author))?.favorite_count, author: (await userOf(author.id, author)).total_favorited });
    const want = { video: likers.length, author: likers.length };
    expect(await eventually(counted, (c) => c.video === want.video && c.author === want.author, 15_000)).toEqual(want);
    await sleep(2000);
    expect(await counted(), 'still exact once late deliveries had their chance').toEqual(want);
    const given = await mapLimit(fans, 8, async (f) => ((await check('/douyin/user/', { user_id: f.id, token: f.token })).user as Reply).favorite_count as number);
    expect(fans.filter((f, i) => given[i] !== (likers.includes(f) ? 1 : 0)).map((f) => f.id), "each fan's likes given").toEqual([]);

    // Recovery as a client sees it: a replacement instance joins, the failed likes are sent again
    // (a like is idempotent: one that had committed changes nothing), and every fan is counted once.
    await cluster.startService('interaction');
    for (const f of unanswered) await api.ok('POST', '/douyin/favorite/action/', { token: f.token, video_id: v.id, action_type: 1 });
    expect(await eventually(counted, (c) => c.video === FANS && c.author === FANS, 15_000)).toEqual({ video: FANS, author: FANS });
    expect((await stored()).length).toBe(FANS);
  }, 60_000);
});
