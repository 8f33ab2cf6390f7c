// Surge HTTP benchmark: requests/s and latency of two read routes, each measured against a bare
// node:http server on the same machine in alternating rounds, so a busy or slow machine moves both
// figures alike and the ratio Surge/hello is what we judge. See bench/README.md.
//
//   node bench/http/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S]
//                           [--connections C] [--threads T] [--request-log on|off] [--cpu-prof DIR]
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { createHarness, freePort, machine, measuredRun, printRows, root, runModes, waitReady, wrkVersion } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';

const here = (...p) => join(root, 'bench', 'http', ...p);

/** The fractions of the bare server's requests/s each route must reach. */
// Targets per mode. Distributed: the gateway asks the user service over the network for every
// turn's profiles (one GetUsers call per event-loop turn, no gateway-side cache), so the bar is
// lower; users/me has no target there.
const TARGETS_BY_MODE = {
  embedded: { 'users/:id': 0.6, 'users/me': 0.5 },
  servers: { 'users/:id': 0.6, 'users/me': 0.5 },
  distributed: { 'users/:id': 0.5 },
};

// wrk settings. The machine has 2 cores and each server under test is one Node process (one event
// loop, so about one core). One wrk thread, written in C on epoll, generates several times more
// requests than one Node process can answer, so it saturates the server from the other core
// without taking the server's. 64 keep-alive connections keep the server's queue never empty;
// more would only add waiting time to the latency figures.
const WRK_WHY =
  'one wrk thread on the second core outpaces one Node event loop, so the server is the bottleneck; ' +
  '64 keep-alive connections keep it always busy; more would only add queueing time to the latencies';

const opts = parseArgs(process.argv.slice(2));
const h = createHarness();
const runCleanups = () => h.runCleanups(); // every process and temporary file, on every way out

// Exit 2: the benchmark ran cleanly but a route is below its target in a mode.
runBenchmark(() => runModes(h, opts.mode, benchMode), runCleanups);

async function benchMode(mode) {
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();

  const hello = await h.startProcess('hello', here('hello.mjs'), { PORT: String(await freePort()) }, dataDir);
  // --cpu-prof DIR: Surge writes a V8 CPU profile there when it stops.
  const profArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  // Distributed: every service in its own process (the gateway is healthy only when all are
  // registered), found by the gateway through a bench-owned etcd; the routes measured call the user service.
  const surge = await h.startSurge({ mode, dataDir, tag, env: { SURGE__log__requests: String(opts.requestLog) }, nodeArgs: profArgs });
  await waitReady(hello, '/');

  const seed = await seedUsers(surge.url, tag);
  const targets = {
    hello: { url: `${hello.url}/` },
    'users/:id': { url: `${surge.url}/api/v1/users/${seed.id}` },
    'users/me': { url: `${surge.url}/api/v1/users/me`, headers: [`Authorization: Bearer ${seed.token}`] },
  };

  const loadBefore = os.loadavg();
  console.log(`\nbench: ${mode} mode, ${opts.rounds} round(s) of ${opts.duration}s per run, wrk -t${opts.threads} -c${opts.connections}, request log ${opts.requestLog ? 'on' : 'off'}`);
  console.log(`bench: load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} (figures taken while anything else runs are void)`);
  // Warm-up, not recorded: lets V8 optimise the hot paths of both servers before the first round.
  const warm = Math.min(3, opts.duration);
  for (const name of Object.keys(targets)) await wrk(targets[name], warm);

  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    // hello, users/:id, hello, users/me: each Surge run has a baseline measured just before it.
    const helloA = await measure(targets, 'hello', [hello, ...surge.procs]);
    const byId = await measure(targets, 'users/:id', [hello, ...surge.procs]);
    const helloB = await measure(targets, 'hello', [hello, ...surge.procs]);
    const me = await measure(targets, 'users/me', [hello, ...surge.procs]);
    const round = {
      round: r,
      runs: { helloBeforeUsersId: helloA, 'users/:id': byId, helloBeforeUsersMe: helloB, 'users/me': me },
      ratios: { 'users/:id': byId.rps / helloA.rps, 'users/me': me.rps / helloB.rps },
    };
    rounds.push(round);
    console.log(`  round ${r}: hello ${fmt(helloA.rps)} → users/:id ${fmt(byId.rps)} (${round.ratios['users/:id'].toFixed(3)}); ` +
      `hello ${fmt(helloB.rps)} → users/me ${fmt(me.rps)} (${round.ratios['users/me'].toFixed(3)})`);
  }

  const medians = {};
  const pass = {};
  const TARGETS = TARGETS_BY_MODE[mode];
  for (const route of ['users/:id', 'users/me']) {
    medians[route] = median(rounds.map((r) => r.ratios[route]));
    if (TARGETS[route] !== undefined) pass[route] = medians[route] >= TARGETS[route];
  }
  const result = {
    date: new Date().toISOString(),
    mode,
    requestLog: opts.requestLog,
    machine: machine(loadBefore),
    wrk: { version: wrkVersion(), threads: opts.threads, connections: opts.connections, durationSeconds: opts.duration, warmupSeconds: warm, why: WRK_WHY },
    routes: Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, t.url.replace(/^http:\/\/[^/]+/, '')])),
    rounds,
    medians,
    targets: TARGETS_BY_MODE[mode],
    pass,
    passAll: Object.values(pass).every(Boolean),
  };
  printTable(result);
  if (opts.cpuProfDir) {
    // The profiler slows Surge down: such figures must not stand in for a measurement.
    console.log(`bench: profiled run, no results file written; profile in ${opts.cpuProfDir}`);
  } else {
    const file = join(root, 'bench', 'results', `http-${mode}${opts.requestLog ? '' : '-nolog'}.json`);
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`bench: wrote ${file.slice(root.length)}`);
  }
  return { pass: result.passAll };
}

