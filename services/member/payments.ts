// How the member service takes a VIP payment: the slice of a payment desk it needs, and the desk
// over the pay service's client (CreateReferencePayment of purpose "vip", the purchase id as the
// reference; GetPayment to show where a payment stands). The paid confirmation comes back as
// pay.paid (consumers/vip-paid.ts), never as an answer here. Tests and embedders may give another
// desk through the module's `vipPayments` override.
import type { CallContext, Client } from '#kit/rpc';
import { Code, SurgeError } from '#kit/errors';
import type { Payment, PayServiceDefinition } from '#gen/surge/pay/v1/pay';

/** The purpose VIP payments carry at the pay service; pay.paid of any other purpose is not ours. */
export const VIP_PURPOSE = 'vip';

export interface VipPayment {
  id: number;
  /** pending, paid or failed, as the pay service says it. */
  status: string;
  amountCents: number;
  provider: string;
  createdAt: number;
  /** 0 until paid. */
  paidAt: number;
}

export interface VipPaymentDesk {
  /**
   * Makes a payment of `amountCents` by the user for the VIP purchase `reference` (its id). Asked
   * again for the same purchase, the pay service answers the pending payment, never a second one.
   */
  create(req: { userId: number; amountCents: number; reference: string; simulate: '' | 'fail' }, parent?: CallContext): Promise<VipPayment>;
  /** The user's payment, or undefined when the user has none with that id. */
  get(userId: number, paymentId: number, parent?: CallContext): Promise<VipPayment | undefined>;
}

const view = (p: Payment): VipPayment => ({ id: p.id, status: p.status, amountCents: p.amountCents, provider: p.provider, createdAt: p.createdAt, paidAt: p.paidAt });

export function payDesk(pay: Pick<Client<typeof PayServiceDefinition>, 'createReferencePayment' | 'getPayment'>): VipPaymentDesk {
  return {
    async create(req, parent) {
      return view(await pay.createReferencePayment({ userId: req.userId, purpose: VIP_PURPOSE, reference: req.reference, amountCents: req.amountCents, simulate: req.simulate }, parent ? { parent } : {}));
    },
    async get(userId, paymentId, parent) {
      try {
        return view(await pay.getPayment({ userId, id: paymentId }, parent ? { parent } : {}));
      } catch (err) {
        if (err instanceof SurgeError && err.code === Code.NotFound) return undefined;
        throw err;
      }
    },
  };
}
