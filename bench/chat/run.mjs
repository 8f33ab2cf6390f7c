// Surge chat benchmark: N clients in M rooms, one sender per room sending a message every
// interval, every member receiving every message of its room. Deliveries per second and
// send-to-delivery latency, measured against a bare `ws` broadcast server (bench/chat/bare-ws.mjs)
// doing the same fan-out with nothing stored, in alternating rounds (bare, surge, …) with the same
// client process (bench/chat/load.mjs), so the ratios are what we judge. `--idle N` instead holds
// N idle sockets on one embedded Surge process and on the bare server and reports the memory each
// one costs. See bench/README.md.
//
//   node bench/chat/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S]
//                           [--clients N] [--rooms M] [--interval-ms MS] [--cpu-prof DIR] [--env SURGE_NAME=value]…
//   node bench/chat/run.mjs --idle 10000
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { build, checkAlive, createHarness, freePort, loadText, machine, parseFlags, positiveInt, printRows, root, runModes, stopProcess, waitReady } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';

/** Surge over the bare server, median of the rounds (issue: the chat room). */
const TARGETS = { deliveriesRatio: 0.7, p99Ratio: 2 };
/** Centrifugo's published memory per idle connection, KB (its documentation on scaling: 30–50 KB). */
const CENTRIFUGO_KB = { low: 30, high: 50 };
/** The most chat connections the settings allow one user on one process; the idle run reuses each user's token up to it. */
const MAX_CONNECTIONS_PER_USER = 1000;
const CHAT = '/api/v1/chat';

const opts = parseArgs(process.argv.slice(2));
const h = createHarness();
runBenchmark(() => (opts.idle ? idleRun() : runModes(h, opts.mode, benchMode)), () => h.runCleanups());

/**
 * What Surge runs with: sign-ups from one address are not limited (every client registers from
 * here), passwords are hashed at 2^10 (the runs measure the chat, not sign-up), a user may send
 * as many messages a second as the settings allow (a sender's messages queued behind a stall of
 * the server arrive together, and a refused one voids the run), and may own a room per sender.
 */
function surgeEnv(extra = {}) {
  return {
    SURGE__limits__loginPerIp__quota: '1000000',
    SURGE__auth__passwordCost: '10',
    SURGE__chatSocket__sendsPerSecond: '1000',
    SURGE__chat__maxRoomsPerUser: '10000',
    ...extra,
    ...opts.env,
  };
}

