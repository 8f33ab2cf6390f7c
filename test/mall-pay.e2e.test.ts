// Paying an order end to end over HTTP, as the shop client and the payment provider do: the buyer
// asks to pay, the built-in simulator calls the gateway's /pay/notify with a signed notification,
// and the order becomes paid, once. A forged notification changes nothing; a simulated failure
// leaves the order unpaid. Embedded and on the real servers.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const MALL = '/api/v1/mall';

/** A port free now, so the simulator can be told where to call before the system starts. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe.each(modes)('paying an order (%s)', (mode) => {
  let sys: TestSystem;
  let seq = 0;
  const uniq = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;
  const call = async (method: string, url: string, o: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {}) => {
    const res = await sys.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
      payload: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  /** Reads the order until `ok` holds (the provider answers asynchronously), at most 20 s. */
  const orderWhen = async (id: number, token: string, ok: (o: { status: string }) => boolean) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const order = (await call('GET', `${MALL}/orders/${id}`, { token })).body.order;
      if (ok(order) || Date.now() > deadline) return order;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  let buyer: { id: number; token: string };
  let addressId = 0;
  let productId = 0;

  beforeAll(async () => {
    const port = await freePort();
    sys = await startTestSystem(mode, { 'http.port': port, 'pay.notifyUrl': `http://127.0.0.1:${port}${MALL}/pay/notify`, 'pay.simulatorDelayMs': 50, 'limits.loginPerIp.quota': 1000 });
    const reg = async () => (await call('POST', '/api/v1/users/register', { body: { username: uniq('payer'), password: 'secret123' } })).body as { id: number; token: string };
    const admin = await reg();
    await sys.client(UserServiceDefinition).setRole({ userId: admin.id, role: 'admin', granted: true });
    const category = (await call('POST', `${MALL}/admin/categories`, { body: { name: uniq('c') }, token: admin.token })).body.category;
    productId = (await call('POST', `${MALL}/admin/products`, { body: { name: 'Pay test 支付', category_id: category.id, price_cents: 2_500, stock: 10 }, token: admin.token })).body.product.id;
    buyer = await reg();
    addressId = (await call('POST', `${MALL}/addresses`, { body: { name: 'Li', phone: '13900139000', province: 'P', city: 'C', district: 'D', detail: 'X' }, token: buyer.token })).body.address.id;
  }, 120_000);
  afterAll(async () => sys?.stop());

  const placeOrder = async () => (await call('POST', `${MALL}/orders`, { body: { address_id: addressId, items: [{ product_id: productId, quantity: 2 }] }, token: buyer.token })).body.order as { id: number; total_cents: number };

  it('pays through the provider: the order becomes paid once, for its own total', async () => {
    const order = await placeOrder();
    const started = await call('POST', `${MALL}/orders/${order.id}/pay`, { body: {}, token: buyer.token });
    expect(started.status).toBe(200);
    expect(started.body.payment).toMatchObject({ order_id: order.id, status: 'pending', amount_cents: 5_000, provider: 'simulator', paid_at: null });
    const paid = await orderWhen(order.id, buyer.token, (o) => o.status !== 'unpaid');
    expect(paid).toMatchObject({ status: 'paid' });
    expect((await call('POST', `${MALL}/orders/${order.id}/pay`, { body: {}, token: buyer.token })).status).toBe(409);
  });

  it("refuses another user's order, and a forged notification changes nothing", async () => {
    const order = await placeOrder();
    const other = (await call('POST', '/api/v1/users/register', { body: { username: uniq('other'), password: 'secret123' } })).body;
    expect((await call('POST', `${MALL}/orders/${order.id}/pay`, { body: {}, token: other.token })).status).toBe(404);
    const forged = JSON.stringify({ payment_id: 1, order_id: order.id, status: 'paid', amount_cents: order.total_cents });
    const res = await call('POST', `${MALL}/pay/notify`, {
      raw: forged,
      headers: { 'content-type': 'application/json', 'x-surge-key-id': 'simulator', 'x-surge-timestamp': String(Math.floor(Date.now() / 1000)), 'x-surge-nonce': 'n0nce-forged-1', 'x-surge-signature': 'a'.repeat(64) },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await call('GET', `${MALL}/orders/${order.id}`, { token: buyer.token })).body.order.status).toBe('unpaid');
    expect((await call('POST', `${MALL}/pay/notify`, { raw: 'x'.repeat(5000), headers: { 'content-type': 'application/json' } })).status).toBe(413);
  });

  it('a simulated failure leaves the order unpaid', async () => {
    const order = await placeOrder();
    const started = await call('POST', `${MALL}/orders/${order.id}/pay`, { body: { simulate: 'fail' }, token: buyer.token });
    expect(started.body.payment.status).toBe('pending');
    const deadline = Date.now() + 20_000;
    let status = 'pending';
    while (status === 'pending' && Date.now() < deadline) {
      status = (await sys.client((await import('#gen/surge/pay/v1/pay')).PayServiceDefinition).getPayment({ userId: buyer.id, id: started.body.payment.id })).status;
      if (status === 'pending') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('failed');
    expect((await call('GET', `${MALL}/orders/${order.id}`, { token: buyer.token })).body.order.status).toBe('unpaid');
  });
});
