// The community's articles with every service in its own process, as `npm run up` runs them: the
// user service once, the article service twice, and the gateway, each a Node process from dist/,
// found through a test-owned etcd, on the real MariaDB, Redis and NATS. An image is uploaded and
// used as a cover, an article published, searched, listed, edited and deleted over HTTP; detail
// reads sent together (so the balancer spreads them over both article instances) all see each
// write within 10 s (the row cache is shared in Redis, and each instance's own copies are dropped
// by the writer's message), and another user is refused. Then likes on one article stream in while
// an interaction instance and then an article instance are killed with SIGKILL: every stored like
// is counted exactly once, in the interaction service's counts and in the article's own column.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { mapLimit } from '#kit/mapreduce';
import { servers } from '#kit/testing';
import { pngImage } from '../packages/kit/media/testing/png.js';
import { clusterServersReady, served, sleep, startCluster, type Cluster } from './cluster.js';
import { eventually } from './douyin/client.js';

const ready = await clusterServersReady();
const COMMUNITY = '/api/v1/community';
/** Reads per check: enough that both article instances serve some (the balancer picks by latency and chance). */
const READS = 20;
const FANS = 60;
const CONCURRENCY = 4;

describe.skipIf(!ready)('distributed community: the article and interaction services in two processes each', () => {
  let cluster: Cluster;
  let seq = 0;
  const call = async (method: string, path: string, o: { body?: unknown; raw?: Buffer; token?: string } = {}) => {
    const res = await fetch(`${cluster.base}${path}`, {
      method,
      headers: {
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.raw !== undefined ? { 'content-type': 'image/png' } : {}),
      },
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
      signal: AbortSignal.timeout(10_000),
    });
    const type = res.headers.get('content-type') ?? '';
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, type, bytes, body: type.startsWith('application/json') && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined };
  };
  const signUp = async () => {
    const r = await call('POST', '/api/v1/users/register', { body: { username: `c${cluster.tag}${seq++}`, password: 'secret123' } });
    expect(r.status).toBe(201);
    return r.body as { id: number; token: string };
  };
  /** READS detail reads at once (in flight together, so the balancer spreads them); their statuses and titles. */
  const readAll = (id: number) =>
    Promise.all(
      Array.from({ length: READS }, async () => {
        const r = await call('GET', `${COMMUNITY}/articles/${id}`);
        return { status: r.status, title: r.body?.article?.title as string | undefined };
      }),
    );
  /** Repeats readAll until every read agrees with `ok`, at most 10 s: an instance's own copy is dropped by a message, not at once. */
  const untilAll = async (id: number, ok: (read: { status: number; title: string | undefined }) => boolean) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const reads = await readAll(id);
      if (reads.every(ok) || Date.now() > deadline) return reads;
    }
  };

  beforeAll(async () => {
    // The gateway keeps no page (community.pageCacheMs 0): every detail read reaches an article instance, whose own copies are what this tests.
    cluster = await startCluster({ services: { user: 1, article: 2, interaction: 2 }, env: { SURGE__limits__loginPerIp__quota: '100000', SURGE__community__pageCacheMs: '0' } });
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('publishes, searches, lists, edits and deletes across the processes; every instance sees each write', async () => {
    expect(cluster.instances('article')).toHaveLength(2);
    const alice = await signUp();
    const bob = await signUp();

    const png = pngImage(3, 3);
    const up = await call('POST', `${COMMUNITY}/uploads`, { token: alice.token, raw: png });
    expect(up.status).toBe(201);
    const image = await call('GET', up.body.url);
    expect(image.status).toBe(200);
    expect(image.type).toBe('image/png');
    expect(Buffer.compare(image.bytes, png)).toBe(0);

    const made = await call('POST', `${COMMUNITY}/articles`, { token: alice.token, body: { title: `分布式 手机 ${cluster.tag}`, content: '正文', cover_url: up.body.url, tags: ['分布式'] } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const article = made.body.article;
    expect(article).toMatchObject({ cover_url: up.body.url, author: { id: alice.id }, like_count: 0, liked: false });

    expect((await readAll(article.id)).every((r) => r.status === 200 && r.title === article.title)).toBe(true);
    const found = await call('GET', `${COMMUNITY}/search?q=${encodeURIComponent(`手机 ${cluster.tag}`)}`);
    expect(found.body.articles.map((a: { id: number }) => a.id)).toEqual([article.id]);
    const listed = await call('GET', `${COMMUNITY}/users/${alice.id}/articles?sort=likes`);
    expect(listed.body).toMatchObject({ articles: [{ id: article.id }], next_cursor: '', is_end: true });

    expect((await call('PATCH', `${COMMUNITY}/articles/${article.id}`, { token: bob.token, body: { title: 'bob' } })).status).toBe(403);
    expect((await call('DELETE', `${COMMUNITY}/articles/${article.id}`, { token: bob.token })).status).toBe(403);

    const edited = await call('PATCH', `${COMMUNITY}/articles/${article.id}`, { token: alice.token, body: { title: `改过 ${cluster.tag}` } });
    expect(edited.status).toBe(200);
    const afterEdit = await untilAll(article.id, (r) => r.status === 200 && r.title === edited.body.article.title);
    expect(afterEdit.filter((r) => r.title !== edited.body.article.title)).toEqual([]);

    expect((await call('DELETE', `${COMMUNITY}/articles/${article.id}`, { token: alice.token })).status).toBe(204);
    const afterDelete = await untilAll(article.id, (r) => r.status === 404);
    expect(afterDelete.filter((r) => r.status !== 404)).toEqual([]);
    expect((await call('GET', `${COMMUNITY}/search?q=${encodeURIComponent(`手机 ${cluster.tag}`)}`)).body.articles).toEqual([]);
    // Both instances served detail reads, so both were read after each write.
    const counts = await Promise.all(cluster.instances('article').map(async (i) => (await served(i.metricsUrl, 'GetArticles')).count));
    expect(counts.every((n) => n > 0), `GetArticles served per instance: ${counts.join(', ')}`).toBe(true);
  });

  it('counts every stored like exactly once after an interaction and an article instance are killed mid-stream', async () => {
    const author = await signUp();
    const made = await call('POST', `${COMMUNITY}/articles`, { token: author.token, body: { title: 'liked through a crash', content: 'x' } });
    expect(made.status).toBe(201);
    const id = made.body.article.id as number;
    const fans = await mapLimit(Array.from({ length: FANS }), 8, () => signUp());

    /** HTTP status of each fan's like (0: no answer). Overloaded (the shedder's "retry later") is retried, as a client does. */
    const status = new Array<number>(FANS).fill(0);
    const like = async (token: string): Promise<number> => {
      try {
        const r = await call('PUT', `${COMMUNITY}/likes/article/${id}`, { token });
        return r.status === 503 && r.body?.code === Code.Overloaded ? -503 : r.status;
      } catch {
        return 0;
      }
    };
    let next = 0;
    let answered = 0;
    const loops = Array.from({ length: CONCURRENCY }, async () => {
      while (next < FANS) {
        const i = next++;
        while ((status[i] = await like(fans[i]!.token)) === -503) await sleep(20);
        answered++;
      }
    });
    // A third of the way in, the interaction instance that served more likes dies; two thirds in,
    // an article instance (a consumer of the like events) dies. Nothing deregisters.
    const crash = (async () => {
      while (answered < FANS / 3) await sleep(2);
      const likes = await Promise.all(cluster.instances('interaction').map(async (p) => ({ p, n: (await served(p.metricsUrl, 'Like')).count })));
      await cluster.kill(likes.sort((x, y) => y.n - x.n)[0]!.p.proc);
      while (answered < (2 * FANS) / 3) await sleep(2);
      await cluster.kill(cluster.instances('article')[0]!.proc);
    })();
    await Promise.all([...loops, crash]);
    expect(cluster.instances('interaction')).toHaveLength(1);
    expect(cluster.instances('article')).toHaveLength(1);
    const unanswered = fans.filter((_, i) => status[i] !== 200);
    expect(unanswered.length, `statuses of the unanswered: ${status.filter((c) => c !== 200).join(', ')}`).toBeLessThanOrEqual(4 * CONCURRENCY);

    // What is stored: each fan's own flag (a like that failed may or may not have committed).
    const flags = await mapLimit(fans, 8, async (f) => (await eventually(() => call('GET', `${COMMUNITY}/articles/${id}`, { token: f.token }), (r) => r.status === 200)).body.article.liked as boolean);
    const likers = flags.filter(Boolean).length;
    expect(fans.filter((_, i) => status[i] === 200 && !flags[i]).length, 'acknowledged likes are stored').toBe(0);

    // The interaction service's count, and the article's own column (its "by likes" order): each
    // stored like once, the dead instances' unsent events relayed by the survivors.
    const db = await mysql.createConnection({ host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '', database: `surgetest_${cluster.tag}_article` });
    try {
      const counted = async () => ({
        shown: (await call('GET', `${COMMUNITY}/articles/${id}`)).body?.article?.like_count as number,
        stored: Number(((await db.query('SELECT like_count FROM articles WHERE id = ?', [id]))[0] as { like_count: number }[])[0]!.like_count),
      });
      const want = { shown: likers, stored: likers };
      // Deliveries a killed consumer held come back after the batch consumers' 5 s ack wait.
      expect(await eventually(counted, (c) => c.shown === likers && c.stored === likers, 30_000)).toEqual(want);
      await sleep(2000);
      expect(await counted(), 'still exact once late deliveries had their chance').toEqual(want);

      // Recovery as a client sees it: replacements join, the failed likes are sent again, every fan counted once.
      await Promise.all([cluster.startService('interaction'), cluster.startService('article')]);
      for (const f of unanswered) expect((await call('PUT', `${COMMUNITY}/likes/article/${id}`, { token: f.token })).status).toBe(200);
      expect(await eventually(counted, (c) => c.shown === FANS && c.stored === FANS, 20_000)).toEqual({ shown: FANS, stored: FANS });
    } finally {
      await db.end();
    }
  }, 90_000);
});
