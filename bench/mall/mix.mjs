// Surge mall mix: a shop's load, browsing and buying together, by many signed-in shoppers over the
// demo catalog, with requests/s and latency p50/p99 overall and per kind. The mix:
//   40% product detail, 20% category page, 10% search, 5% home, 10% cart put, 5% cart get,
//   5% order (buy now: one unit of one product), 5% pay (an order the same shopper placed).
// No target: the figures are written down, beside a bare node:http hello run just before each
// round's mix, as a same-run reference. Every request is checked and timed inside wrk
// (bench/mall/mix.lua), so latency comes per kind as well. Afterwards the orders, payments and
// stock must agree with the replies. See bench/README.md.
//
//   node bench/mall/mix.mjs [--mode embedded|servers|both] [--rounds N] [--duration S]
//                           [--connections C] [--threads T] [--users N] [--cpu-prof DIR]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { checkAlive, checkClean, createHarness, freePort, loadText, machine, parseFlags, positiveInt, printRows, REPORT_LUA, root, runModes, waitReady, wrkVersion } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';
import { checkLedger, checkSearchWords, cliEnv, MALL, MallApi, RAISED_STOCK, raiseStock, readCatalog, seedShoppers, warmPages } from './shop.mjs';

/** Percent of requests per kind. Order and pay share one checkout (mix.lua), so they stay even. */
const WEIGHTS = { detail: 40, category: 20, search: 10, home: 5, cart_put: 10, cart_get: 5, order: 5, pay: 5 };
const KINDS = Object.keys(WEIGHTS);

const ROUTES = {
  detail: 'GET /products/:id (any product on sale)',
  category: 'GET /products?category_id&sort&limit=20 (any category of either level, any of the four sorts)',
  search: 'GET /search?q&limit=20 (words that hit)',
  home: 'GET /home',
  cart_put: 'PUT /cart/items/:productId {quantity 1–5} (ten products per shopper)',
  cart_get: 'GET /cart',
  order: 'POST /orders {address_id, items: [one product, quantity 1]} with an Idempotency-Key',
  pay: 'POST /orders/:id/pay {} (the oldest order placed and not yet paid, by its buyer)',
};

/** What each kind must answer: the status and the reply's first bytes (fixed by the route's response schema). */
const EXPECT = {
  detail: { status: 200, prefix: '{"product":{' },
  category: { status: 200, prefix: '{"products":[{' },
  search: { status: 200, prefix: '{"products":[{' },
  home: { status: 200, prefix: '{"banners":[' },
  cart_put: { status: 200, prefix: '{"product_id":' },
  cart_get: { status: 200, prefix: '{"items":[' },
  order: { status: 201, prefix: '{"order":{"id":' },
  pay: { status: 200, prefix: '{"payment":{"id":' },
};

/** Words a shopper types, each of which finds products in the demo catalog (services/product/demo/catalog.ts). */
const SEARCH_WORDS = ['手机', '耳机', 'iPhone', '笔记本', '机械键盘', '空气炸锅', '跑步鞋', '冲锋衣'];
const SORTS = ['newest', 'sales', 'price_asc', 'price_desc'];
/** Products people buy and put in carts: their stock is raised so no order is refused. */
const ORDER_PRODUCTS = 50;
/** Products each shopper's cart puts choose from (the cart holds at most 100). */
const CART_WINDOW = 10;

/** Surge's settings for the run: many sign-ups from one address, cheap password hashes (seeding, not sign-in, is measured), no payment timeout during it. */
const SURGE_ENV = {
  SURGE__limits__loginPerIp__quota: '1000000',
  SURGE__auth__passwordCost: '10',
  SURGE__order__paymentTimeoutSeconds: '86400',
};
/** pay.simulatorDelayMs as Surge defaults it: a payment completes half a second after it starts. */
const SIMULATOR_DELAY_MS = 500;

const LATENCY_HOW =
  'latencyMs: every request timed from request() to its reply in mix.lua (monotonic clock, 1% buckets), overall and per kind, ' +
  "but each connection's first (firstOnConnection: it waits for the busy server to accept the connection, one at a time); " +
  "wrkCorrectedLatencyMs: wrk's own figures, after its coordinated-omission correction (stats_correct adds samples below every latency over twice the mean interval per connection), which a mix of fast reads and slow checkouts inflates";

const WRK_WHY =
  'one wrk thread on the second core outpaces one Node event loop, so the server is the bottleneck; ' +
  '32 keep-alive connections keep it busy without queueing much time into the latencies; ' +
  'wrk rather than a Node driver, so the client costs little CPU on a 2-core machine; per-kind latency is timed inside wrk (mix.lua)';

