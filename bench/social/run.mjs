// Surge social benchmark: a mixed Douyin workload, 70% feed, 15% like/unlike, 10% comment list and
// 5% follow/unfollow, by many signed-in viewers over seeded users and videos; requests/s and the
// latency distribution overall from wrk, and per kind from a light probe beside it. No baseline:
// it shows what the system does under a realistic mix, reads and writes together. See
// bench/README.md.
//
//   node bench/social/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S]
//                             [--connections C] [--threads T] [--request-log on|off] [--batch-replies on|off] [--probe-rate N] [--cpu-prof DIR]
//                             [--users N] [--videos N] [--seed-concurrency N] [--small]
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkDouyinOptions, checkReplies, Douyin, douyinFlags, douyinScript, pool, SEED_ENV, seedUsersAndVideos } from '../douyin.mjs';
import { checkAlive, checkClean, createHarness, loadText, machine, parseFlags, positiveInt, printRows, root, runModes, wrkVersion } from '../harness.mjs';
import { settle } from '../community/system.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';

/** Percent of requests per kind. */
const WEIGHTS = { feed: 70, like: 15, comments: 10, follow: 5 };
const KINDS = Object.keys(WEIGHTS);

const WRK_WHY =
  'one wrk thread on the second core outpaces one Node event loop, so the server is the bottleneck; ' +
  '64 keep-alive connections keep it always busy; more would only add queueing time to the latencies';

const opts = parseArgs(process.argv.slice(2));
const h = createHarness();

// The mix has no ratio target: it reports its figures (every mode passes).
runBenchmark(() => runModes(h, opts.mode, async (mode) => (await benchMode(mode), { pass: true })), () => h.runCleanups());

