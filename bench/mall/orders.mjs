// Surge mall order benchmark: placing an order through the saga (stock reserved at the product
// service, the order written at the order service, each behind its barrier) on the servers,
// against one local MariaDB transaction doing the same writes (bench/mall/order-baseline.mjs), in
// alternating rounds (baseline, saga, …) with the same wrk settings and the same wrk script, so
// the ratio is what we judge. Afterwards every order is accounted for on both sides. See
// bench/README.md.
//
//   node bench/mall/orders.mjs [--rounds N] [--duration S] [--connections C] [--threads T]
//                              [--idempotency on|off] [--cpu-prof DIR]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { build, checkAlive, checkClean, createHarness, ensureWrk, freePort, loadText, machine, parseFlags, positiveInt, printRows, REPORT_LUA, root, waitReady, wrkVersion } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';

/** Saga orders/s over baseline orders/s (issue: the mall). */
const TARGETS = { orders: 0.3 };
const MALL = '/api/v1/mall';
/**
 * Buyers and products the requests rotate over: twice and more the requests in flight (16), so
 * those seldom name the same rows and neither side waits long on another request's row locks.
 * Hot rows (a flash sale) are another benchmark.
 */
const USERS = 32;
const PRODUCTS = 40;
/** Each product's stock: the most the product service takes; 40 million units outlast any run here. */
const STOCK = 1_000_000;

const WRK_WHY =
  'one wrk thread on the second core; 16 keep-alive connections, each waiting on MariaDB commits, keep one Node ' +
  "process busy on either side (MariaDB groups the commits) while staying near the connection pools (10 per Surge service, " +
  'one per connection for the baseline); more would add queueing to the latencies, not orders';

const opts = parseArgs(process.argv.slice(2));
const h = createHarness();
runBenchmark(main, () => h.runCleanups());

