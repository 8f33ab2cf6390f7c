// Surge community benchmark. Three reads (an article's detail, anonymous and signed in; an
// author's list; the following feed of a reader who follows 500 authors, some above
// feed.pushLimit) each measured against a bare node:http hello in alternating rounds; then the
// two write paths timed: 5,000 users liking one article, and an author with 10,000 followers
// publishing (pulled, then pushed). See bench/README.md.
//
//   node bench/community/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S]
//                                [--connections C] [--threads T] [--followers N] [--authors N] [--big-authors N]
//                                [--push-limit N] [--likers N] [--like-rounds N] [--seed-concurrency N] [--small]
//                                [--reads detail_anon,list,...] [--cpu-prof DIR]
//
// --cpu-prof DIR: Surge writes a V8 CPU profile there when it stops; the run measures only the
// reads (no likes, no fan-out) and writes no results file (a profiled Surge is slower).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkAlive, createHarness, freePort, loadText, machine, measuredRun, parseFlags, positiveInt, printRows, root, runModes, waitReady, wrkVersion } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';
import { COMMUNITY, CommunityApi, follow, publishAll, registerUsers } from './api.mjs';
import { openFeedDb, restartFeed, settle } from './system.mjs';
import { likeBurst, watchFanout } from './timed.mjs';

/** The fraction of hello's requests/s each read must reach (issue: the community). */
const TARGETS = { detail_anon: 0.5, detail_signed: 0.5, list: 0.5, feed: 0.3 };
const ALL_READS = Object.keys(TARGETS);
/** Articles every author publishes in the seed; the listed author publishes LIST_ARTICLES (more than a page of 20). */
const ARTICLES_PER_AUTHOR = 2;
const LIST_ARTICLES = 30;
/** How many more followers than feed.pushLimit each big author gets. */
const ABOVE_LIMIT = 10;
/** Followers whose feeds are read to see a fan-out arrive. */
const FANOUT_SAMPLE = 200;
/**
 * Publishes in flight while seeding: one. On MariaDB two articles published at once can deadlock
 * on the search index (each new article's terms are deleted, then inserted: both take the gap at
 * the end of article_terms_by_article), and one still deadlocking after its retries answers 503.
 */
const PUBLISH_IN_FLIGHT = 1;
/** Likes in flight in a burst: as many as wrk's connections elsewhere. */
const LIKES_IN_FLIGHT = 64;

/**
 * What Surge runs with: sign-ups from one address are not limited (every account registers from
 * 127.0.0.1), and passwords are hashed at 2^10 instead of 2^17 (10,000 sign-ups at ~0.3 s of a
 * core each would take most of an hour; nothing measured signs in).
 */
const SURGE_ENV = { SURGE__limits__loginPerIp__quota: '1000000', SURGE__auth__passwordCost: '10' };

/** A mode that runs longer than this has stalled somewhere: the run stops (a default run takes about 8 minutes). */
const MODE_LIMIT_MS = 20 * 60_000;

const opts = parseArgs(process.argv.slice(2));
const READS = opts.reads;
const h = createHarness();
const shutdown = runBenchmark(() => runModes(h, opts.mode, benchMode), () => h.runCleanups());

