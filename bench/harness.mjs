// What the HTTP-level benchmarks (bench/http, bench/feed, bench/social) share: building, wrk
// (installed when missing, run with a JSON reporter), Surge and baseline servers as child
// processes, settings for the real servers and a bench-owned etcd, each isolated and removed
// afterwards, and one stack of cleanups run on every way out.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** wrk's end-of-run reporter: prints one `WRK_JSON {…}` line. Scripts of their own include it. */
export const REPORT_LUA = join(root, 'bench', 'report.lua');

/** The modes a runner accepts for --mode, and what `both` and `all` stand for. */
export function modesOf(mode) {
  return mode === 'both' ? ['embedded', 'servers'] : mode === 'all' ? ['embedded', 'servers', 'distributed'] : [mode];
}

export function build() {
  console.log('bench: building (node scripts/ensure.mjs)…');
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure.mjs')], { cwd: root, stdio: 'inherit' });
}

/** The machine a run happened on, with the load averages that say whether its figures count. */
export function machine(loadBefore) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageBefore: loadBefore,
    loadAverageAfter: os.loadavg(),
  };
}

export const loadText = (l) => l.map((x) => x.toFixed(2)).join(' ');

/**
 * One benchmark run's processes and temporary state. Everything started or created through it
 * is undone by runCleanups(), in reverse order; runners call it on every way out and between modes.
 */
