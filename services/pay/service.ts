// Wires the pay service: models over its own database, the outbox pay.paid is written to, the
// provider, the verifier of the provider's notifications, then one handler per RPC method, each a use case in logic/. The
// periodic reconciliation starts separately, once every module of the process is registered,
// because it calls the order service.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { EventSink } from '#kit/outbox';
import type { ServiceImpl } from '#kit/rpc';
import type { Closable } from '#kit/service';
import { createSignatureVerifier } from '#kit/signature';
import type { ServiceDatabase } from '#kit/store';
import { PayServiceDefinition, type ReconcileReport } from '#gen/surge/pay/v1/pay';
import type { PayDeps } from './deps.js';
import { createPayment } from './logic/create-payment.js';
import { createReferencePayment } from './logic/create-reference-payment.js';
import { getPayment } from './logic/get-payment.js';
import { handleNotification } from './logic/handle-notification.js';
import { reconcile } from './logic/reconcile.js';
import { createNotificationModel } from './model/notifications.js';
import { createPaymentModel } from './model/payments.js';
import type { PayDB } from './model/tables.js';
import type { OrderDesk } from './orders.js';
import type { PaymentProvider } from './provider.js';
import { startReconcileJob } from './reconcile-job.js';

export interface PayServiceOptions {
  /** Opened with payMigrations. */
  db: ServiceDatabase<PayDB>;
  clock: Clock;
  /** Snowflake ids for payments. */
  ids: { next(): number };
  log: Logger;
  /** The order service (orderDesk over its client). */
  orders: OrderDesk;
  /** The outbox over the same db (createOutbox from #kit/outbox): pay.paid. */
  events: EventSink;
  provider: PaymentProvider;
  /** The URL the provider posts notifications to (pay.notifyUrl): its path is signed. */
  notifyUrl: string;
  /** pay.reconcileSeconds in ms. */
  reconcileEveryMs: number;
  /**
   * Default 30000 ms: the reconciliation leaves a payment changed this recently to the
   * notification settling it (a MarkPaid within the RPC deadline, with room).
   */
  settleGraceMs?: number;
  /**
   * Default 120000 ms: a payment still pending this long is asked about at the provider by the
   * reconciliation. The simulator's deliveries give up after about 15 s; a real provider's
   * retries last longer, and the question is safe at any time (undecided answers 'pending').
   */
  pendingCheckMs?: number;
  /** Sees each periodic reconciliation pass (tests wait on it). */
  onReconciled?: (report: ReconcileReport) => void;
}

export type PayHandlers = ServiceImpl<typeof PayServiceDefinition>;

export interface PayService {
  readonly handlers: PayHandlers;
  /** One reconciliation pass now (what Reconcile runs). */
  reconcile(): Promise<ReconcileReport>;
  /** Starts the periodic reconciliation. */
  start(): Closable;
  /** Stops the provider's work in this process (the simulator's pending answers). */
  close(): Promise<void>;
}

export function definePayService(o: PayServiceOptions): PayService {
  const notifyUrl = new URL(o.notifyUrl);
  const d: PayDeps = {
    db: o.db,
    payments: createPaymentModel(o.db),
    notifications: createNotificationModel(o.db),
    orders: o.orders,
    events: o.events,
    provider: o.provider,
    verifier: createSignatureVerifier({
      keys: o.provider.notificationKeys,
      clock: o.clock,
      // Every verified notification passes on to the notifications table, which is the seen-set:
      // durable, shared by the instances, and it answers a re-delivery (a provider re-sending the
      // same signed request after a lost answer) as the first one instead of refusing it.
      replay: { firstSeen: async () => true },
    }),
    notifyPath: notifyUrl.pathname + notifyUrl.search,
    settleGraceMs: o.settleGraceMs ?? 30_000,
    pendingCheckMs: o.pendingCheckMs ?? 120_000,
    ids: o.ids,
    clock: o.clock,
    log: o.log,
  };
  const handlers: PayHandlers = {
    createPayment: (req, ctx) => createPayment(d, req, ctx),
    createReferencePayment: (req) => createReferencePayment(d, req),
    getPayment: (req) => getPayment(d, req),
    handleNotification: (req, ctx) => handleNotification(d, req, ctx),
    reconcile: (_req, ctx) => reconcile(d, ctx),
  };
  return {
    handlers,
    reconcile: () => reconcile(d),
    start: () => startReconcileJob({ everyMs: o.reconcileEveryMs, clock: o.clock, log: o.log, pass: () => reconcile(d), ...(o.onReconciled ? { onPass: o.onReconciled } : {}) }),
    close: () => o.provider.close(),
  };
}
