// The two timed write paths of the community benchmark: many users liking one article (likes/s,
// then how long until the article shows the exact count) and an author publishing to many
// followers (how long until their feeds show the article).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { pool } from '../douyin.mjs';
import { COMMUNITY } from './api.mjs';

/** How long a count or a fan-out may take to show before the run calls it a failure. */
const SHOW_TIMEOUT_MS = 60_000;
/** The feed reads of the sample in flight at once: enough to sweep 200 followers quickly, few enough not to slow the fan-out they watch. */
const SAMPLE_READS_IN_FLIGHT = 8;

/**
 * Every liker likes `articleId` once (`PUT /likes/article/:id`), `inFlight` at a time over
 * keep-alive connections. Each reply must be 200 with `liked: true`. Then polls
 * `GET /articles/:id`, signed in as the first liker (a signed-in detail reads its counts fresh;
 * an anonymous one may be up to community.pageCacheMs older), until `like_count` is exactly the
 * likers' number. A node:http client
 * rather than wrk: each like is sent once, by its own user, and the last acknowledgement's time
 * is known to the millisecond.
 */
export async function likeBurst({ url, api, likers, articleId, inFlight }) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const path = `${COMMUNITY}/likes/article/${articleId}`;
  const latencies = [];
  const started = performance.now();
  let lastAck = started;
  try {
    await pool(inFlight, likers.length, async (i) => {
      const t0 = performance.now();
      const { status, body } = await put(agent, { hostname, port, path, token: likers[i].token });
      if (status !== 200 || JSON.parse(body).liked !== true) throw new Error(`PUT ${path} as liker ${i} answered ${status}: ${body.slice(0, 300)}`);
      lastAck = performance.now();
      latencies.push(lastAck - t0);
    });
  } finally {
    agent.destroy();
  }
  const seconds = (lastAck - started) / 1000;
  // The count must become exact: never more (a like counted twice), and within SHOW_TIMEOUT_MS.
  let count = -1;
  let exactAfterMs = null;
  while (performance.now() - lastAck < SHOW_TIMEOUT_MS) {
    count = (await api.call('GET', `${COMMUNITY}/articles/${articleId}`, { token: likers[0].token })).article.like_count;
    if (count > likers.length) break;
    if (count === likers.length) {
      exactAfterMs = performance.now() - lastAck;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { articleId, likes: likers.length, inFlight, seconds, likesPerSecond: likers.length / seconds, latencyMs: percentiles(latencies), exactAfterMs, lastCount: count };
}

function put(agent, { hostname, port, path, token }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method: 'PUT', agent, headers: { authorization: `Bearer ${token}`, 'content-length': 0 } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * `author` publishes one article; from its 201, times (a) until the feed service's database
 * holds what delivers it to every follower (`followers` inbox rows when pushed, its `pulled` row
 * when pulled: `pushed` says which is expected) and (b) until the first page of `GET /feed` of
 * every follower in `sample` lists it (each sampled follower is read again until it does). When
 * no read missed, every sampled feed had it at its first read: the sweep's length then bounds
 * the reads, not the delivery, and the database's time is the delivery's.
 */
export async function watchFanout({ api, db, author, followers, sample, pushed }) {
  const t0 = performance.now();
  const articleId = await api.publish(author, `fan-out ${pushed ? 'push' : 'pull'}`);
  const acked = performance.now();
  const since = () => performance.now() - acked;

  const database = (async () => {
    for (;;) {
      const done = pushed ? (await db.inboxRows(articleId)) >= followers : await db.pulled(articleId);
      if (done) return { ms: since(), inboxRows: await db.inboxRows(articleId), pulled: await db.pulled(articleId) };
      if (since() > SHOW_TIMEOUT_MS) return { ms: null, inboxRows: await db.inboxRows(articleId), pulled: await db.pulled(articleId) };
      await new Promise((r) => setTimeout(r, 25));
    }
  })();

  const seen = new Array(sample.length).fill(null);
  let reads = 0;
  let misses = 0;
  while (seen.includes(null) && since() < SHOW_TIMEOUT_MS) {
    const waiting = seen.flatMap((s, i) => (s === null ? [i] : []));
    await pool(SAMPLE_READS_IN_FLIGHT, waiting.length, async (k) => {
      const i = waiting[k];
      reads++;
      const page = await api.feed(sample[i]);
      if (page.articles.some((a) => a.id === articleId)) seen[i] = since();
      else misses++;
    });
  }
  const found = seen.filter((s) => s !== null);
  return {
    articleId,
    delivery: pushed ? 'push' : 'pull',
    followers,
    publishMs: acked - t0,
    database: await database,
    sample: { size: sample.length, seen: found.length, feedReads: reads, missed: misses, allSeenMs: found.length === sample.length ? Math.max(...found) : null, firstSeenMs: percentiles(found) },
  };
}

/** p50, p99 and max of a list of milliseconds (nulls when empty). */
export function percentiles(xs) {
  if (xs.length === 0) return { p50: null, p99: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { p50: at(50), p99: at(99), max: s.at(-1) };
}
