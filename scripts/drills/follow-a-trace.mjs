// Drill: following one slow request by its trace. Tracing is on in every process (OTLP/HTTP
// JSON to a collector this script runs), the user service runs twice and one of its two
// instances delays every call it serves by 150 ms (rpc.injectDelayMs): only the requests that
// land there are slow. A bounded load on GET /douyin/user/ (a profile: GetUsers on the user
// service, IsFollowing on the relation service, in parallel); the slowest access-log line names
// its trace, and the trace's span tree shows where the time went and which instance spent it.
// A client's view too: a slow reply's x-trace-id is the same id.
//   node scripts/drills/follow-a-trace.mjs
import { nearestRank } from './load.mjs';
import { KIND, spanTree, startCollector } from './otlp-collector.mjs';
import { show, step, table } from './report.mjs';
import { sleep, withStack } from './stack.mjs';

const DELAY_MS = 150;
const REQUESTS = 400;
/** Open-loop arrivals, as users send them; about a second apart the balancer tries the slow instance again. */
const PER_SECOND = 50;
const MAX_IN_FLIGHT = 16;
/** A request this slow went through the slow instance (the healthy path takes a few ms). */
const SLOW_MS = DELAY_MS * 0.8;
const ROUTE = '/douyin/user/';

const collector = await startCollector();
const tracing = (label) => ({ SURGE__tracing__exporter: 'otlp', SURGE__tracing__otlpUrl: collector.urlFor(label), SURGE__tracing__sampleRatio: '1' });

