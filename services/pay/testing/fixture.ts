// One pay service over a fresh database of the given kind, on a manual clock, with the order
// service and the payment provider as this fixture plays them: orders in a map answering
// GetOrder and MarkPaid by the order contract (MarkPaid can be made to fail, as an order service
// that is down), and a provider recording every charge and refund (either can be made to fail).
// Notifications are signed as a provider signs them, with the provider's key.
import { afterAll } from 'vitest';
import { ManualClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { createLogger } from '#kit/observability';
import { createOutbox } from '#kit/outbox';
import { createMemoryQueue } from '#kit/queue';
import type { Client } from '#kit/rpc';
import { signRequest, SIGNATURE_HEADERS } from '#kit/signature';
import type { ServiceDatabase } from '#kit/store';
import { contractPart, inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { OrderServiceDefinition, type Order } from '#gen/surge/order/v1/order';
import type { HandleNotificationReply, HandleNotificationRequest, ReconcileReport } from '#gen/surge/pay/v1/pay';
import { PAY_PAID, type PayPaidEvent } from '../events.js';
import { definePayService, encodeNotification, orderDesk, PayServiceDefinition, payMigrations, type ChargeRequest, type PayDB, type PaymentProvider, type PayService, type RefundRequest } from '../index.js';

/** The two methods of the order contract the pay service calls, under the contract's own name. */
const OrderDeskDefinition = contractPart(OrderServiceDefinition, ['getOrder', 'markPaid']);

export const NOTIFY_URL = 'http://127.0.0.1:9/api/v1/mall/pay/notify';
export const PROVIDER_KEY = { id: 'test-provider', secret: 'pay-fixture-secret-'.padEnd(40, 's') };

export interface RecordingProvider extends PaymentProvider {
  charges: ChargeRequest[];
  refunds: RefundRequest[];
  /** While true, charge() rejects (the provider refuses or is down). */
  failCharges: boolean;
  /** While true, refund() rejects. */
  failRefunds: boolean;
  /** What query() answers per payment id; 'pending' when not set. */
  outcomes: Map<number, 'pending' | 'paid' | 'failed'>;
}

export function recordingProvider(): RecordingProvider {
  const provider: RecordingProvider = {
    name: 'recorder',
    notificationKeys: { [PROVIDER_KEY.id]: Buffer.from(PROVIDER_KEY.secret) },
    charges: [],
    refunds: [],
    failCharges: false,
    failRefunds: false,
    outcomes: new Map(),
    async query(paymentId) {
      return provider.outcomes.get(paymentId) ?? 'pending';
    },
    async charge(request) {
      if (provider.failCharges) throw new Error('provider down');
      provider.charges.push(request);
    },
    async refund(request) {
      if (provider.failRefunds) throw new Error('provider down');
      provider.refunds.push(request);
    },
    async close() {},
  };
  return provider;
}

export interface NotifyOptions {
  /** The notification's id; default a fresh one. */
  id?: string;
  /** Signed with this key instead of the provider's. */
  key?: { id: string; secret: string };
  /** Signed at this wall time (ms) instead of the clock's now. */
  signedAt?: number;
  /** The body as sent, instead of the encoded notification (forgeries). */
  body?: string;
}

export interface PayFixture {
  svc: Client<typeof PayServiceDefinition>;
  service: PayService;
  db: ServiceDatabase<PayDB>;
  clock: ManualClock;
  provider: RecordingProvider;
  /** The stand-in order service's orders, by id. */
  orders: Map<number, Order>;
  /** Every MarkPaid the stand-in served (or refused), in order. */
  markPaidCalls: { orderId: number; paymentId: string; amountCents: number }[];
  /** While true, the stand-in's MarkPaid answers Unavailable (the order service down). */
  ordersDown: { markPaid: boolean; getOrder: boolean };
  /** An unpaid order of the user, with this total. */
  putOrder(userId: number, totalCents?: number, fields?: Partial<Order>): Order;
  /** The request HandleNotification gets for a notification, signed as the provider signs it. */
  signed(paymentId: number, status: 'paid' | 'failed', amountCents: number, o?: NotifyOptions): HandleNotificationRequest;
  notify(paymentId: number, status: 'paid' | 'failed', amountCents: number, o?: NotifyOptions): Promise<HandleNotificationReply>;
  /** Everything the service logged. */
  logText(): string;
  /** The report of every periodic pass (service.start()), in order. */
  reconciled: ReconcileReport[];
  /** Every pay.paid the outbox delivered to the queue, in order (after flushes: wait with paidEvents()). */
  paid: PayPaidEvent[];
  /** Waits until the outbox has relayed what is written (no rows left), then answers `paid`. */
  paidEvents(): Promise<PayPaidEvent[]>;
  close(): Promise<void>;
}

export function payFixturesOn(kind: TestDatabaseKind): () => Promise<PayFixture> {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
    await kind.cleanup();
  });
  return async () => {
    const f = await openPayFixture(kind);
    closers.push(f.close);
    return f;
  };
}

