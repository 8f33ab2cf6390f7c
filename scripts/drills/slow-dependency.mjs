// Drill: a slow dependency. The user service reaches MariaDB through a TCP proxy that holds
// every packet 60 ms each way (a congested or far-away database link). A steady mix of profile
// edits (PATCH /api/v1/users/me: an UPDATE and a SELECT) and profile reads (GET
// /api/v1/users/:id: answered from the cache) runs before, during and after; each window's
// p50/p99 come from the /metrics histograms (bucket increase over the window, interpolated as
// histogram_quantile does), and the drill walks from the slow route to the slow link.
//   node scripts/drills/slow-dependency.mjs
import { startLatencyProxy } from './latency-proxy.mjs';
import { nearestRank, runLoad } from './load.mjs';
import { buckets, countOf, increase, ms, quantile, scrape, select, sum } from './prom.mjs';
import { say, show, step, table } from './report.mjs';
import { withStack } from './stack.mjs';

const DELAY_MS = 60;
const WINDOW_MS = 6000;
const CONCURRENCY = 4;

/** The signals the drill reads: where (which process's /metrics), which histogram, which series. */
const SIGNALS = [
  { name: 'route PATCH /api/v1/users/me', at: 'gateway', histogram: 'surge_http_request_duration_seconds', labels: { method: 'PATCH', route: '/api/v1/users/me' } },
  { name: 'route GET /api/v1/users/:id', at: 'gateway', histogram: 'surge_http_request_duration_seconds', labels: { method: 'GET', route: '/api/v1/users/:id' } },
  { name: 'rpc UpdateProfile, client side', at: 'gateway', histogram: 'surge_rpc_duration_seconds', labels: { side: 'client', method: 'UpdateProfile' } },
  { name: 'rpc UpdateProfile, server side', at: 'user', histogram: 'surge_rpc_duration_seconds', labels: { side: 'server', method: 'UpdateProfile' } },
  { name: 'rpc GetUser, server side', at: 'user', histogram: 'surge_rpc_duration_seconds', labels: { side: 'server', method: 'GetUser' } },
];

