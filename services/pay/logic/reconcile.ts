import type { CallContext } from '#kit/rpc';
import type { ReconcileReport } from '#gen/surge/pay/v1/pay';
import type { PayDeps } from '../deps.js';
import type { PaymentRow } from '../model/payments.js';
import { markPaid } from './mark-paid.js';
import { askProviderToRefund } from './refund-payment.js';
import { settlePayment } from './settle-payment.js';

/** Most payments one pass compares: the rest wait for the next pass (oldest change first). */
export const RECONCILE_BATCH = 500;

/** Order statuses in which the order has been paid. */
const PAID_ORDER = new Set(['paid', 'shipped', 'completed', 'refunded']);

/**
 * One pass comparing payments with their orders (and, first, asking the provider about payments
 * pending for longer than pendingCheckMs, whose notification never came). Only the payments not yet known to agree with
 * their order (settled = 0) in a final status are read, changed at least settleGraceMs ago so a
 * notification still settling one is not raced. Safe repairs are made: a paid payment whose
 * order is unpaid is told to it (MarkPaid), one whose order was cancelled is refunded, a refund
 * the provider did not confirm is asked again. An order paid by a payment that is not paid here
 * is reported (logged at error level and counted), never repaired: money moved that this service
 * did not see, and a person looks. Every step is idempotent, so two instances passing at once
 * (or a notification arriving meanwhile) do nothing twice.
 */
export async function reconcile(d: PayDeps, parent?: CallContext): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, markedPaid: 0, refunded: 0, refundsRetried: 0, paidWithoutPayment: 0, disputed: 0, failed: 0, pendingResolved: 0 };
  const now = d.clock.now();
  const stale = await d.payments.stalePending(now - d.pendingCheckMs, RECONCILE_BATCH);
  const rows = [...stale, ...(await d.payments.unsettled(now - d.settleGraceMs, RECONCILE_BATCH))];
  for (const row of rows) {
    try {
      if (row.status === 'pending') await resolvePending(d, row, report, parent);
      else await reconcileOne(d, row, report, parent);
    } catch (err) {
      // Carrying on is safe: the row stays unsettled and the next pass checks it again.
      report.failed += 1;
      d.log.warn({ err, paymentId: Number(row.id), orderId: Number(row.order_id) }, 'pay: reconciliation could not check a payment; it is checked again next pass');
    }
  }
  if (rows.length > 0) d.log.info({ ...report }, 'pay: reconciliation pass');
  return report;
}

/**
 * A payment pending past the provider's delivery retries: its notification never came, so the
 * provider is asked what became of the charge, and its answer is applied as a notification's
 * would be (a conditional UPDATE from pending, so a notification arriving meanwhile wins once).
 */
async function resolvePending(d: PayDeps, row: PaymentRow, report: ReconcileReport, parent: CallContext | undefined): Promise<void> {
  const id = Number(row.id);
  report.checked += 1;
  const outcome = await d.provider.query(id);
  if (outcome === 'pending') return;
  const now = d.clock.now();
  const changed = outcome === 'paid' ? await d.db.transaction((trx) => markPaid(d, trx, row, now)) : await d.payments.transition(id, 'pending', outcome, {}, now);
  if (!changed) return;
  if (outcome === 'paid') d.events.flush();
  report.pendingResolved += 1;
  d.log.warn({ paymentId: id, orderId: Number(row.order_id), outcome }, "pay: a payment's notification never came; settled from the provider's answer");
  if (outcome !== 'paid') return;
  const paid = await d.payments.get(id);
  if (!paid) return;
  const settled = await settlePayment(d, paid, parent);
  if (settled === 'settled') report.markedPaid += 1;
  else if (settled === 'refunded') report.refunded += 1;
  else if (settled === 'disputed') report.disputed += 1;
}

async function reconcileOne(d: PayDeps, row: PaymentRow, report: ReconcileReport, parent: CallContext | undefined): Promise<void> {
  const id = Number(row.id);
  report.checked += 1;
  if (row.status === 'refunded' && Number(row.refund_due) === 1) {
    if (await askProviderToRefund(d, row)) report.refundsRetried += 1;
    else report.failed += 1;
    return;
  }
  // A payment of another purpose has no order to agree with: final is settled (a paid one is settled when it becomes paid; this is one a failure left).
  if (row.purpose !== 'order') {
    if (row.status === 'paid') await settlePayment(d, row, parent);
    else await d.payments.settle(id, row.status);
    return;
  }
  const order = await d.orders.get(Number(row.user_id), Number(row.order_id), parent);
  if (!order) {
    report.disputed += 1;
    d.log.error({ paymentId: id, orderId: Number(row.order_id) }, 'pay: reconciliation found a payment whose order does not exist');
    await d.payments.settle(id, row.status);
    return;
  }
  const paidByThis = PAID_ORDER.has(order.status) && order.paymentId === String(id);
  if (row.status === 'paid') {
    if (paidByThis) return d.payments.settle(id, 'paid');
    if (order.status === 'unpaid' || order.status === 'cancelled') {
      const outcome = await settlePayment(d, row, parent);
      if (outcome === 'settled') report.markedPaid += 1;
      else if (outcome === 'refunded') report.refunded += 1;
      else if (outcome === 'disputed') report.disputed += 1;
      return;
    }
    report.disputed += 1;
    d.log.error({ paymentId: id, orderId: Number(row.order_id), orderStatus: order.status, orderPaymentId: order.paymentId }, 'pay: reconciliation found a paid payment of an order paid otherwise; not repaired');
    return d.payments.settle(id, 'paid');
  }
  // failed, or refunded and confirmed: the order must not count this payment as its money.
  if (paidByThis) {
    report.paidWithoutPayment += 1;
    d.log.error({ paymentId: id, orderId: Number(row.order_id), paymentStatus: row.status, orderStatus: order.status }, 'pay: reconciliation found an order paid by a payment that is not paid; reported, not repaired');
  }
  await d.payments.settle(id, row.status);
}