try {
  await withStack({ services: {}, gateway: false }, async (stack) => {
    step('Setup');
    // Each process exports to an endpoint of its own, so the collector can say which instance sent
    // a span; service.name alone names the service, not the instance (see "Reading it").
    const [fast, slow, relation] = await Promise.all([
      stack.startService('user', tracing('user-1')),
      stack.startService('user', { ...tracing('user-2'), SURGE__rpc__injectDelayMs: String(DELAY_MS) }),
      stack.startService('relation', tracing('relation')),
    ]);
    const g = await stack.startGateway({ ...tracing('gateway'), SURGE__http__faces: '["douyin"]' });
    const who = new Map([
      ['gateway', `gateway pid ${g.pid}`],
      ['user-1', `user-1 pid ${fast.pid} ${fast.framed}`],
      ['user-2', `user-2 pid ${slow.pid} ${slow.framed}, slow`],
      ['relation', `relation pid ${relation.pid} ${relation.framed}`],
    ]);
    show(`etcd ${stack.etcd.endpoint}, gateway ${g.base}, OTLP/HTTP JSON collector ${collector.url}`);
    show(`user-1    pid ${fast.pid}, framed ${fast.framed}`);
    show(`user-2    pid ${slow.pid}, framed ${slow.framed}: SURGE__rpc__injectDelayMs=${DELAY_MS} (every call it serves waits ${DELAY_MS} ms)`);
    show(`relation  pid ${relation.pid}, framed ${relation.framed}`);
    show(`every process: SURGE__tracing__exporter=otlp SURGE__tracing__otlpUrl=${collector.url.replace(/\/v1\/traces$/, '')}/<process>/v1/traces SURGE__tracing__sampleRatio=1`);

    const register = async (username) => (await fetch(`${g.base}/douyin/user/register/?username=${username}&password=secret123`, { method: 'POST' })).json();
    const me = await register(`me${stack.tag}`);
    const other = await register(`other${stack.tag}`);
    if (me.status_code !== 0 || other.status_code !== 0) throw new Error(`sign-up failed: ${JSON.stringify([me, other])}`);
    const url = `${g.base}${ROUTE}?user_id=${other.user_id}&token=${me.token}`;
    show(`route: GET ${ROUTE}?user_id=…&token=… (one profile: UserService/GetUsers and RelationService/IsFollowing, in parallel)`);

    step(`Load: ${REQUESTS} requests at ${PER_SECOND} a second (at most ${MAX_IN_FLIGHT} in flight)`);
    const from = g.mark();
    const load = await pacedLoad({ url, total: REQUESTS, perSecond: PER_SECOND, maxInFlight: MAX_IN_FLIGHT });
    const latencies = load.replies.map((r) => r.ms);
    show(`${load.replies.length} replies in ${load.seconds.toFixed(1)} s, statuses ${JSON.stringify(load.statuses)}; client p50 ${nearestRank(latencies, 0.5).toFixed(1)} ms, p99 ${nearestRank(latencies, 0.99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    // The gateway's logger writes in 4 KB batches: the newest lines wait for more traffic (or the exit).
    const logged = () => g.accessLog(from).filter((l) => l.route === ROUTE);
    let extra = 0;
    while (logged().length < REQUESTS && extra < 100) {
      await (await fetch(url)).arrayBuffer();
      extra++;
      await sleep(5);
    }
    const lines = logged();
    const slowLines = lines.filter((l) => l.ms >= SLOW_MS);
    if (extra > 0) show(`the load's last access-log lines reached stdout only after ${extra} more requests: the gateway writes its log in 4 KB batches`);
    show(`${slowLines.length} of ${lines.length} access-log lines took ${SLOW_MS} ms or more: the slow ones are the few, as in production.`);

    step('1. The slowest request in the access log (gateway stdout, one JSON line per request)');
    const slowest = lines.reduce((a, b) => (b.ms > a.ms ? b : a));
    show(JSON.stringify(slowest));
    if (!slowest.trace) throw new Error('the access-log line has no trace: is tracing on in the gateway?');

    step(`2. Trace ${slowest.trace}, from the collector: each span under its parent`);
    const spans = await complete(collector, slowest.trace);
    printTree(spans, who);

    step('3. The client\'s side: the same request by its x-trace-id header');
    const reply = load.replies.find((r) => r.traceId === slowest.trace);
    show(`the load generator's reply with x-trace-id ${reply?.traceId ?? '(none)'}: HTTP ${reply?.status}, ${reply?.ms.toFixed(1)} ms as the client measured it`);
    const clientSlow = load.replies.filter((r) => r.ms >= SLOW_MS);
    const loggedSlow = new Set(slowLines.map((l) => l.trace));
    const alsoLogged = clientSlow.filter((r) => loggedSlow.has(r.traceId)).length;
    show(`of the client's ${clientSlow.length} replies over ${SLOW_MS} ms, ${alsoLogged} were that slow in the gateway's access log too${alsoLogged < clientSlow.length ? ';' : '.'}`);
    if (alsoLogged < clientSlow.length) {
      show('the others spent their time outside the gateway (here in the load generator itself, on a busy machine): the');
      show('header and the access log together tell "slow in Surge" from "slow on the way".');
    }
    // An error names its trace too: a bad token is refused by the gateway before any call.
    const refused = await fetch(`${g.base}${ROUTE}?user_id=${other.user_id}&token=not-a-token`);
    const refusedBody = await refused.json();
    const refusedLine = await waitForLogLine(g, refused.headers.get('x-trace-id'), url);
    show(`an error reply names its trace as well: status_code ${refusedBody.status_code} "${refusedBody.status_msg}", x-trace-id ${refused.headers.get('x-trace-id')}`);
    show(`  access log: status ${refusedLine?.status}, ms ${refusedLine?.ms}, trace ${refusedLine?.trace}`);

    step(`4. Every request the access log shows over ${SLOW_MS} ms, by its trace`);
    const rows = await Promise.all(slowLines.map(async (l) => ({ line: l, spans: await complete(collector, l.trace) })));
    const span = (spans, process, kind, method) => spans.find((s) => s.process === process && s.kind === kind && s.name.endsWith(method));
    const d = (s) => (s ? s.durationMs.toFixed(1) : '-');
    table([
      ['trace', 'gateway', 'GetUsers client / server', 'user instance', 'IsFollowing client / server'],
      ...rows.map(({ line, spans }) => {
        const server = span(spans, 'surge-user', 2, '/GetUsers');
        const pair = (method, process) => `${d(span(spans, 'surge-gateway', 3, method))} / ${d(span(spans, process, 2, method))} ms`;
        return [line.trace, `${line.ms} ms`, pair('/GetUsers', 'surge-user'), who.get(server?.via) ?? '?', pair('/IsFollowing', 'surge-relation')];
      }),
    ]);
    const served = collector.spans.filter((s) => s.kind === 2 && s.process === 'surge-user' && s.name.endsWith('/GetUsers'));
    const share = served.reduce((m, s) => m.set(s.via, (m.get(s.via) ?? 0) + 1), new Map());
    show(`GetUsers calls each user instance served in all collected traces: ${[...share].map(([via, n]) => `${via} ${n}`).join(', ')}`);
    const viaSlow = rows.filter(({ spans }) => span(spans, 'surge-user', 2, '/GetUsers')?.via === 'user-2');

    // The slowest request may have lost its time on the way rather than in a service (a busy
    // machine, a pause): then the slowest one whose time a service spent is drawn as well.
    const first = whereTimeWent(spans);
    let fault = { line: slowest, spans, where: first };
    if (!first.inside) {
      const inside = rows.map((r) => ({ ...r, where: whereTimeWent(r.spans) })).filter((r) => r.where.inside);
      if (inside.length) {
        fault = inside.reduce((x, y) => (y.line.ms > x.line.ms ? y : x));
        step(`5. The slowest request whose time a service spent: trace ${fault.line.trace} (${fault.line.ms} ms)`);
        printTree(fault.spans, who);
      }
    }

    step('Reading it');
    const f = (s) => (s ? `${s.durationMs.toFixed(1)} ms` : 'missing');
    const short = (s) => s?.name.replace(/^surge\.\w+\.v1\./, '') ?? '?';
    const w = fault.where;
    show('1. A slow request is found by its ms in the access log, or by the x-trace-id a client reports; either names its');
    show('   trace (errors included), and the trace is the whole request across processes.');
    show(`2. In trace ${fault.line.trace} the gateway's SERVER span took ${f(w.gateway)}; under it the CLIENT span to`);
    show(`   ${short(w.longest)} ${f(w.longest)}${w.others.length ? ` and, in parallel, to ${w.others.map((o) => `${short(o)} ${f(o)}`).join(', ')}` : ''}:`);
    show(`   the request waits on ${short(w.longest)}.`);
    show(`3. ${w.callee?.process ?? 'The callee'}'s SERVER span took ${f(w.callee)} of those ${f(w.longest)}: the time is spent ${w.inside ? 'inside the called process,' : 'on the way, not in the'}`);
    show(`   ${w.inside ? 'not on the way to it' : 'called process'}. The instance, known here by the collector endpoint it exports to:`);
    show(`   ${who.get(w.callee?.via) ?? '?'}.`);
    show(`4. ${viaSlow.length} of the ${rows.length} slow requests had their GetUsers served by user-2, which served ${share.get('user-2') ?? 0} of the ${served.length}`);
    show('   GetUsers calls (the balancer steers around it and tries it again about once a second): one bad instance, not');
    show('   a slow service. Next: that instance\'s /metrics (surge_rpc_duration_seconds{side="server"}), its event-loop lag,');
    show('   its host; here it is the injected delay (rpc.injectDelayMs), which the instance logs as a warning at start.');
    let n = 5;
    if (!first.inside) {
      const late = first.callee && first.longest ? Math.round(first.callee.startMs - first.longest.startMs) : NaN;
      show(`${n++}. The slowest request of all (step 2) is another story: its CLIENT span to ${short(first.longest)} took ${f(first.longest)}, but`);
      show(`   ${first.callee?.process ?? 'the callee'}'s SERVER span began ${late} ms after it and took ${f(first.callee)}. The time went between the gateway`);
      show('   and the handler: the network, or an event loop (the gateway\'s or the instance\'s) that was busy or paused.');
      show('   The instance\'s event-loop lag (surge_nodejs_eventloop_lag_p99_seconds) and the host\'s CPU say which.');
    }
    const others = rows.length - viaSlow.length - (first.inside ? 0 : 1);
    if (others > 0) {
      show(`${n++}. The ${others === 1 ? 'other slow request' : `other ${others} slow requests`} of step 4 lost their time elsewhere; the rows say where (a CLIENT`);
      show('   span much longer than its SERVER span is time on the way: a connection being opened, a busy event loop).');
    }
    const keys = (o) => (o ? Object.keys(o).join(', ') : '');
    const userClient = span(fault.spans, 'surge-gateway', 3, '/GetUsers');
    const userServer = span(fault.spans, 'surge-user', 2, '/GetUsers');
    const clientAttrs = keys(userClient?.attributes);
    show(`${n++}. What the spans carry: CLIENT [${clientAttrs}], SERVER [${keys(userServer?.attributes)}],`);
    show(`   resource [${keys(userServer?.resource)}].`);
    if (!/server\.address|net\.peer|service\.instance/.test(`${clientAttrs} ${keys(userServer?.resource)}`)) {
      show('   No instance address on the CLIENT span and no instance id on the resource: in Jaeger or Tempo the two user');
      show('   instances look the same. This drill tells them apart by giving each process its own collector endpoint.');
    }

    step('Cleanup');
    show('stopping the gateway, the services and etcd; dropping the run\'s databases, stream and keys; stopping the collector');
  });
} finally {
  await collector.close();
}

/**
 * Where a request's time went: the gateway's SERVER span, its longest CLIENT span (the call it
 * waited on), the others, and the callee's SERVER span; inside when that span holds most of the
 * call's time (else the time was spent on the way: network, connection, an event loop).
 */
function whereTimeWent(spans) {
  const gateway = spans.find((s) => s.process === 'surge-gateway' && s.kind === 2);
  const [longest, ...others] = spans.filter((s) => s.parentSpanId === gateway?.spanId && s.kind === 3).sort((a, b) => b.durationMs - a.durationMs);
  const callee = spans.find((s) => s.parentSpanId === longest?.spanId && s.kind === 2);
  return { gateway, longest, others, callee, inside: Boolean(callee && callee.durationMs >= 0.8 * longest.durationMs) };
}

/** A trace's spans once every RPC CLIENT span has its SERVER child and the gateway's SERVER span is in (processes export every few seconds). */
async function complete(c, traceId) {
  const whole = () => {
    const spans = c.trace(traceId);
    const ids = new Set(spans.map((s) => s.parentSpanId));
    const root = spans.some((s) => s.process === 'surge-gateway' && s.kind === 2 && s.parentSpanId === '');
    return root && spans.filter((s) => s.kind === 3).every((s) => ids.has(s.spanId));
  };
  await c.until(whole, 20_000).catch(() => undefined); // print what arrived; a missing span is a finding
  return c.trace(traceId);
}

/**
 * The access-log line of one trace. The gateway writes its log in 4 KB batches, so a quiet
 * gateway holds its newest lines: a few more requests to `url` push them out (at most 50).
 */
async function waitForLogLine(g, traceId, url) {
  for (let i = 0; i < 50; i++) {
    const line = g.accessLog(Math.max(0, g.mark() - 500)).find((l) => l.trace === traceId);
    if (line) return line;
    await (await fetch(url)).arrayBuffer();
    await sleep(5);
  }
  return undefined;
}

/**
 * GET url `total` times, `perSecond` started each second whether or not earlier ones are answered
 * (at most maxInFlight at once), each reply's status, time and x-trace-id kept.
 */
async function pacedLoad({ url, total, perSecond, maxInFlight }) {
  const started = performance.now();
  const replies = [];
  const statuses = {};
  const inFlight = new Set();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    if (due > performance.now()) await sleep(due - performance.now());
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const t0 = performance.now();
    const call = fetch(url, { signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        await res.arrayBuffer();
        return { status: res.status, traceId: res.headers.get('x-trace-id') ?? '' };
      })
      .catch((err) => ({ status: 0, traceId: '', error: err.message }))
      .then((r) => {
        replies.push({ ...r, ms: performance.now() - t0 });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        inFlight.delete(call);
      });
    inFlight.add(call);
  }
  await Promise.all(inFlight);
  return { replies, statuses, seconds: (performance.now() - started) / 1000 };
}

/** The tree, one span a line: process (and instance), kind, name, start offset, duration, attributes. */
function printTree(spans, who) {
  if (spans.length === 0) return show('(no spans: is tracing on, and the collector reachable?)');
  const t0 = Math.min(...spans.map((s) => s.startMs));
  const rows = spanTree(spans).map(({ span: s, depth, orphan }) => {
    const attrs = Object.entries(s.attributes)
      .filter(([k]) => !['rpc.system', 'rpc.service', 'rpc.method', 'http.route'].includes(k))
      .map(([k, v]) => `${k}=${v}`);
    return [
      `${'  '.repeat(depth)}${s.process}`,
      `[${who.get(s.via) ?? s.via}]`,
      KIND[s.kind] ?? s.kind,
      s.name.replace(/^surge\.\w+\.v1\./, ''),
      `+${Math.round(s.startMs - t0)} ms`,
      `${s.durationMs.toFixed(1)} ms`,
      [orphan ? '(parent not in the trace)' : '', s.status === 2 ? 'status=ERROR' : '', ...attrs].filter(Boolean).join(' '),
    ];
  });
  table([['process', 'exported by', 'kind', 'name', 'start', 'took', 'attributes'], ...rows]);
}
