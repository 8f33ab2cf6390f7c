// kill -9 of a saga coordinator on the real MariaDB. A child process (test/saga-crash.child.mjs,
// from dist/) starts order.create, whose stock branch commits and whose order branch holds; the
// test kills it with SIGKILL there, checks the transaction is left running with the stock taken,
// then starts another coordinator process, which resumes it once the dead one's lease runs out.
// The end state, read from MariaDB: the transaction finished, each branch's effect exactly once
// (or compensated exactly once), and no effect twice, whether the order branch's own transaction
// had committed before the kill or not.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabases, requireServer, servers } from '#kit/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const child = 'test/saga-crash.child.mjs';
const ready = await requireServer(servers.mariadb);
const prefix = `surgetest_saga${randomBytes(4).toString('hex')}`;

/** Runs the child until its stdout has a line matching `line`; resolves the process and that line. */
function startChild(args: string[], line: RegExp) {
  const proc = spawn(process.execPath, [child, ...args], { cwd: root, env: { ...process.env, SAGA_CRASH_PREFIX: prefix }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const seen = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = out.split('\n').find((l) => line.test(l));
      if (found) resolve(found);
    });
    void exited.then((how) => reject(new Error(`${child} ${args.join(' ')} exited (${how}) before printing ${line}: ${out}${err}`)));
  });
  return { proc, exited, seen };
}

describe.skipIf(!ready)('saga coordinator killed with SIGKILL mid-transaction, on MariaDB', () => {
  let db: mysql.Connection;

  beforeAll(async () => {
    // The child runs the compiled kit, so dist/ must hold this tree's saga code.
    execFileSync(process.execPath, ['scripts/ensure.mjs'], { cwd: root, stdio: 'ignore' });
    db = await mysql.createConnection({ host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '' });
  }, 300_000);
  afterAll(async () => {
    await db?.end();
    if (ready) await dropDatabases(prefix);
  });

  const query = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params))[0] as T[];
  const sagaRow = async (gid: string) => (await query<{ status: string; owner: string; step: number; phase: string }>(`SELECT status, owner, step, phase FROM \`${prefix}_sagacoord\`.surge_saga WHERE gid = ?`, [gid]))[0];
  const available = async () => (await query<{ available: number }>(`SELECT available FROM \`${prefix}_stock\`.stock WHERE sku = 'sku-1'`))[0]!.available;
  const orders = async (gid: string) => (await query<{ status: string }>(`SELECT status FROM \`${prefix}_orders\`.orders WHERE gid = ?`, [gid])).map((r) => r.status);

  /** Runs order.create in a child, kills it where it holds, and checks what the dead process left. */
  async function crashMidTransaction(gid: string, hold: 'before-commit' | 'after-commit'): Promise<number> {
    const stockBefore = await available().catch(() => 10); // the first child seeds 10
    const running = startChild(['run', gid, hold], /^HOLDING$/);
    await running.seen;
    running.proc.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    expect(await sagaRow(gid)).toMatchObject({ status: 'running', phase: 'action', step: 1 });
    expect((await sagaRow(gid))!.owner).toMatch(/^run-/);
    expect(await available()).toBe(stockBefore - 2);
    expect(await orders(gid)).toEqual(hold === 'after-commit' ? ['created'] : []);
    return stockBefore;
  }

  async function resume(gid: string, ...args: string[]): Promise<string> {
    const resumer = startChild(['resume', gid, ...args], /^(ENDED|TIMEOUT) /);
    const line = await resumer.seen;
    expect(await resumer.exited).toBe(0);
    return line;
  }

  it('killed while the order branch held its open local transaction: resumed, each effect exactly once', async () => {
    const gid = `crash-${randomBytes(4).toString('hex')}`;
    const stockBefore = await crashMidTransaction(gid, 'before-commit');
    expect(await resume(gid)).toBe('ENDED succeeded');
    expect(await sagaRow(gid)).toMatchObject({ status: 'succeeded', owner: '', step: 2 });
    expect(await available()).toBe(stockBefore - 2);
    expect(await orders(gid)).toEqual(['created']);
  }, 60_000);

  it('killed after the order branch committed but before the coordinator recorded it: the resumed call is a no-op at the barrier', async () => {
    const gid = `crash-${randomBytes(4).toString('hex')}`;
    const stockBefore = await crashMidTransaction(gid, 'after-commit');
    expect(await resume(gid)).toBe('ENDED succeeded');
    expect(await available()).toBe(stockBefore - 2);
    expect(await orders(gid)).toEqual(['created']);
    const barrier = await query<{ branch: string; op: string }>(`SELECT branch, op FROM \`${prefix}_orders\`.surge_saga_barrier WHERE gid = ?`, [gid]);
    expect(barrier).toEqual([{ branch: 'order', op: 'action' }]);
  }, 60_000);

  it('killed mid-transaction, then the resumed order branch refuses: the stock taken before the kill is given back exactly once', async () => {
    const gid = `crash-${randomBytes(4).toString('hex')}`;
    const stockBefore = await crashMidTransaction(gid, 'before-commit');
    expect(await resume(gid, 'refuse')).toBe('ENDED compensated');
    expect(await sagaRow(gid)).toMatchObject({ status: 'compensated', phase: 'compensate', step: -1 });
    expect(await available()).toBe(stockBefore);
    expect(await orders(gid)).toEqual([]);
  }, 60_000);
});
