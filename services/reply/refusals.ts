// The refusals of the reply service's use cases that are not malformed input: the order the
// review names is not one this buyer may review this product of. Each names the field a client
// fixes; a status refusal names the order's current status.
import { Code, SurgeError } from '#kit/errors';

/** The order status a review needs. */
export const COMPLETED = 'completed';

export const refusals = {
  /** The order service has no such order of this user (another user's order reads the same). */
  noOrder: (cause?: unknown) => new SurgeError(Code.NotFound, 'order_id: no such order', { details: { field: 'order_id', resource: 'order' }, cause }),
  /** The order is the buyer's but not completed yet (or cancelled, refunded). */
  notCompleted: (status: string) =>
    new SurgeError(Code.FailedPrecondition, `status: the order is ${status}; only a ${COMPLETED} order can be reviewed`, { details: { field: 'status', status } }),
  /** The order does not hold the product. */
  notInOrder: () => new SurgeError(Code.InvalidArgument, 'product_id: the order does not hold this product', { details: { field: 'product_id' } }),
  /** This product of this order has its review already. */
  reviewed: () =>
    new SurgeError(Code.AlreadyExists, 'product_id: this product of this order is reviewed already; a product is reviewed once per order', {
      details: { field: 'product_id' },
    }),
} as const;
