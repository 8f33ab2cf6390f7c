// The system as separate processes for tests, as `npm run up` runs it: service instances (user
// only by default, any of the hosted services on request) and the gateway, each its own Node
// process from dist/, found through a test-owned etcd, on the real MariaDB, Redis and NATS under
// names unique to the run, sharing one data dir (local blobs: the gateway writes uploads, the
// video service reads them for covers). Plus a load driver that records every call's outcome and
// time, so fault tests can say which calls failed and when.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect as connectNats } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { connectEtcdRegistry, type Instance } from '#kit/discovery';
import { streamName } from '#kit/queue';
import { requireEtcdBinary, requireServer, servers, startEtcd, type TestEtcd } from '#kit/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** True when MariaDB, Redis, NATS and the etcd binary are all there (throws in CI when one is missing). */
export async function clusterServersReady(): Promise<boolean> {
  return (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats)) && (await requireEtcdBinary());
}

/** A `surge serve <service>` process, with what its ready line says. */
export interface ServiceProcess {
  readonly service: string;
  readonly proc: ChildProcess;
  readonly pid: number;
  /** host:port of its framed protocol. */
  readonly framed: string;
  /** Its ops page's /metrics URL. */
  readonly metricsUrl: string;
}

/** A `surge serve user` process. */
export type UserProcess = ServiceProcess;

/** One row of `surge ps --json`. */
export interface PsRow {
  service: string;
  id: string;
  pid: number;
  host: string;
  framedPort: number;
  grpcPort: number;
}