async function benchMode(mode) {
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  const gateways = mode === 'distributed' ? 2 : 1;
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const bare = await h.startProcess('bare-ws', join(root, 'bench', 'chat', 'bare-ws.mjs'), { PORT: String(await freePort()) }, dataDir);
  const env = surgeEnv();
  const surge = await h.startSurge({ mode, dataDir, tag, env, nodeArgs, gateways });
  await waitReady(bare, '/healthz');
  const procs = [bare, ...surge.procs];

  console.log(`\nbench: chat, ${mode} mode (${gateways} gateway${gateways > 1 ? 's' : ''}): registering ${fmt(opts.clients)} users…`);
  const started = Date.now();
  const users = await registerUsers(surge.url, opts.clients, tag);
  const rooms = await makeRooms(surge.url, users, opts.rooms);
  console.log(`bench: ${fmt(users.length)} users and ${rooms.length} rooms in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const targets = { bare: { urls: [bare.url], procs: [bare] }, surge: { urls: surge.gateways.map((g) => g.url), procs: surge.procs } };
  const loadBefore = os.loadavg();
  console.log(`bench: ${fmt(opts.clients)} clients in ${opts.rooms} rooms, a message per room every ${opts.intervalMs} ms; ${opts.rounds} round(s) of ${opts.warmup} s warm-up + ${opts.duration} s measured per target`);
  console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);

  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    const runs = {};
    for (const name of ['bare', 'surge']) {
      checkAlive(procs);
      runs[name] = await fanout(name, targets[name], users, name === 'surge' ? rooms : rooms.map((_, i) => i + 1));
      checkAlive(procs);
    }
    const ratios = { deliveries: runs.surge.deliveriesPerSecond / runs.bare.deliveriesPerSecond, p99: runs.surge.latencyMs.p99 / runs.bare.latencyMs.p99 };
    rounds.push({ round: r, runs, ratios });
    const line = (n) => `${n} ${fmt(runs[n].deliveriesPerSecond)}/s p50 ${ms(runs[n].latencyMs.p50)} p99 ${ms(runs[n].latencyMs.p99)} ms`;
    console.log(`  round ${r}: ${line('bare')} → ${line('surge')} (deliveries ×${ratios.deliveries.toFixed(3)}, p99 ×${ratios.p99.toFixed(2)})`);
    for (const n of ['bare', 'surge']) console.log(`    ${n} p99 by second sent, ms: ${runs[n].latencyBySecondMs.map((x) => ms(x.p99)).join(' ')}`);
  }

  const medians = { deliveriesRatio: median(rounds.map((r) => r.ratios.deliveries)), p99Ratio: median(rounds.map((r) => r.ratios.p99)) };
  const pass = { deliveriesRatio: medians.deliveriesRatio >= TARGETS.deliveriesRatio, p99Ratio: medians.p99Ratio <= TARGETS.p99Ratio };
  const rows = [['round', 'target', 'deliv/s', 'offered/s', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'ack p99', 'server cpu', 'client cpu', 'ratio']];
  for (const round of rounds) {
    for (const [name, run] of Object.entries(round.runs)) {
      rows.push([String(round.round), name, fmt(run.deliveriesPerSecond), fmt(run.offeredDeliveriesPerSecond), ms(run.latencyMs.p50), ms(run.latencyMs.p99), ms(run.latencyMs.max), fmt(run.lost), ms(run.ackLatencyMs.p99), `${Math.round(run.serverCpuTotal * 100)}%`, `${Math.round(run.client.cpuShare * 100)}%`, name === 'surge' ? `${round.ratios.deliveries.toFixed(3)} / ${round.ratios.p99.toFixed(2)}` : '']);
    }
  }
  printRows(rows);
  console.log(`  deliveries/s  median ratio ${medians.deliveriesRatio.toFixed(3)}  target ≥ ${TARGETS.deliveriesRatio}  ${pass.deliveriesRatio ? 'PASS' : 'FAIL'}`);
  console.log(`  p99 latency   median ratio ${medians.p99Ratio.toFixed(2)}  target ≤ ${TARGETS.p99Ratio}  ${pass.p99Ratio ? 'PASS' : 'FAIL'}`);
  const passAll = pass.deliveriesRatio && pass.p99Ratio;
  if (opts.cpuProfDir) {
    console.log(`bench: CPU profiles go to ${opts.cpuProfDir} when Surge stops; no results file (the profiler slows Surge down)`);
    return { pass: passAll };
  }
  const result = {
    date: new Date().toISOString(),
    mode,
    machine: machine(loadBefore),
    settings: {
      clients: opts.clients,
      rooms: opts.rooms,
      membersPerRoom: opts.clients / opts.rooms,
      gateways,
      intervalMs: opts.intervalMs,
      contentChars: opts.contentChars,
      warmupSeconds: opts.warmup,
      durationSeconds: opts.duration,
      drainSeconds: opts.drain,
      surgeEnv: env,
      baseline: 'bench/chat/bare-ws.mjs: one ws server, rooms as sets of sockets, nothing stored or checked',
    },
    rounds,
    medians,
    targets: TARGETS,
    pass,
    passAll,
  };
  writeResult(`chat-${mode}.json`, result);
  return { pass: passAll };
}

/**
 * One load run against the target's gateways in a client process of its own, with the CPU its
 * server processes used in the measured window; void (throws) when a frame was refused or a
 * socket closed.
 */
async function fanout(name, target, users, rooms) {
  const cpuAt = {};
  const result = await loadProcess(name, {
    cmd: 'fanout',
    urls: target.urls,
    tokens: users.map((u) => u.token),
    rooms,
    clients: opts.clients,
    intervalMs: opts.intervalMs,
    warmupSeconds: opts.warmup,
    durationSeconds: opts.duration,
    drainSeconds: opts.drain,
    contentChars: opts.contentChars,
    phaseTimeoutSeconds: phaseTimeout(opts.clients),
  }, warmupAndMeasure(), (msg) => {
    if (msg.event === 'window') cpuAt[msg.at] = { time: performance.now(), ticks: target.procs.map((p) => cpuTicks(p.child.pid)) };
  });
  // Each server process's share of one core over the window (from /proc/<pid>/stat).
  const seconds = (cpuAt.end.time - cpuAt.start.time) / 1000;
  result.serverCpu = Object.fromEntries(target.procs.map((p, i) => [p.name, (cpuAt.end.ticks[i] - cpuAt.start.ticks[i]) / CLOCK_TICKS / seconds]));
  result.serverCpuTotal = Object.values(result.serverCpu).reduce((a, b) => a + b, 0);
  if (result.errors > 0) throw new Error(`${name}: ${result.errors} error frames (first: ${result.errorSample}); the figures are void`);
  if (result.closed > 0) throw new Error(`${name}: ${result.closed} sockets were closed by the server (first: ${result.closeSample}); the figures are void`);
  if (result.acks < result.sends) throw new Error(`${name}: ${result.sends - result.acks} of ${result.sends} sends were never acknowledged; the figures are void`);
  if (result.lost < 0) throw new Error(`${name}: ${fmt(-result.lost)} more deliveries than messages sent × members (a message delivered twice); the figures are void`);
  if (result.lost > 0) console.log(`bench: ${name}: ${fmt(result.lost)} of ${fmt(result.expectedDeliveries)} deliveries had not arrived ${opts.drain} s after the window (counted as not delivered)`);
  return result;
}

const warmupAndMeasure = () => opts.warmup + opts.duration + opts.drain;
/** Connecting or joining this many clients must be done within this many seconds. */
const phaseTimeout = (clients) => Math.max(60, Math.ceil(clients / 50));

/**
 * Forks the client process, gives it `command`, relays its progress and resolves its result.
 * `onEvent(event, child)` sees the other events (the idle run's steps). Bounded: it is killed
 * when it has not answered within both phases, the run's own seconds and a margin.
 */
function loadProcess(name, command, runSeconds, onEvent = () => {}) {
  const child = fork(join(root, 'bench', 'chat', 'load.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  h.defer(() => stopProcess(child));
  return new Promise((resolve, reject) => {
    const limit = (2 * command.phaseTimeoutSeconds + runSeconds + 60) * 1000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: the client process gave no result within ${limit / 1000} s`));
    }, limit);
    child.on('message', (msg) => {
      if (msg.event === 'progress') console.log(`bench:   ${name}: ${msg.text}`);
      else if (msg.event === 'result') resolve(msg.result);
      else if (msg.event === 'error') reject(new Error(`${name}: ${msg.message}`));
      else Promise.resolve(onEvent(msg, child)).catch(reject);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name}: the client process exited (code ${code}) without a result`));
    });
    child.send(command);
  });
}

/** The longest a sign-up or a room's creation may take before the run stops. */
const CALL_TIMEOUT_MS = 30_000;

/** Registers `count` users through the API, a few sign-ups in flight (hashing runs on libuv's 4 threads). */
async function registerUsers(base, count, tag) {
  const users = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `c${tag}_${i}`, password: `pw-${tag}` }), signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      const body = await res.text();
      if (res.status !== 201) throw new Error(`registering user ${i} answered ${res.status}: ${body.slice(0, 300)}`);
      users[i] = JSON.parse(body);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, count) }, worker));
  return users;
}

/** Public rooms, room r made by user r mod users (a sender owns the room it sends to). */
async function makeRooms(base, users, count) {
  const rooms = [];
  for (let r = 0; r < count; r++) {
    const res = await fetch(`${base}${CHAT}/rooms`, { method: 'POST', headers: { authorization: `Bearer ${users[r % users.length].token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench ${r}` }), signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    const body = await res.text();
    if (res.status !== 201) throw new Error(`making room ${r} answered ${res.status}: ${body.slice(0, 300)}`);
    rooms.push(JSON.parse(body).room.id);
  }
  return rooms;
}

/**
 * --idle N: N sockets held open by one embedded Surge process, then by the bare server; each
 * server's resident memory (VmRSS) before, once all are connected, and once each has joined a
 * room, and the growth per connection.
 */
async function idleRun() {
  build();
  const n = opts.idle;
  checkFileLimit(n);
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  const bare = await h.startProcess('bare-ws', join(root, 'bench', 'chat', 'bare-ws.mjs'), { PORT: String(await freePort()) }, dataDir);
  // The sockets stay in no room while the connected figure is read: raise the idle cut-off past the run.
  const env = surgeEnv({ SURGE__chatSocket__maxConnectionsPerUser: String(MAX_CONNECTIONS_PER_USER), SURGE__chatSocket__idleTimeoutSeconds: '3600' });
  const surge = await h.startSurge({ mode: 'embedded', dataDir, tag, env });
  await waitReady(bare, '/healthz');
  const users = await registerUsers(surge.url, Math.ceil(n / MAX_CONNECTIONS_PER_USER), tag);
  const rooms = await makeRooms(surge.url, users, opts.rooms);
  const loadBefore = os.loadavg();
  console.log(`\nbench: chat idle: ${fmt(n)} sockets (${users.length} users, up to ${MAX_CONNECTIONS_PER_USER} each) in ${rooms.length} rooms, bare then Surge (embedded)`);
  console.log(`bench: load average before: ${loadText(loadBefore)}`);

  const targets = {};
  for (const [name, proc, roomIds] of [['bare', bare, rooms.map((_, i) => i + 1)], ['surge', surge.gateway, rooms]]) {
    targets[name] = await holdIdle(name, proc, n, users, roomIds);
    checkAlive([bare, ...surge.procs]);
  }
  const rows = [['target', 'RSS before MB', 'connected MB', 'KB/conn', 'joined MB', 'KB/conn', 'connect s']];
  for (const [name, t] of Object.entries(targets)) rows.push([name, mb(t.rss.before), mb(t.rss.connected), t.kbPerConnection.connected.toFixed(1), mb(t.rss.joined), t.kbPerConnection.joined.toFixed(1), t.connectSeconds.toFixed(1)]);
  printRows(rows, 1);
  const kb = targets.surge.kbPerConnection.joined;
  const pass = kb <= CENTRIFUGO_KB.high;
  console.log(`  Surge: ${kb.toFixed(1)} KB per connection joined to a room; Centrifugo publishes ${CENTRIFUGO_KB.low}–${CENTRIFUGO_KB.high} KB  ${pass ? 'PASS' : 'FAIL'} (≤ ${CENTRIFUGO_KB.high})`);
  writeResult('chat-idle.json', {
    date: new Date().toISOString(),
    mode: 'embedded',
    machine: machine(loadBefore),
    settings: { connections: n, users: users.length, rooms: rooms.length, surgeEnv: env, settleSeconds: SETTLE_MS / 1000 },
    targets,
    reference: { centrifugoKbPerConnection: CENTRIFUGO_KB },
    pass,
  });
  return pass ? 0 : 2;
}

/** Memory is read this long after each step, once the server's allocations have settled. */
const SETTLE_MS = 3000;

async function holdIdle(name, proc, n, users, rooms) {
  const pid = proc.child.pid;
  const rss = { before: vmRss(pid) };
  let connectSeconds = 0;
  let joinSeconds = 0;
  const problems = await loadProcess(name, { cmd: 'idle', urls: [proc.url], tokens: users.map((u) => u.token), rooms, clients: n, phaseTimeoutSeconds: phaseTimeout(n) }, 2 * SETTLE_MS / 1000, async (msg, child) => {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    if (msg.event === 'connected') {
      connectSeconds = msg.connectSeconds;
      rss.connected = vmRss(pid);
      console.log(`bench:   ${name}: ${fmt(n)} sockets open in ${connectSeconds.toFixed(1)} s; RSS ${mb(rss.connected)} MB`);
      child.send({ cmd: 'join' });
    } else if (msg.event === 'joined') {
      joinSeconds = msg.joinSeconds;
      rss.joined = vmRss(pid);
      console.log(`bench:   ${name}: all joined in ${joinSeconds.toFixed(1)} s; RSS ${mb(rss.joined)} MB`);
      child.send({ cmd: 'close' });
    }
  });
  if (problems.errors > 0 || problems.closed > 0) throw new Error(`${name}: ${problems.errors} error frames (${problems.errorSample}), ${problems.closed} sockets closed by the server (${problems.closeSample}); the figures are void`);
  const per = (bytes) => (bytes - rss.before) / n / 1024;
  return { rss, kbPerConnection: { connected: per(rss.connected), joined: per(rss.joined) }, connectSeconds, joinSeconds };
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** A process's user + system CPU time so far, in clock ticks. */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** A process's resident memory in bytes, from /proc/<pid>/status. */
function vmRss(pid) {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** The client and each server hold a descriptor per socket; the children inherit this process's limit. */
function checkFileLimit(n) {
  const soft = Number(/Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]?.replace('unlimited', 'Infinity'));
  if (soft < n + 1024) throw new Error(`open files are limited to ${soft} per process; ${n} sockets need about ${n + 1024}: raise it (ulimit -n ${n + 4096}) and run again`);
}

function writeResult(name, result) {
  const file = join(root, 'bench', 'results', name);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`bench: wrote ${file.slice(root.length)}`);
}

const ms = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);

function parseArgs(argv) {
  const o = { mode: 'embedded', rounds: 5, duration: 10, warmup: 3, drain: 10, clients: 2000, rooms: 20, intervalMs: 100, contentChars: 64, idle: 0, cpuProfDir: undefined, env: {} };
  const int = (key, flag) => (v) => (o[key] = positiveInt(flag, v, usage));
  parseFlags(
    argv,
    {
      '--mode': (v) => (o.mode = v),
      '--rounds': int('rounds', '--rounds'),
      '--duration': int('duration', '--duration'),
      '--warmup': int('warmup', '--warmup'),
      '--drain': int('drain', '--drain'),
      '--clients': int('clients', '--clients'),
      '--rooms': int('rooms', '--rooms'),
      '--interval-ms': int('intervalMs', '--interval-ms'),
      '--content-chars': int('contentChars', '--content-chars'),
      '--idle': int('idle', '--idle'),
      '--cpu-prof': (v) => (o.cpuProfDir = v),
      '--env': (v) => {
        const at = v.indexOf('=');
        if (!v.startsWith('SURGE') || at < 0) usage('--env takes SURGE_NAME=value');
        o.env[v.slice(0, at)] = v.slice(at + 1);
      },
    },
    usage,
  );
  if (!['embedded', 'servers', 'distributed', 'both', 'all'].includes(o.mode)) usage('--mode is embedded, servers, distributed, both or all');
  if (o.rooms > o.clients) usage('--rooms must not exceed --clients (each room needs its sender)');
  if (o.intervalMs < 2) usage('--interval-ms must be at least 2 (a user may send at most 1,000 messages a second; a sender sends 1,000 / interval)');
  if (o.contentChars < 24 || o.contentChars > 2000) usage('--content-chars must be 24–2000 (the send time takes 24, the chat service keeps at most 2,000)');
  return o;
}

function usage(problem) {
  console.error(
    `bench: ${problem}\nusage: node bench/chat/run.mjs [--mode embedded|servers|distributed|both|all] [--rounds N] [--duration S] [--warmup S] [--drain S]\n` +
      `                         [--clients N] [--rooms M] [--interval-ms MS] [--content-chars C] [--cpu-prof DIR] [--env SURGE_NAME=value]…\n` +
      `       node bench/chat/run.mjs --idle N [--rooms M]`,
  );
  process.exit(64);
}
