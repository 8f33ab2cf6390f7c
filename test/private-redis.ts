// A Redis server of the test's own, started from a shipped configuration file (the flash sale's
// deploy/redis/seckill.conf) on a free port with its own data folder, so a test can kill it with
// SIGKILL and start it again on the same files, as a crash and a restart do. The machine's
// shared Redis keeps nothing on disk and belongs to every test; this one belongs to one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeListenPort } from './cluster.js';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL, waiting for the exit: nothing is flushed beyond what Redis already wrote. */
  kill(): Promise<void>;
  /** Starts it again on the same port and files; resolves once it accepts connections (its AOF loaded). */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

export async function startPrivateRedis(configFile: string): Promise<PrivateRedis> {
  const port = await freeListenPort();
  const dir = mkdtempSync(join(tmpdir(), 'surge-redis-'));
  let proc: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const p = spawn('redis-server', [configFile, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
      proc = p;
      let out = '';
      p.stdout!.on('data', (c: Buffer) => {
        out = (out + c.toString()).slice(-8000);
        if (/Ready to accept connections/.test(out)) resolve();
      });
      p.once('exit', (code, signal) => reject(new Error(`redis-server exited ${code ?? signal} before it was ready: ${out.slice(-2000)}`)));
    });
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((res) => {
      p.once('exit', () => res());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
