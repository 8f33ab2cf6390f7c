// The community's articles with every service in its own process, as `npm run up` runs them: the
// user service once, the article service twice, and the gateway, each a Node process from dist/,
// found through a test-owned etcd, on the real MariaDB, Redis and NATS. An image is uploaded and
// used as a cover, an article published, searched, listed, edited and deleted over HTTP; detail
// reads sent together (so the balancer spreads them over both article instances) all see each
// write within 10 s (the row cache is shared in Redis, and each instance's own copies are dropped
// by the writer's message), and another user is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngImage } from '../packages/kit/media/testing/png.js';
import { clusterServersReady, served, startCluster, type Cluster } from './cluster.js';

const ready = await clusterServersReady();
const COMMUNITY = '/api/v1/community';
/** Reads per check: enough that both article instances serve some (the balancer picks by latency and chance). */
const READS = 20;

describe.skipIf(!ready)('distributed community: the article service in two processes', () => {
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
    cluster = await startCluster({ services: { user: 1, article: 2 }, env: { SURGE__limits__loginPerIp__quota: '100000' } });
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
});
