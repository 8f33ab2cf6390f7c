// The mall's pay service hosted for end-to-end tests the way a process hosts it (hostForTests):
// the real product, cart, order and pay modules, each with its own database, calling each other
// through the in-process transport with its codec check; the pay module's own simulator. The
// gateway's notify route is not built yet, so a small local HTTP server stands in for it at
// pay.notifyUrl: it forwards each POST (body bytes and x-surge-* headers) to HandleNotification,
// and can hold deliveries until the test lets them through. Embedded by default; `servers` puts
// the databases on MariaDB and the caches and delays in Redis (share a tag: instances of one system).
// Products, addresses and orders come from the mall shop (app/testing/mall-shop.ts).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { System } from '#app';
import { ManualClock } from '#kit/clock';
import type { Client } from '#kit/rpc';
import { signRequest, SIGNATURE_HEADERS } from '#kit/signature';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { PayServiceDefinition, type HandleNotificationReply, type HandleNotificationRequest } from '#gen/surge/pay/v1/pay';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import { hostForTests } from '../../../app/testing/host.js';
import { mallShop, type MallShop } from '../../../app/testing/mall-shop.js';
import { encodeNotification, type PaymentNotification } from '../notification.js';
import { SIMULATOR_KEY_ID } from '../simulator/simulator.js';
import { simulatorSecret } from '../simulator/secret.js';

export const NOTIFY_PATH = '/api/v1/mall/pay/notify';

export interface PayMallOptions {
  /** order.paymentTimeoutSeconds; default 3600 (no timeout within a test unless asked). */
  paymentTimeoutSeconds?: number;
  /** pay.simulatorDelayMs; default 20. */
  simulatorDelayMs?: number;
  /** MariaDB and Redis, under names starting with `tag`. */
  servers?: { tag: string; workerId: number };
}

/** One notification the stand-in gateway forwarded, with what HandleNotification answered. */
export interface Forwarded {
  request: HandleNotificationRequest;
  outcome: { reply: HandleNotificationReply } | { error: unknown };
}

export interface PayMall extends MallShop {
  system: System;
  pay: Client<typeof PayServiceDefinition>;
  orders: Client<typeof OrderServiceDefinition>;
  products: Client<typeof ProductServiceDefinition>;
  /** Every notification the stand-in gateway forwarded, in order. */
  forwarded: Forwarded[];
  /** While held, the stand-in gateway keeps deliveries waiting (answering none) until release(). */
  hold(): void;
  release(): void;
  /** Order timeouts this instance ran. */
  expiryOf(orderId: number): Promise<ExpiryOutcome>;
  /** A HandleNotification request signed as the simulator signs it (its key, the notify path). */
  signed(n: PaymentNotification, o?: { signedAt?: number; secret?: Uint8Array }): HandleNotificationRequest;
  close(): Promise<void>;
}

/** What the order module's payment timeout did (its onOrderExpired override; named here, not imported: a service reaches another only through its contract). */
type ExpiryOutcome = string;

const FIELD_KEY = Buffer.alloc(32, 5).toString('base64');

/** Resolves once cond() holds, checking every 10 ms; rejects after timeoutMs. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startPayMall(o: PayMallOptions = {}): Promise<PayMall> {
  const forwarded: Forwarded[] = [];
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  let pay: Client<typeof PayServiceDefinition> | undefined;

  // The stand-in for the gateway's notify route: raw body and signature headers, forwarded.
  const gateway = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      await gate?.promise;
      const request = toRequest(Buffer.concat(chunks), req.headers);
      try {
        const reply = await pay!.handleNotification(request);
        forwarded.push({ request, outcome: { reply } });
        res.statusCode = 204;
      } catch (error) {
        forwarded.push({ request, outcome: { error } });
        res.statusCode = 403;
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const { port } = gateway.address() as AddressInfo;

  const expiries = new Map<number, ExpiryOutcome>();
  const { system, close } = await hostForTests({
    // seckill because the order module calls it (the process's check wants every callee hosted).
    services: ['product', 'cart', 'order', 'seckill', 'pay'],
    config: {
      'auth.fieldKey': FIELD_KEY,
      'product.demoData': false,
      'seckill.demoSale': false,
      'order.paymentTimeoutSeconds': o.paymentTimeoutSeconds ?? 3600,
      'pay.notifyUrl': `http://127.0.0.1:${port}${NOTIFY_PATH}`,
      'pay.simulatorDelayMs': o.simulatorDelayMs ?? 20,
    },
    overrides: { onOrderExpired: (orderId: number, outcome: ExpiryOutcome) => void expiries.set(orderId, outcome) },
    ...(o.servers ? { servers: o.servers } : {}),
  });
  pay = system.client(PayServiceDefinition);
  const orders = system.client(OrderServiceDefinition);
  const products = system.client(ProductServiceDefinition);
  const secret = simulatorSecret('', FIELD_KEY);

  return {
    ...mallShop({ products, orders }),
    system,
    pay,
    orders,
    products,
    forwarded,
    hold() {
      let open = () => undefined as void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    async expiryOf(orderId) {
      await until(() => expiries.has(orderId), 15_000, `the payment timeout of order ${orderId}`);
      return expiries.get(orderId)!;
    },
    signed(n, so = {}) {
      const body = encodeNotification(n);
      const headers = signRequest({ method: 'POST', path: NOTIFY_PATH, body }, { id: SIMULATOR_KEY_ID, secret: so.secret ?? secret }, so.signedAt === undefined ? {} : { clock: new ManualClock(so.signedAt) });
      return toRequest(Buffer.from(body), headers);
    },
    async close() {
      gate?.open();
      await close();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    },
  };
}

function toRequest(body: Buffer, headers: IncomingHttpHeaders | Record<string, string>): HandleNotificationRequest {
  const one = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : '';
  };
  return { body, signature: one(SIGNATURE_HEADERS.signature), timestamp: one(SIGNATURE_HEADERS.timestamp), keyId: one(SIGNATURE_HEADERS.keyId), nonce: one(SIGNATURE_HEADERS.nonce) };
}
