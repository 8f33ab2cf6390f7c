// A test-owned etcd: its own process, data dir and ports on 127.0.0.1, so fault tests can stop,
// restart, wipe or kill it without touching any other etcd on the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inCI } from './servers.js';

export const etcdBinary = process.env.SURGE_TEST_ETCD_BIN ?? '/usr/bin/etcd';

export interface TestEtcd {
  /** host:port of the client listener, for `hosts`. */
  readonly endpoint: string;
  readonly running: boolean;
  /** Starts it again on the same ports; `freshData` wipes the data dir first (total loss). */
  start(options?: { freshData?: boolean }): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit (a crash). */
  kill(): Promise<void>;
  /** Stops it and removes its data dir. */
  close(): Promise<void>;
}

/**
 * Resolves true when the etcd binary exists. When it does not: throws in CI, otherwise prints
 * why the suite is skipped and resolves false. Use with describe.skipIf.
 */
export async function requireEtcdBinary(binary = etcdBinary): Promise<boolean> {
  if (existsSync(binary)) return true;
  const msg = `etcd is not installed at ${binary}; install it with: apt-get install -y etcd-server`;
  if (inCI) throw new Error(`CI requires ${msg}`);
  console.warn(`skipping tests that need ${msg}`);
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(500) });
    return res.ok && ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

export async function startEtcd(options: { binary?: string; startTimeoutMs?: number } = {}): Promise<TestEtcd> {
  const binary = options.binary ?? etcdBinary;
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'surge-etcd-'));
  const dataDir = path.join(dir, 'data');
  const clientPort = await freePort();
  const peerPort = await freePort();
  const name = `surge-test-${clientPort}`;
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stderr = '';
  // A test process that dies must not leave its etcd behind.
  const onExit = () => child?.kill('SIGKILL');

  async function start(opts: { freshData?: boolean } = {}): Promise<void> {
    if (child) throw new Error('test etcd is already running');
    if (opts.freshData) await rm(dataDir, { recursive: true, force: true });
    stderr = '';
    const proc = spawn(binary, [
      '--name', name,
      '--data-dir', dataDir,
      '--listen-client-urls', clientUrl,
      '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl,
      '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `${name}=${peerUrl}`,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', name,
      '--logger', 'zap',
      '--log-level', 'error',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
    exited = new Promise((resolve) => proc.once('exit', () => {
      if (child === proc) child = undefined;
      process.off('exit', onExit);
      resolve();
    }));
    process.on('exit', onExit);
    const until = Date.now() + startTimeoutMs;
    while (Date.now() < until) {
      if (!child) throw new Error(`test etcd exited during start: ${stderr}`);
      if (await healthy(`${clientUrl}/health`)) return;
      await sleep(50);
    }
    await kill();
    throw new Error(`test etcd did not answer within ${startTimeoutMs} ms: ${stderr}`);
  }

  async function signal(sig: NodeJS.Signals): Promise<void> {
    if (!child) return;
    child.kill(sig);
    await exited;
  }
  const kill = () => signal('SIGKILL');

  await start();
  return {
    endpoint: `127.0.0.1:${clientPort}`,
    get running() { return child !== undefined; },
    start,
    stop: () => signal('SIGTERM'),
    kill,
    async close() {
      await signal('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