const opts = parseArgs(process.argv.slice(2));
const h = createHarness();

// The mix has no target: it reports its figures (every mode passes).
runBenchmark(() => runModes(h, opts.mode, async (mode) => (await benchMode(mode), { pass: true })), () => h.runCleanups());

async function benchMode(mode) {
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  console.log(`\nbench: mall mix, ${mode} mode: starting Surge`);
  const hello = await h.startProcess('hello', join(root, 'bench', 'http', 'hello.mjs'), { PORT: String(await freePort()) }, dataDir);
  // The payment simulator posts its notifications back to this Surge: its port is chosen here.
  const port = await freePort();
  const env = { ...SURGE_ENV, PORT: String(port), SURGE__pay__notifyUrl: `http://127.0.0.1:${port}${MALL}/pay/notify`, SURGE__pay__simulatorDelayMs: String(SIMULATOR_DELAY_MS) };
  // --cpu-prof DIR: Surge writes a V8 CPU profile there when it stops (the profiler slows it: no results file).
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const surge = await h.startSurge({ mode, dataDir, tag, env, nodeArgs });
  // Embedded mode seeds the demo catalog on its first start; the servers are seeded as an operator does.
  if (mode !== 'embedded') execFileSync(process.execPath, [join(root, 'dist', 'app', 'cli.js'), 'seed', 'mall'], { cwd: dataDir, env: cliEnv(surge.env), stdio: 'inherit' });
  await waitReady(hello, '/');
  const procs = [hello, ...surge.procs];

  const api = new MallApi(surge.url);
  const catalog = await readCatalog(api);
  await checkSearchWords(api, SEARCH_WORDS);
  // Spread over the catalog: every k-th product on sale, so every category sells.
  const step = Math.max(1, Math.floor(catalog.products.length / ORDER_PRODUCTS));
  const orderProducts = catalog.products.filter((_, i) => i % step === 0).slice(0, ORDER_PRODUCTS).map((p) => p.id);
  if (orderProducts.length < CART_WINDOW) throw new Error(`the catalog has ${catalog.products.length} products on sale; the mix needs at least ${CART_WINDOW}`);
  const before = await raiseStock(api, { productIds: orderProducts, tag, env: surge.env, dataDir });
  console.log(`bench: catalog of ${catalog.products.length} products on sale in ${catalog.categories.length} categories; stock of ${orderProducts.length} raised to ${fmt(RAISED_STOCK)}`);
  console.log(`bench: registering ${opts.users} shoppers with an address each`);
  const users = await seedShoppers(api, { count: opts.users, tag });

  // Ids go to Lua as strings: LuaJIT prints a number with 14 significant digits, too few for an id.
  const data = {
    weights: WEIGHTS,
    expect: EXPECT,
    tokens: users.map((u) => u.token),
    addresses: users.map((u) => String(u.addressId)),
    products: catalog.products.map((p) => String(p.id)),
    categories: catalog.categories.map(String),
    orderProducts: orderProducts.map(String),
    cartWindow: CART_WINDOW,
    words: SEARCH_WORDS.map(encodeURIComponent),
    sorts: SORTS,
  };
  const script = join(dataDir, 'mall-mix.lua');
  writeFileSync(script, [`MIX = ${lua(data)}`, readFileSync(REPORT_LUA, 'utf8'), readFileSync(join(root, 'bench', 'mall', 'mix.lua'), 'utf8')].join('\n'));

  // What every wrk run of the mix sent and had answered, for the ledger at the end.
  const counts = { created: 0, createInFlight: 0, paid: 0, payInFlight: 0 };
  let runs = 0;
  const mix = async (seconds) => {
    checkAlive(procs);
    const run = await h.wrk({ url: surge.url, seconds, threads: opts.threads, connections: opts.connections, script, args: [`${tag}r${++runs}`, String(Math.floor(opts.connections / opts.threads))], extra: ['WRK_MALL'] });
    const kinds = run.extra.WRK_MALL.kinds;
    counts.created += kinds.order.answered - kinds.order.failed;
    counts.createInFlight += kinds.order.sent - kinds.order.answered;
    counts.paid += kinds.pay.answered - kinds.pay.failed;
    counts.payInFlight += kinds.pay.sent - kinds.pay.answered;
    checkMix(run);
    checkClean('mix', run);
    return run;
  };
  const helloRun = async (seconds) => {
    checkAlive(procs);
    const run = await h.wrk({ url: `${hello.url}/`, seconds, threads: opts.threads, connections: opts.connections });
    checkClean('hello', run);
    return run;
  };

  // Every page read once, then an unrecorded run of each, so the caches are filled and V8 has optimised every route.
  const warmed = await warmPages(api, { products: catalog.products.map((p) => p.id), categories: catalog.categories, sorts: SORTS, words: SEARCH_WORDS });
  console.log(`bench: warmed ${fmt(warmed)} pages`);
  const warm = Math.min(3, opts.duration);
  await helloRun(warm);
  await mix(warm);

  const loadBefore = os.loadavg();
  console.log(`bench: ${opts.rounds} round(s) of ${opts.duration}s (hello, then the mix), wrk -t${opts.threads} -c${opts.connections}, mix ${KINDS.map((k) => `${k} ${WEIGHTS[k]}%`).join(', ')}`);
  console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);
  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    const base = await helloRun(opts.duration);
    const run = await mix(opts.duration);
    const round = roundOf(r, base, run);
    rounds.push(round);
    const { latencyMs: l, firstOnConnection: first } = round.mix;
    console.log(`  round ${r}: hello ${fmt(base.rps)} req/s → mix ${fmt(run.rps)} req/s, p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms (each connection's first request, untimed: up to ${first.maxMs.toFixed(0)} ms)`);
  }
  const loadAfter = os.loadavg();
  console.log(`bench: load average after: ${loadText(loadAfter)}`);

  console.log('bench: checking orders, payments and stock against the replies');
  const ledger = await checkLedger(api, { users, before, counts });
  console.log(`bench: ${fmt(ledger.orders)} orders (${Object.entries(ledger.status).map(([s, n]) => `${fmt(n)} ${s}`).join(', ')}), ${fmt(ledger.unitsOrdered)} units of ${ledger.productsOrdered} products${ledger.ok ? '; the ledger holds' : ''}`);

  const result = {
    date: new Date().toISOString(),
    mode,
    machine: machine(loadBefore),
    wrk: { version: wrkVersion(), threads: opts.threads, connections: opts.connections, durationSeconds: opts.duration, warmupSeconds: warm, why: WRK_WHY },
    surge: { simulatorDelayMs: SIMULATOR_DELAY_MS, paymentTimeoutSeconds: Number(SURGE_ENV.SURGE__order__paymentTimeoutSeconds), passwordCost: Number(SURGE_ENV.SURGE__auth__passwordCost) },
    seed: { shoppers: users.length, warmedPages: warmed, productsOnSale: catalog.products.length, categories: catalog.categories.length, orderProducts: orderProducts.length, orderProductStock: RAISED_STOCK, cartWindow: CART_WINDOW, searchWords: SEARCH_WORDS, sorts: SORTS },
    mix: { weights: WEIGHTS, routes: ROUTES, prefix: MALL },
    latency: LATENCY_HOW,
    rounds,
    medians: mediansOf(rounds),
    ledger: { ...ledger, wrkSaw: counts },
  };
  printTable(result);
  if (opts.cpuProfDir) {
    console.log(`bench: profiled run, no results file written; profile in ${opts.cpuProfDir}`);
  } else {
    const file = join(root, 'bench', 'results', `mall-mix-${mode}.json`);
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`bench: wrote ${file.slice(root.length)}${ledger.ok ? '' : ' (ledger.ok false)'}`);
  }
  // The figures are kept, but the run fails: the system answered something it does not hold.
  const p = ledger.problems;
  if (!ledger.ok) throw new Error(`the system disagrees with the replies:\n  ${p.slice(0, 20).join('\n  ')}${p.length > 20 ? `\n  … ${p.length - 20} more` : ''}`);
}

