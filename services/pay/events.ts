// The events the pay service publishes (through the outbox, in the transaction that marks a
// payment paid), typed by proto/surge/pay/v1/events.proto. Consumers import this file, so it
// imports only the message types and the kit.
import { errors } from '#kit/errors';
import { defineTopic, requireId } from '#kit/events';
import { PayPaid } from '#gen/surge/pay/v1/events';

export type PayPaidEvent = PayPaid;

export const PAY_PAID = defineTopic('pay.paid', PayPaid, (event) => {
  requireId(event.paymentId, 'paymentId');
  requireId(event.userId, 'userId');
  if (!Number.isSafeInteger(event.amountCents) || event.amountCents <= 0) throw errors.invalid('amountCents', 'must be a positive number of cents');
  requireId(event.paidAt, 'paidAt');
  if (event.purpose === '') throw errors.invalid('purpose', 'must be set');
  if (event.reference === '') throw errors.invalid('reference', 'must be set');
});
