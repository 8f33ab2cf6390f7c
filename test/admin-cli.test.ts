// `surge admin grant|revoke <username>` as an operator runs it: the real command from dist/, while
// a `surge start` process serves the same data (embedded: one SQLite file in the data dir; on
// MariaDB: one database), with no signing secret or field key in its environment. The account is
// made through the running server's API; the role is read back through a handle of the test's own
// on the database (there is no admin-only route yet to ask through the server).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase, type DatabaseConfig, type ServiceDatabase } from '#kit/store';
import { dropDatabases, requireServer, servers } from '#kit/testing';
import { gidOf, ORDER_BRANCH, ORDER_CREATE, orderMigrations, STOCK_BRANCH, type OrderDB } from '#services/order';
import { userMigrations, type UserDB } from '#services/user';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasMariadb = await requireServer(servers.mariadb);

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The process environment without any Surge setting of the developer's, plus `env`. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SURGE')));
  return { ...clean, SURGE_CONFIG: '', SURGE_LOG_LEVEL: 'silent', ...env };
}

/** Runs `surge <args>` to its end. */
function surge(args: string[], env: Record<string, string>): Promise<Outcome> {
  const proc = spawn(process.execPath, ['dist/app/cli.js', ...args], { cwd: root, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Running {
  url: string;
  stop(): Promise<void>;
}

/** `surge start` on any free port, resolved once it says it is running. */
async function start(env: Record<string, string>): Promise<Running> {
  const proc = spawn(process.execPath, ['dist/app/cli.js', 'start'], {
    cwd: root,
    // scrypt at 2^10, as test systems run it: sign-ups beside the command stay well inside rpc.timeoutMs on a busy machine.
    env: environment({ SURGE__http__port: '0', SURGE__http__host: '127.0.0.1', SURGE__auth__passwordCost: '10', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Surge is running .* at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`surge start exited ${code}: ${err}`)));
  });
  return {
    url,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

async function register(url: string, username: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'secret123' }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

async function rolesIn(db: ServiceDatabase<UserDB>, userId: number): Promise<string[]> {
  return (await db.db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute()).map((r) => r.role);
}

beforeAll(() => {
  // The command under test is the built one.
  execFileSync(process.execPath, ['scripts/ensure.mjs'], { cwd: root, stdio: 'ignore' });
}, 300_000);

interface Mode {
  name: string;
  available: boolean;
  /** The settings of both processes (the CLI's have no secret in them). */
  env: Record<string, string>;
  /** What `surge start` needs besides: secrets, outside embedded mode. */
  serverEnv: Record<string, string>;
  /** The database both processes use, for the test's own handle. */
  database: DatabaseConfig;
  /** How the CLI names that database in what it prints. */
  where: RegExp;
  cleanup(): Promise<void>;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'surge-admin-'));
  dirs.push(dir);
  return dir;
};

function embedded(): Mode {
  const dir = tempDir();
  return {
    name: 'embedded (SQLite in the data dir)',
    available: true,
    env: { SURGE_DATA: dir },
    serverEnv: {},
    database: { dialect: 'sqlite', dir: join(dir, 'db') },
    where: new RegExp(`\\(${escaped(join(dir, 'db', 'user.sqlite'))}\\)`),
    cleanup: async () => undefined,
  };
}

function onMariadb(): Mode {
  const prefix = `surgetest_${Math.random().toString(36).slice(2, 10)}`;
  const { host, port } = servers.mariadb;
  return {
    name: 'servers (MariaDB)',
    available: hasMariadb,
    env: {
      SURGE_DATA: tempDir(),
      SURGE__database__driver: 'mysql',
      SURGE__database__mysql__host: host,
      SURGE__database__mysql__port: String(port),
      SURGE__database__mysql__databasePrefix: prefix,
    },
    // Outside embedded mode a server needs both secrets; the CLI is given neither.
    serverEnv: { SURGE_JWT_SECRET: 'j'.repeat(16) + 'K'.repeat(16) + 'x'.repeat(16), SURGE_FIELD_KEY: Buffer.alloc(32, 9).toString('base64') },
    database: { dialect: 'mysql', host, port, user: 'root', password: '', databasePrefix: prefix },
    where: new RegExp(`\\(database ${prefix}_user on ${host}:${port}\\)`),
    cleanup: () => dropDatabases(prefix),
  };
}

for (const mode of [embedded(), onMariadb()]) {
  describe.skipIf(!mode.available)(`surge admin, ${mode.name}, beside a running surge start`, () => {
    let server: Running;
    let db: ServiceDatabase<UserDB>;
    beforeAll(async () => {
      server = await start({ ...mode.env, ...mode.serverEnv });
      // A second handle, as a third process would hold it; opened after the server made the database.
      db = await openServiceDatabase<UserDB>({ config: mode.database, service: 'user', migrations: userMigrations });
    }, 120_000);
    afterAll(async () => {
      await db?.close();
      await server?.stop();
      await mode.cleanup();
    });
    const admin = (...args: string[]) => surge(['admin', ...args], mode.env);

    it('grants and revokes by any spelling of the username, says what it did, and the server goes on serving', async () => {
      const alice = await register(server.url, 'Alice');
      const bob = await register(server.url, 'bob');

      // The grant while the server is busy writing (two sign-ups at once); all three end before anything is judged.
      const signUps = Promise.allSettled([register(server.url, 'carol'), register(server.url, 'dave')]);
      const granted = await admin('grant', 'alice');
      expect((await signUps).map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(granted.stderr).toBe('');
      expect(granted.code).toBe(0);
      expect(granted.stdout).toMatch(new RegExp(`^surge admin: Alice \\(user ${alice}\\) is now admin `));
      expect(granted.stdout).toMatch(mode.where);
      expect(await rolesIn(db, alice)).toEqual(['admin']);
      expect(await rolesIn(db, bob)).toEqual([]);

      const again = await admin('grant', 'ALICE');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^surge admin: Alice \\(user ${alice}\\) already was admin; nothing changed`));
      expect(await rolesIn(db, alice)).toEqual(['admin']);

      const revoked = await admin('revoke', 'Ａｌｉｃｅ', '--config', '');
      expect(revoked.stderr).toBe('');
      expect(revoked.stdout).toMatch(new RegExp(`^surge admin: Alice \\(user ${alice}\\) is no longer admin`));
      expect(await rolesIn(db, alice)).toEqual([]);
      const twice = await admin('revoke', 'alice');
      expect(twice.code).toBe(0);
      expect(twice.stdout).toMatch(/was not admin; nothing changed/);

      // The running server still serves the account it shares the database with.
      const signIn = await fetch(`${server.url}/api/v1/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'secret123' }) });
      expect(signIn.status).toBe(200);
    }, 60_000);

    it('lists a stuck order transaction and hands it back: the running order service finishes it, and the order exists', async () => {
      const orders = await openServiceDatabase<OrderDB>({ config: mode.database, service: 'order', migrations: orderMigrations });
      try {
        const none = await admin('saga', 'stuck');
        expect(none.stderr).toBe('');
        expect(none.stdout).toMatch(/^surge admin: no saga transaction is stuck /);

        // A transaction that stopped at its first branch (the stock reservation) after its attempts ran out.
        const buyer = await register(server.url, 'sagabuyer');
        // A product to order, made by an admin through the API (the servers have no demo catalog).
        await register(server.url, 'sagaadmin');
        expect((await admin('grant', 'sagaadmin')).code).toBe(0);
        const signIn = await fetch(`${server.url}/api/v1/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sagaadmin', password: 'secret123' }) });
        const auth = { authorization: `Bearer ${((await signIn.json()) as { token: string }).token}`, 'content-type': 'application/json' };
        const category = await fetch(`${server.url}/api/v1/mall/admin/categories`, { method: 'POST', headers: auth, body: JSON.stringify({ name: '运维' }) });
        const categoryId = ((await category.json()) as { category: { id: number } }).category.id;
        const made = await fetch(`${server.url}/api/v1/mall/admin/products`, { method: 'POST', headers: auth, body: JSON.stringify({ name: '手动 retry', category_id: categoryId, price_cents: 100, stock: 5 }) });
        expect(made.status).toBe(201);
        const productId = ((await made.json()) as { product: { id: number } }).product.id;
        const orderId = 9_000_000_000_000 + Math.floor(Math.random() * 1_000_000);
        const gid = gidOf(orderId);
        const now = Date.now();
        const payload = { orderId, userId: buyer, createdAt: now, items: [{ productId, quantity: 1 }], address: { name: '李雷', phone: '13800000000', province: '北京', city: '北京', district: '海淀', detail: '1 号' } };
        await orders.db
          .insertInto('surge_saga')
          .values({ gid, saga: ORDER_CREATE, status: 'stuck', phase: 'action', step: 0, attempts: 4, payload: JSON.stringify(payload), owner: 'gone', lease_until: 0, error_code: 50301, error: 'product is unavailable, try again shortly', reason_code: 0, reason: '', reason_details: '', created_at: now, updated_at: now, finished_at: 0 })
          .execute();
        await orders.db
          .insertInto('surge_saga_branch')
          .values([STOCK_BRANCH, ORDER_BRANCH].map((name, idx) => ({ gid, idx, name, action: 'pending', compensation: 'none', updated_at: now })))
          .execute();

        const stuck = await admin('saga', 'stuck');
        expect(stuck.code).toBe(0);
        expect(stuck.stdout).toMatch(new RegExp(`^${gid}  order\.create  action #0  4 attempts  since .*  product is unavailable`, 'm'));
        const back = await admin('saga', 'retry', gid);
        expect(back.stderr).toBe('');
        expect(back.stdout).toMatch(new RegExp(`^${escaped(`surge admin: ${gid} (order.create, action #0) handed back`)}`));
        const again = await admin('saga', 'retry', gid);
        expect(again.code).toBe(2);
        expect(again.stderr).toMatch(new RegExp(`^surge: transaction ${gid} is (running|succeeded), not stuck`));

        // The server's resume loop takes it up (every 5 s) and drives it to the end.
        const deadline = Date.now() + 60_000;
        let row = await orders.db.selectFrom('surge_saga').select(['status']).where('gid', '=', gid).executeTakeFirstOrThrow();
        while (row.status !== 'succeeded' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          row = await orders.db.selectFrom('surge_saga').select(['status']).where('gid', '=', gid).executeTakeFirstOrThrow();
        }
        expect(row.status).toBe('succeeded');
        const order = await orders.db.selectFrom('orders').select(['user_id']).where('id', '=', orderId).executeTakeFirst();
        expect(order).toEqual({ user_id: buyer });
      } finally {
        await orders.close();
      }
    }, 90_000);

    it('an unknown user exits with status 2 and says so, changing nothing', async () => {
      const before = await db.db.selectFrom('user_roles').selectAll().execute();
      const unknown = await admin('grant', 'nobody-here');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('surge: user "nobody-here" not found\n');
      expect(unknown.stdout).toBe('');
      expect(await db.db.selectFrom('user_roles').selectAll().execute()).toEqual(before);
    }, 30_000);

    it('refuses bad command lines with status 2: no verb, an unknown verb, no username, an empty or too long one, two of them', async () => {
      const cases: [string[], RegExp][] = [
        [[], /^surge: usage: surge admin grant\|revoke <username>/],
        [['promote', 'alice'], /^surge: unknown admin command "promote"; usage:/],
        [['grant'], /^surge: surge admin grant: which user\? usage:/],
        [['grant', ''], /^surge: username: use 1–32 characters without spaces or control characters\n$/],
        [['grant', 'x'.repeat(33)], /^surge: username: use 1–32 characters/],
        [['revoke', 'a b'], /^surge: username: use 1–32 characters/],
        [['grant', 'alice', 'bob'], /^surge: surge admin grant takes one username/],
        [['saga'], /^surge: surge admin saga: stuck or retry <gid>; usage:/],
        [['saga', 'retry'], /^surge: surge admin saga retry: which transaction\? usage:/],
        [['saga', 'retry', 'no-such-gid'], /^surge: saga transaction no-such-gid not found\n$/],
        [['saga', 'retry', 'a b'], /^surge: gid: /],
      ];
      const outcomes = await Promise.all(cases.map(([args]) => admin(...args)));
      outcomes.forEach((o, i) => {
        const [args, says] = cases[i]!;
        expect(o.code, args.join(' ')).toBe(2);
        expect(o.stderr, args.join(' ')).toMatch(says);
        expect(o.stdout, args.join(' ')).toBe('');
      });
      // Seven node processes at once took 30 s on a loaded two-core machine.
    }, 120_000);
  });
}

it('refuses a data dir that holds no user database instead of making an empty one', async () => {
  const dir = tempDir();
  const o = await surge(['admin', 'grant', 'alice'], { SURGE_DATA: dir });
  expect(o.code).toBe(2);
  expect(o.stderr).toMatch(new RegExp(`^surge: no user database at ${escaped(join(dir, 'db', 'user.sqlite'))}`));
}, 30_000);
