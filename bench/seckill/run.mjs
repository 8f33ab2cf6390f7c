// Surge flash-sale benchmark (issue 14, "Speed"): buy requests spread over many signed-in buyers,
// measured against a bare node:http hello and against the naive path (one MariaDB transaction per
// buy, bench/seckill/naive.mjs), on the same machine in alternating rounds, so the ratios are
// what we judge. Three targets per round: buys while stock remains, buys after sell-out, and
// Surge's buys over the naive path's. With --drain, also the time from a sale of S units selling
// out to its last order persisted (bench/seckill/drain.mjs). See bench/README.md.
//
// --mode distributed runs every service as its own process (as `npm run up`), with --gateways N
// gateway processes; wrk then runs one process per gateway, the connections split among them,
// and a run's figures are their sum (req/s) and their worst (p50, p99).
//
//   node bench/seckill/run.mjs [--mode embedded|servers|both|distributed] [--gateways N] [--rounds N] [--duration S]
//                              [--connections C] [--threads T] [--users N]
//                              [--drain] [--drain-stock S] [--cpu-prof DIR]
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { checkAlive, createHarness, freePort, loadText, machine, measuredRun, parseFlags, positiveInt, printRows, REPORT_LUA, root, runModes, waitReady, wrkVersion } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';
import { settle } from '../community/system.mjs';
import { MALL, MallApi, seedShoppers } from '../mall/shop.mjs';
import { measureDrain } from './drain.mjs';
import { openOrderDb } from './order-db.mjs';
import { buyPath, newSale, saleNow, seedAdmin } from './sales.mjs';
import { SURGE_ENV } from './settings.mjs';

/**
 * The issue's targets: buys/s while stock remains over hello's ≥ 0.45, after sell-out ≥ 0.7,
 * a buy's p99 within 2.5× hello's (both kinds of buy), Surge's buys/s ≥ 8× the naive path's.
 */
const TARGETS = { buy: { min: 0.45 }, buyP99: { max: 2.5 }, soldOut: { min: 0.7 }, soldOutP99: { max: 2.5 }, vsNaive: { min: 8 } };
const TARGET_TEXT = { buy: 'buy/hello req/s', buyP99: 'buy/hello p99', soldOut: 'sold-out/hello req/s', soldOutP99: 'sold-out/hello p99', vsNaive: 'buy/naive req/s' };

/** The most the seckill service takes per sale and per buyer (services/seckill/rules.ts). */
const BUY_STOCK = 1_000_000;
const PER_USER_LIMIT = 100;
/** Longest wait after a buy run for its tickets to be orders, and then for Surge to go quiet. */
const ORDERS_TIMEOUT_MS = 300_000;
const SETTLE_TIMEOUT_MS = 30_000;

const WRK_WHY =
  'one wrk thread on the second core outpaces one Node event loop, so the server is the bottleneck; ' +
  '64 keep-alive connections as bench/http and bench/mall; each request is the next buyer of the file (bench/seckill/buy.lua)';

const opts = parseArgs(process.argv.slice(2));
const h = createHarness();
runBenchmark(() => runModes(h, opts.mode, benchMode), () => h.runCleanups());

