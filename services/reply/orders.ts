// The order service, as the reply service asks it: which order of this buyer is it, in what
// status, and which products does it hold. Answers come from the order service's contract,
// never from its database; nothing of them is kept here.
import { Code, SurgeError } from '#kit/errors';
import type { CallContext, Client } from '#kit/rpc';
import type { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { refusals } from './refusals.js';

/** An order as a review needs it. */
export interface Purchase {
  status: string;
  productIds: number[];
}

export interface PurchaseBook {
  /**
   * The buyer's order, asked with the buyer's own user id, so another user's order is NotFound
   * (naming order_id) just as a missing one is. Deadline and trace come from `parent`.
   */
  find(userId: number, orderId: number, parent: CallContext): Promise<Purchase>;
}

export function purchaseBook(orders: Pick<Client<typeof OrderServiceDefinition>, 'getOrder'>): PurchaseBook {
  return {
    async find(userId, orderId, parent) {
      try {
        const order = await orders.getOrder({ userId, id: orderId }, { parent });
        return { status: order.status, productIds: order.items.map((line) => line.productId) };
      } catch (err) {
        // The order service names its own field (id); the caller of CreateReview fixes order_id.
        if (err instanceof SurgeError && err.code === Code.NotFound) throw refusals.noOrder(err);
        throw err;
      }
    },
  };
}
