// A provider's notification body: JSON {"id", "payment_id", "status", "amount_cents"}. The
// simulator writes it, HandleNotification reads it; ids travel as strings so no JSON reader
// rounds a 64-bit id.
import { errors } from '#kit/errors';

export type NotifiedStatus = 'paid' | 'failed';

export interface PaymentNotification {
  /** The provider's id of this notification: the same for every retry of one delivery. */
  id: string;
  paymentId: number;
  status: NotifiedStatus;
  amountCents: number;
}

/** The largest body HandleNotification reads: a notification is a hundred bytes or so. */
export const MAX_NOTIFICATION_BYTES = 4096;

const NOTIFICATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const DECIMAL_ID = /^[1-9][0-9]{0,15}$/;

export function encodeNotification(n: PaymentNotification): string {
  return JSON.stringify({ id: n.id, payment_id: String(n.paymentId), status: n.status, amount_cents: n.amountCents });
}

/** Reads a body, or InvalidArgument naming the field that is wrong. */
export function parseNotification(body: Uint8Array): PaymentNotification {
  if (body.length > MAX_NOTIFICATION_BYTES) throw errors.invalid('body', `at most ${MAX_NOTIFICATION_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw errors.invalid('body', 'must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.invalid('body', 'must be a JSON object');
  const fields = parsed as Record<string, unknown>;
  const { id, payment_id: paymentId, status, amount_cents: amountCents } = fields;
  if (typeof id !== 'string' || !NOTIFICATION_ID.test(id)) throw errors.invalid('body.id', 'must be 1 to 64 of A-Z a-z 0-9 . _ : -');
  if (typeof paymentId !== 'string' || !DECIMAL_ID.test(paymentId) || !Number.isSafeInteger(Number(paymentId))) throw errors.invalid('body.payment_id', 'must be a payment id as a decimal string');
  if (status !== 'paid' && status !== 'failed') throw errors.invalid('body.status', 'must be "paid" or "failed"');
  if (typeof amountCents !== 'number' || !Number.isSafeInteger(amountCents) || amountCents <= 0) throw errors.invalid('body.amount_cents', 'must be a positive integer number of cents');
  return { id, paymentId: Number(paymentId), status, amountCents };
}