export function createHarness() {
  const cleanups = [];

  const h = {
    /** Registers an undo step. */
    defer(fn) {
      cleanups.push(fn);
    },

    async runCleanups() {
      while (cleanups.length > 0) {
        const c = cleanups.pop();
        await c().catch((err) => console.error(`bench: cleanup step failed: ${err.message}`));
      }
    },

    /** A fresh temporary folder (Surge's data, logs, generated scripts), removed afterwards. */
    tempDir() {
      const dir = mkdtempSync(join(os.tmpdir(), 'surge-bench-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },

    /**
     * Starts a Node server in its own process. Its stdout (Surge's request log) goes to /dev/null:
     * the lines are still formatted and written, but the disk's speed stays out of the figures.
     */
    async startProcess(name, script, env, dataDir, nodeArgs = [], args = []) {
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
    },

    /** Settings for a run on MariaDB, Redis and NATS, isolated by a tag and removed afterwards. */
    async serversEnv(tag) {
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
        // No S3 server runs here: blobs stay on local disk under the run's data folder.
        SURGE__blob__driver: 'local',
        SURGE__database__mysql__databasePrefix: dbPrefix,
        SURGE__cache__redis__keyPrefix: keyPrefix,
        SURGE__queue__nats__namespace: namespace,
      };
    },

    /** An etcd of the benchmark's own on free loopback ports, removed afterwards. */
    async etcdEnv(dataDir) {
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
    },

    /**
     * The whole of Surge in a mode: `embedded` (one process, SQLite, everything in process),
     * `servers` (one process on MariaDB, Redis and NATS) or `distributed` (every service and the
     * gateway in processes of their own on the real servers, found through a bench-owned etcd).
     * `env` adds settings; `nodeArgs` (e.g. --cpu-prof) go to the process that serves HTTP.
     * `gateways` (distributed mode only) starts that many gateway processes, each on a port of
     * its own with the same settings. Resolves once /healthz answers 200 on every gateway (in
     * distributed mode: every service registered).
     */
    async startSurge({ mode, dataDir, tag, env = {}, nodeArgs = [], gateways = 1 }) {
      if (gateways > 1 && mode !== 'distributed') throw new Error(`${gateways} gateways need distributed mode (not ${mode})`);
      const surgeEnv = { PORT: String(await freePort()), HOST: '127.0.0.1', SURGE_DATA: dataDir, ...env };
      if (mode !== 'embedded') Object.assign(surgeEnv, await h.serversEnv(tag));
      const procs = [];
      let gateway;
      if (mode === 'distributed') {
        Object.assign(surgeEnv, await h.etcdEnv(dataDir));
        const cli = join(root, 'dist', 'app', 'cli.js');
        const { serviceList } = await import(join(root, 'dist', 'app', 'modules.js'));
        for (const { name } of serviceList) procs.push(await h.startProcess(name, cli, { ...surgeEnv, PORT: '0' }, dataDir, [], ['serve', name]));
        // Each service drains for seconds when stopped: stop them together (after the gateway).
        const services = [...procs];
        cleanups.push(() => Promise.all(services.map((p) => stopProcess(p.child))));
        gateway = await h.startProcess('gateway', cli, surgeEnv, dataDir, nodeArgs, ['gateway']);
      } else {
        gateway = await h.startProcess('surge', join(root, 'dist', 'app', 'main.js'), surgeEnv, dataDir, nodeArgs);
      }
      const more = [];
      for (let i = 2; i <= gateways; i++) {
        more.push(await h.startProcess(`gateway${i}`, join(root, 'dist', 'app', 'cli.js'), { ...surgeEnv, PORT: String(await freePort()) }, dataDir, nodeArgs, ['gateway']));
      }
      for (const g of [gateway, ...more]) await waitReady(g, '/healthz', procs);
      procs.push(gateway, ...more);
      // env: the settings every process got, for commands run against this system (surge seed).
      return { url: gateway.url, gateway, gateways: [gateway, ...more], procs, env: surgeEnv };
    },

    /**
     * One wrk run. `script` defaults to the JSON reporter; a script of its own must print the same
     * WRK_JSON line (include report.lua). `extra` names more `NAME {json}` lines the script
     * prints, each parsed into `extra[NAME]`. `args` go to the script's init() after `--`.
     */
    wrk({ url, seconds, threads, connections, headers = [], script = REPORT_LUA, args = [], extra = [] }) {
      const argv = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', script];
      for (const hd of headers) argv.push('-H', hd);
      argv.push(url);
      if (args.length > 0) argv.push('--', ...args);
      return new Promise((resolve, reject) => {
        const child = spawn('wrk', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
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
          const run = {
            requests: j.requests,
            seconds: j.duration_us / 1e6,
            rps: j.requests / (j.duration_us / 1e6),
            latencyMs: { mean: j.latency_us.mean / 1000, p50: j.latency_us.p50 / 1000, p90: j.latency_us.p90 / 1000, p99: j.latency_us.p99 / 1000, max: j.latency_us.max / 1000 },
            non2xx: Math.max(textNon2xx, e.status),
            socketErrors: { connect: e.connect, read: e.read, write: e.write, timeout: e.timeout, total: e.connect + e.read + e.write + e.timeout },
          };
          if (extra.length > 0) run.extra = {};
          for (const name of extra) {
            const x = out.split('\n').find((l) => l.startsWith(`${name} `));
            if (!x) return reject(new Error(`wrk printed no ${name} line:\n${out}${err}`));
            run.extra[name] = JSON.parse(x.slice(name.length + 1));
          }
          resolve(run);
        });
      });
    },
  };
  return h;
}

/** Stops a run whose figures are void: a process under test died, an answer was not 2xx, a socket failed. */
export function checkAlive(procs) {
  for (const p of procs) if (p.child.exitCode !== null) throw new Error(`${p.name} exited (code ${p.child.exitCode}) during the benchmark; see its log:\n${p.logTail()}`);
}

/**
 * One measured wrk run of `target` ({url, headers?, script?, extra?}) with `run` ({seconds,
 * threads, connections}); stops everything if a process under test died or any answer was not 2xx.
 */
export async function measuredRun(h, name, target, procs, run) {
  checkAlive(procs);
  const result = await h.wrk({ ...target, ...run });
  checkClean(name, result);
  return result;
}

export function checkClean(name, run) {
  if (run.non2xx > 0) throw new Error(`${name}: ${run.non2xx} of ${run.requests} responses were not 2xx/3xx (wrk "Non-2xx or 3xx responses"); the figures are void`);
  if (run.socketErrors.total > 0) throw new Error(`${name}: wrk reported socket errors ${JSON.stringify(run.socketErrors)}; the figures are void`);
}

export function stopProcess(child) {
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

/** Waits for `path` to answer 200; `others` are processes it depends on, which must not exit meanwhile. */
export async function waitReady(proc, path, others = []) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    for (const p of [proc, ...others]) if (p.child.exitCode !== null) throw new Error(`${p.name} exited at start (code ${p.child.exitCode}):\n${p.logTail()}`);
    let last = 'no answer';
    try {
      const res = await fetch(proc.url + path);
      const text = await res.text();
      if (res.status === 200) return;
      last = `${res.status} ${text.slice(0, 300)}`;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${proc.name} not ready at ${proc.url}${path} within 120 s (last answer: ${last}):\n${proc.logTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function ensureWrk() {
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

export function wrkVersion() {
  try {
    return execFileSync('wrk', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch (err) {
    return String(err.stdout ?? '').split('\n')[0].trim();
  }
}

/** Prints rows as an aligned table: the first `left` columns left-aligned, the rest right-aligned. */
export function printRows(rows, left = 2) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log('');
  for (const row of rows) console.log('  ' + row.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

/** Parses `--flag value` pairs by a table of handlers; usage(problem) exits. */
export function parseFlags(argv, handlers, usage) {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const handler = handlers[flag];
    if (!handler) usage(`unknown option ${flag}`);
    if (handler.length === 0) {
      handler();
      continue;
    }
    const value = argv[++i];
    if (value === undefined) usage(`${flag} needs a value`);
    handler(value);
  }
}

export function positiveInt(flag, v, usage) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a positive integer`);
  return n;
}

/**
 * A benchmark's whole run: wrk installed, Surge built, then `benchMode(mode)` for each mode of
 * `--mode`, each from nothing (the harness's cleanups between). Every mode runs, whatever an
 * earlier one gave. Exit status 0 when every mode met its targets, 2 when one ran cleanly but
 * fell short (a mode without targets answers { pass: true }).
 */
export async function runModes(h, mode, benchMode) {
  ensureWrk();
  build();
  let allPass = true;
  for (const m of modesOf(mode)) {
    const { pass } = await benchMode(m);
    allPass = allPass && pass;
    await h.runCleanups();
  }
  return allPass ? 0 : 2;
}
