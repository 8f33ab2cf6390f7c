import { Code, SurgeError } from '#kit/errors';
import type { CallContext } from '#kit/rpc';
import { SIGNATURE_HEADERS } from '#kit/signature';
import type { HandleNotificationReply, HandleNotificationRequest } from '#gen/surge/pay/v1/pay';
import type { PayDeps } from '../deps.js';
import { MAX_NOTIFICATION_BYTES, parseNotification, type PaymentNotification } from '../notification.js';
import { refusals } from '../refusals.js';
import { markPaid } from './mark-paid.js';
import { checkHeader } from '../rules.js';
import { settlePayment } from './settle-payment.js';
import { toPayment } from './view.js';

/**
 * A provider's notification, as the gateway forwarded it. In order: bounded, the signature
 * verified (key, ±300 s window, HMAC over POST, the notify path and the body), the body read,
 * the payment found and the amount compared; any refusal changes nothing and is logged without
 * the secret. Then, in one transaction, the notification is recorded by its id and the payment
 * moved from pending by a conditional UPDATE (pay.paid written with it when paid): a repeat or a
 * racing twin changes nothing. A payment this call made paid is then settled with its order (refunded if the order was
 * cancelled meanwhile); when the order service does not answer, the reconciliation finishes it.
 */
export async function handleNotification(d: PayDeps, req: HandleNotificationRequest, ctx: CallContext): Promise<HandleNotificationReply> {
  if (req.body.length === 0 || req.body.length > MAX_NOTIFICATION_BYTES) throw new SurgeError(Code.InvalidArgument, `body: must be 1 to ${MAX_NOTIFICATION_BYTES} bytes`, { details: { field: 'body' } });
  const headers = {
    [SIGNATURE_HEADERS.signature]: checkHeader('signature', req.signature, 64),
    [SIGNATURE_HEADERS.timestamp]: checkHeader('timestamp', req.timestamp, 12),
    [SIGNATURE_HEADERS.keyId]: checkHeader('key_id', req.keyId, 64),
    [SIGNATURE_HEADERS.nonce]: checkHeader('nonce', req.nonce, 64),
  };
  try {
    await d.verifier.verify({ method: 'POST', path: d.notifyPath, body: req.body }, headers);
  } catch (err) {
    if (!(err instanceof SurgeError) || err.code !== Code.Unauthenticated) throw err;
    d.log.warn({ keyId: req.keyId, timestamp: req.timestamp, why: err.message }, 'pay: refused a notification whose signature did not verify');
    throw refusals.badSignature(err.message);
  }
  const notification = readBody(d, req.body);
  const row = await d.payments.get(notification.paymentId);
  if (!row) {
    d.log.warn({ notificationId: notification.id, paymentId: notification.paymentId }, 'pay: refused a signed notification of an unknown payment');
    throw refusals.unknownPayment();
  }
  if (notification.amountCents !== Number(row.amount_cents)) {
    d.log.warn({ notificationId: notification.id, paymentId: notification.paymentId, expected: Number(row.amount_cents), got: notification.amountCents }, 'pay: refused a signed notification with the wrong amount');
    throw refusals.wrongAmount(Number(row.amount_cents), notification.amountCents);
  }

  const id = Number(row.id);
  const now = d.clock.now();
  const changed = await d.db.transaction(async (trx) => {
    const recorded = await d.notifications.record({ id: notification.id, payment_id: id, status: notification.status, received_at: now }, trx);
    if (!recorded) return false;
    if (notification.status === 'paid') return markPaid(d, trx, row, now);
    return d.payments.transition(id, 'pending', 'failed', {}, now, trx);
  });
  if (changed && notification.status === 'paid') {
    d.events.flush();
    const paid = await d.payments.get(id);
    if (paid) {
      // Carrying on is safe: the payment is paid and unsettled, and the reconciliation tells the order.
      await settlePayment(d, paid, ctx).catch((err: unknown) => d.log.warn({ err, paymentId: id, orderId: Number(row.order_id) }, 'pay: could not tell the order its payment is paid; the reconciliation will'));
    }
  }
  const current = await d.payments.get(id);
  if (!current) throw new SurgeError(Code.Internal, `pay: payment ${id} vanished`);
  // Accepted when the payment says what the notification says (applied now or before); a
  // "failed" after "paid" (or the reverse) is ignored: the first final word stands.
  const accepted = current.status === notification.status || (notification.status === 'paid' && current.status === 'refunded');
  if (!accepted) d.log.warn({ notificationId: notification.id, paymentId: id, notified: notification.status, status: current.status }, 'pay: ignored a notification contradicting the payment\'s final status');
  return { accepted, payment: toPayment(current) };
}

function readBody(d: PayDeps, body: Uint8Array): PaymentNotification {
  try {
    return parseNotification(body);
  } catch (err) {
    d.log.warn({ why: (err as Error).message }, 'pay: refused a signed notification whose body does not read');
    throw err;
  }
}