async function main() {
  ensureWrk();
  build();
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  console.log('\nbench: mall orders: starting Surge on MariaDB, Redis and NATS');
  // --cpu-prof DIR: Surge writes a V8 CPU profile there when it stops.
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  // Sign-ups are limited per address (30 a minute by default); the buyers all come from here.
  const surge = await h.startSurge({ mode: 'servers', dataDir, tag, nodeArgs, env: { SURGE__limits__loginPerIp__quota: '1000' } });
  const sql = mysql.createPool({ host: '127.0.0.1', user: 'root', password: '', connectionLimit: 2, supportBigNumbers: true, bigNumberStrings: false });
  h.defer(() => sql.end());
  const dbs = { order: surge.env.SURGE__database__mysql__databasePrefix + '_order', product: surge.env.SURGE__database__mysql__databasePrefix + '_product' };
  for (const name of Object.values(dbs)) {
    const [found] = await sql.query('SHOW DATABASES LIKE ?', [name]);
    if (found.length !== 1) throw new Error(`Surge's database ${name} is missing: the order or product service was renamed?`);
  }

  const shop = await seedShop(surge, tag);
  console.log(`bench: ${shop.users.length} buyers with an address, ${shop.products.length} products of ${fmt(STOCK)} units`);

  const baseDb = `${surge.env.SURGE__database__mysql__databasePrefix}_orderbase`;
  await makeBaselineDatabase(sql, baseDb, dbs);
  const baseline = await h.startProcess(
    'order-baseline',
    join(root, 'bench', 'mall', 'order-baseline.mjs'),
    { PORT: String(await freePort()), ORDER_BASELINE_DB: baseDb, ORDER_BASELINE_JWT_SECRET: surge.env.SURGE_JWT_SECRET, ORDER_BASELINE_POOL: String(opts.connections) },
    dataDir,
  );
  await waitReady(baseline, '/healthz');

  const sides = {
    baseline: { url: `${baseline.url}${MALL}/orders`, count: (s) => ledgerCount(s, baseDb), ledger: () => ledger(sql, { order: baseDb, product: baseDb }, shop) },
    saga: { url: `${surge.url}${MALL}/orders`, count: (s) => ledgerCount(s, dbs.order), ledger: () => ledger(sql, dbs, shop) },
  };
  const replies = {};
  for (const [name, side] of Object.entries(sides)) {
    const proc = name === 'saga' ? surge.gateway : baseline;
    replies[name] = await probeOrder(side.url, shop, name).catch((err) => {
      throw new Error(`${name}: the probe order failed (${err.cause?.message ?? err.message}); its log:\n${proc.logTail()}`);
    });
  }
  checkSameShape(replies.baseline.order, replies.saga.order);

  const script = orderScript(join(dataDir, 'orders.lua'), shop, tag);
  const procs = [baseline, ...surge.procs];
  let runs = 0;
  const measure = async (name, seconds) => {
    checkAlive(procs);
    const side = sides[name];
    const before = await side.count(sql);
    const serverBefore = await serverCounters(sql);
    const run = await h.wrk({ url: side.url, seconds, threads: opts.threads, connections: opts.connections, script, args: [`r${++runs}`], extra: ['WRK_ORDERS'] });
    const { WRK_ORDERS: counted } = run.extra;
    if (counted.other > 0) throw new Error(`${name}: ${counted.other} of ${run.requests} replies were not 201 (first: ${counted.sample}); the figures are void`);
    checkClean(name, run);
    if (counted.created !== run.requests) throw new Error(`${name}: wrk counted ${run.requests} replies, the script ${counted.created} of 201`);
    // wrk stops with a request in flight on each connection: the server may still place those.
    const placed = (await side.count(sql)) - before;
    if (placed < counted.created) throw new Error(`${name}: ${counted.created} replies were 201 but only ${placed} orders were placed: orders lost`);
    if (placed > counted.sent) throw new Error(`${name}: ${placed} orders were placed for ${counted.sent} requests sent: orders duplicated`);
    const { extra, ...figures } = run;
    // MariaDB's global counters: anything else on the server (and these checks' few queries) adds to them.
    const server = await serverCounters(sql);
    const perOrder = (key) => (server[key] - serverBefore[key]) / placed;
    return {
      ...figures,
      orders: { sent: counted.sent, replied201: counted.created, placed, inFlightAtStop: counted.sent - counted.created },
      deadlocks: server.Innodb_deadlocks - serverBefore.Innodb_deadlocks,
      mariadbPerOrder: { statements: perOrder('Questions'), fsyncs: perOrder('Innodb_data_fsyncs') },
    };
  };

  const warm = Math.min(3, opts.duration);
  for (const name of Object.keys(sides)) await measure(name, warm);
  const loadBefore = os.loadavg();
  console.log(`\nbench: mall orders, ${opts.rounds} round(s) of ${opts.duration}s per run, wrk -t${opts.threads} -c${opts.connections}, Idempotency-Key ${opts.idempotency ? 'fresh per request' : 'not sent'}`);
  console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);
  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    const base = await measure('baseline', opts.duration);
    const saga = await measure('saga', opts.duration);
    const ratio = saga.rps / base.rps;
    rounds.push({ round: r, runs: { baseline: base, saga }, ratio });
    const said = (run) => `${fmt(run.rps)} orders/s (p50 ${run.latencyMs.p50.toFixed(2)} ms, p99 ${run.latencyMs.p99.toFixed(2)} ms)`;
    console.log(`  round ${r}: baseline ${said(base)} → saga ${said(saga)}: ${ratio.toFixed(3)}`);
  }

  // Every order of every run (probes and warm-ups too), accounted for from end to end.
  const ledgers = {};
  for (const [name, side] of Object.entries(sides)) ledgers[name] = checkLedger(name, await side.ledger());
  console.log(`bench: ledger: ${Object.entries(ledgers).map(([n, l]) => `${n} ${fmt(l.orders)} orders`).join(', ')}; every one has its line, its stock, its barrier rows and its finished transaction${opts.idempotency ? ' and its key' : ''}`);

  const medians = { orders: median(rounds.map((r) => r.ratio)), baselineRps: median(rounds.map((r) => r.runs.baseline.rps)), sagaRps: median(rounds.map((r) => r.runs.saga.rps)) };
  const pass = { orders: medians.orders >= TARGETS.orders };
  const rows = [['round', 'side', 'orders/s', 'p50 ms', 'p99 ms', 'SQL/order', 'fsyncs/order', 'deadlocks', 'ratio']];
  for (const round of rounds) {
    for (const [name, run] of Object.entries(round.runs)) {
      const m = run.mariadbPerOrder;
      rows.push([String(round.round), name, fmt(run.rps), run.latencyMs.p50.toFixed(2), run.latencyMs.p99.toFixed(2), m.statements.toFixed(1), m.fsyncs.toFixed(2), String(run.deadlocks), name === 'saga' ? round.ratio.toFixed(3) : '']);
    }
  }
  printRows(rows);
  console.log(`  orders  median ratio ${medians.orders.toFixed(3)}  target ≥ ${TARGETS.orders}  ${pass.orders ? 'PASS' : 'FAIL'}`);
  if (opts.cpuProfDir) {
    console.log(`bench: profiled run, no results file written; profile in ${opts.cpuProfDir} once Surge has stopped`);
    return 0;
  }
  const result = {
    date: new Date().toISOString(),
    mode: 'servers',
    machine: machine(loadBefore),
    wrk: { version: wrkVersion(), threads: opts.threads, connections: opts.connections, durationSeconds: opts.duration, warmupSeconds: warm, why: WRK_WHY },
    setup: {
      users: shop.users.length,
      products: shop.products.length,
      stockEach: STOCK,
      idempotencyKey: opts.idempotency ? 'a fresh key per request' : 'none',
      request: `POST ${MALL}/orders {address_id, items: [{product_id, quantity: 1}]}, request n as user n mod ${USERS}, product n mod ${PRODUCTS}`,
      baseline: 'bench/mall/order-baseline.mjs: node:http, one MariaDB transaction writing the rows the saga writes (see its header), a pool of one connection per wrk connection',
      replyBytes: { baseline: replies.baseline.bytes, saga: replies.saga.bytes },
    },
    rounds,
    ledgers,
    medians,
    targets: TARGETS,
    pass,
    passAll: pass.orders,
  };
  const file = join(root, 'bench', 'results', 'mall-orders.json');
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`bench: wrote ${file.slice(root.length)}`);
  return result.passAll ? 0 : 2;
}

