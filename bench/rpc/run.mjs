// Surge RPC benchmark: unary calls between two processes over four stacks (Surge framed, Surge
// gRPC, plain grpc-js, Moleculer over NATS), two messages (small echo, 30 users) at 1 and 64
// calls in flight. The stacks alternate within each round, so a machine that slows down moves
// them alike, and the ratios of one round are what we judge. See bench/README.md.
//
//   node bench/rpc/run.mjs [--duration S] [--rounds N] [--cpu-prof DIR]
//                          [--stacks a,b] [--messages echo,users30] [--concurrency 1,64]   (subsets: no results file)
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESSAGES as ALL_MESSAGES } from './messages.mjs';
import { newNamespace, STACK_NOTES, STACKS } from './stacks.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (...p) => join(root, 'bench', 'rpc', ...p);

/** Same-run ratios of calls/s at 64 in flight, each for both messages: [numerator, denominator, target]. */
const TARGETS = {
  'framed/moleculer': ['framed', 'moleculer', 1.5],
  'framed/grpc-js': ['framed', 'grpc-js', 3],
  'surge-grpc/grpc-js': ['surge-grpc', 'grpc-js', 1.0],
};
// Each measured window is preceded, in the client, by this much unrecorded load at the same
// settings: the previous cell left other stacks' code hot and this stack idle.
const CELL_WARM_MS = 500;

const ALL_CONCURRENCY = [1, 64];
const opts = parseArgs(process.argv.slice(2));
const { messages: MESSAGES, concurrency: CONCURRENCY } = opts;
const children = new Set();

runBenchmark(main, () => Promise.all([...children].map((c) => stopChild(c))));