async function benchMode(mode) {
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  console.log(`\nbench: seckill, ${mode} mode: starting hello, Surge and the naive server`);
  const hello = await h.startProcess('hello', join(root, 'bench', 'http', 'hello.mjs'), { PORT: String(await freePort()) }, dataDir);
  // The secret is named here so the naive server checks the same tokens (the servers' settings name their own).
  const surge = await h.startSurge({ mode, dataDir, tag, env: { ...SURGE_ENV, SURGE_JWT_SECRET: randomBytes(24).toString('hex') }, nodeArgs: opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] : [], gateways: opts.gateways });
  /** The buy URL of a sale on every gateway (one but in distributed mode with --gateways). */
  const buyUrls = (saleId) => surge.gateways.map((g) => g.url + buyPath(saleId));
  await waitReady(hello, '/');

  // The naive path's database, on the same MariaDB in both modes, dropped afterwards.
  const sql = mysql.createPool({ host: '127.0.0.1', user: 'root', password: '', connectionLimit: 2 });
  h.defer(() => sql.end());
  const naiveDb = `surgebench_${tag}_seckillnaive`;
  await makeNaiveDatabase(sql, naiveDb);
  const naive = await h.startProcess(
    'naive',
    join(root, 'bench', 'seckill', 'naive.mjs'),
    { PORT: String(await freePort()), NAIVE_DB: naiveDb, NAIVE_JWT_SECRET: surge.env.SURGE_JWT_SECRET, NAIVE_POOL: String(opts.connections) },
    dataDir,
  );
  await waitReady(naive, '/healthz');
  const procs = [hello, naive, ...surge.procs];
  const orders = await openOrderDb(mode, surge, dataDir);
  h.defer(() => orders.close());

  const api = new MallApi(surge.url);
  const seedStart = Date.now();
  const admin = await seedAdmin(api, { tag, env: surge.env, dataDir });
  console.log(`bench: registering ${fmt(opts.users)} buyers with an address each`);
  const users = await seedShoppers(api, { count: opts.users, tag });
  const buyersFile = join(dataDir, 'buyers.txt');
  writeFileSync(buyersFile, users.map((u) => `${u.token} ${u.addressId}\n`).join(''));
  const script = join(dataDir, 'buy.lua');
  writeFileSync(script, [readFileSync(REPORT_LUA, 'utf8'), readFileSync(join(root, 'bench', 'seckill', 'buy.lua'), 'utf8')].join('\n'));

  // The sold-out sale: one unit, bought once; the next buy answers sold out and sets the gateway's flag.
  const soldOutSale = await newSale(api, admin, { stock: 1, perUserLimit: 1, label: 'sold-out' });
  await api.call('POST', buyPath(soldOutSale.id), { token: users[0].token, body: { address_id: users[0].addressId }, expect: 202 });
  await api.call('POST', buyPath(soldOutSale.id), { token: users[1].token, body: { address_id: users[1].addressId }, expect: 409 });
  console.log(`bench: seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s: an admin, ${fmt(users.length)} buyers, the sold-out sale ${soldOutSale.id}`);

  let naiveSales = 0;
  const targets = {
    hello: async () => ({ url: `${hello.url}/` }),
    // A fresh sale per run: its stock never runs out, and each buyer's limit starts from nothing.
    buy: async () => {
      const { id } = await newSale(api, admin, { stock: BUY_STOCK, perUserLimit: PER_USER_LIMIT, label: 'buy' });
      return { urls: buyUrls(id), saleId: id, expect: 'ok' };
    },
    soldOut: async () => ({ urls: buyUrls(soldOutSale.id), expect: 'sold_out' }),
    naive: async () => {
      const id = ++naiveSales;
      await sql.query(`INSERT INTO \`${naiveDb}\`.flash_sales (id, stock) VALUES (?, ?)`, [id, BUY_STOCK]);
      return { urls: [naive.url + buyPath(id)], expect: 'ok' };
    },
  };
  const run = async (name, seconds) => {
    const target = await targets[name]();
    const result = name === 'hello' ? await measuredRun(h, name, target, procs, wrkRun(seconds)) : await buyRun(name, { ...target, script, args: [buyersFile, String(opts.threads)] }, procs, seconds);
    // What the buys left to do (tickets becoming orders) is done before the next run starts.
    if (name === 'buy') Object.assign(result, await awaitOrders(api, orders, target.saleId, result));
    result.settleSeconds = await settle(surge.procs, { timeoutMs: SETTLE_TIMEOUT_MS });
    return result;
  };

  const warm = Math.min(3, opts.duration);
  const rounds = [];
  if (opts.rounds > 0) for (const name of Object.keys(targets)) await run(name, warm);
  const loadBefore = os.loadavg();
  if (opts.rounds > 0) {
    console.log(`\nbench: seckill, ${mode} mode, ${opts.rounds} round(s) of ${opts.duration}s per run, wrk -t${opts.threads} -c${opts.connections}, ${fmt(users.length)} buyers`);
    console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);
  }
  for (let r = 1; r <= opts.rounds; r++) {
    const runs = {};
    for (const name of ['buy', 'soldOut', 'naive']) {
      runs[`helloBefore_${name}`] = await run('hello', opts.duration);
      runs[name] = await run(name, opts.duration);
    }
    const ratios = {
      buy: runs.buy.rps / runs.helloBefore_buy.rps,
      buyP99: runs.buy.latencyMs.p99 / runs.helloBefore_buy.latencyMs.p99,
      soldOut: runs.soldOut.rps / runs.helloBefore_soldOut.rps,
      soldOutP99: runs.soldOut.latencyMs.p99 / runs.helloBefore_soldOut.latencyMs.p99,
      naive: runs.naive.rps / runs.helloBefore_naive.rps,
      vsNaive: runs.buy.rps / runs.naive.rps,
    };
    rounds.push({ round: r, runs, ratios });
    console.log(`  round ${r}: buy ${fmt(runs.buy.rps)}/s (${ratios.buy.toFixed(3)} of hello), sold out ${fmt(runs.soldOut.rps)}/s (${ratios.soldOut.toFixed(3)}), naive ${fmt(runs.naive.rps)}/s (buy ×${ratios.vsNaive.toFixed(1)})`);
  }

  const drain = opts.drain ? await runDrain({ api, admin, users, orders, surge, procs }) : undefined;

  const result = {
    date: new Date().toISOString(),
    mode,
    gateways: opts.gateways,
    machine: machine(loadBefore),
    wrk: { version: wrkVersion(), threads: opts.threads, connections: opts.connections, durationSeconds: opts.duration, warmupSeconds: warm, script: 'bench/seckill/buy.lua', why: WRK_WHY },
    surge: Object.fromEntries(Object.entries(SURGE_ENV).map(([k, v]) => [k.replace(/^SURGE__/, '').replaceAll('__', '.'), Number(v)])),
    setup: {
      buyers: users.length,
      request: `POST ${MALL}/flash-sales/:id/buy {address_id} (quantity 1), request n as buyer n mod ${users.length}`,
      buy: `a fresh sale per run of ${fmt(BUY_STOCK)} units, ${PER_USER_LIMIT} per buyer; every reply must be 202`,
      soldOut: `sale ${soldOutSale.id}, one unit, bought before the runs; every reply must be 409 sold_out`,
      naive: 'bench/seckill/naive.mjs: node:http, one MariaDB transaction per buy (conditional UPDATE of the sale row, INSERT of the order), a pool of one connection per wrk connection; a fresh sale row per run; every reply must be 202',
      afterEachRun: 'after a buy run, until the order service holds an order per unit taken (ordersSeconds); after every run, until Surge uses under 7% of a core over a second (settleSeconds)',
    },
    rounds,
  };
  let pass = true;
  if (opts.rounds > 0) {
    result.medians = Object.fromEntries(Object.keys(rounds[0].ratios).map((k) => [k, median(rounds.map((r) => r.ratios[k]))]));
    for (const name of ['hello', 'buy', 'soldOut', 'naive']) {
      const runsOf = rounds.flatMap((r) => Object.entries(r.runs).filter(([key]) => key === name || (name === 'hello' && key.startsWith('hello'))).map(([, v]) => v));
      result.medians[`${name}Rps`] = median(runsOf.map((x) => x.rps));
      result.medians[`${name}P99Ms`] = median(runsOf.map((x) => x.latencyMs.p99));
    }
    result.targets = TARGETS;
    result.pass = Object.fromEntries(Object.entries(TARGETS).map(([k, t]) => [k, t.min !== undefined ? result.medians[k] >= t.min : result.medians[k] <= t.max]));
    result.passAll = Object.values(result.pass).every(Boolean);
    pass = result.passAll;
    printTable(result);
  }
  if (drain) result.drain = drain;
  const name = opts.gateways > 1 ? `${mode}-${opts.gateways}gw` : mode;
  const file = join(root, 'bench', 'results', opts.rounds > 0 ? `seckill-${name}.json` : `seckill-drain-${name}.json`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`bench: wrote ${file.slice(root.length)}`);
  return { pass };
}

