// Surge HTTP benchmark: requests/s and latency of two read routes, each measured against a bare
// node:http server on the same machine in alternating rounds, so a busy or slow machine moves both
// figures alike and the ratio Surge/hello is what we judge. See bench/README.md.
//
//   node bench/http/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S]
//                           [--connections C] [--threads T] [--request-log on|off] [--cpu-prof DIR]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, runBenchmark } from '../lib.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (...p) => join(root, 'bench', 'http', ...p);

/** The fractions of the bare server's requests/s each route must reach. */
// Targets per mode. Distributed: the gateway calls the user service over the network on every
// request (no gateway-side cache), so the bar is lower; users/me has no target there.
const TARGETS_BY_MODE = {
  embedded: { 'users/:id': 0.6, 'users/me': 0.5 },
  servers: { 'users/:id': 0.6, 'users/me': 0.5 },
  distributed: { 'users/:id': 0.35 },
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
const cleanups = []; // run in reverse order on every way out

runBenchmark(main, runCleanups);

async function main() {
  ensureWrk();
  console.log('bench: building (node scripts/ensure.mjs)…');
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure.mjs')], { cwd: root, stdio: 'inherit' });
  const modes = opts.mode === 'both' ? ['embedded', 'servers'] : opts.mode === 'all' ? ['embedded', 'servers', 'distributed'] : [opts.mode];
  let allPass = true;
  for (const mode of modes) {
    const result = await benchMode(mode);
    allPass &&= result.pass;
    await runCleanups(); // each mode starts from nothing
  }
  // 2: the benchmark ran cleanly but a route is below its target.
  return allPass ? 0 : 2;
}

async function benchMode(mode) {
  const tag = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(join(os.tmpdir(), 'surge-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  const hello = await startProcess('hello', here('hello.mjs'), { PORT: String(await freePort()) }, dataDir);
  const surgeEnv = { PORT: String(await freePort()), HOST: '127.0.0.1', SURGE_DATA: dataDir, SURGE__log__requests: String(opts.requestLog) };
  if (mode !== 'embedded') Object.assign(surgeEnv, await serversEnv(tag));
  // --cpu-prof DIR: Surge writes a V8 CPU profile there when it stops.
  const profArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  let surge;
  if (mode === 'distributed') {
    // The user service in its own process, found by the gateway through a bench-owned etcd.
    Object.assign(surgeEnv, await etcdEnv(dataDir));
    const cli = join(root, 'dist', 'app', 'cli.js');
    await startProcess('user', cli, { ...surgeEnv, PORT: '0' }, dataDir, [], ['serve', 'user']);
    surge = await startProcess('surge', cli, surgeEnv, dataDir, profArgs, ['gateway']);
  } else {
    surge = await startProcess('surge', join(root, 'dist', 'app', 'main.js'), surgeEnv, dataDir, profArgs);
  }
  await waitReady(hello, '/');
  await waitReady(surge, '/healthz');

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
    const helloA = await measure(targets, 'hello', [hello, surge]);
    const byId = await measure(targets, 'users/:id', [hello, surge]);
    const helloB = await measure(targets, 'hello', [hello, surge]);
    const me = await measure(targets, 'users/me', [hello, surge]);
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
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
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

/** One wrk run against a named target; stops everything if any answer was not 2xx. */
async function measure(targets, name, procs) {
  for (const p of procs) if (p.child.exitCode !== null) throw new Error(`${p.name} exited (code ${p.child.exitCode}) during the benchmark; see its log:\n${p.logTail()}`);
  const run = await wrk(targets[name], opts.duration);
  if (run.non2xx > 0) throw new Error(`${name}: ${run.non2xx} of ${run.requests} responses were not 2xx/3xx (wrk "Non-2xx or 3xx responses"); the figures are void`);
  if (run.socketErrors.total > 0) throw new Error(`${name}: wrk reported socket errors ${JSON.stringify(run.socketErrors)}; the figures are void`);
  return run;
}

function wrk(target, seconds) {
  const args = ['-t', String(opts.threads), '-c', String(opts.connections), '-d', `${seconds}s`, '--latency', '-s', here('report.lua')];
  for (const h of target.headers ?? []) args.push('-H', h);
  args.push(target.url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = async () => void child.kill('SIGTERM');
    cleanups.push(stop);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const at = cleanups.indexOf(stop);
      if (at >= 0) cleanups.splice(at, 1); // gone already when a cleanup is what stopped wrk
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (exit ${code}):\n${out}${err}`));
      const j = JSON.parse(line.slice('WRK_JSON '.length));
      const textNon2xx = Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(out)?.[1] ?? 0);
      const e = j.errors;
      resolve({
        requests: j.requests,
        seconds: j.duration_us / 1e6,
        rps: j.requests / (j.duration_us / 1e6),
        latencyMs: { mean: j.latency_us.mean / 1000, p50: j.latency_us.p50 / 1000, p90: j.latency_us.p90 / 1000, p99: j.latency_us.p99 / 1000, max: j.latency_us.max / 1000 },
        non2xx: Math.max(textNon2xx, e.status),
        socketErrors: { connect: e.connect, read: e.read, write: e.write, timeout: e.timeout, total: e.connect + e.read + e.write + e.timeout },
      });
    });
  });
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

/** Settings for the run on MariaDB, Redis and NATS, isolated by a tag and removed afterwards. */
async function serversEnv(tag) {
  const dbPrefix = `surgebench_${tag}`;
  const keyPrefix = `surgebench:${tag}:`;
  const namespace = `surgebench_${tag}`;
  cleanups.push(async () => {
    const { default: mysql } = await import('mysql2/promise');
    const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '' });
    try {
      const [rows] = await conn.query(`SHOW DATABASES LIKE '${dbPrefix.replace(/_/g, '\\_')}\\_%'`);
      for (const r of rows) await conn.query(`DROP DATABASE \`${Object.values(r)[0]}\``);
    } finally {
      await conn.end();
    }
  });
  cleanups.push(async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });
  cleanups.push(async () => {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const { streamName } = await import(join(root, 'dist', 'packages', 'kit', 'queue', 'index.js'));
    const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
    try {
      // A stream that was never created (no event published yet) is nothing to remove.
      await (await jetstreamManager(nc)).streams.delete(streamName(namespace)).catch((err) => {
        if (!/not found/i.test(err.message)) throw err;
      });
    } finally {
      await nc.close();
    }
  });
  return {
    SURGE_CONFIG: join(root, 'deploy', 'servers.yaml'),
    SURGE_JWT_SECRET: randomBytes(24).toString('hex'),
    SURGE_FIELD_KEY: randomBytes(32).toString('base64'),
    // No S3 server runs here; the benchmarked routes do not touch blobs.
    SURGE__blob__driver: 'local',
    SURGE__database__mysql__databasePrefix: dbPrefix,
    SURGE__cache__redis__keyPrefix: keyPrefix,
    SURGE__queue__nats__namespace: namespace,
  };
}