async function benchMode(mode) {
  const watchdog = setTimeout(() => void shutdown(1, `${mode} mode still running after ${MODE_LIMIT_MS / 60_000} minutes`), MODE_LIMIT_MS);
  watchdog.unref();
  h.defer(async () => clearTimeout(watchdog));
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  const hello = await h.startProcess('hello', join(root, 'bench', 'http', 'hello.mjs'), { PORT: String(await freePort()) }, dataDir);
  console.log(`\nbench: community, ${mode} mode: starting Surge (feed.pushLimit ${opts.pushLimit})`);
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  let surge = await h.startSurge({ mode, dataDir, tag, env: { ...SURGE_ENV, SURGE__feed__pushLimit: String(opts.pushLimit) }, nodeArgs });
  await waitReady(hello, '/');
  const api = new CommunityApi(surge.url);
  const problems = [];

  const seed = await seedCommunity(api, surge, tag);
  const db = await openFeedDb(mode, surge, dataDir);
  h.defer(() => db.close());
  seed.pulledArticles = await db.pulledCount();
  seed.feedFollowerCountOfFanoutAuthor = await db.followerCount(seed.fanoutAuthor.id);
  if (seed.pulledArticles === 0) throw new Error('no article was recorded as pulled: the feed read would not merge pulled authors');
  const targets = await readTargets(api, seed, surge.url, hello.url);

  const loadBefore = os.loadavg();
  console.log(`bench: reads, ${opts.rounds} round(s) of ${opts.duration}s per run, wrk -t${opts.threads} -c${opts.connections}`);
  console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);
  const warm = Math.min(3, opts.duration);
  for (const t of Object.values(targets)) await wrk(t, warm);
  const procs = () => [hello, ...surge.procs];
  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    const runs = {};
    const ratios = {};
    for (const name of READS) {
      runs[`helloBefore_${name}`] = await measure(targets.hello, 'hello', procs());
      runs[name] = await measure(targets[name], name, procs());
      ratios[name] = runs[name].rps / runs[`helloBefore_${name}`].rps;
    }
    rounds.push({ round: r, runs, ratios });
    console.log(`  round ${r}: ` + READS.map((n) => `${n} ${fmt(runs[n].rps)} (${ratios[n].toFixed(3)})`).join('; '));
  }
  if (opts.cpuProfDir) {
    console.log(`bench: profiled run, no results file written; profile in ${opts.cpuProfDir} once Surge stops`);
    return { pass: true };
  }
  const medians = Object.fromEntries(READS.map((n) => [n, median(rounds.map((r) => r.ratios[n]))]));
  const pass = Object.fromEntries(READS.map((n) => [n, medians[n] >= TARGETS[n]]));

  // Likes: each round a fresh article of an ordinary author, liked once by each of the likers.
  const likes = [];
  for (let r = 1; r <= opts.likeRounds; r++) {
    const articleId = await api.publish(seed.hotAuthor, `hot ${r}`);
    await settle(surge.procs);
    const burst = await likeBurst({ url: surge.url, api, likers: seed.likers, articleId, inFlight: LIKES_IN_FLIGHT });
    likes.push({ round: r, ...burst });
    console.log(`  likes ${r}: ${fmt(burst.likes)} in ${burst.seconds.toFixed(2)} s = ${fmt(burst.likesPerSecond)}/s, p50 ${burst.latencyMs.p50.toFixed(1)} ms, p99 ${burst.latencyMs.p99.toFixed(1)} ms; exact count after ${burst.exactAfterMs === null ? `NEVER (last ${burst.lastCount})` : `${burst.exactAfterMs.toFixed(0)} ms`}`);
    if (burst.exactAfterMs === null) problems.push(`likes round ${r}: GET /articles/${articleId} showed like_count ${burst.lastCount}, not ${burst.likes}, 60 s after the last like`);
    await settle(surge.procs);
  }

  // Fan-out: the author is above the push limit now (pulled); then the feed restarts with a
  // push limit as high as the author's followers, and the next article is pushed to every inbox.
  const fanout = [];
  const watch = (pushed) => watchFanout({ api, db, author: seed.fanoutAuthor, followers: opts.followers, sample: seed.fanoutSample, pushed });
  fanout.push(await watch(false));
  await settle(surge.procs);
  console.log(`bench: restarting the feed with feed.pushLimit ${opts.followers}`);
  surge = await restartFeed(h, surge, { mode, dataDir, pushLimit: opts.followers });
  fanout.push(await watch(true));
  for (const f of fanout) {
    console.log(`  fan-out (${f.delivery}): publish ${f.publishMs.toFixed(0)} ms; database ${f.database.ms === null ? 'NOT complete' : `complete after ${f.database.ms.toFixed(0)} ms`} (${fmt(f.database.inboxRows)} inbox rows, pulled ${f.database.pulled}); ${f.sample.seen}/${f.sample.size} sampled feeds list it ${f.sample.allSeenMs === null ? '' : `all after ${f.sample.allSeenMs.toFixed(0)} ms`} (${f.sample.feedReads} reads, ${f.sample.missed} before it showed)`);
    if (f.database.ms === null || f.sample.allSeenMs === null) problems.push(`fan-out (${f.delivery}): not every follower had article ${f.articleId} 60 s after it was published`);
  }
  checkAlive(surge.procs);

  const result = {
    date: new Date().toISOString(),
    mode,
    machine: machine(loadBefore),
    wrk: { version: wrkVersion(), threads: opts.threads, connections: opts.connections, durationSeconds: opts.duration, warmupSeconds: warm },
    surge: { pushLimit: opts.pushLimit, passwordCost: Number(SURGE_ENV.SURGE__auth__passwordCost), pushLimitForPushedFanout: opts.followers },
    seed: { ...seedSummary(seed), feedDatabase: db.where },
    routes: Object.fromEntries(READS.map((n) => [n, targets[n].route])),
    rounds,
    medians,
    targets: TARGETS,
    pass,
    passAll: Object.values(pass).every(Boolean),
    likes: { inFlight: LIKES_IN_FLIGHT, rounds: likes, medianLikesPerSecond: median(likes.map((l) => l.likesPerSecond)), medianExactAfterMs: likes.some((l) => l.exactAfterMs === null) ? null : median(likes.map((l) => l.exactAfterMs)) },
    fanout,
    problems,
  };
  printTable(result);
  const file = join(root, 'bench', 'results', `community-${mode}.json`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`bench: wrote ${file.slice(root.length)}`);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { pass: result.passAll };
}