/** A round's figures: hello's, the mix's overall (timed in mix.lua, and wrk's own) and per kind. */
function roundOf(r, base, run) {
  const m = run.extra.WRK_MALL;
  // A kind with no timed reply in the run (a very short one) has no percentiles.
  const ms = (x) => (x.timed === 0 ? null : { p50: x.p50_us / 1000, p90: x.p90_us / 1000, p99: x.p99_us / 1000 });
  return {
    round: r,
    hello: { rps: base.rps, wrkCorrectedLatencyMs: base.latencyMs },
    mix: {
      requests: run.requests,
      seconds: run.seconds,
      rps: run.rps,
      timed: m.all.timed,
      latencyMs: ms(m.all),
      firstOnConnection: { count: m.firstOnConnection.count, maxMs: m.firstOnConnection.max_us / 1000 },
      wrkCorrectedLatencyMs: run.latencyMs,
      non2xx: run.non2xx,
      socketErrors: run.socketErrors,
    },
    perKind: Object.fromEntries(KINDS.map((k) => [k, { sent: m.kinds[k].sent, answered: m.kinds[k].answered, latencyMs: ms(m.kinds[k]) }])),
    ratio: run.rps / base.rps,
  };
}

function mediansOf(rounds) {
  return {
    helloRps: median(rounds.map((r) => r.hello.rps)),
    rps: median(rounds.map((r) => r.mix.rps)),
    p50Ms: median(rounds.map((r) => r.mix.latencyMs.p50)),
    p99Ms: median(rounds.map((r) => r.mix.latencyMs.p99)),
    wrkCorrectedP50Ms: median(rounds.map((r) => r.mix.wrkCorrectedLatencyMs.p50)),
    wrkCorrectedP99Ms: median(rounds.map((r) => r.mix.wrkCorrectedLatencyMs.p99)),
    ratioToHello: median(rounds.map((r) => r.ratio)),
    perKind: Object.fromEntries(KINDS.map((k) => [k, { p50Ms: medianOf(rounds, (r) => r.perKind[k].latencyMs?.p50), p99Ms: medianOf(rounds, (r) => r.perKind[k].latencyMs?.p99) }])),
  };
}