await withStack({ services: {}, gatewayEnv: { SURGE__http__faces: '["users"]' } }, async (stack) => {
  step('Setup');
  const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: 3306 } });
  stack.defer(() => proxy.close());
  const user = await stack.startService('user', { SURGE__database__mysql__port: String(proxy.port) });
  const g = stack.gateway;
  show(`etcd ${stack.etcd.endpoint}, gateway ${g.base} (metrics ${g.metricsUrl}), user service pid ${user.pid} (metrics ${user.metricsUrl})`);
  show(`the user service reaches MariaDB 127.0.0.1:3306 through a proxy on 127.0.0.1:${proxy.port} (SURGE__database__mysql__port=${proxy.port})`);
  const register = async (username) => (await fetch(`${g.base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'secret123' }) })).json();
  // Two accounts: one edits its profile, the other is only read, so the edits never drop the cached profile being read.
  const { token } = await register(`edit${stack.tag}`);
  const { id } = await register(`read${stack.tag}`);
  show(`load: ${CONCURRENCY} loops, half PATCH /api/v1/users/me (an UPDATE and a SELECT), half GET /api/v1/users/${id} (another user, cached)`);

  const next = (i) =>
    i % 2 === 0
      ? { url: `${g.base}/api/v1/users/me`, method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ signature: `edit ${i}` }) }
      : { url: `${g.base}/api/v1/users/${id}` };
  const urls = { gateway: g.metricsUrl, user: user.metricsUrl };

  /** One window of load; each signal's calls, p50 and p99 from the bucket increase over it. */
  const window = async () => {
    const before = { gateway: await scrape(urls.gateway), user: await scrape(urls.user) };
    const load = await runLoad({ next, concurrency: CONCURRENCY, durationMs: WINDOW_MS });
    const after = { gateway: await scrape(urls.gateway), user: await scrape(urls.user) };
    const figures = SIGNALS.map((s) => {
      const w = increase(buckets(before[s.at], s.histogram, s.labels), buckets(after[s.at], s.histogram, s.labels));
      const spent = sum(after[s.at], `${s.histogram}_sum`, s.labels) - sum(before[s.at], `${s.histogram}_sum`, s.labels);
      return { calls: countOf(w), p50: quantile(0.5, w), p99: quantile(0.99, w), mean: spent / countOf(w) };
    });
    const lag = select(after.user, 'surge_nodejs_eventloop_lag_p99_seconds')[0]?.value;
    return { load, figures, after, lag };
  };

  step(`Before: ${WINDOW_MS / 1000} s of load on a healthy link`);
  await runLoad({ next, concurrency: 2, durationMs: 1000 }); // warm connections and caches
  const base = await window();
  show(`${base.load.calls} calls, statuses ${JSON.stringify(base.load.statuses)}`);

  step(`Fault: the proxy now holds every packet ${DELAY_MS} ms each way`);
  proxy.delayMs = DELAY_MS;
  const slow = await window();
  show(`${slow.load.calls} calls, statuses ${JSON.stringify(slow.load.statuses)}`);

  step('Fix: the delay is removed');
  proxy.delayMs = 0;
  const fixed = await window();
  show(`${fixed.load.calls} calls, statuses ${JSON.stringify(fixed.load.statuses)}`);

  step('What /metrics says, per window (p50 / p99 from the bucket increase over the window)');
  const cell = (f) => `${ms(f.p50)} / ${ms(f.p99)}`;
  table([
    ['signal', 'process', 'before', 'fault', 'after', 'calls in fault window'],
    ...SIGNALS.map((s, i) => [s.name, s.at, cell(base.figures[i]), cell(slow.figures[i]), cell(fixed.figures[i]), slow.figures[i].calls]),
  ]);
  say();
  show('The same in PromQL, over the last minute:');
  show('  histogram_quantile(0.99, sum by (le, route, method) (rate(surge_http_request_duration_seconds_bucket{process="gateway"}[1m])))');
  show('  histogram_quantile(0.99, sum by (le, side, method) (rate(surge_rpc_duration_seconds_bucket{method="UpdateProfile"}[1m])))');

  step('Reading it');
  const [route, read, client, server] = slow.figures;
  show(`1. The slow route: PATCH /api/v1/users/me p50 ${ms(base.figures[0].p50)} → ${ms(route.p50)}, p99 ${ms(base.figures[0].p99)} → ${ms(route.p99)};`);
  show(`   GET /api/v1/users/:id on the same gateway and user service stays at p99 ${ms(read.p99)}.`);
  show(`2. UpdateProfile as the gateway saw it (client side) took ${ms(client.mean)} on average (_sum/_count), p50 ${ms(client.p50)};`);
  show(`   inside the user service (server side) ${ms(server.mean)}, p50 ${ms(server.p50)}. The difference, ${ms(client.mean - server.mean)} on average,`);
  show('   is the gateway→user hop and its queueing: the time is spent inside the user service. (A p99 over ~100 calls');
  show('   rests on its slowest one or two, and the buckets are coarse: compare means and p50s first.)');
  show(`3. The same user process answers GetUser (cached, no database) in ${ms(slow.figures[4].p99)} at p99, and its event-loop lag p99 is ${ms(slow.lag)}:`);
  show('   the process is not short of CPU; what UpdateProfile does and GetUser does not is the database.');
  const timeQuery = async (port) => {
    const { default: mysql } = await import('mysql2/promise');
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '' });
    try {
      const times = [];
      for (let i = 0; i < 11; i++) {
        const t0 = performance.now();
        await conn.query('SELECT 1');
        times.push((performance.now() - t0) / 1000);
      }
      return nearestRank(times, 0.5);
    } finally {
      await conn.end();
    }
  };
  proxy.delayMs = DELAY_MS;
  const viaLink = await timeQuery(proxy.port);
  proxy.delayMs = 0;
  show(`4. From the user service's host, SELECT 1 over its database link took ${ms(viaLink)} with the fault on (median of 11), ${ms(await timeQuery(proxy.port))} with it off`);
  show(`   and ${ms(await timeQuery(3306))} straight to MariaDB: the link is the slow part, not the server.`);
  show('   (On a real system: compare the round trip from the service host with one from the database host, and look at');
  show('   the network between them; MariaDB\'s own slow-query log stays quiet, since every query is fast on the server.)');
  show(`5. After the fix the route is back: PATCH p50 ${ms(fixed.figures[0].p50)} (before the fault ${ms(base.figures[0].p50)}), p99 ${ms(fixed.figures[0].p99)} (${ms(base.figures[0].p99)}).`);

  step('A few raw lines from the user service (server side, UpdateProfile, after the fault window)');
  const raw = select(slow.after.user, 'surge_rpc_duration_seconds_bucket', { side: 'server', method: 'UpdateProfile', code: '0' }).filter((s) => ['0.01', '0.05', '0.1', '0.25', '0.5', '1', '+Inf'].includes(s.labels.le));
  for (const s of raw) show(`surge_rpc_duration_seconds_bucket{side="server",method="UpdateProfile",code="0",le="${s.labels.le}"} ${s.value}`);

  step('Cleanup');
  show('stopping the gateway, the user service and etcd, then the proxy; dropping the run\'s databases, stream and keys');
});