/**
 * Through the API, as a shop does: an admin (granted with `surge admin grant`) makes a category and
 * the products; each buyer signs up and adds an address.
 */
async function seedShop(surge, tag) {
  const call = async (method, path, { token, body, want }) => {
    const res = await fetch(surge.url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status !== want) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const register = (username) => call('POST', '/api/v1/users/register', { body: { username, password: `pw-${tag}-${username}` }, want: 201 });
  const adminName = `bench_${tag}_admin`;
  const admin = await register(adminName);
  execFileSync(process.execPath, [join(root, 'dist', 'app', 'cli.js'), 'admin', 'grant', adminName], { cwd: root, env: { ...process.env, ...surge.env }, stdio: 'inherit' });
  const { category } = await call('POST', `${MALL}/admin/categories`, { token: admin.token, body: { name: 'Bench' }, want: 201 });
  const products = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const body = { name: `Bench product ${i}`, category_id: category.id, price_cents: 990 + i * 100, stock: STOCK, subtitle: 'For the order benchmark', image_urls: [`/images/bench-${i}.jpg`] };
    products.push((await call('POST', `${MALL}/admin/products`, { token: admin.token, body, want: 201 })).product.id);
  }
  const users = [];
  for (let i = 0; i < USERS; i++) {
    const user = await register(`bench_${tag}_${i}`);
    const body = { name: `Buyer ${i}`, phone: '+86 138 0000 0000', province: 'Zhejiang', city: 'Hangzhou', district: 'Xihu', detail: `No. ${i + 1} Bench Road, Room 101` };
    const { address } = await call('POST', `${MALL}/addresses`, { token: user.token, body, want: 201 });
    users.push({ id: user.id, token: user.token, addressId: address.id });
  }
  return { users, products };
}