export interface Cluster {
  readonly etcd: TestEtcd;
  /** The gateway's base URL (http://127.0.0.1:<port>). */
  readonly base: string;
  /** Gateway processes still running, the first one (at `base`) first. */
  gateways(): GatewayProcess[];
  /** Starts one more gateway on a port of its own; resolves once it listens. */
  startGateway(extraEnv?: Record<string, string>): Promise<GatewayProcess>;
  /** Unique per run: database, key prefix and namespace names derive from it. */
  readonly tag: string;
  /** The environment every process gets. */
  readonly env: NodeJS.ProcessEnv;
  /** User instances still running, oldest first. */
  users(): UserProcess[];
  /** Starts one more user instance (extra environment on top, e.g. SURGE__rpc__injectDelayMs); resolves once it is registered. */
  startUser(extraEnv?: Record<string, string>): Promise<UserProcess>;
  /** Instances of a service still running, oldest first. */
  instances(service: string): ServiceProcess[];
  /** Starts one more instance of a service; resolves once it is registered. */
  startService(service: string, extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  /** SIGTERM (graceful: deregister, keep serving 1 s, drain) and wait for the exit. */
  stop(proc: ChildProcess): Promise<void>;
  /** SIGKILL (a crash: nothing deregisters) and wait for the exit. */
  kill(proc: ChildProcess): Promise<void>;
  /** `surge ps --json` (async, so load loops in the same process keep running). */
  ps(): Promise<PsRow[]>;
  /** The registry's list of a service's instances (default user), read in-process (cheaper than ps for polling). */
  registered(service?: string): Promise<Instance[]>;
  /** Registers a user through the gateway; its id. */
  registerUser(username: string): Promise<number>;
  /** Stops every process and etcd; drops the run's databases, its NATS stream and its Redis keys. */
  close(): Promise<void>;
}

export interface GatewayProcess {
  proc: ChildProcess;
  /** http://127.0.0.1:<port> */
  base: string;
}

export interface ClusterOptions {
  /** Default 2: user instances started before the gateway. */
  users?: number;
  /** Instances per service started before the gateway, e.g. { video: 1, interaction: 2 }; a user count here wins over `users`. */
  services?: Record<string, number>;
  /** Default {}: extra environment for every process (SURGE__… keys). */
  env?: Record<string, string>;
}

/** Builds dist/ when stale, starts etcd, the service instances, then the gateway. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  execFileSync(process.execPath, ['scripts/ensure.mjs'], { cwd: root, stdio: 'ignore' });
  const tag = `t${randomBytes(4).toString('hex')}`;
  // The gateway's port: given (a test that tells another process where the gateway is), or any.
  const port = Number(options.env?.SURGE__http__port) || (await freeListenPort());
  const etcd = await startEtcd();
  const procs = new Set<ChildProcess>();
  const running: ServiceProcess[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SURGE_CONFIG: `${root}/deploy/local/surge.yaml`,
    SURGE_JWT_SECRET: randomBytes(48).toString('base64'),
    SURGE_FIELD_KEY: randomBytes(32).toString('base64'),
    SURGE_LOG_LEVEL: 'warn',
    SURGE_DATA: `/tmp/surge-dist-${tag}`,
    SURGE__http__port: String(port),
    SURGE__registry__etcd__hosts: JSON.stringify([etcd.endpoint]),
    SURGE__registry__etcd__leaseTtlSeconds: '3',
    SURGE__database__mysql__databasePrefix: `surgetest_${tag}`,
    SURGE__cache__redis__keyPrefix: `surgetest:${tag}:`,
    SURGE__queue__nats__namespace: `surgetest_${tag}`,
    SURGE__rpc__drainMs: '3000',
    // Password hashing at 2^10, not 2^17: fixtures sign many users up at once, and at the real
    // cost each sign-up holds a thread-pool thread for ~0.3 s (more on a busy machine), racing the
    // 2 s RPC deadline ("register: deadline exceeded"). Hashing is not what these tests measure.
    SURGE__auth__passwordCost: '10',
    ...options.env,
  };

  const start = (args: string[], readyLine: RegExp, extraEnv: Record<string, string> = {}): Promise<{ proc: ChildProcess; line: string }> => {
    const proc = spawn(process.execPath, ['dist/app/cli.js', ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.add(proc);
    proc.once('exit', () => procs.delete(proc));
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      proc.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => readyLine.test(l));
        if (line) resolve({ proc, line });
      });
      proc.once('exit', (code, signal) => reject(new Error(`${args.join(' ')} exited ${code ?? signal}: ${err.slice(-2000)}`)));
    });
  };
  const exited = (proc: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((res) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return res();
      proc.once('exit', () => res());
      proc.kill(signal);
    });
  const forget = (proc: ChildProcess) => {
    const i = running.findIndex((u) => u.proc === proc);
    if (i >= 0) running.splice(i, 1);
  };
  const gateways: GatewayProcess[] = [];
  const startGateway = async (gatewayPort: number, extraEnv: Record<string, string> = {}): Promise<GatewayProcess> => {
    const { proc } = await start(['gateway'], /^surge gateway:/, { SURGE__http__port: String(gatewayPort), ...extraEnv });
    const g = { proc, base: `http://127.0.0.1:${gatewayPort}` };
    gateways.push(g);
    proc.once('exit', () => gateways.splice(gateways.indexOf(g), 1));
    return g;
  };

  const cluster: Cluster = {
    etcd,
    base: `http://127.0.0.1:${port}`,
    tag,
    env,
    gateways: () => [...gateways],
    startGateway: async (extraEnv) => startGateway(await freeListenPort(), extraEnv),
    users: () => cluster.instances('user'),
    startUser: (extraEnv) => cluster.startService('user', extraEnv),
    instances: (service) => running.filter((p) => p.service === service),
    async startService(service, extraEnv = {}) {
      const { proc, line } = await start(['serve', service], new RegExp(`^surge serve ${service}:`), extraEnv);
      // "surge serve <service>: instance <id> pid <pid> framed <host:port> grpc <host:port> metrics <url>"
      const framed = /framed (\S+)/.exec(line)![1]!;
      const metricsUrl = /metrics (\S+)/.exec(line)![1]!;
      const p: ServiceProcess = { service, proc, pid: proc.pid!, framed, metricsUrl };
      running.push(p);
      proc.once('exit', () => forget(proc));
      return p;
    },
    stop: (proc) => exited(proc, 'SIGTERM'),
    kill: (proc) => exited(proc, 'SIGKILL'),
    async ps() {
      const { stdout } = await run(process.execPath, ['dist/app/cli.js', 'ps', '--json'], { cwd: root, env });
      return JSON.parse(stdout) as PsRow[];
    },
    async registered(service = 'user') {
      const registry = connectEtcdRegistry({ hosts: [etcd.endpoint], prefix: '/surge/', requestTimeoutMs: 1000 });
      try {
        return await registry.list(service);
      } finally {
        await registry.close();
      }
    },
    async registerUser(username) {
      const res = await fetch(`${cluster.base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'secret123' }) });
      if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: number }).id;
    },
    async close() {
      await Promise.all([...procs].map((p) => exited(p, 'SIGTERM')));
      await etcd.close();
      await rm(`/tmp/surge-dist-${tag}`, { recursive: true, force: true });
      await dropRunData(tag);
    },
  };

  try {
    const counts = { user: options.users ?? 2, ...options.services };
    await Promise.all(Object.entries(counts).flatMap(([service, n]) => Array.from({ length: n }, () => cluster.startService(service))));
    await startGateway(port);
  } catch (err) {
    await cluster.close().catch(() => undefined);
    throw err;
  }
  return cluster;
}

/** What a run leaves on the servers: its databases, its JetStream stream, its Redis keys. */
export async function dropRunData(tag: string): Promise<void> {
  const conn = await mysql.createConnection({ host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '' });
  try {
    const [rows] = await conn.query(`SHOW DATABASES LIKE 'surgetest\\_${tag}\\_%'`);
    for (const r of rows as Record<string, string>[]) await conn.query(`DROP DATABASE \`${Object.values(r)[0]}\``);
  } finally {
    await conn.end();
  }
  const nc = await connectNats({ servers: `nats://${servers.nats.host}:${servers.nats.port}` });
  try {
    await (await jetstreamManager(nc)).streams.delete(streamName(`surgetest_${tag}`)).catch(() => undefined);
  } finally {
    await nc.close();
  }
  const redis = new Redis({ host: servers.redis.host, port: servers.redis.port, lazyConnect: true });
  try {
    await redis.connect();
    const keys = await redis.keys(`surgetest:${tag}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** One call of a load loop: when it started (performance.now() ms), how long it took, and how it ended. */
export interface CallRecord {
  startedAt: number;
  endedAt: number;
  latencyMs: number;
  /** HTTP status; 0 when fetch itself failed. */
  status: number;
  /** Body of a failed call (empty on success). */
  error: string;
}

export interface Load {
  /** Stops the loops and resolves with every call, in completion order. */
  stop(): Promise<CallRecord[]>;
}

/**
 * `concurrency` loops, each sending GET url again as soon as the previous answer arrives, until
 * stop() or for at most maxMs: a test that fails before stop() must not leave them running on
 * (against a cluster torn down, they would spin on refused connections until the worker is killed).
 */
export function startLoad(url: string, concurrency = 4, maxMs = 120_000): Load {
  const records: CallRecord[] = [];
  let running = true;
  const until = performance.now() + maxMs;
  const loop = async () => {
    while (running && performance.now() < until) {
      const startedAt = performance.now();
      let status = 0;
      let error = '';
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        status = res.status;
        const body = await res.text();
        if (status !== 200) error = body;
      } catch (err) {
        error = (err as Error).message;
      }
      const endedAt = performance.now();
      records.push({ startedAt, endedAt, latencyMs: endedAt - startedAt, status, error });
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return records;
    },
  };
}

/** The q-quantile (0..1) of values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Successful profile reads a user instance has served, read from its /metrics page: the gateway
 * reads `/api/v1/users/:id` with GetUsers, the profiles asked in one event-loop turn in one call.
 */
export function servedProfileReads(metricsUrl: string): Promise<{ count: number; seconds: number }> {
  return served(metricsUrl, 'GetUsers');
}

/** Successful calls of one method an instance has served, read from its /metrics page. */
export async function served(metricsUrl: string, method: string): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const pick = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('side="server"') && l.includes(`method="${method}"`) && l.includes('code="0"'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return { count: pick('surge_rpc_duration_seconds_count'), seconds: pick('surge_rpc_duration_seconds_sum') };
}

/** Ports fetch() will not connect to (https://fetch.spec.whatwg.org/#port-blocking), from 10,000 up. */
const FETCH_BAD_PORTS = new Set([10080]);

/**
 * A port for a process to listen on, free now and below Linux's ephemeral range (32768–60999):
 * one inside it can be taken by any outgoing connection between the pick and the listen.
 */
export async function freeListenPort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    // fetch() refuses the Fetch standard's "bad ports" ("bad port"); 10080 is the one in range.
    if (FETCH_BAD_PORTS.has(port)) continue;
    const free = await new Promise<boolean>((res) => {
      const s = createServer().once('error', () => res(false));
      s.listen(port, '0.0.0.0', () => s.close(() => res(true)));
    });
    if (free) return port;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