/** One measured wrk run of buys (target: url, the wrk script and its args, the reply expected): every reply must be the kind expected (202, or 409 sold out), else the figures are void. */
async function buyRun(name, target, procs, seconds) {
  checkAlive(procs);
  // One wrk per gateway, together, the connections split among them.
  const split = Math.max(1, Math.floor(opts.connections / target.urls.length));
  const runs = await Promise.all(target.urls.map((url) => h.wrk({ url, ...wrkRun(seconds), connections: split, script: target.script, args: target.args, extra: ['WRK_BUY'] })));
  const run = runs.length === 1 ? runs[0] : combine(runs);
  // wrk's non2xx counts the 409s a sold-out run must answer: the script's counts replace it.
  const { extra, non2xx, ...figures } = run;
  const c = extra.WRK_BUY;
  const kinds = ['ok', 'sold_out', 'over_limit', 'rate_limited', 'other'];
  const why = {
    ok: 'reserved (202)',
    sold_out: 'sold out (409): the stock ran out',
    over_limit: `over the per-user limit (409, 40903): buyers used up their ${PER_USER_LIMIT} units; run with more --users`,
    rate_limited: 'rate limited (429): seckill.buysPerUserPerSecond was not lifted',
    other: `other (first: ${c.sample})`,
  };
  const wrong = kinds.filter((k) => k !== target.expect && c[k] > 0);
  if (wrong.length > 0) throw new Error(`${name}: of ${run.requests} replies, ${wrong.map((k) => `${c[k]} ${why[k]}`).join('; ')}; expected every one ${why[target.expect]}; the figures are void`);
  if (c[target.expect] !== run.requests) throw new Error(`${name}: wrk counted ${run.requests} replies, the script ${c[target.expect]}`);
  if (run.socketErrors.total > 0) throw new Error(`${name}: wrk reported socket errors ${JSON.stringify(run.socketErrors)}; the figures are void`);
  return { ...figures, replies: { sent: c.sent, ok: c.ok, soldOut: c.sold_out } };
}