/**
 * The seed, through the API: users[0] is the fan-out author, followed by every other user;
 * users[1] the reader, who follows `authors` authors (the fan-out author and users[2…]); the
 * first `bigAuthors` of them (the fan-out author included) have more followers than
 * feed.pushLimit. Every author publishes ARTICLES_PER_AUTHOR articles, the listed author
 * (users[2]) LIST_ARTICLES, in a shuffled order so the pulled authors' articles are spread through
 * the reader's feed. Follows come first and are applied before anything is published: the feed
 * decides push or pull by the follower count when an article is published.
 */
async function seedCommunity(api, surge, tag) {
  const t0 = performance.now();
  const timings = {};
  const step = async (name, fn) => {
    const s = performance.now();
    const v = await fn();
    timings[name] = (performance.now() - s) / 1000;
    return v;
  };
  console.log(`bench: seeding ${fmt(opts.followers + 1)} users, ${opts.seedConcurrency} calls in flight`);
  const users = await step('register', () => registerUsers(api, { count: opts.followers + 1, tag }));
  const [fanoutAuthor, reader] = users;
  const authors = [fanoutAuthor, ...users.slice(2, opts.authors + 1)];
  const big = authors.slice(0, opts.bigAuthors);
  // The big authors' extra followers come from beyond the authors, each a different block of users.
  const pool = users.slice(opts.authors + 1);
  const extra = opts.pushLimit + ABOVE_LIMIT;
  const pairs = [
    ...users.slice(1).map((u) => [u, fanoutAuthor]),
    ...authors.slice(1).map((a) => [reader, a]),
    ...big.slice(1).flatMap((a, k) => Array.from({ length: extra }, (_, j) => [pool[(k * extra + j) % pool.length], a])),
  ];
  await step('follow', () => follow(api, pairs, opts.seedConcurrency));
  timings.settleFollows = await settle(surge.procs);

  const listAuthor = authors[1];
  const entries = shuffle([...authors.flatMap((a) => Array(ARTICLES_PER_AUTHOR).fill(a)), ...Array(LIST_ARTICLES - ARTICLES_PER_AUTHOR).fill(listAuthor)]);
  const ids = await step('publish', () => publishAll(api, entries, PUBLISH_IN_FLIGHT));
  timings.settlePublish = await settle(surge.procs);
  timings.total = (performance.now() - t0) / 1000;
  console.log(`bench: seeded in ${timings.total.toFixed(1)} s (${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')})`);

  const listArticles = ids.filter((_, i) => entries[i] === listAuthor);
  const hotAuthor = authors[2];
  const followers = users.slice(1);
  return {
    users,
    reader,
    fanoutAuthor,
    listAuthor,
    hotAuthor,
    authors,
    big,
    follows: pairs.length,
    articles: ids.length,
    detailArticle: listArticles.at(-1),
    likers: users.filter((u) => u !== hotAuthor).slice(0, opts.likers),
    fanoutSample: Array.from({ length: Math.min(FANOUT_SAMPLE, followers.length) }, (_, i) => followers[Math.floor((i * followers.length) / Math.min(FANOUT_SAMPLE, followers.length))]),
    timings,
    shed: api.shed,
  };
}

