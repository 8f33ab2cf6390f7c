// The flash sale's "nothing lost" promise embedded, where every service is one process on
// SQLite: `npm start`'s process is killed with SIGKILL while buyers race for the units, and
// started again on the same data folder. Every ticket a buyer was answered "reserved" had been
// written to SQLite before the answer, so after the restart each becomes exactly one order, and
// exactly the sale's units are ordered.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit } from '#kit/mapreduce';
import { freeListenPort } from './cluster.js';
import { checkpoints } from './checkpoints.js';
import { httpCaller } from './http-caller.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MALL = '/api/v1/mall';

describe('flash sale: nothing lost when the embedded process is killed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'surge-flash-crash-'));
  let port = 0;
  let proc: ChildProcess | undefined;
  const env = () => ({ ...process.env, PORT: String(port), HOST: '127.0.0.1', SURGE_DATA: dir, SURGE_LOG_LEVEL: 'warn', SURGE__product__demoData: 'false', SURGE__seckill__demoSale: 'false', SURGE__seckill__buysPerUserPerSecond: '1000', SURGE__limits__loginPerIp__quota: '100000', SURGE__auth__passwordCost: '10' });
  const start = async () => {
    const p = spawn(process.execPath, ['dist/app/main.js'], { cwd: root, env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    proc = p;
    let err = '';
    p.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (p.exitCode !== null) throw new Error(`surge exited ${p.exitCode}: ${err}`);
      const up = await fetch(`http://127.0.0.1:${port}/livez`).then((r) => r.ok, () => false);
      if (up) return;
      if (Date.now() > deadline) throw new Error(`surge did not start in 60 s: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = () =>
    new Promise<void>((res) => {
      const p = proc!;
      if (p.exitCode !== null || p.signalCode !== null) return res();
      p.once('exit', () => res());
      p.kill('SIGKILL');
    });
  const call = httpCaller(() => `http://127.0.0.1:${port}`);
  let seq = 0;
  const signUp = async () => {
    const r = await call('POST', '/api/v1/users/register', { body: { username: `fc${seq++}x${Date.now().toString(36)}`, password: 'secret123' } });
    expect(r.status).toBe(201);
    return r.body as { id: number; token: string; username: string };
  };

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/ensure.mjs'], { cwd: root, stdio: 'ignore' });
    port = await freeListenPort();
    await start();
  }, 300_000);
  afterAll(async () => {
    if (proc) await kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('orders every reserved ticket once after a kill -9 mid-sale and a restart', async () => {
    const STOCK = 150;
    const LIMIT = 5;
    const PRODUCT_STOCK = 200;
    const username = `fcadmin${Date.now().toString(36)}`;
    const adminReg = await call('POST', '/api/v1/users/register', { body: { username, password: 'secret123' } });
    execFileSync(process.execPath, ['dist/app/cli.js', 'admin', 'grant', username], { cwd: root, env: env(), stdio: 'ignore' });
    const token = adminReg.body.token as string;
    const category = (await call('POST', `${MALL}/admin/categories`, { body: { name: 'crash' }, token })).body.category;
    const product = (await call('POST', `${MALL}/admin/products`, { body: { name: 'crash item', category_id: category.id, price_cents: 5_000, stock: PRODUCT_STOCK }, token })).body.product;
    const now = Date.now();
    const created = await call('POST', `${MALL}/admin/flash-sales`, { body: { product_id: product.id, price_cents: 500, stock: STOCK, start_at: now - 1000, end_at: now + 3_600_000, per_user_limit: LIMIT }, token });
    expect(created.status).toBe(201);
    const sale = created.body.flash_sale;
    const buyers = await mapLimit(Array.from({ length: 40 }), 8, async () => {
      const b = await signUp();
      const address = (await call('POST', `${MALL}/addresses`, { body: { name: 'B', phone: '13900139000', province: 'P', city: 'C', district: 'D', detail: 'X' }, token: b.token })).body.address;
      return { ...b, addressId: address.id as number };
    });

    const answered: { ticketId: number; token: string }[] = [];
    const cp = checkpoints(() => answered.length, 30);
    let soldOut = false;
    let down = false;
    const buyLoop = async (b: (typeof buyers)[number]) => {
      let mine = 0;
      while (!soldOut && mine < LIMIT) {
        await cp.wait();
        const r = await call('POST', `${MALL}/flash-sales/${sale.id}/buy`, { body: { address_id: b.addressId }, token: b.token }).catch(() => ({ status: -1, body: undefined }));
        if (r.status === 202) {
          answered.push({ ticketId: r.body.ticket.id, token: b.token });
          mine++;
        } else if (r.status === 409 && r.body?.details?.reason === 'sold_out') soldOut = true;
        else if (r.status === 409 && r.body?.code === 40903) mine = LIMIT;
        else {
          expect(r.status === -1 || down).toBe(true);
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    };
    // The kill lands mid-sale: buyers are held at most 30 tickets past 50 until Surge is back.
    let killedAt = 0;
    const crash = (async () => {
      killedAt = await cp.at(50, async () => {
        down = true;
        await kill();
        await start();
      });
    })();
    await Promise.all([...buyers.map(buyLoop), crash]);
    expect(soldOut).toBe(true);
    expect(killedAt).toBeLessThan(STOCK);

    const settled = await mapLimit(answered, 10, async ({ ticketId, token }) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await call('GET', `${MALL}/flash-sales/${sale.id}/tickets/${ticketId}`, { token });
        if (r.status === 200 && r.body.ticket.status !== 'reserved') return r.body.ticket;
        if (Date.now() > deadline) throw new Error(`ticket ${ticketId}: ${JSON.stringify(r.body)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    });
    expect(settled.filter((t) => t.status !== 'ordered')).toEqual([]);
    expect(new Set(settled.map((t) => t.order_id)).size).toBe(answered.length);
    let ordered = 0;
    for (const b of buyers) {
      const list = await call('GET', `${MALL}/orders?limit=50`, { token: b.token });
      ordered += (list.body.orders as { items: { product_id: number; quantity: number }[] }[]).flatMap((o) => o.items).filter((i) => i.product_id === product.id).reduce((n, i) => n + i.quantity, 0);
    }
    expect(ordered).toBe(STOCK);
    expect((await call('GET', `${MALL}/products/${product.id}`)).body.product.stock).toBe(PRODUCT_STOCK - STOCK);
  }, 180_000);
});