async function main() {
  console.log('bench: building (node scripts/ensure.mjs)…');
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure.mjs')], { cwd: root, stdio: 'inherit' });
  const quiet = quietCheck();
  const namespace = newNamespace();
  const natsPid = opts.stacks.includes('moleculer') ? pidOf('nats-server') : undefined;

  // One server process and one client process per stack, all started up front; the idle ones
  // cost nothing while another stack is measured.
  const procs = {};
  for (const stack of opts.stacks) {
    const server = await startChild(`${stack} server`, here('server.mjs'), [stack, namespace]);
    const client = await startChild(`${stack} client`, here('client.mjs'), [stack, namespace, JSON.stringify(server.info)]);
    procs[stack] = { server, client };
  }

  console.log(`\nbench: ${opts.rounds} round(s), ${opts.duration}s per cell (+${CELL_WARM_MS} ms warm-up in each), stacks ${opts.stacks.join(', ')}`);
  console.log(`bench: load average before: ${quiet.loadAverage.map((l) => l.toFixed(2)).join(' ')}; vitest running: ${quiet.vitestRunning ? 'yes' : 'no'}${quiet.quiet ? '' : ' — NOT QUIET: figures are indicative only'}`);

  // Warm-up, not recorded: every cell once, so V8 has optimised every path of both sides.
  const warmSeconds = Math.min(2, opts.duration);
  for (const message of MESSAGES) for (const concurrency of CONCURRENCY) for (const stack of opts.stacks) await cell(procs[stack], { message, concurrency, seconds: warmSeconds });

  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    // Rotate the stack order each round so no stack always runs right after the same neighbour.
    const order = opts.stacks.map((_, i) => opts.stacks[(i + r - 1) % opts.stacks.length]);
    const cells = [];
    for (const message of MESSAGES) {
      for (const concurrency of CONCURRENCY) {
        for (const stack of order) {
          const c = { stack, message, concurrency, ...(await cell(procs[stack], { message, concurrency, seconds: opts.duration, natsPid: stack === 'moleculer' ? natsPid : undefined })) };
          cells.push(c);
          console.log(`  round ${r}  ${message.padEnd(7)} c=${String(concurrency).padEnd(2)} ${stack.padEnd(10)} ${fmt(c.callsPerSec).padStart(8)} calls/s  p50 ${c.latencyMs.p50.toFixed(3)} ms  p99 ${c.latencyMs.p99.toFixed(3)} ms  cpu/call client ${c.cpuUsPerCall.client.toFixed(1)} µs, server ${c.cpuUsPerCall.server.toFixed(1)} µs${c.cpuUsPerCall.broker === undefined ? '' : `, nats-server ${c.cpuUsPerCall.broker.toFixed(1)} µs`}`);
        }
      }
    }
    rounds.push({ round: r, order, cells, ratios: ratiosOf(cells) });
  }

  const medians = medianCells(rounds);
  const ratioMedians = {};
  const pass = {};
  for (const key of Object.keys(rounds[0].ratios)) {
    const values = rounds.map((r) => r.ratios[key]).filter((v) => v !== undefined);
    ratioMedians[key] = median(values);
    const [name, , concurrency] = key.split(' ');
    if (concurrency === 'c=64' && TARGETS[name]) pass[key] = ratioMedians[key] >= TARGETS[name][2];
  }
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBefore: quiet.loadAverage,
      loadAverageAfter: os.loadavg(),
      vitestRunningBefore: quiet.vitestRunning,
      quietBefore: quiet.quiet,
    },
    settings: {
      // A full run has the default length or more; anything shorter is a trial.
      fullRun: opts.duration >= 5 && opts.rounds >= 3,
      durationSeconds: opts.duration,
      rounds: opts.rounds,
      warmupSecondsPerCell: warmSeconds,
      cellWarmupMs: CELL_WARM_MS,
      concurrency: CONCURRENCY,
      messages: {
        echo: 'EchoService.Echo {message: "hello, 世界", number: 2^40+7}',
        users30: 'UserService.GetUsers, 30 ids in, 30 users out (ids above 2^32, Chinese and Latin names, avatar URLs, signatures), from memory',
      },
      stacks: Object.fromEntries(opts.stacks.map((s) => [s, STACK_NOTES[s]])),
      moleculerSerializer: 'JSON',
      callTimeoutMs: 2000,
      measurement:
        'closed loop: the client keeps N calls in flight; calls/s and latency from the client; CPU µs per call = process.cpuUsage() (user+system) over the window ÷ calls, in the client and server processes (nats-server from /proc for Moleculer)',
    },
    rounds,
    medians,
    ratioMedians,
    targets: Object.fromEntries(Object.entries(TARGETS).map(([k, [, , t]]) => [k, `≥ ${t} at 64 in flight, both messages`])),
    pass,
    passAll: Object.values(pass).length > 0 && Object.values(pass).every(Boolean),
  };
  printTable(result);
  if (opts.cpuProfDir) {
    console.log(`bench: profiled run (the profiler slows both sides), no results file written; profiles go to ${opts.cpuProfDir} as the processes exit`);
  } else if (String(opts.stacks) !== String(STACKS) || String(MESSAGES) !== String(ALL_MESSAGES) || String(CONCURRENCY) !== String(ALL_CONCURRENCY)) {
    console.log('bench: a subset ran, no results file written');
  } else {
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    const file = join(root, 'bench', 'results', 'rpc.json');
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`bench: wrote ${file.slice(root.length)}`);
  }
  // 2: the benchmark ran cleanly but a ratio is below its target.
  return result.passAll || Object.keys(pass).length === 0 ? 0 : 2;
}

