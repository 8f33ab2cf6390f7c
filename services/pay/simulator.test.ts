// The simulator provider over real HTTP: a charge is answered after the delay by a POST to the
// notify URL (a small local server here), signed so that #kit/signature verifies it with the
// simulator's key over the notify path; "fail" gives a failed notification; a receiver that
// does not take it gets the same notification again (re-signed), then the simulator gives up.
// The signing secret is pay.notifySecret or derived from auth.fieldKey, never a constant.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '#kit/clock';
import { createLogger } from '#kit/observability';
import { createSignatureVerifier, SIGNATURE_HEADERS } from '#kit/signature';
import { refusalOf } from '#kit/testing';
import { createSimulatorProvider, parseNotification, SIMULATOR_KEY_ID, simulatorSecret, type SimulatorProvider } from './index.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const FIELD_KEY = Buffer.alloc(32, 9).toString('base64');
const log = createLogger({ level: 'silent' });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A receiver answering each POST with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[] = [204]) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/mall/pay/notify`,
    received,
    /** Resolves once n requests have arrived. */
    async count(n: number) {
      while (received.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

function simulator(url: string, o: { clock?: ManualClock; retryDelaysMs?: number[]; delayMs?: number } = {}) {
  const delivered: { paymentId: number; delivered: boolean }[] = [];
  const provider: SimulatorProvider = createSimulatorProvider({
    notifyUrl: url,
    delayMs: o.delayMs ?? 500,
    secret: simulatorSecret('', FIELD_KEY),
    clock: o.clock ?? systemClock,
    log,
    ...(o.retryDelaysMs ? { retryDelaysMs: o.retryDelaysMs } : {}),
    onDelivered: (paymentId, ok) => void delivered.push({ paymentId, delivered: ok }),
  });
  closers.push(() => provider.close());
  return { provider, delivered };
}

async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the simulator provider', () => {
  it('answers a charge after the delay with a signed "paid" notification that the kit verifies', async () => {
    const clock = new ManualClock();
    const gateway = await receiver();
    const { provider, delivered } = simulator(gateway.url, { clock });
    await provider.charge({ paymentId: 77, orderId: 5, amountCents: 1999, simulate: '' });
    clock.advance(499);
    expect(gateway.received).toHaveLength(0);
    clock.advance(1);
    await gateway.count(1);
    const [request] = gateway.received;
    expect(request!.path).toBe('/api/v1/mall/pay/notify');
    expect(parseNotification(request!.body)).toMatchObject({ paymentId: 77, status: 'paid', amountCents: 1999 });
    expect(request!.headers[SIGNATURE_HEADERS.keyId]).toBe(SIMULATOR_KEY_ID);
    const verifier = createSignatureVerifier({ keys: provider.notificationKeys, clock });
    await expect(verifier.verify({ method: 'POST', path: '/api/v1/mall/pay/notify', body: request!.body }, request!.headers)).resolves.toMatchObject({ keyId: SIMULATOR_KEY_ID });
    await until(() => delivered.length === 1);
    expect(delivered).toEqual([{ paymentId: 77, delivered: true }]);
  });

  it('answers query() with the charge\'s outcome once decided: pending before, paid or failed after; an unknown charge failed', async () => {
    const clock = new ManualClock();
    const gateway = await receiver();
    const { provider } = simulator(gateway.url, { clock });
    await provider.charge({ paymentId: 90, orderId: 5, amountCents: 100, simulate: '' });
    await provider.charge({ paymentId: 91, orderId: 6, amountCents: 100, simulate: 'fail' });
    await expect(provider.query(90)).resolves.toBe('pending');
    clock.advance(500);
    await expect(provider.query(90)).resolves.toBe('paid');
    await expect(provider.query(91)).resolves.toBe('failed');
    await expect(provider.query(92)).resolves.toBe('failed');
    await gateway.count(2);
  });

  it('answers simulate "fail" with a failed notification', async () => {
    const clock = new ManualClock();
    const gateway = await receiver();
    const { provider } = simulator(gateway.url, { clock });
    await provider.charge({ paymentId: 78, orderId: 5, amountCents: 100, simulate: 'fail' });
    clock.advance(500);
    await gateway.count(1);
    expect(parseNotification(gateway.received[0]!.body)).toMatchObject({ paymentId: 78, status: 'failed', amountCents: 100 });
  });

  it('retries a delivery the receiver did not take, re-signed with the same notification id, then gives up', async () => {
    const gateway = await receiver([503, 500, 204]);
    const { provider, delivered } = simulator(gateway.url, { delayMs: 0, retryDelaysMs: [5, 5, 5] });
    await provider.charge({ paymentId: 79, orderId: 5, amountCents: 100, simulate: '' });
    await until(() => delivered.length === 1);
    expect(delivered).toEqual([{ paymentId: 79, delivered: true }]);
    expect(gateway.received).toHaveLength(3);
    const ids = gateway.received.map((r) => parseNotification(r.body).id);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(gateway.received.map((r) => r.headers[SIGNATURE_HEADERS.nonce])).size).toBe(3);

    const refusing = await receiver([503]);
    const second = simulator(refusing.url, { delayMs: 0, retryDelaysMs: [5, 5] });
    await second.provider.charge({ paymentId: 80, orderId: 6, amountCents: 100, simulate: '' });
    await until(() => second.delivered.length === 1);
    expect(second.delivered).toEqual([{ paymentId: 80, delivered: false }]);
    expect(refusing.received).toHaveLength(3);
  });

  it('sends nothing once closed, and refunds each payment once', async () => {
    const clock = new ManualClock();
    const gateway = await receiver();
    const { provider } = simulator(gateway.url, { clock });
    await provider.charge({ paymentId: 81, orderId: 7, amountCents: 100, simulate: '' });
    await provider.refund({ paymentId: 81, amountCents: 100 });
    await provider.refund({ paymentId: 81, amountCents: 100 });
    expect([...provider.refunded]).toEqual([81]);
    await provider.close();
    clock.advance(10_000);
    await expect(provider.charge({ paymentId: 82, orderId: 7, amountCents: 100, simulate: '' })).rejects.toThrow(/closed/);
    expect(gateway.received).toHaveLength(0);
  });
});

describe("the simulator's secret", () => {
  it('is derived from auth.fieldKey (HKDF-SHA256): 32 bytes, stable for one key, different for another, not the key itself', () => {
    const one = simulatorSecret('', FIELD_KEY);
    expect(one).toHaveLength(32);
    expect(Buffer.from(simulatorSecret('', FIELD_KEY)).equals(Buffer.from(one))).toBe(true);
    expect(Buffer.from(simulatorSecret('', Buffer.alloc(32, 8).toString('base64'))).equals(Buffer.from(one))).toBe(false);
    expect(Buffer.from(one).equals(Buffer.from(FIELD_KEY, 'base64'))).toBe(false);
  });

  it('is pay.notifySecret when set, which must be at least 32 bytes; with neither it refuses to start', () => {
    expect(Buffer.from(simulatorSecret('n'.repeat(32), FIELD_KEY)).toString()).toBe('n'.repeat(32));
    expect(refusalOf(() => simulatorSecret('short', FIELD_KEY)).message).toMatch(/^pay\.notifySecret: must be at least 32 bytes/);
    expect(refusalOf(() => simulatorSecret('', '')).message).toMatch(/auth\.fieldKey is not set/);
  });
});