async function benchMode(mode) {
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  console.log(`\nbench: social, ${mode} mode: starting Surge`);
  // --cpu-prof DIR: Surge writes a V8 CPU profile there when it stops (long stalls: bench/http/long-tasks.mjs).
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const surge = await h.startSurge({ mode, dataDir, tag, env: { ...SEED_ENV, SURGE__log__requests: String(opts.requestLog), SURGE__http__batchReplies: String(opts.batchReplies) }, nodeArgs });
  const api = new Douyin(surge.url);

  console.log(`bench: seeding ${opts.users} users and ${opts.videos} videos through the API, ${opts.seedConcurrency} calls in flight`);
  const users = await seedUsersAndVideos(api, { users: opts.users, videos: opts.videos, concurrency: opts.seedConcurrency, tag });
  // The newest videos are the ones viewers see in the feed, so the ones they like.
  const newest = await newestVideos(api, users[0], opts.likeVideos);
  const commentVideos = newest.slice(0, opts.commentVideos);
  const comments = commentVideos.flatMap((v, i) => Array.from({ length: opts.commentsPerVideo }, (_, k) => [users[(i * 7 + k * 13) % users.length], v]));
  await pool(opts.seedConcurrency, comments.length, (i) => api.ok('POST', '/douyin/comment/action/', { token: comments[i][0].token, video_id: comments[i][1], action_type: 1, comment_text: `comment ${i} 👍` }));
  console.log(`bench: ${comments.length} comments on ${commentVideos.length} videos`);
  // The seed's events are still being applied (counters, feeds, search) for a while after its last answer.
  const settled = await settle(surge.procs, { timeoutMs: 180_000 });
  console.log(`bench: the system settled ${settled.toFixed(1)} s after the seed`);

  // users[0] is the probe's viewer; every other user is one of wrk's.
  const viewers = users.slice(1);
  // Ids go to Lua as strings: LuaJIT prints a number with 14 significant digits, too few for an id.
  const data = { weights: WEIGHTS, tokens: viewers.map((u) => encodeURIComponent(u.token)), userIds: viewers.map((u) => String(u.id)), likeVideos: newest.map(String), commentVideos: commentVideos.map(String) };
  const script = douyinScript(join(dataDir, 'social.lua'), { prefix: `MIX = ${lua(data)}`, files: [join(root, 'bench', 'social', 'mix.lua')] });
  const run = (seconds) => h.wrk({ url: surge.url, seconds, threads: opts.threads, connections: opts.connections, script, extra: ['WRK_STATUS', 'WRK_MIX'] });

  // Warm-up calls of every kind, then a short unrecorded run of the mix, so the caches are filled
  // and V8 has optimised every route.
  const probe = createProbe(api, users[0], users[1], newest, commentVideos);
  for (let i = 0; i < 50; i++) await probe.once();
  probe.check('warm-up');
  probe.reset();
  const warm = Math.min(3, opts.duration);
  await run(warm);

  const loadBefore = os.loadavg();
  console.log(`bench: ${opts.rounds} round(s) of ${opts.duration}s, wrk -t${opts.threads} -c${opts.connections}, mix ${KINDS.map((k) => `${k} ${WEIGHTS[k]}%`).join(', ')}, probe ${opts.probeRate}/s per kind`);
  console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);
  const rounds = [];
  const histogramsBefore = await httpHistograms(surge.url);
  for (let r = 1; r <= opts.rounds; r++) {
    checkAlive(surge.procs);
    const probing = probe.during(opts.probeRate);
    const result = await run(opts.duration).finally(() => probing.stop());
    await probing.done;
    checkClean('mix', result);
    checkReplies('mix', result);
    probe.check(`round ${r}`);
    const { extra, ...figures } = result;
    rounds.push({ round: r, ...figures, picked: extra.WRK_MIX.picked });
    console.log(`  round ${r}: ${fmt(result.rps)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms`);
  }
  const loadAfter = os.loadavg();
  console.log(`bench: load average after: ${loadText(loadAfter)}`);
  const after = await httpHistograms(surge.url);
  const serverSide = routeLatencies(histogramsBefore, after);

  const result = {
    date: new Date().toISOString(),
    mode,
    requestLog: opts.requestLog,
    batchReplies: opts.batchReplies,
    machine: machine(loadBefore),
    wrk: { version: wrkVersion(), threads: opts.threads, connections: opts.connections, durationSeconds: opts.duration, warmupSeconds: warm, why: WRK_WHY },
    seed: { users: opts.users, videos: opts.videos, concurrency: opts.seedConcurrency, wrkViewers: viewers.length, likeVideos: newest.length, commentVideos: commentVideos.length, comments: comments.length },
    mix: {
      weights: WEIGHTS,
      routes: {
        feed: 'GET /douyin/feed/?token=… (newest 30)',
        like: 'POST /douyin/favorite/action/ (like, then unlike, per viewer and video)',
        comments: 'GET /douyin/comment/list/?token=…&video_id=…',
        follow: 'POST /douyin/relation/action/ (follow, then unfollow, per viewer and user)',
      },
    },
    rounds,
    medians: {
      rps: median(rounds.map((r) => r.rps)),
      p50Ms: median(rounds.map((r) => r.latencyMs.p50)),
      p99Ms: median(rounds.map((r) => r.latencyMs.p99)),
    },
    perKind: {
      how: `a client beside wrk sends one request of each kind ${opts.probeRate} times a second (as users[0]) and times it; wrk cannot time its requests per kind`,
      ...probe.summary(),
    },
    serverSide: {
      how: "the gateway's own latency histogram per route over the measured rounds (from its request being routed to its reply sent; not the wait before it is read), as bucket bounds: p99 ≤ the figure",
      routes: serverSide,
      eventLoopDelayMs: { p99: after['eventLoopDelay p99'], max: after['eventLoopDelay max'] },
    },
  };
  printTable(result);
  console.log('  route (server side)  requests  p50 ≤ ms  p99 ≤ ms');
  for (const [route, r] of Object.entries(serverSide)) console.log(`  ${route.padEnd(34)} ${String(r.count).padStart(8)}  ${String(r.p50Ms).padStart(8)}  ${String(r.p99Ms).padStart(8)}`);
  console.log(`  event-loop delay over the rounds: p99 ${after['eventLoopDelay p99']?.toFixed(1)} ms, max ${after['eventLoopDelay max']?.toFixed(1)} ms`);
  if (opts.cpuProfDir) {
    // The profiler slows Surge down: such figures must not stand in for a measurement.
    console.log(`bench: profiled run, no results file written; profile in ${opts.cpuProfDir}`);
    return;
  }
  const file = join(root, 'bench', 'results', `social-${mode}${opts.batchReplies ? '' : '-unbatched'}.json`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`bench: wrote ${file.slice(root.length)}`);
}

