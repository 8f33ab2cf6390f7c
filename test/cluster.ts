// The system as separate processes for tests, as `npm run up` runs it: user-service instances and
// the gateway, each its own Node process from dist/, found through a test-owned etcd, on the real
// MariaDB, Redis and NATS under names unique to the run. Plus a load driver that records every
// call's outcome and time, so fault tests can say which calls failed and when.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { connectEtcdRegistry, type Instance } from '#kit/discovery';
import { requireEtcdBinary, requireServer, servers, startEtcd, type TestEtcd } from '#kit/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** True when MariaDB, Redis, NATS and the etcd binary are all there (throws in CI when one is missing). */
export async function clusterServersReady(): Promise<boolean> {
  return (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats)) && (await requireEtcdBinary());
}

/** A `surge serve user` process, with what its ready line says. */
export interface UserProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** host:port of its framed protocol. */
  readonly framed: string;
  /** Its ops page's /metrics URL. */
  readonly metricsUrl: string;
}

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
  /** Unique per run: database, key prefix and namespace names derive from it. */
  readonly tag: string;
  /** The environment every process gets. */
  readonly env: NodeJS.ProcessEnv;
  /** User instances still running, oldest first. */
  users(): UserProcess[];
  /** Starts one more user instance (extra environment on top, e.g. SURGE__rpc__injectDelayMs); resolves once it is registered. */
  startUser(extraEnv?: Record<string, string>): Promise<UserProcess>;
  /** SIGTERM (graceful: deregister, keep serving 1 s, drain) and wait for the exit. */
  stop(proc: ChildProcess): Promise<void>;
  /** SIGKILL (a crash: nothing deregisters) and wait for the exit. */
  kill(proc: ChildProcess): Promise<void>;
  /** `surge ps --json` (async, so load loops in the same process keep running). */
  ps(): Promise<PsRow[]>;
  /** The registry's list of user instances, read in-process (cheaper than ps for polling). */
  registered(): Promise<Instance[]>;
  /** Registers a user through the gateway; its id. */
  registerUser(username: string): Promise<number>;
  /** Stops every process, etcd, and drops the run's database. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** Default 2: user instances started before the gateway. */
  users?: number;
  /** Default {}: extra environment for every process (SURGE__… keys). */
  env?: Record<string, string>;
}

/** Builds dist/ when stale, starts etcd, the user instances, then the gateway. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  execFileSync(process.execPath, ['scripts/ensure.mjs'], { cwd: root, stdio: 'ignore' });
  const tag = `t${randomBytes(4).toString('hex')}`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const etcd = await startEtcd();
  const procs = new Set<ChildProcess>();
  const users: UserProcess[] = [];
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
    const i = users.findIndex((u) => u.proc === proc);
    if (i >= 0) users.splice(i, 1);
  };

  const cluster: Cluster = {
    etcd,
    base: `http://127.0.0.1:${port}`,
    tag,
    env,
    users: () => [...users],
    async startUser(extraEnv = {}) {
      const { proc, line } = await start(['serve', 'user'], /^surge serve user:/, extraEnv);
      // "surge serve user: instance <id> pid <pid> framed <host:port> grpc <host:port> metrics <url>"
      const framed = /framed (\S+)/.exec(line)![1]!;
      const metricsUrl = /metrics (\S+)/.exec(line)![1]!;
      const user: UserProcess = { proc, pid: proc.pid!, framed, metricsUrl };
      users.push(user);
      proc.once('exit', () => forget(proc));
      return user;
    },
    stop: (proc) => exited(proc, 'SIGTERM'),
    kill: (proc) => exited(proc, 'SIGKILL'),
    async ps() {
      const { stdout } = await run(process.execPath, ['dist/app/cli.js', 'ps', '--json'], { cwd: root, env });
      return JSON.parse(stdout) as PsRow[];
    },
    async registered() {
      const registry = connectEtcdRegistry({ hosts: [etcd.endpoint], prefix: '/surge/', requestTimeoutMs: 1000 });
      try {
        return await registry.list('user');
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
      const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '' });
      await conn.query(`DROP DATABASE IF EXISTS \`surgetest_${tag}_user\``);
      await conn.end();
    },
  };

  try {
    await Promise.all(Array.from({ length: options.users ?? 2 }, () => cluster.startUser()));
    await start(['gateway'], /^surge gateway:/);
  } catch (err) {
    await cluster.close().catch(() => undefined);
    throw err;
  }
  return cluster;
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

/** `concurrency` loops, each sending GET url again as soon as the previous answer arrives. */
export function startLoad(url: string, concurrency = 4): Load {
  const records: CallRecord[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
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

/** Successful GetUser calls a user instance has served, read from its /metrics page. */
export async function servedGetUser(metricsUrl: string): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const pick = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('side="server"') && l.includes('method="GetUser"') && l.includes('code="0"'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return { count: pick('surge_rpc_duration_seconds_count'), seconds: pick('surge_rpc_duration_seconds_sum') };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