/** An etcd of the benchmark's own on free loopback ports, removed afterwards. */
async function etcdEnv(dataDir) {
  const client = await freePort();
  const peer = await freePort();
  const child = spawn('/usr/bin/etcd', ['--data-dir', join(dataDir, 'etcd'), '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`, '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`, '--initial-cluster', `default=http://127.0.0.1:${peer}`], { stdio: 'ignore' });
  cleanups.push(() => stopProcess(child));
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${client}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { SURGE__registry__driver: 'etcd', SURGE__registry__etcd__hosts: JSON.stringify([`127.0.0.1:${client}`]) };
}

/**
 * Starts a server in its own process. Its stdout (Surge's request log) goes to /dev/null: the
 * lines are still formatted and written, but the disk's speed stays out of the figures.
 */
async function startProcess(name, script, env, dataDir, nodeArgs = [], args = []) {
  const logFile = join(dataDir, `${name}.stderr.log`);
  const errFd = openSync(logFile, 'a');
  const devNull = openSync('/dev/null', 'w');
  // Only this run's settings: a SURGE_* variable from the caller's shell would change the system.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SURGE') && k !== 'PORT' && k !== 'HOST'));
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', devNull, errFd] });
  closeSync(errFd);
  closeSync(devNull);
  cleanups.push(() => stopProcess(child));
  return { name, child, url: `http://127.0.0.1:${env.PORT}`, logTail: () => readFileSync(logFile, 'utf8').slice(-2000) };
}

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitReady(proc, path) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited at start (code ${proc.child.exitCode}):\n${proc.logTail()}`);
    try {
      const res = await fetch(proc.url + path);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${proc.name} not ready at ${proc.url}${path} within 60 s:\n${proc.logTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function ensureWrk() {
  if (hasWrk()) return;
  console.log('bench: wrk not found; installing it (apt-get install -y wrk)…');
  try {
    if (process.getuid?.() !== 0) throw new Error('not running as root');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (err) {
    throw new Error(`wrk is needed and could not be installed (${err.message}); install it with: sudo apt-get install -y wrk`);
  }
  if (!hasWrk()) throw new Error('wrk is still missing after apt-get install -y wrk');
}

function hasWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version prints its banner and exits 1; only "not found" means it is missing.
    return err.code !== 'ENOENT';
  }
}

function wrkVersion() {
  try {
    return execFileSync('wrk', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch (err) {
    return String(err.stdout ?? '').split('\n')[0].trim();
  }
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
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log('');
  for (const row of rows) console.log('  ' + row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  console.log('');
  for (const route of Object.keys(r.medians)) {
    const verdict = r.targets[route] === undefined ? '(no target)' : `target ≥ ${r.targets[route]}  ${r.pass[route] ? 'PASS' : 'FAIL'}`;
    console.log(`  ${route.padEnd(10)} median ratio ${r.medians[route].toFixed(3)}  ${verdict}`);
  }
}

async function runCleanups() {
  while (cleanups.length > 0) {
    const c = cleanups.pop();
    await c().catch((err) => console.error(`bench: cleanup step failed: ${err.message}`));
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