/** The median of pick(round) over the rounds that have it; null when none has. */
function medianOf(rounds, pick) {
  const xs = rounds.map(pick).filter((x) => x !== undefined && x !== null);
  return xs.length === 0 ? null : median(xs);
}

/** Stops a run in which a reply was not what its kind answers, or named no request: its figures are void. */
function checkMix(run) {
  const m = run.extra.WRK_MALL;
  const bad = KINDS.filter((k) => m.kinds[k].failed > 0).map((k) => `${k}: ${m.kinds[k].failed} of ${m.kinds[k].answered} (first: ${m.kinds[k].sample})`);
  if (m.unmatched > 0) bad.push(`${m.unmatched} replies named no request of the run (x-request-id not echoed? first: ${m.unmatchedSample})`);
  if (bad.length > 0) throw new Error(`mix: replies other than expected; the figures are void:\n  ${bad.join('\n  ')}`);
}

/** A value as Lua source: arrays and objects as tables, strings quoted as JSON does (the same in Lua for printable text). */
function lua(v) {
  if (Array.isArray(v)) return `{${v.map(lua).join(',')}}`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}=${lua(x)}`).join(',')}}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function printTable(r) {
  const rows = [['round', 'hello req/s', 'mix req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'wrk p50', 'wrk p99', 'mix/hello']];
  for (const x of r.rounds) {
    const l = x.mix.latencyMs;
    const w = x.mix.wrkCorrectedLatencyMs;
    rows.push([String(x.round), fmt(x.hello.rps), fmt(x.mix.rps), l.p50.toFixed(2), l.p90.toFixed(2), l.p99.toFixed(2), w.p50.toFixed(2), w.p99.toFixed(2), x.ratio.toFixed(3)]);
  }
  printRows(rows, 1);
  const m = r.medians;
  console.log(`\n  median over rounds: ${fmt(m.rps)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms (hello ${fmt(m.helloRps)} req/s, mix/hello ${m.ratioToHello.toFixed(3)})`);
  console.log("  (p50/p90/p99: every request timed in mix.lua; wrk p50/p99: wrk's figures after its coordinated-omission correction)");
  const kinds = [['kind', 'share %', 'p50 ms', 'p99 ms']];
  const sent = Object.fromEntries(KINDS.map((k) => [k, r.rounds.reduce((n, x) => n + x.perKind[k].sent, 0)]));
  const all = KINDS.reduce((n, k) => n + sent[k], 0);
  const ms = (x) => (x === null ? '-' : x.toFixed(2));
  for (const k of KINDS) kinds.push([k, ((100 * sent[k]) / all).toFixed(1), ms(m.perKind[k].p50Ms), ms(m.perKind[k].p99Ms)]);
  printRows(kinds, 1);
  console.log('');
}

function parseArgs(argv) {
  const o = { mode: 'embedded', rounds: 3, duration: 10, connections: 32, threads: 1, users: 200, cpuProfDir: '' };
  const int = (key) => (v) => (o[key] = positiveInt(`--${key}`, v, usage));
  parseFlags(argv, { '--mode': (v) => (o.mode = v), '--rounds': int('rounds'), '--duration': int('duration'), '--connections': int('connections'), '--threads': int('threads'), '--users': int('users'), '--cpu-prof': (v) => (o.cpuProfDir = resolve(v)) }, usage);
  if (!['embedded', 'servers', 'both'].includes(o.mode)) usage('--mode is embedded, servers or both');
  return o;
}

function usage(problem) {
  console.error(`bench: ${problem}\nusage: node bench/mall/mix.mjs [--mode embedded|servers|both] [--rounds N] [--duration S] [--connections C] [--threads T] [--users N] [--cpu-prof DIR]`);
  process.exit(64);
}
