// A distributed Surge on this machine for troubleshooting drills, as `surge up` runs it: an etcd of
// its own (free ports, data under the run's folder), the services a drill names and the gateway,
// each a `node dist/app/cli.js serve <service>` / `gateway` process, on the local MariaDB, Redis
// and NATS under names unique to the run (database prefix, key prefix, NATS namespace), with
// secrets made for the run. close() stops everything it started and drops what the run wrote.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/app/cli.js');
const ETCD = '/usr/bin/etcd';
const run = promisify(execFile);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Checks dist/ is there. A drill runs what is built and does not build (a full build can take
 * longer than the drill): when a source is newer than the last build it says so, and
 * `node scripts/ensure.mjs` rebuilds.
 */
export function checkBuilt() {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `node scripts/ensure.mjs` (or `npm run build`) first');
  const stamp = join(root, 'dist/.surge-built');
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const newest = (p) => {
    if (!existsSync(p)) return 0;
    const s = statSync(p);
    if (!s.isDirectory()) return /\.ts$/.test(p) && !/\.test\.ts$/.test(p) ? s.mtimeMs : 0;
    return readdirSync(p).reduce((t, e) => (e === 'node_modules' ? t : Math.max(t, newest(join(p, e)))), 0);
  };
  if (['packages', 'services', 'gateway', 'app'].some((d) => newest(join(root, d)) > built)) {
    process.stderr.write('drill: some sources are newer than dist/; this runs the last build (`node scripts/ensure.mjs` rebuilds)\n');
  }
}

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls check() every `everyMs` until it returns a truthy value (returned) or `ms` pass (throws naming what). */
export async function waitFor(what, check, ms = 20_000, everyMs = 50) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** An etcd of the drill's own on two free ports. */
async function startEtcd(dir) {
  if (!existsSync(ETCD)) throw new Error(`etcd is not installed at ${ETCD} (apt-get install -y etcd-server)`);
  const clientPort = await freePort();
  const peerPort = await freePort();
  const name = `drill-${clientPort}`;
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const proc = spawn(ETCD, ['--name', name, '--data-dir', join(dir, 'etcd'), '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl, '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `${name}=${peerUrl}`, '--initial-cluster-state', 'new', '--log-level', 'error'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (b) => (stderr = (stderr + b).slice(-2000)));
  await waitFor('etcd /health', async () => {
    if (proc.exitCode !== null) throw new Error(`etcd exited at start: ${stderr}`);
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(500) });
    return res.ok && (await res.json()).health === 'true';
  }, 15_000);
  return { proc, endpoint: `127.0.0.1:${clientPort}`, url: clientUrl };
}

/**
 * Starts etcd, then `services` ({ user: 1, video: 1, … }) in parallel, then the gateway (unless
 * gateway: false). env: SURGE_… / SURGE__… keys for every process; gatewayEnv and serviceEnv on top.
 */