function seedSummary(s) {
  return {
    users: s.users.length,
    follows: s.follows,
    readerFollows: s.authors.length,
    authorsAbovePushLimit: s.big.length,
    followersOfEachBigAuthor: { fanoutAuthor: opts.followers, others: opts.pushLimit + ABOVE_LIMIT },
    articles: s.articles,
    articlesPerAuthor: ARTICLES_PER_AUTHOR,
    listAuthorArticles: LIST_ARTICLES,
    pulledArticles: s.pulledArticles,
    readerFeedPageFromBigAuthors: s.feedPageFromBigAuthors,
    feedFollowerCountOfFanoutAuthor: s.feedFollowerCountOfFanoutAuthor,
    likers: s.likers.length,
    fanoutSample: s.fanoutSample.length,
    seconds: s.timings,
    callsShedAndRetried: s.shed,
  };
}

/**
 * The four reads and hello, each checked once and warmed: the detail article gets a few likes
 * (the reader's among them, so `liked` is true signed in) and is read 20 times each way.
 */
async function readTargets(api, seed, base, helloUrl) {
  const { reader, listAuthor, detailArticle } = seed;
  for (const u of [reader, ...seed.likers.slice(0, 20)]) await api.call('PUT', `${COMMUNITY}/likes/article/${detailArticle}`, { token: u.token });
  const bearer = `Authorization: Bearer ${reader.token}`;
  const t = {
    hello: { url: `${helloUrl}/`, route: 'GET /' },
    detail_anon: { url: `${base}${COMMUNITY}/articles/${detailArticle}`, route: `GET ${COMMUNITY}/articles/:id (anonymous)` },
    detail_signed: { url: `${base}${COMMUNITY}/articles/${detailArticle}`, headers: [bearer], route: `GET ${COMMUNITY}/articles/:id (signed in)` },
    list: { url: `${base}${COMMUNITY}/users/${listAuthor.id}/articles`, route: `GET ${COMMUNITY}/users/:id/articles (anonymous, newest 20)` },
    feed: { url: `${base}${COMMUNITY}/feed`, headers: [bearer], route: `GET ${COMMUNITY}/feed (signed in, newest 20)` },
  };
  const detail = await api.call('GET', `${COMMUNITY}/articles/${detailArticle}`, { token: reader.token });
  if (!detail.article.liked) throw new Error(`GET /articles/${detailArticle} signed in as its liker answered liked: false`);
  const list = await api.call('GET', `${COMMUNITY}/users/${listAuthor.id}/articles`);
  if (list.articles.length !== 20) throw new Error(`the listed author's first page holds ${list.articles.length} articles, not 20`);
  const feed = await api.feed(reader);
  if (feed.articles.length !== 20) throw new Error(`the reader's feed holds ${feed.articles.length} articles, not 20`);
  const bigIds = new Set(seed.big.map((a) => a.id));
  seed.feedPageFromBigAuthors = feed.articles.filter((a) => bigIds.has(a.author.id)).length;
  for (let i = 0; i < 20; i++) {
    await Promise.all([api.call('GET', `${COMMUNITY}/articles/${detailArticle}`), api.call('GET', `${COMMUNITY}/articles/${detailArticle}`, { token: reader.token }), api.call('GET', `${COMMUNITY}/users/${listAuthor.id}/articles`), api.feed(reader)]);
  }
  return t;
}

