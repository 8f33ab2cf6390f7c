// The system as separate processes, as `npm run up` runs it: two user-service instances and the
// gateway, each its own Node process from dist/, found through a test-owned etcd, on the real
// MariaDB, Redis and NATS. Proves the life cycle: register after listen, `surge ps`, and a
// graceful restart of one instance under a stream of calls with zero failed calls.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEtcdBinary, requireServer, servers, startEtcd, type TestEtcd } from '#kit/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const ready =
  (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats)) && (await requireEtcdBinary());

describe.skipIf(!ready)('distributed: separate processes through etcd', () => {
  const tag = `t${randomBytes(4).toString('hex')}`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  let etcd: TestEtcd;
  let env: NodeJS.ProcessEnv;
  const procs = new Set<ChildProcess>();

  const start = (args: string[], readyLine: RegExp): Promise<{ proc: ChildProcess; line: string }> => {
    const proc = spawn(process.execPath, ['dist/app/cli.js', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.add(proc);
    proc.once('exit', () => procs.delete(proc));
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => readyLine.test(l));
        if (line) resolve({ proc, line });
      });
      proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${err.slice(-2000)}`)));
    });
  };
  const stop = (proc: ChildProcess) => new Promise<void>((res) => (proc.exitCode !== null ? res() : (proc.once('exit', () => res()), proc.kill('SIGTERM'))));
  const base = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/ensure.mjs'], { cwd: root, stdio: 'ignore' });
    etcd = await startEtcd();
    env = {
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
    };
    await Promise.all([start(['serve', 'user'], /^surge serve user:/), start(['serve', 'user'], /^surge serve user:/)]);
    await start(['gateway'], /^surge gateway:/);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...procs].map(stop));
    await etcd?.close();
    const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '' });
    await conn.query(`DROP DATABASE IF EXISTS \`surgetest_${tag}_user\``);
    await conn.end();
  });

  it('serves the API through the gateway and lists the instances with surge ps --json', async () => {
    const reg = await fetch(`${base()}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `dist${tag}`, password: 'secret123' }) });
    expect(reg.status).toBe(201);
    const { id } = (await reg.json()) as { id: number };
    const user = (await (await fetch(`${base()}/api/v1/users/${id}`)).json()) as { username: string };
    expect(user.username).toBe(`dist${tag}`);

    const listed = JSON.parse(execFileSync(process.execPath, ['dist/app/cli.js', 'ps', '--json'], { cwd: root, env }).toString()) as Record<string, unknown>[];
    expect(listed).toHaveLength(2);
    for (const row of listed) {
      expect(Object.keys(row).sort()).toEqual(['framedPort', 'grpcPort', 'host', 'id', 'pid', 'service']);
      expect(row.service).toBe('user');
      expect([...procs].map((p) => p.pid)).toContain(row.pid);
    }
  });

  it('restarts one instance gracefully under a stream of calls with zero failed calls', async () => {
    const reg = await fetch(`${base()}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `roll${tag}`, password: 'secret123' }) });
    const { id } = (await reg.json()) as { id: number };
    let ok = 0;
    const failures: string[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const res = await fetch(`${base()}/api/v1/users/${id}`).catch((e: Error) => ({ status: 0, text: async () => e.message }));
        if (res.status === 200) ok++;
        else failures.push(`${res.status} ${await res.text()}`);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await new Promise((r) => setTimeout(r, 500));
    const listed = JSON.parse(execFileSync(process.execPath, ['dist/app/cli.js', 'ps', '--json'], { cwd: root, env }).toString()) as { pid: number }[];
    const victim = [...procs].find((p) => p.pid === listed[0]!.pid)!;
    await stop(victim);
    await start(['serve', 'user'], /^surge serve user:/);
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(100);
  }, 60_000);
});
