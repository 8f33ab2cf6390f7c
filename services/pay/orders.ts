// The order service, as the pay service asks it: an order of a user, and "this order is paid".
// Answers come from the order's contract, never from its database.
import { Code, SurgeError } from '#kit/errors';
import type { CallContext, Client } from '#kit/rpc';
import type { MarkPaidReply, Order, OrderServiceDefinition } from '#gen/surge/order/v1/order';

export type MarkPaidOutcome = 'paid' | 'already_paid' | 'cancelled' | 'amount_mismatch';

export interface OrderDesk {
  /** The user's order, or undefined when the user has no such order. */
  get(userId: number, orderId: number, parent?: CallContext): Promise<Order | undefined>;
  /** MarkPaid: what the order made of the payment, and the order as it is now. */
  markPaid(orderId: number, paymentId: number, amountCents: number, parent?: CallContext): Promise<{ outcome: MarkPaidOutcome; order: Order | undefined }>;
}

const OUTCOMES: readonly string[] = ['paid', 'already_paid', 'cancelled', 'amount_mismatch'];

export function orderDesk(orders: Pick<Client<typeof OrderServiceDefinition>, 'getOrder' | 'markPaid'>): OrderDesk {
  return {
    async get(userId, orderId, parent) {
      try {
        return await orders.getOrder({ userId, id: orderId }, parent ? { parent } : {});
      } catch (err) {
        if (err instanceof SurgeError && err.code === Code.NotFound) return undefined;
        throw err;
      }
    },
    async markPaid(orderId, paymentId, amountCents, parent) {
      const reply: MarkPaidReply = await orders.markPaid({ orderId, paymentId: String(paymentId), amountCents }, parent ? { parent } : {});
      // A newer order service with an outcome this one does not know: an error, not a guess.
      if (!OUTCOMES.includes(reply.outcome)) throw new SurgeError(Code.Internal, `order: MarkPaid answered an unknown outcome "${reply.outcome}"`);
      return { outcome: reply.outcome as MarkPaidOutcome, order: reply.order };
    },
  };
}