let nextNotification = 0;
let nextOrderId = 1000;

export async function openPayFixture(kind: TestDatabaseKind): Promise<PayFixture> {
  const db = await kind.open<PayDB>('pay', payMigrations);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const orders = new Map<number, Order>();
  const markPaidCalls: PayFixture['markPaidCalls'] = [];
  const ordersDown = { markPaid: false, getOrder: false };
  const provider = recordingProvider();
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });

  const orderClient = inProcessClient(OrderDeskDefinition, {
    async getOrder(req) {
      if (ordersDown.getOrder) throw errors.unavailable('the order service');
      const order = orders.get(req.id);
      if (!order || order.userId !== req.userId) throw errors.notFound('order');
      return order;
    },
    async markPaid(req) {
      markPaidCalls.push({ orderId: req.orderId, paymentId: req.paymentId, amountCents: req.amountCents });
      if (ordersDown.markPaid) throw errors.unavailable('the order service');
      const order = orders.get(req.orderId);
      if (!order) throw errors.notFound('order');
      if (order.status === 'cancelled') return { outcome: 'cancelled', order };
      if (order.status !== 'unpaid') return { outcome: 'already_paid', order };
      if (req.amountCents !== order.totalCents) return { outcome: 'amount_mismatch', order };
      const paid = { ...order, status: 'paid', paidAt: clock.now(), paymentId: req.paymentId };
      orders.set(order.id, paid);
      return { outcome: 'paid', order: paid };
    },
  });
  let ids = Date.UTC(2026, 0, 1);
  const reconciled: ReconcileReport[] = [];
  const queue = createMemoryQueue();
  const paid: PayPaidEvent[] = [];
  await queue.subscribe(PAY_PAID, 'test', async (msg) => void paid.push(msg.data));
  // A poll far beyond any test: events reach the queue only because the service flushed.
  const outbox = createOutbox({ db, queue, clock, log, pollMs: 3_600_000 });
  const service = definePayService({
    db,
    clock,
    ids: { next: () => ++ids },
    log,
    orders: orderDesk(orderClient),
    events: outbox,
    provider,
    notifyUrl: NOTIFY_URL,
    reconcileEveryMs: 60_000,
    onReconciled: (report) => void reconciled.push(report),
  });
  const svc = inProcessClient(PayServiceDefinition, service.handlers);

  const signed: PayFixture['signed'] = (paymentId, status, amountCents, o = {}) => {
    nextNotification += 1;
    const body = o.body ?? encodeNotification({ id: o.id ?? `n-${nextNotification}`, paymentId, status, amountCents });
    const headers = signRequest({ method: 'POST', path: new URL(NOTIFY_URL).pathname, body }, o.key ?? PROVIDER_KEY, { clock: o.signedAt === undefined ? clock : new ManualClock(o.signedAt) });
    return {
      body: Buffer.from(body),
      signature: headers[SIGNATURE_HEADERS.signature]!,
      timestamp: headers[SIGNATURE_HEADERS.timestamp]!,
      keyId: headers[SIGNATURE_HEADERS.keyId]!,
      nonce: headers[SIGNATURE_HEADERS.nonce]!,
    };
  };

  return {
    svc,
    service,
    db,
    clock,
    provider,
    orders,
    markPaidCalls,
    ordersDown,
    putOrder(userId, totalCents = 2500, fields = {}) {
      nextOrderId += 1;
      const order: Order = { id: nextOrderId, userId, status: 'unpaid', items: [], totalCents, address: undefined, createdAt: clock.now(), paidAt: 0, cancelReason: '', paymentId: '', ...fields };
      orders.set(order.id, order);
      return order;
    },
    signed,
    notify: (paymentId, status, amountCents, o) => svc.handleNotification(signed(paymentId, status, amountCents, o)),
    logText: () => lines.join(''),
    reconciled,
    paid,
    async paidEvents() {
      outbox.flush();
      const end = Date.now() + 5000;
      const busy = async () => (await outbox.backlog()).rows > 0 || (await queue.backlog()).some((group) => group.pending + group.unacked > 0);
      while (await busy()) {
        if (Date.now() > end) throw new Error('the outbox did not relay within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return paid;
    },
    async close() {
      await outbox.close();
      await queue.close();
    },
  };
}