/** One measured (or warm-up) cell: the client runs the load, the server marks its CPU around it. */
async function cell({ server, client }, { message, concurrency, seconds, natsPid }) {
  let serverStart;
  let brokerStart;
  const res = await client.request({ cmd: 'run', message, concurrency, warmMs: CELL_WARM_MS, ms: seconds * 1000 }, () => {
    serverStart = server.request({ cmd: 'mark' });
    if (natsPid) brokerStart = procCpuUs(natsPid);
  });
  const brokerEnd = natsPid ? procCpuUs(natsPid) : undefined;
  const start = await serverStart;
  const end = await server.request({ cmd: 'mark' });
  const serverCpu = end.cpu.user + end.cpu.system - start.cpu.user - start.cpu.system;
  const served = end.calls - start.calls;
  const cpuUsPerCall = { client: res.cpuUs / res.calls, server: serverCpu / served };
  if (brokerStart !== undefined && brokerEnd !== undefined) cpuUsPerCall.broker = (brokerEnd - brokerStart) / res.calls;
  return { calls: res.calls, seconds: res.seconds, callsPerSec: res.calls / res.seconds, latencyMs: res.latencyMs, serverCalls: served, cpuUsPerCall };
}

function ratiosOf(cells) {
  const rate = (stack, message, concurrency) => cells.find((c) => c.stack === stack && c.message === message && c.concurrency === concurrency)?.callsPerSec;
  const out = {};
  for (const concurrency of CONCURRENCY) {
    for (const message of MESSAGES) {
      for (const [name, [a, b]] of Object.entries(TARGETS)) {
        const x = rate(a, message, concurrency);
        const y = rate(b, message, concurrency);
        if (x !== undefined && y !== undefined) out[`${name} ${message} c=${concurrency}`] = x / y;
      }
    }
  }
  return out;
}