/**
 * The baseline's database: Surge's tables as they are (CREATE TABLE … LIKE: the same columns and
 * indexes) in one database, with the same products and addresses. Dropped on the way out (it also
 * carries the run's database prefix, which the harness drops).
 */
async function makeBaselineDatabase(sql, name, dbs) {
  const tables = { product: ['products', 'user_categories', 'surge_saga_barrier'], order: ['addresses', 'orders', 'order_lines', 'order_requests', 'surge_saga', 'surge_saga_branch'] };
  await sql.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  h.defer(() => sql.query(`DROP DATABASE IF EXISTS \`${name}\``));
  for (const [service, names] of Object.entries(tables)) {
    for (const table of names) await sql.query(`CREATE TABLE \`${name}\`.\`${table}\` LIKE \`${dbs[service]}\`.\`${table}\``);
  }
  await sql.query(`INSERT INTO \`${name}\`.products SELECT * FROM \`${dbs.product}\`.products`);
  await sql.query(`INSERT INTO \`${name}\`.addresses SELECT * FROM \`${dbs.order}\`.addresses`);
}

/** One order placed by fetch, before any load: it must be 201 with an order of the one product. */
async function probeOrder(url, shop, name) {
  const [user] = shop.users;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...(opts.idempotency ? { 'idempotency-key': `probe-${name}` } : {}) };
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ address_id: user.addressId, items: [{ product_id: shop.products[0], quantity: 1 }] }) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${name}: a probe order answered ${res.status}: ${text.slice(0, 300)}`);
  const { order } = JSON.parse(text);
  if (order?.status !== 'unpaid' || order.items?.length !== 1 || order.items[0].product_id !== shop.products[0]) throw new Error(`${name}: the probe order is not the one asked for: ${text.slice(0, 300)}`);
  return { order, bytes: Buffer.byteLength(text) };
}

/** Both replies have the same fields, so neither side sends less than the other. */
function checkSameShape(baseline, saga) {
  const shape = (v) => (v === null || typeof v !== 'object' ? typeof v : Array.isArray(v) ? [shape(v[0])] : Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])])));
  const [a, b] = [JSON.stringify(shape(baseline)), JSON.stringify(shape(saga))];
  if (a !== b) throw new Error(`the baseline's order reply differs from Surge's:\n  baseline ${a}\n  saga     ${b}`);
}

/** Orders in a database once nothing is in flight: no transaction running, and the count unchanged over three reads. */
async function ledgerCount(sql, db) {
  let last = -1;
  let steady = 0;
  for (let i = 0; i < 600; i++) {
    const [[row]] = await sql.query(`SELECT (SELECT COUNT(*) FROM \`${db}\`.orders) AS orders, (SELECT COUNT(*) FROM \`${db}\`.surge_saga WHERE status = 'running') AS running`);
    const orders = Number(row.orders);
    steady = Number(row.running) === 0 && orders === last ? steady + 1 : 0;
    if (steady >= 2) return orders;
    last = orders;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${db}: orders still being placed a minute after the run`);
}

/**
 * MariaDB's counters since it started: statements from clients (Questions), InnoDB's fsyncs
 * (each commit waits for one of the redo log; concurrent commits share it), and the deadlocks
 * it broke by rolling a transaction back.
 */
async function serverCounters(sql) {
  const [rows] = await sql.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Innodb_data_fsyncs', 'Innodb_deadlocks')");
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

/** What every order leaves behind, counted row by row. */
async function ledger(sql, dbs, shop) {
  const one = async (query, params = []) => Number(Object.values((await sql.query(query, params))[0][0])[0] ?? 0);
  const o = `\`${dbs.order}\``;
  const p = `\`${dbs.product}\``;
  return {
    orders: await one(`SELECT COUNT(*) FROM ${o}.orders`),
    unpaid: await one(`SELECT COUNT(*) FROM ${o}.orders WHERE status = 'unpaid' AND total_cents > 0`),
    lines: await one(`SELECT COUNT(*) FROM ${o}.order_lines WHERE quantity = 1`),
    requests: await one(`SELECT COUNT(*) FROM ${o}.order_requests`),
    sagas: await one(`SELECT COUNT(*) FROM ${o}.surge_saga`),
    succeeded: await one(`SELECT COUNT(*) FROM ${o}.surge_saga WHERE status = 'succeeded'`),
    branchesDone: await one(`SELECT COUNT(*) FROM ${o}.surge_saga_branch WHERE action = 'done'`),
    stockBarriers: await one(`SELECT COUNT(*) FROM ${p}.surge_saga_barrier WHERE branch = 'stock' AND op = 'action'`),
    orderBarriers: await one(`SELECT COUNT(*) FROM ${o}.surge_saga_barrier WHERE branch = 'order' AND op = 'action'`),
    unitsTaken: await one(`SELECT SUM(? - stock) FROM ${p}.products WHERE id IN (?)`, [STOCK, shop.products]),
    unitsSold: await one(`SELECT SUM(sales) FROM ${p}.products WHERE id IN (?)`, [shop.products]),
  };
}