export async function startStack({ services = {}, gateway = true, env: extra = {}, gatewayEnv = {}, serviceEnv = {} } = {}) {
  checkBuilt();
  const tag = `d${randomBytes(4).toString('hex')}`;
  const dataDir = `/tmp/surge-drill-${tag}`;
  mkdirSync(dataDir, { recursive: true });
  const children = new Set();
  // A drill that dies must not leave its processes behind.
  const killAll = () => {
    for (const c of children) c.proc.kill('SIGKILL');
  };
  process.on('exit', killAll);
  const etcd = await startEtcd(dataDir);
  children.add({ name: 'etcd', proc: etcd.proc });

  const env = {
    ...process.env,
    SURGE_CONFIG: join(root, 'deploy/local/surge.yaml'),
    SURGE_JWT_SECRET: randomBytes(48).toString('base64'),
    SURGE_FIELD_KEY: randomBytes(32).toString('base64'),
    SURGE_LOG_LEVEL: 'warn',
    SURGE_DATA: dataDir,
    SURGE__registry__etcd__hosts: JSON.stringify([etcd.endpoint]),
    SURGE__registry__etcd__leaseTtlSeconds: '3',
    SURGE__database__mysql__databasePrefix: `drill_${tag}`,
    SURGE__cache__redis__keyPrefix: `drill:${tag}:`,
    SURGE__queue__nats__namespace: `drill_${tag}`,
    SURGE__rpc__drainMs: '1000',
    // Sign-ups are fixtures here, not what a drill measures (docs/configuration.md, auth.passwordCost).
    SURGE__auth__passwordCost: '10',
    SURGE__limits__loginPerIp__quota: '100000',
    ...extra,
  };

  /** Spawns `surge <args>` and resolves with its ready line; its stdout lines are kept for later reads. */
  const launch = (name, args, readyLine, childEnv) => {
    const proc = spawn(process.execPath, [cli, ...args], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const child = { name, proc, lines: [], stderr: '', onLine: new Set() };
    children.add(child);
    proc.once('exit', () => children.delete(child));
    let buf = '';
    proc.stdout.on('data', (chunk) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        child.lines.push(line);
        if (child.lines.length > 200_000) child.lines.splice(0, 100_000);
        for (const f of child.onLine) f(line);
      }
    });
    proc.stderr.on('data', (b) => (child.stderr = (child.stderr + b).slice(-4000)));
    return new Promise((resolve, reject) => {
      const onLine = (line) => {
        if (!readyLine.test(line)) return;
        child.onLine.delete(onLine);
        resolve({ child, line });
      };
      child.onLine.add(onLine);
      proc.once('exit', (code, signal) => reject(new Error(`surge ${args.join(' ')} exited (${code ?? signal}) before it was ready: ${child.stderr.slice(-1500)}`)));
    });
  };

  const deferred = [];
  const stack = {
    tag,
    env,
    dataDir,
    etcd,
    gateway: undefined,
    /** Services still running, oldest first. */
    services: [],
    instances: (name) => stack.services.filter((s) => s.name === name),

    /** One more instance of a service; resolves once it is registered. */
    async startService(name, extraEnv = {}) {
      const { child, line } = await launch(name, ['serve', name], new RegExp(`^surge serve ${name}:`), { ...env, ...serviceEnv, ...extraEnv });
      // "surge serve <name>: instance <id> pid <pid> framed <host:port> grpc <host:port> metrics <url>"
      const svc = { name, proc: child.proc, pid: child.proc.pid, child, id: /instance (\S+)/.exec(line)[1], framed: /framed (\S+)/.exec(line)[1], metricsUrl: /metrics (\S+)/.exec(line)[1] };
      svc.healthUrl = svc.metricsUrl.replace(/\/metrics$/, '/healthz');
      stack.services.push(svc);
      child.proc.once('exit', () => stack.services.splice(stack.services.indexOf(svc), 1));
      return svc;
    },

    /** The gateway on free API and ops ports, access log on (info level); resolves once it listens. */
    async startGateway(extraEnv = {}) {
      const port = await freePort();
      const opsPort = await freePort();
      const { child } = await launch('gateway', ['gateway'], /^surge gateway:/, { ...env, SURGE_LOG_LEVEL: 'info', SURGE__http__host: '127.0.0.1', SURGE__http__port: String(port), SURGE__ops__port: String(opsPort), ...gatewayEnv, ...extraEnv });
      const g = { proc: child.proc, pid: child.proc.pid, child, base: `http://127.0.0.1:${port}`, metricsUrl: `http://127.0.0.1:${opsPort}/metrics`, healthUrl: `http://127.0.0.1:${opsPort}/healthz` };
      /** The access log's lines (JSON, msg "request") written since `from` (an index into the stdout lines). */
      g.accessLog = (from = 0) => child.lines.slice(from).filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l));
      g.mark = () => child.lines.length;
      stack.gateway = g;
      child.proc.once('exit', () => stack.gateway === g && (stack.gateway = undefined));
      return g;
    },

    /** Runs fn at close(), once the processes have stopped (a proxy they were using, say). */
    defer: (fn) => deferred.push(fn),

    /** SIGTERM (deregister, drain) and wait for the exit. */
    stop: (proc) => exited(proc, 'SIGTERM'),

    /** `surge ps` against the run's etcd: its table, as an operator sees it. */
    async ps() {
      const { stdout } = await run(process.execPath, [cli, 'ps'], { cwd: root, env });
      return stdout.trimEnd();
    },

    /** Stops the gateway, then the services, then etcd; drops the run's databases, stream, Redis keys and folder. */
    async close() {
      const all = [...children];
      for (const group of [all.filter((c) => c.name === 'gateway'), all.filter((c) => c.name !== 'gateway' && c.name !== 'etcd'), all.filter((c) => c.name === 'etcd')]) {
        await Promise.all(group.map((c) => exited(c.proc, 'SIGTERM')));
      }
      process.off('exit', killAll);
      for (const fn of deferred.reverse()) await Promise.resolve(fn()).catch((err) => process.stderr.write(`drill: cleanup failed: ${err.message}\n`));
      await dropRunData(tag).catch((err) => process.stderr.write(`drill: cleaning the run's data failed: ${err.message}\n`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(Object.entries(services).flatMap(([name, n]) => Array.from({ length: n }, () => stack.startService(name))));
    if (gateway) await stack.startGateway();
  } catch (err) {
    await stack.close().catch(() => undefined);
    throw err;
  }
  return stack;
}

/** Signals a child and waits for its exit; SIGKILL after 15 s, as `surge up` does. */
export function exited(proc, signal) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const force = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    proc.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    proc.kill(signal);
  });
}

/** What a run leaves on the servers: its databases, its JetStream stream, its Redis keys. */
async function dropRunData(tag) {
  const { default: mysql } = await import('mysql2/promise');
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
  try {
    const [rows] = await conn.query(`SHOW DATABASES LIKE 'drill\\_${tag}\\_%'`);
    for (const r of rows) await conn.query(`DROP DATABASE \`${Object.values(r)[0]}\``);
  } finally {
    await conn.end();
  }
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  try {
    await (await jetstreamManager(nc)).streams.delete(`SURGE_drill_${tag}`).catch(() => undefined);
  } finally {
    await nc.close();
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `drill:${tag}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Runs drill(stack) on a started stack and always closes it, also on Ctrl-C. */
export async function withStack(options, drill) {
  const stack = await startStack(options);
  let closing;
  const close = () => (closing ??= stack.close());
  const onSignal = () => void close().then(() => process.exit(130));
  // A stray rejection (a load loop still running, say) must not end the process before the run's data is dropped.
  const onStray = (err) => {
    process.stderr.write(`drill: ${err?.stack ?? err}\n`);
    void close().then(() => process.exit(1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('unhandledRejection', onStray);
  try {
    return await drill(stack);
  } finally {
    await close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('unhandledRejection', onStray);
  }
}
