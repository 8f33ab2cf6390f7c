// What the pay service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { EventSink } from '#kit/outbox';
import type { SignatureVerifier } from '#kit/signature';
import type { ServiceDatabase } from '#kit/store';
import type { NotificationModel } from './model/notifications.js';
import type { PaymentModel } from './model/payments.js';
import type { PayDB } from './model/tables.js';
import type { OrderDesk } from './orders.js';
import type { PaymentProvider } from './provider.js';

export interface PayDeps {
  readonly db: ServiceDatabase<PayDB>;
  readonly payments: PaymentModel;
  readonly notifications: NotificationModel;
  readonly orders: OrderDesk;
  /** pay.paid, written in the transaction that marks a payment paid (#kit/outbox). */
  readonly events: EventSink;
  readonly provider: PaymentProvider;
  /** Verifies notifications against the provider's keys (no seen-set of its own: the notifications table is it). */
  readonly verifier: SignatureVerifier;
  /** The path (with query) the provider posts notifications to: part of what it signs. */
  readonly notifyPath: string;
  /** Reconciliation leaves payments changed within this long to the notification that is settling them. */
  readonly settleGraceMs: number;
  /** Reconciliation asks the provider about a payment still pending this long after it was made (its notification never came). */
  readonly pendingCheckMs: number;
  readonly ids: { next(): number };
  readonly clock: Clock;
  readonly log: Logger;
}