/** A fixed shuffle (mulberry32 from a constant seed), so every run publishes in the same order. */
function shuffle(xs) {
  let a = 0x9e3779b9;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

function measure(target, name, procs) {
  return measuredRun(h, name, target, procs, wrkRun(opts.duration));
}

function wrk(target, seconds) {
  return h.wrk({ ...target, ...wrkRun(seconds) });
}

function wrkRun(seconds) {
  return { seconds, threads: opts.threads, connections: opts.connections };
}

function printTable(r) {
  const rows = [['round', 'target', 'req/s', 'p50 ms', 'p99 ms', 'ratio']];
  for (const round of r.rounds) {
    for (const [key, run] of Object.entries(round.runs)) rows.push([String(round.round), key.startsWith('hello') ? 'hello' : key, fmt(run.rps), run.latencyMs.p50.toFixed(2), run.latencyMs.p99.toFixed(2), round.ratios[key]?.toFixed(3) ?? '']);
  }
  printRows(rows);
  console.log('');
  for (const n of READS) console.log(`  ${n.padEnd(13)} median ratio ${r.medians[n].toFixed(3)}  target ≥ ${TARGETS[n]}  ${r.pass[n] ? 'PASS' : 'FAIL'}`);
  const l = r.likes;
  console.log(`  likes         median ${fmt(l.medianLikesPerSecond)}/s (${l.rounds.length} round(s) of ${fmt(l.rounds[0]?.likes ?? 0)} users, ${l.inFlight} in flight); exact count shown ${l.medianExactAfterMs === null ? 'NOT within 60 s' : `${l.medianExactAfterMs.toFixed(0)} ms`} after the last like (median)`);
  for (const f of r.fanout) {
    console.log(`  fan-out ${f.delivery.padEnd(5)} ${fmt(f.followers)} followers: database ${f.database.ms === null ? 'incomplete' : `${f.database.ms.toFixed(0)} ms`}, ${f.sample.size} sampled feeds ${f.sample.allSeenMs === null ? 'incomplete' : `${f.sample.allSeenMs.toFixed(0)} ms`} after the publish's 201 (${f.sample.missed} reads missed it)`);
  }
  console.log(`  feed database read: ${r.seed.feedDatabase}\n`);
}

function parseArgs(argv) {
  const o = { mode: 'embedded', rounds: 3, duration: 10, connections: 64, threads: 1, followers: 10_000, authors: 500, bigAuthors: 10, pushLimit: 50, likers: 5000, likeRounds: 3, seedConcurrency: 16, reads: ALL_READS, cpuProfDir: null };
  const int = (key) => (v) => (o[key] = positiveInt(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v, usage));
  parseFlags(
    argv,
    {
      '--mode': (v) => (o.mode = v),
      '--reads': (v) => (o.reads = v.split(',')),
      '--cpu-prof': (v) => (o.cpuProfDir = resolve(v)),
      ...Object.fromEntries(['rounds', 'duration', 'connections', 'threads', 'followers', 'authors', 'bigAuthors', 'pushLimit', 'likers', 'likeRounds', 'seedConcurrency'].map((k) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, int(k)])),
      // A trial of the script itself: a seed of seconds, one short round. Figures void.
      '--small': () => Object.assign(o, { rounds: 1, duration: 2, followers: 300, authors: 40, bigAuthors: 3, pushLimit: 10, likers: 200, likeRounds: 1 }),
    },
    usage,
  );
  if (!['embedded', 'servers', 'distributed', 'both', 'all'].includes(o.mode)) usage('--mode is embedded, servers, distributed, both or all');
  if (o.reads.length === 0 || o.reads.some((n) => !ALL_READS.includes(n))) usage(`--reads takes some of ${ALL_READS.join(',')}`);
  if (o.bigAuthors > o.authors) usage('--big-authors must be at most --authors');
  if (o.authors < 3) usage('--authors must be at least 3 (the fan-out author, the listed author and the liked author)');
  if (o.pushLimit >= o.followers) usage('--push-limit must be below --followers (the fan-out author must start above it)');
  if (o.followers < o.authors + (o.bigAuthors - 1) * (o.pushLimit + ABOVE_LIMIT) || o.followers < o.likers + 1) usage('--followers too small for the authors, the big authors\' followers and the likers');
  return o;
}

function usage(problem) {
  console.error(
    `bench: ${problem}\nusage: node bench/community/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S] [--connections C] [--threads T]\n` +
      '                                   [--followers N] [--authors N] [--big-authors N] [--push-limit N] [--likers N] [--like-rounds N] [--seed-concurrency N] [--small]\n' +
      '                                   [--reads detail_anon,list,...] [--cpu-prof DIR]',
  );
  process.exit(64);
}
