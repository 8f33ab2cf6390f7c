// The refusals of the pay service's use cases that are not bad input. Each names the field a
// caller fixes; a status refusal names the current status.
import { Code, SurgeError } from '#kit/errors';

export const refusals = {
  /** No such order of this user (the order service's answer, named as this service's field). */
  noOrder: () => new SurgeError(Code.NotFound, 'order_id: no such order', { details: { field: 'order_id', resource: 'order' } }),
  /** No such payment of this user. */
  noPayment: () => new SurgeError(Code.NotFound, 'id: no such payment', { details: { field: 'id', resource: 'payment' } }),
  /** Only an unpaid order is paid. */
  orderNotUnpaid: (status: string) =>
    new SurgeError(Code.FailedPrecondition, `status: the order is ${status}; only an unpaid order can be paid`, { details: { field: 'status', status } }),
  /** A reference whose pending payment is another payer's or of another amount (the caller reused its id). */
  referenceTaken: () =>
    new SurgeError(Code.FailedPrecondition, 'reference: a payment of this reference is pending for another payer or amount', { details: { field: 'reference', reason: 'reference_taken' } }),
  /** A reference paid once is not paid again. */
  referencePaid: () => new SurgeError(Code.FailedPrecondition, 'reference: this reference is paid already', { details: { field: 'reference', reason: 'reference_paid' } }),
  /** A notification whose signature did not verify (forged, stale, unknown key): the kit's reason, as PermissionDenied. */
  badSignature: (why: string) => new SurgeError(Code.PermissionDenied, why, { details: { field: 'signature' } }),
  /** A verified notification about a payment this service never made. */
  unknownPayment: () => new SurgeError(Code.InvalidArgument, 'body.payment_id: no such payment', { details: { field: 'body.payment_id' } }),
  /** A verified notification whose amount is not the payment's. */
  wrongAmount: (expected: number, got: number) =>
    new SurgeError(Code.InvalidArgument, `body.amount_cents: the payment is ${expected} cents, the notification says ${got}`, { details: { field: 'body.amount_cents' } }),
} as const;
