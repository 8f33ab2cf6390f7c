// Drill: "requests are slow", worked end to end. The message service's table holds 200,000
// messages and its conversation index (messages_conversation_time, which the migration in
// services/message/model/migrations.ts creates) is missing: dropped here to stand for an index
// lost in a hand-run migration or a restore. A client polls a chat (GET /douyin/message/chat/).
// The operator starts from the symptom and walks it down: the slow route on the gateway, the
// slow RPC (client and server side), the process (not short of CPU), its database (the running
// statement, EXPLAIN, SHOW INDEX); then the fix (the index back), and before/after p50/p99 from a
// bounded load (autocannon, 8 connections, 6 s each).
//   node scripts/drills/slow-requests.mjs
import { autocannon } from './load.mjs';
import { buckets, countOf, increase, ms, quantile, scrape, select, sum } from './prom.mjs';
import { say, show, step, table } from './report.mjs';
import { withStack } from './stack.mjs';

const ROWS = 200_000;
const CONVERSATION = 60;
const LOAD = { connections: 8, seconds: 6 };

await withStack({ services: { user: 1, message: 1 }, gatewayEnv: { SURGE__http__faces: '["douyin"]' } }, async (stack) => {
  const g = stack.gateway;
  const message = stack.instances('message')[0];
  const schema = `${stack.env.SURGE__database__mysql__databasePrefix}_message`;
  const { default: mysql } = await import('mysql2/promise');
  const db = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: schema });
  stack.defer(() => db.end());

  step('Setup');
  const register = async (name) => (await (await fetch(`${g.base}/douyin/user/register/`, { method: 'POST', body: new URLSearchParams({ username: `${name}${stack.tag}`, password: 'secret123' }) })).json());
  const a = await register('alice');
  const b = await register('bob');
  const [low, high] = a.user_id < b.user_id ? [a.user_id, b.user_id] : [b.user_id, a.user_id];
  // Other conversations (small made-up user ids, so they never meet the real ones) and one between alice and bob.
  const t0 = performance.now();
  const BATCH = 5000;
  for (let start = 0; start < ROWS; start += BATCH) {
    const rows = [];
    for (let i = start; i < start + BATCH; i++) {
      const x = 1 + (i % 5000);
      const y = 5001 + Math.floor(i / 5000);
      rows.push([i + 1, x, y, x, y, `message ${i}`, 1_700_000_000_000 + i]);
    }
    await db.query('INSERT INTO messages (id, low_id, high_id, from_user_id, to_user_id, content, created_at) VALUES ?', [rows]);
  }
  const ours = Array.from({ length: CONVERSATION }, (_, i) => [ROWS + i + 1, low, high, i % 2 ? a.user_id : b.user_id, i % 2 ? b.user_id : a.user_id, `hello ${i}`, 1_700_000_000_000 + i]);
  await db.query('INSERT INTO messages (id, low_id, high_id, from_user_id, to_user_id, content, created_at) VALUES ?', [ours]);
  await db.query('ANALYZE TABLE messages');
  show(`${ROWS.toLocaleString('en')} messages in other conversations and ${CONVERSATION} between alice (${a.user_id}) and bob (${b.user_id}), written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The fault: the index the migration creates is not there.
  await db.query('ALTER TABLE messages DROP INDEX messages_conversation_time');
  show(`fault: ALTER TABLE ${schema}.messages DROP INDEX messages_conversation_time`);
  const url = `${g.base}/douyin/message/chat/?${new URLSearchParams({ token: a.token, to_user_id: b.user_id, pre_msg_time: 0 })}`;
  const check = await (await fetch(url)).json();
  show(`the route answers: status_code ${check.status_code}, ${check.message_list.length} messages`);

  const SIGNALS = [
    { name: 'route GET /douyin/message/chat/', at: 'gateway', histogram: 'surge_http_request_duration_seconds', labels: { method: 'GET', route: '/douyin/message/chat/' } },
    { name: 'rpc message Chat, client side', at: 'gateway', histogram: 'surge_rpc_duration_seconds', labels: { side: 'client', method: 'Chat' } },
    { name: 'rpc user GetUsers, client side', at: 'gateway', histogram: 'surge_rpc_duration_seconds', labels: { side: 'client', method: 'GetUsers' } },
    { name: 'rpc message Chat, server side', at: 'message', histogram: 'surge_rpc_duration_seconds', labels: { side: 'server', method: 'Chat' } },
  ];
  const urls = { gateway: g.metricsUrl, message: message.metricsUrl };
  /** A bounded load on the route; the client's figures and each signal's window from /metrics. */
  const measure = async (during) => {
    const before = { gateway: await scrape(urls.gateway), message: await scrape(urls.message) };
    const [load, extra] = await Promise.all([autocannon({ url, ...LOAD }), during?.()]);
    const after = { gateway: await scrape(urls.gateway), message: await scrape(urls.message) };
    const figures = SIGNALS.map((s) => {
      const w = increase(buckets(before[s.at], s.histogram, s.labels), buckets(after[s.at], s.histogram, s.labels));
      return { calls: countOf(w), p50: quantile(0.5, w), p99: quantile(0.99, w) };
    });
    return { load, figures, after, extra };
  };

  step(`The symptom: "chat is slow". A bounded load on it (autocannon -c ${LOAD.connections} -d ${LOAD.seconds})`);
  // During the load, the statements the message service has running in its database, as SHOW PROCESSLIST shows them.
  const sampleProcesslist = async () => {
    await new Promise((r) => setTimeout(r, (LOAD.seconds * 1000) / 2));
    const [rows] = await db.query('SELECT TIME_MS, STATE, INFO FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = \'Query\' AND INFO LIKE \'select%\' ORDER BY TIME_MS DESC', [schema]);
    return rows;
  };
  const slow = await measure(sampleProcesslist);
  const client = (l) => `p50 ${l.latency.p50} ms, p99 ${l.latency.p99} ms, ${Math.round(l.requests.average)} req/s, non-2xx ${l.non2xx}`;
  show(`client (autocannon): ${client(slow.load)}`);

  step('1. Which route? The gateway\'s route histograms (every route it served since it started)');
  const cell = (f) => `${ms(f.p50)} / ${ms(f.p99)}`;
  const routes = new Map();
  for (const s of select(slow.after.gateway, 'surge_http_request_duration_seconds_count')) routes.set(`${s.labels.method} ${s.labels.route}`, s.labels);
  table([['route', 'calls since start', 'p50 / p99 since start'], ...[...routes].map(([name, labels]) => {
    const bk = buckets(slow.after.gateway, 'surge_http_request_duration_seconds', { method: labels.method, route: labels.route });
    return [name, countOf(bk), `${ms(quantile(0.5, bk))} / ${ms(quantile(0.99, bk))}`];
  })]);
  show('GET /douyin/message/chat/ is the slow one. (Quantiles from buckets are interpolated inside a bucket, here');
  show('0.1-0.25 s and 0.25-0.5 s: read them as "in this range", next to the client\'s own figures above.)');

  step('2. Which call? The route makes two RPCs; the gateway times each (client side), the service its own (server side)');
  table([['signal', 'process', 'p50 / p99', 'calls'], ...SIGNALS.map((s, i) => [s.name, s.at, cell(slow.figures[i]), slow.figures[i].calls])]);
  show('Chat takes the time, GetUsers does not; Chat\'s server side is about its client side: the time is spent');
  show('inside the message service, not on the way to it.');

  step('3. Is the message process short of CPU?');
  const lag = sum(slow.after.message, 'surge_nodejs_eventloop_lag_p99_seconds');
  const cpu = sum(slow.after.message, 'surge_process_cpu_seconds_total');
  show(`event-loop lag p99 ${ms(lag)} (about 10 ms is the monitor's floor), CPU ${cpu.toFixed(1)} s since start: no. It waits on its database`);
  show('(the message service has no cache: every Chat is a query).');

  step('4. The database: what is running, and how it runs');
  const running = slow.extra ?? [];
  show(`information_schema.PROCESSLIST in the middle of the load: ${running.length} SELECT(s) of the message service running`);
  for (const r of running.slice(0, 3)) show(`  ${Number(r.TIME_MS).toFixed(0)} ms  ${r.STATE || '-'}  ${String(r.INFO).replace(/\s+/g, ' ').replace(/^select .*? from/, 'select … from')}`);
  const query = 'SELECT id, from_user_id, to_user_id, content, created_at FROM messages WHERE low_id = ? AND high_id = ? AND created_at > ? ORDER BY created_at ASC LIMIT 1000';
  const explain = async () => {
    const [rows] = await db.query(`EXPLAIN ${query}`, [low, high, 0]);
    return rows.map((r) => `type=${r.type} key=${r.key ?? 'NULL'} rows=${r.rows} Extra=${r.Extra ?? ''}`).join('; ');
  };
  const indexes = async () => {
    const [rows] = await db.query('SHOW INDEX FROM messages');
    return [...new Set(rows.map((r) => r.Key_name))].join(', ');
  };
  show(`EXPLAIN ${query.replace(/\?/g, '…')}:`);
  show(`  ${await explain()}`);
  show(`SHOW INDEX FROM messages: ${await indexes()}`);
  show(`A full scan of ${ROWS.toLocaleString('en')} rows and a sort, for ${CONVERSATION} rows. The migration creates an index on`);
  show('(low_id, high_id, created_at) (services/message/model/migrations.ts); this table lacks it.');

  step('5. The fix: the index back, as the migration defines it');
  const fixStart = performance.now();
  await db.query('CREATE UNIQUE INDEX messages_conversation_time ON messages (low_id, high_id, created_at)');
  show(`CREATE UNIQUE INDEX messages_conversation_time ON messages (low_id, high_id, created_at)   -- ${((performance.now() - fixStart) / 1000).toFixed(1)} s`);
  show(`EXPLAIN now: ${await explain()}`);
  const fixed = await measure();
  show(`client (autocannon): ${client(fixed.load)}`);

  step('Before and after');
  table([
    ['', 'index missing', 'index back'],
    ['client p50 / p99 (autocannon)', `${slow.load.latency.p50} ms / ${slow.load.latency.p99} ms`, `${fixed.load.latency.p50} ms / ${fixed.load.latency.p99} ms`],
    ['requests per second', Math.round(slow.load.requests.average), Math.round(fixed.load.requests.average)],
    ...SIGNALS.map((s, i) => [s.name, cell(slow.figures[i]), cell(fixed.figures[i])]),
  ]);
  say();
  show('Walk the same path on any slow request: route (gateway histograms) → RPC, client vs server side → the');
  show('process (lag, CPU) → its dependencies (database: PROCESSLIST, EXPLAIN; cache; the services it calls).');
});