function measure(targets, name, procs) {
  return measuredRun(h, name, targets[name], procs, wrkRun(opts.duration));
}

function wrk(target, seconds) {
  return h.wrk({ ...target, ...wrkRun(seconds) });
}

function wrkRun(seconds) {
  return { seconds, threads: opts.threads, connections: opts.connections };
}

/** Registers the benchmark's users, checks both routes answer, and fills Surge's cache. */
async function seedUsers(base, tag) {
  const users = [];
  // Five accounts: register is limited per address (30 a minute by default), so keep it small.
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${base}/api/v1/users/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `bench_${tag}_${i}`, password: `pw-${tag}-${i}` }),
    });
    if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
    users.push(await res.json());
  }
  const [first] = users;
  const auth = { authorization: `Bearer ${first.token}` };
  for (const [path, headers] of [[`/api/v1/users/${first.id}`, {}], ['/api/v1/users/me', auth]]) {
    // A few hundred calls, 10 at a time: the first loads from the database, the rest hit the cache.
    for (let i = 0; i < 30; i++) {
      const replies = await Promise.all(Array.from({ length: 10 }, () => fetch(base + path, { headers })));
      for (const r of replies) {
        if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${await r.text()}`);
        await r.arrayBuffer();
      }
    }
  }
  return first;
}

function printTable(r) {
  const rows = [['round', 'target', 'req/s', 'p50 ms', 'p99 ms', 'ratio']];
  for (const round of r.rounds) {
    for (const [key, run] of Object.entries(round.runs)) {
      const route = key.startsWith('hello') ? 'hello' : key;
      const ratio = route === 'hello' ? '' : round.ratios[route].toFixed(3);
      rows.push([String(round.round), route, fmt(run.rps), run.latencyMs.p50.toFixed(2), run.latencyMs.p99.toFixed(2), ratio]);
    }
  }
  printRows(rows);
  console.log('');
  for (const route of Object.keys(r.medians)) {
    const verdict = r.targets[route] === undefined ? '(no target)' : `target ≥ ${r.targets[route]}  ${r.pass[route] ? 'PASS' : 'FAIL'}`;
    console.log(`  ${route.padEnd(10)} median ratio ${r.medians[route].toFixed(3)}  ${verdict}`);
  }
}

function parseArgs(argv) {
  const o = { mode: 'embedded', rounds: 5, duration: 10, connections: 64, threads: 1, requestLog: true, cpuProfDir: '' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) usage(`${flag} needs a value`);
    if (flag === '--mode') o.mode = value;
    else if (flag === '--rounds') o.rounds = positiveInt(flag, value);
    else if (flag === '--duration') o.duration = positiveInt(flag, value);
    else if (flag === '--connections') o.connections = positiveInt(flag, value);
    else if (flag === '--threads') o.threads = positiveInt(flag, value);
    else if (flag === '--cpu-prof') o.cpuProfDir = resolve(value);
    else if (flag === '--request-log') o.requestLog = value === 'on' ? true : value === 'off' ? false : usage('--request-log is on or off');
    else usage(`unknown option ${flag}`);
  }
  if (!['embedded', 'servers', 'distributed', 'both', 'all'].includes(o.mode)) usage('--mode is embedded, servers, distributed, both or all');
  return o;
}

function positiveInt(flag, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a positive integer`);
  return n;
}

function usage(problem) {
  console.error(`bench: ${problem}\nusage: node bench/http/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S] [--connections C] [--threads T] [--request-log on|off] [--cpu-prof DIR]`);
  process.exit(64);
}

