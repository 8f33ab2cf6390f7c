// The member service's refusals that are not bad input: each a SurgeError with the code callers
// branch on.
import { Code, SurgeError } from '#kit/errors';

export const refusals = {
  /**
   * No way to take a VIP payment is wired: the pay service's contract takes payments of orders
   * only (pay.proto CreatePayment needs an order_id, and paid payments are told to the order
   * service, not published). The field named is the one the buyer sent.
   */
  vipUnavailable: () =>
    new SurgeError(Code.FailedPrecondition, 'months: VIP cannot be bought yet: payments of anything but orders are not available', { details: { field: 'months', reason: 'vip_payments_unavailable' } }),
};
