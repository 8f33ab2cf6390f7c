// Drill: a hot key. One profile (GET /api/v1/users/:id for one id) takes 80 % of the traffic, the
// other 20 % spread over 49 more users. How to find the key: the gateway's access log (route and
// URL per request), Redis MONITOR sampled for one second (what reaches the shared cache), and
// the RPC counts; then the same load with the user service's in-process cache tier turned off
// (cache.localMaxEntries=0), to show what the local tier absorbs.
//   node scripts/drills/hot-key.mjs
import { Redis } from 'ioredis';
import { runLoad } from './load.mjs';
import { countOf, buckets, increase, ms, quantile, scrape, sum } from './prom.mjs';
import { say, show, step, table } from './report.mjs';
import { withStack } from './stack.mjs';

const USERS = 50;
const HOT_SHARE = 0.8;
const LOAD_MS = 5000;
const CONCURRENCY = 4;
const MONITOR_MS = 1000;

await withStack({ services: { user: 1 }, gatewayEnv: { SURGE__http__faces: '["users"]' } }, async (stack) => {
  const g = stack.gateway;
  const prefix = stack.env.SURGE__cache__redis__keyPrefix;
  step('Setup');
  show(`gateway ${g.base}, user service pid ${stack.instances('user')[0].pid}; Redis keys under "${prefix}"`);
  const ids = [];
  for (let i = 0; i < USERS; i++) {
    const res = await fetch(`${g.base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `hot${stack.tag}${i}`, password: 'secret123' }) });
    ids.push((await res.json()).id);
  }
  const hot = ids[7];
  show(`${USERS} users registered; the hot one is ${hot}. Load: ${CONCURRENCY} loops for ${LOAD_MS / 1000} s, ${HOT_SHARE * 100} % GET /api/v1/users/${hot}, the rest spread over the others`);
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const next = () => ({ url: `${g.base}/api/v1/users/${random() < HOT_SHARE ? hot : ids[Math.floor(random() * USERS)]}` });

  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  stack.defer(() => redis.disconnect());

  /** Runs the load, with one second of MONITOR in its middle; Redis commands on the run's keys, counted by command and key. */
  const phase = async (userMetricsUrl) => {
    const mark = g.mark();
    const before = await scrape(userMetricsUrl);
    const loading = runLoad({ next, concurrency: CONCURRENCY, durationMs: LOAD_MS });
    await new Promise((r) => setTimeout(r, LOAD_MS / 2 - MONITOR_MS / 2));
    const monitor = await redis.monitor();
    const seen = new Map();
    let all = 0;
    monitor.on('monitor', (_time, args) => {
      all++;
      const [command, key] = args;
      if (typeof key !== 'string' || !key.startsWith(prefix)) return;
      const k = `${command.toUpperCase()} ${key.slice(prefix.length)}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    });
    await new Promise((r) => setTimeout(r, MONITOR_MS));
    monitor.disconnect();
    const load = await loading;
    const after = await scrape(userMetricsUrl);
    const w = increase(buckets(before, 'surge_rpc_duration_seconds', { side: 'server', method: 'GetUser' }), buckets(after, 'surge_rpc_duration_seconds', { side: 'server', method: 'GetUser' }));
    return { load, mark, seen, all, getUser: { calls: countOf(w), p50: quantile(0.5, w), p99: quantile(0.99, w) }, after };
  };
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);

  step('Phase 1: the load, with the local tier on (cache.localMaxEntries 10000, cache.localTtlMs 10000: the defaults)');
  const on = await phase(stack.instances('user')[0].metricsUrl);
  show(`${on.load.calls} requests in ${on.load.seconds.toFixed(1)} s, statuses ${JSON.stringify(on.load.statuses)}`);

  step('Finding it, 1: the gateway access log (one JSON line per request: route, url, status, ms)');
  const lines = g.accessLog(on.mark);
  show(`a line: ${JSON.stringify(lines.find((l) => l.method === 'GET'))}`);
  const byUrl = new Map();
  for (const l of lines) byUrl.set(`${l.method} ${l.url}`, (byUrl.get(`${l.method} ${l.url}`) ?? 0) + 1);
  show(`${lines.length} lines read (the logger writes in 4 KB batches, so the last few are still buffered); top URLs:`);
  table([['requests', 'share', 'method and url'], ...top(byUrl, 5).map(([u, n]) => [n, `${((100 * n) / lines.length).toFixed(1)} %`, u])]);
  show('On a log file: jq -r \'select(.msg=="request") | "\\(.method) \\(.url)"\' gateway.log | sort | uniq -c | sort -rn | head');

  step(`Finding it, 2: Redis MONITOR for ${MONITOR_MS / 1000} s in the middle of the load (the run's keys only)`);
  const showMonitor = (p) => {
    const total = [...p.seen.values()].reduce((a, b) => a + b, 0);
    show(`${total} commands on the run's keys (${p.all} on the whole server, other clients included); top:`);
    table([['count', 'command and key (prefix cut)'], ...top(p.seen, 5).map(([k, n]) => [n, k])]);
  };
  showMonitor(on);
  show('The hot profile barely reaches Redis: each user instance keeps its own copy for cache.localTtlMs (10 s)');
  show('and answers from it, so in Redis the hot key looks cold. The access log is where the hot key shows.');
  const policy = (await redis.config('GET', 'maxmemory-policy'))[1];
  show(`(redis-cli --hotkeys and OBJECT FREQ need an LFU maxmemory-policy; this server's is "${policy}"${/lfu/.test(policy) ? '' : ', so they refuse'}.`);
  show(' MONITOR costs the server a lot while it runs: sample a second or two, never leave it on.)');

  step('Finding it, 3: the user service /metrics');
  show(`GetUser served: ${on.getUser.calls} calls in the window, p50 ${ms(on.getUser.p50)}, p99 ${ms(on.getUser.p99)} (server side)`);
  show('The RPC histograms count calls per method, not per key: they say GetUser is busy, not which id.');
  show('Surge exports no per-key or hit/miss counter (the cache reports store-down and fallback loads only).');

  step('Phase 2: the same load with the local tier off (a new user instance with SURGE__cache__localMaxEntries=0)');
  const old = stack.instances('user')[0];
  const noLocal = await stack.startService('user', { SURGE__cache__localMaxEntries: '0' });
  await stack.stop(old.proc);
  // The gateway drops the stopped instance from its list through the registry watch.
  await new Promise((r) => setTimeout(r, 1500));
  const off = await phase(noLocal.metricsUrl);
  show(`${off.load.calls} requests in ${off.load.seconds.toFixed(1)} s, statuses ${JSON.stringify(off.load.statuses)}`);
  showMonitor(off);

  step('What the local tier absorbs');
  const hotKey = (p) => top(p.seen, 1)[0];
  const hotGets = (p) => [...p.seen].filter(([k]) => k.startsWith('GET ') && k.endsWith(String(hot))).reduce((t, [, n]) => t + n, 0);
  table([
    ['', 'local tier on', 'local tier off'],
    [`requests for user ${hot} per second`, Math.round((on.load.calls * HOT_SHARE) / on.load.seconds), Math.round((off.load.calls * HOT_SHARE) / off.load.seconds)],
    [`Redis GETs of user ${hot} in ${MONITOR_MS / 1000} s`, hotGets(on), hotGets(off)],
    ['busiest key in Redis', hotKey(on)?.join(': ') ?? '(none)', hotKey(off)?.join(': ') ?? '(none)'],
    ['GetUser p50 / p99 (server side)', `${ms(on.getUser.p50)} / ${ms(on.getUser.p99)}`, `${ms(off.getUser.p50)} / ${ms(off.getUser.p99)}`],
  ]);
  say();
  show('(Requests per second vary between runs: the gateway and the load generator share this machine\'s CPUs.');
  show(' The Redis row is the point.)');
  show('With the tier on, a hot key costs Redis one GET per instance per cache.localTtlMs; with it off, about one per');
  show('request (fewer here: concurrent misses on one key share one GET, the cache\'s singleflight).');
  show('Remedies when one key is hot: keep the local tier on (the default), more instances of the service (each holds');
  show('its own copy), and for a key Redis itself struggles with, spread it (several copies under different keys).');

  step('Cleanup');
  show('stopping the gateway, the user instance and etcd; dropping the run\'s databases, stream and keys');
});