/** Fails unless every order has one line of one unit, its stock taken, both barrier rows and a succeeded transaction (and its key). */
function checkLedger(name, l) {
  const expected = {
    unpaid: l.orders,
    lines: l.orders,
    sagas: l.orders,
    succeeded: l.orders,
    branchesDone: 2 * l.orders,
    stockBarriers: l.orders,
    orderBarriers: l.orders,
    unitsTaken: l.orders,
    unitsSold: l.orders,
    ...(opts.idempotency ? { requests: l.orders } : {}),
  };
  const wrong = Object.entries(expected).filter(([k, v]) => l[k] !== v);
  if (wrong.length > 0) throw new Error(`${name}: the ledger does not add up for ${l.orders} orders: ${wrong.map(([k, v]) => `${k} ${l[k]} (expected ${v})`).join(', ')}`);
  return l;
}

/** The wrk script: the buyers and products as Lua data, the JSON reporter, then bench/mall/orders.lua. */
function orderScript(path, shop, tag) {
  // Ids go to Lua as strings: LuaJIT prints a number with 14 significant digits, too few for an id.
  const users = shop.users.map((u) => `{auth=${JSON.stringify(`Bearer ${u.token}`)},body=${JSON.stringify(`{"address_id":${u.addressId},"items":[{"product_id":`)}}`);
  const data = `ORDERS = {tag=${JSON.stringify(tag)},keys=${opts.idempotency},users={${users.join(',')}},products={${shop.products.map((id) => JSON.stringify(String(id))).join(',')}}}`;
  writeFileSync(path, [data, readFileSync(REPORT_LUA, 'utf8'), readFileSync(join(root, 'bench', 'mall', 'orders.lua'), 'utf8')].join('\n'));
  return path;
}

function parseArgs(argv) {
  const o = { rounds: 5, duration: 10, connections: 16, threads: 1, idempotency: true, cpuProfDir: '' };
  const int = (key) => (v) => (o[key] = positiveInt(`--${key}`, v, usage));
  parseFlags(
    argv,
    {
      '--rounds': int('rounds'),
      '--duration': int('duration'),
      '--connections': int('connections'),
      '--threads': int('threads'),
      '--idempotency': (v) => {
        if (v !== 'on' && v !== 'off') usage('--idempotency is on or off');
        o.idempotency = v === 'on';
      },
      '--cpu-prof': (v) => (o.cpuProfDir = resolve(v)),
    },
    usage,
  );
  return o;
}

function usage(problem) {
  console.error(`bench: ${problem}\nusage: node bench/mall/orders.mjs [--rounds N] [--duration S] [--connections C] [--threads T] [--idempotency on|off] [--cpu-prof DIR]`);
  process.exit(64);
}