/** Per (stack, message, concurrency): the median over rounds of each figure, taken separately. */
function medianCells(rounds) {
  const groups = new Map();
  for (const r of rounds) {
    for (const c of r.cells) {
      const key = `${c.stack} ${c.message} c=${c.concurrency}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(c);
    }
  }
  const out = {};
  for (const [key, cs] of groups) {
    const m = (f) => median(cs.map(f));
    out[key] = {
      callsPerSec: m((c) => c.callsPerSec),
      latencyMs: { p50: m((c) => c.latencyMs.p50), p99: m((c) => c.latencyMs.p99) },
      cpuUsPerCall: { client: m((c) => c.cpuUsPerCall.client), server: m((c) => c.cpuUsPerCall.server) },
    };
    if (cs[0].cpuUsPerCall.broker !== undefined) out[key].cpuUsPerCall.broker = m((c) => c.cpuUsPerCall.broker);
  }
  return out;
}

/**
 * A child process with an IPC channel: request() sends a command and resolves with the reply of
 * the same id; onEvent sees the events sent before it (the client's "measuring").
 */
function startChild(name, script, args) {
  const execArgv = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir, '--cpu-prof-name', `${name.replace(/\s+/g, '-')}.cpuprofile`] : [];
  const proc = fork(script, args, { cwd: root, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 1;
  let exitError;
  const child = { name, proc, info: undefined };
  children.add(child);
  return new Promise((resolveReady, rejectReady) => {
    pending.set(0, { resolve: (m) => ((child.info = m.info), resolveReady(child)), reject: rejectReady });
    proc.on('message', (m) => {
      const p = pending.get(m.id);
      if (!p) return;
      if (m.event) return p.onEvent?.(m);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m);
    });
    proc.on('exit', (code, signal) => {
      children.delete(child);
      exitError = new Error(`${name} exited (${signal ?? `code ${code}`})`);
      for (const p of pending.values()) p.reject(exitError);
      pending.clear();
    });
    child.request = (msg, onEvent) =>
      new Promise((res, rej) => {
        if (exitError) return rej(exitError);
        const id = nextId++;
        pending.set(id, { resolve: res, reject: rej, onEvent });
        proc.send({ ...msg, id });
      });
  });
}

/** Stops a child: "stop" lets it close its connections and exit normally (writing its profile); SIGKILL after 10 s. */
async function stopChild(child) {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise((r) => child.proc.once('exit', r));
  const force = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
  child.request({ cmd: 'stop' }).catch(() => undefined);
  await exited;
  clearTimeout(force);
}

/** CPU time (user + system, µs) of another process, from /proc; undefined where there is no /proc. */
function procCpuUs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicks();
  } catch {
    return undefined;
  }
}

let ticks;
function clockTicks() {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

function pidOf(name) {
  try {
    return Number(execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** The rule for figures (bench/README.md): quoted figures come from a quiet machine. */
function quietCheck() {
  const loadAverage = os.loadavg();
  let vitestRunning = false;
  try {
    vitestRunning = execFileSync('pgrep', ['-f', 'vitest'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    // pgrep exits 1 when nothing matches
  }
  return { loadAverage, vitestRunning, quiet: loadAverage[0] < 0.5 && !vitestRunning };
}

function printTable(r) {
  const rows = [['message', 'in flight', 'stack', 'calls/s', 'p50 ms', 'p99 ms', 'client µs/call', 'server µs/call', 'nats µs/call']];
  for (const [key, m] of Object.entries(r.medians)) {
    const [stack, message, c] = key.split(' ');
    rows.push([message, c.slice(2), stack, fmt(m.callsPerSec), m.latencyMs.p50.toFixed(3), m.latencyMs.p99.toFixed(3), m.cpuUsPerCall.client.toFixed(1), m.cpuUsPerCall.server.toFixed(1), m.cpuUsPerCall.broker?.toFixed(1) ?? '']);
  }
  const sorted = [rows[0], ...rows.slice(1).sort((a, b) => a[0].localeCompare(b[0]) || Number(a[1]) - Number(b[1]) || STACKS.indexOf(a[2]) - STACKS.indexOf(b[2]))];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log(`\n  medians over ${r.settings.rounds} round(s):`);
  for (const row of sorted) console.log('  ' + row.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  console.log('');
  for (const [key, v] of Object.entries(r.ratioMedians)) {
    const verdict = key in r.pass ? `target ≥ ${TARGETS[key.split(' ')[0]][2]}  ${r.pass[key] ? 'PASS' : 'FAIL'}` : '(no target)';
    console.log(`  ${key.padEnd(34)} median ratio ${v.toFixed(2).padStart(6)}  ${verdict}`);
  }
}

function parseArgs(argv) {
  const o = { rounds: 3, duration: 5, stacks: STACKS, messages: ALL_MESSAGES, concurrency: ALL_CONCURRENCY, cpuProfDir: '' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) usage(`${flag} needs a value`);
    if (flag === '--rounds') o.rounds = positive(flag, value, true);
    else if (flag === '--duration') o.duration = positive(flag, value, false);
    else if (flag === '--cpu-prof') o.cpuProfDir = resolve(value);
    else if (flag === '--stacks') {
      o.stacks = value.split(',');
      for (const s of o.stacks) if (!STACKS.includes(s)) usage(`unknown stack ${s} (stacks: ${STACKS.join(', ')})`);
    } else if (flag === '--messages') {
      o.messages = value.split(',');
      for (const m of o.messages) if (!ALL_MESSAGES.includes(m)) usage(`unknown message ${m} (messages: ${ALL_MESSAGES.join(', ')})`);
    } else if (flag === '--concurrency') {
      o.concurrency = value.split(',').map((v) => positive(flag, v, true));
    } else usage(`unknown option ${flag}`);
  }
  return o;
}

function positive(flag, v, integer) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)) || n > 600) usage(`${flag} must be a positive ${integer ? 'integer' : 'number'} up to 600`);
  return n;
}

function usage(problem) {
  console.error(`bench: ${problem}\nusage: node bench/rpc/run.mjs [--duration S] [--rounds N] [--cpu-prof DIR] [--stacks ${STACKS.join(',')}] [--messages ${ALL_MESSAGES.join(',')}] [--concurrency ${ALL_CONCURRENCY.join(',')}]`);
  process.exit(64);
}