/** The gateway's request-latency histogram (cumulative bucket counts by `METHOD route`, all statuses summed), read from its /metrics. */
async function httpHistograms(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    // The event loop's delay since the last read (the collector resets it on each scrape).
    const lag = /^surge_nodejs_eventloop_lag_(p99|max)_seconds(?:\{[^}]*\})? (\S+)/.exec(line);
    if (lag) out[`eventLoopDelay ${lag[1]}`] = Number(lag[2]) * 1000;
    if (!line.startsWith('surge_http_request_duration_seconds_bucket{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key = `${labels.method} ${labels.route}`;
    const buckets = (out[key] ??= {});
    buckets[labels.le] = (buckets[labels.le] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

/** Per route, the requests between two histogram readings and the bucket bounds their p50 and p99 fall under. */
function routeLatencies(before, after) {
  const out = {};
  for (const [route, buckets] of Object.entries(after)) {
    if (typeof buckets === 'number') continue;
    const les = Object.keys(buckets).sort((a, b) => (a === '+Inf' ? Infinity : Number(a)) - (b === '+Inf' ? Infinity : Number(b)));
    const counts = les.map((le) => buckets[le] - (before[route]?.[le] ?? 0));
    const count = counts.at(-1);
    if (!count) continue;
    const bound = (q) => {
      const i = counts.findIndex((c) => c >= q * count);
      return les[i] === '+Inf' ? Infinity : Number(les[i]) * 1000;
    };
    out[route] = { count, p50Ms: bound(0.5), p99Ms: bound(0.99) };
  }
  return out;
}

/** Ids of the newest `count` videos, paging the feed as the app does. */
async function newestVideos(api, viewer, count) {
  const ids = [];
  let next;
  while (ids.length < count) {
    const page = await api.ok('GET', '/douyin/feed/', { token: viewer.token, latest_time: next });
    if (page.video_list.length === 0) break;
    ids.push(...page.video_list.map((v) => v.id));
    next = page.next_time;
  }
  return ids.slice(0, count);
}

/** A value as Lua source: arrays and objects as tables, strings quoted as JSON does (the same in Lua for printable text: url-encoded tokens, digits). */
function lua(v) {
  if (Array.isArray(v)) return `{${v.map(lua).join(',')}}`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}=${lua(x)}`).join(',')}}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Per-kind latency while wrk drives the mix: one request of each kind, one after the other, a
 * few times a second, each timed. Its own viewer, its own like and follow targets.
 */
function createProbe(api, viewer, followee, likeVideos, commentVideos) {
  let liked = false;
  let following = false;
  const samples = Object.fromEntries(KINDS.map((k) => [k, []]));
  // A failed call is counted, not thrown: the probe runs beside wrk and the round decides.
  let failures = [];
  const calls = {
    feed: () => api.ok('GET', '/douyin/feed/', { token: viewer.token }),
    like: () => api.ok('POST', '/douyin/favorite/action/', { token: viewer.token, video_id: likeVideos[0], action_type: (liked = !liked) ? 1 : 2 }),
    comments: () => api.ok('GET', '/douyin/comment/list/', { token: viewer.token, video_id: commentVideos[0] }),
    follow: () => api.ok('POST', '/douyin/relation/action/', { token: viewer.token, to_user_id: followee.id, action_type: (following = !following) ? 1 : 2 }),
  };
  const probe = {
    async once() {
      for (const kind of KINDS) {
        const t0 = performance.now();
        try {
          await calls[kind]();
          samples[kind].push(performance.now() - t0);
        } catch (err) {
          failures.push(`${kind}: ${err.message}`);
        }
      }
    },
    /** Throws when a call failed since the last check: the figures it stands beside are void. */
    check(what) {
      if (failures.length > 0) throw new Error(`${what}: ${failures.length} probe call(s) failed (first: ${failures[0]}); the figures are void`);
    },
    reset() {
      for (const k of KINDS) samples[k] = [];
      failures = [];
    },
    /** Probes `perSecond` times a second until stop(); `done` settles after the last call. */
    during(perSecond) {
      let stopped = perSecond === 0;
      const done = (async () => {
        while (!stopped) {
          const t0 = performance.now();
          await probe.once();
          await new Promise((r) => setTimeout(r, Math.max(0, 1000 / perSecond - (performance.now() - t0))));
        }
      })();
      return { stop: () => void (stopped = true), done };
    },
    summary() {
      return Object.fromEntries(KINDS.map((k) => [k, { samples: samples[k].length, p50Ms: percentile(samples[k], 50), p99Ms: percentile(samples[k], 99) }]));
    },
  };
  return probe;
}

function percentile(xs, p) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function printTable(r) {
  const rows = [['round', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', ...KINDS.map((k) => `${k} %`)]];
  for (const round of r.rounds) {
    const picked = KINDS.reduce((n, k) => n + round.picked[k], 0);
    rows.push([String(round.round), fmt(round.rps), round.latencyMs.p50.toFixed(2), round.latencyMs.p90.toFixed(2), round.latencyMs.p99.toFixed(2), ...KINDS.map((k) => ((100 * round.picked[k]) / picked).toFixed(1))]);
  }
  printRows(rows, 1);
  console.log(`\n  median over rounds: ${fmt(r.medians.rps)} req/s, p50 ${r.medians.p50Ms.toFixed(2)} ms, p99 ${r.medians.p99Ms.toFixed(2)} ms`);
  const kinds = [['kind (probe)', 'samples', 'p50 ms', 'p99 ms']];
  for (const k of KINDS) {
    const s = r.perKind[k];
    kinds.push([k, String(s.samples), s.p50Ms === null ? '-' : s.p50Ms.toFixed(2), s.p99Ms === null ? '-' : s.p99Ms.toFixed(2)]);
  }
  printRows(kinds, 1);
  console.log('');
}

function parseArgs(argv) {
  const o = { mode: 'embedded', rounds: 3, duration: 10, connections: 64, threads: 1, requestLog: true, batchReplies: true, cpuProfDir: '', probeRate: 10, users: 1000, videos: 10_000, seedConcurrency: 16, likeVideos: 100, commentVideos: 100, commentsPerVideo: 5 };
  parseFlags(
    argv,
    {
      ...douyinFlags(o, usage, { users: 50, videos: 300, likeVideos: 60, commentVideos: 20, commentsPerVideo: 3 }),
      '--probe-rate': (v) => (o.probeRate = v === '0' ? 0 : positiveInt('--probe-rate', v, usage)),
      '--cpu-prof': (v) => (o.cpuProfDir = resolve(v)),
    },
    usage,
  );
  checkDouyinOptions(o, usage, 3, "a probe viewer and two of wrk's");
  return o;
}

function usage(problem) {
  console.error(
    `bench: ${problem}\nusage: node bench/social/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S] [--connections C] [--threads T]\n` +
      '                                [--request-log on|off] [--batch-replies on|off] [--cpu-prof DIR] [--probe-rate N (0: off)] [--users N] [--videos N] [--seed-concurrency N] [--small]',
  );
  process.exit(64);
}