/** Runs of wrk side by side as one: requests and req/s summed, latencies the worst, reply counts summed. */
function combine(runs) {
  const sum = (f) => runs.reduce((n, r) => n + f(r), 0);
  const worst = (f) => Math.max(...runs.map(f));
  const counts = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.extra.WRK_BUY)) counts[k] = typeof v === 'number' ? (counts[k] ?? 0) + v : (counts[k] || v);
  const errors = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.socketErrors)) errors[k] = (errors[k] ?? 0) + v;
  return {
    ...runs[0],
    requests: sum((r) => r.requests),
    rps: sum((r) => r.rps),
    latencyMs: Object.fromEntries(Object.keys(runs[0].latencyMs).map((k) => [k, worst((r) => r.latencyMs[k])])),
    socketErrors: errors,
    extra: { WRK_BUY: counts },
  };
}

/**
 * After a buy run, once the buys in flight at wrk's stop are answered and their tickets are
 * orders: the sale's units taken are at least the tickets answered and at most the buys sent, and
 * the order service holds one order per unit taken (a ticket is one unit), the same in two reads
 * in a row. Answers the units taken and the seconds from wrk's end until then.
 */
async function awaitOrders(api, orders, saleId, run) {
  const started = performance.now();
  let last = -1;
  for (;;) {
    const sale = await saleNow(api, saleId);
    const taken = sale.stock - sale.stock_left;
    const persisted = await orders.count(saleId);
    if (persisted === taken && taken === last) {
      if (taken < run.replies.ok || taken > run.replies.sent) throw new Error(`sale ${saleId}: ${taken} units taken for ${run.replies.ok} tickets answered and ${run.replies.sent} buys sent`);
      return { unitsTaken: taken, ordersSeconds: (performance.now() - started) / 1000 };
    }
    if (persisted > taken) throw new Error(`sale ${saleId}: ${persisted} orders for ${taken} units taken`);
    if (performance.now() - started > ORDERS_TIMEOUT_MS) throw new Error(`sale ${saleId}: ${persisted} orders for ${taken} units taken, ${ORDERS_TIMEOUT_MS / 1000} s after the run`);
    last = taken;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runDrain({ api, admin, users, orders, surge, procs }) {
  checkAlive(procs);
  await settle(surge.procs, { timeoutMs: SETTLE_TIMEOUT_MS });
  console.log(`\nbench: drain: buying out a sale of ${fmt(opts.drainStock)} units (${opts.connections} buys in flight), then counting its orders`);
  const d = await measureDrain({ api, admin, users, orders, surgeUrl: surge.url, stock: opts.drainStock, perUserLimit: PER_USER_LIMIT, connections: opts.connections });
  checkAlive(procs);
  console.log(`  bought out in ${fmt(d.buyOutMs)} ms (${fmt(d.reservedPerSecond)} units/s); ${fmt(d.persistedAtSellOut)} orders persisted at sell-out; the last ${fmt(d.drainMs)} ms after it (${d.counted})`);
  return d;
}

/**
 * The naive path's tables: a sale row per run (the stock every buy of the run updates) and the
 * orders; dropped on the way out.
 */
async function makeNaiveDatabase(sql, name) {
  await sql.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  h.defer(() => sql.query(`DROP DATABASE IF EXISTS \`${name}\``));
  await sql.query(`CREATE TABLE \`${name}\`.flash_sales (id BIGINT NOT NULL PRIMARY KEY, stock BIGINT NOT NULL) ENGINE=InnoDB`);
  await sql.query(
    `CREATE TABLE \`${name}\`.flash_orders (id BIGINT NOT NULL PRIMARY KEY, sale_id BIGINT NOT NULL, user_id BIGINT NOT NULL, address_id BIGINT NOT NULL, quantity INT NOT NULL, status VARCHAR(16) NOT NULL, created_at BIGINT NOT NULL, KEY by_sale (sale_id), KEY by_user (user_id, sale_id)) ENGINE=InnoDB`,
  );
}

function printTable(r) {
  const rows = [['round', 'target', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'p99 ratio', 'orders s', 'settle s']];
  for (const round of r.rounds) {
    for (const [key, run] of Object.entries(round.runs)) {
      const name = key.startsWith('hello') ? 'hello' : key;
      const ratio = { buy: round.ratios.buy, soldOut: round.ratios.soldOut, naive: round.ratios.naive }[name];
      const p99 = { buy: round.ratios.buyP99, soldOut: round.ratios.soldOutP99 }[name];
      rows.push([String(round.round), name, fmt(run.rps), run.latencyMs.p50.toFixed(2), run.latencyMs.p99.toFixed(2), ratio?.toFixed(3) ?? '', p99?.toFixed(2) ?? '', run.ordersSeconds?.toFixed(1) ?? '', run.settleSeconds.toFixed(1)]);
    }
  }
  printRows(rows);
  console.log('');
  for (const [k, t] of Object.entries(TARGETS)) {
    const bound = t.min !== undefined ? `≥ ${t.min}` : `≤ ${t.max}`;
    console.log(`  ${TARGET_TEXT[k].padEnd(21)} median ${r.medians[k].toFixed(3).padStart(7)}  target ${bound.padEnd(6)} ${r.pass[k] ? 'PASS' : 'FAIL'}`);
  }
  console.log(`  (naive/hello median ${r.medians.naive.toFixed(3)}; ratio: req/s over the hello run just before; p99 ratio: wrk's p99 over that hello's;`);
  console.log("   orders s: from a buy run's end until every ticket was an order; settle s: then until Surge was quiet)");
}

function wrkRun(seconds) {
  return { seconds, threads: opts.threads, connections: opts.connections };
}

function parseArgs(argv) {
  const o = { mode: 'embedded', gateways: 1, rounds: 5, duration: 10, connections: 64, threads: 1, users: 2000, drain: false, drainStock: 10_000 };
  const int = (key) => (v) => (o[key] = positiveInt(`--${key}`, v, usage));
  parseFlags(
    argv,
    {
      '--mode': (v) => (o.mode = v),
      '--gateways': int('gateways'),
      '--rounds': (v) => {
        // 0 with --drain: the drain alone.
        o.rounds = v === '0' ? 0 : positiveInt('--rounds', v, usage);
      },
      '--duration': int('duration'),
      '--connections': int('connections'),
      '--threads': int('threads'),
      '--users': int('users'),
      '--drain': () => (o.drain = true),
      // Profiles the Surge process (written when it exits): for finding where a buy's time goes, not for figures.
      '--cpu-prof': (v) => (o.cpuProf = v),
      '--drain-stock': (v) => (o.drainStock = positiveInt('--drain-stock', v, usage)),
    },
    usage,
  );
  if (!['embedded', 'servers', 'both', 'distributed'].includes(o.mode)) usage('--mode is embedded, servers, both or distributed');
  if (o.gateways > 1 && o.mode !== 'distributed') usage('--gateways above 1 needs --mode distributed');
  if (o.rounds === 0 && !o.drain) usage('--rounds 0 measures nothing without --drain');
  if (o.users < 2) usage('--users must be at least 2');
  if (o.drainStock > BUY_STOCK) usage(`--drain-stock is at most ${fmt(BUY_STOCK)}`);
  if (o.drainStock > o.users * PER_USER_LIMIT) usage(`--drain-stock ${o.drainStock} is more than ${o.users} buyers may take at ${PER_USER_LIMIT} each`);
  return o;
}

function usage(problem) {
  console.error(
    `bench: ${problem}\nusage: node bench/seckill/run.mjs [--mode embedded|servers|both] [--rounds N] [--duration S] [--connections C] [--threads T] [--users N] [--drain] [--drain-stock S]`,
  );
  process.exit(64);
}
