// VIP paid: pay.paid of purpose "vip" extends the buyer's VIP, once per purchase (its reference);
// pay.paid of any other purpose (the mall's orders) is not the member service's and is passed.
import type { Logger } from 'pino';
import type { Queue, QueueMessage, Subscription } from '#kit/queue';
import { PAY_PAID, type PayPaidEvent } from '../../pay/events.js';
import type { MemberDeps } from '../deps.js';
import { applyVipPayment, type PaidVip } from '../logic/apply-vip-payment.js';
import { VIP_PURPOSE } from '../payments.js';
import { CONSUMER_GROUP } from './points.js';

const DECIMAL_ID = /^[1-9][0-9]{0,15}$/;

/** A pay.paid event as the VIP purchase it pays, or undefined when it pays something else. */
export function paidVipOf(event: PayPaidEvent): PaidVip | undefined {
  if (event.purpose !== VIP_PURPOSE || !DECIMAL_ID.test(event.reference)) return undefined;
  const purchaseId = Number(event.reference);
  if (!Number.isSafeInteger(purchaseId)) return undefined;
  return { purchaseId, paymentId: event.paymentId, userId: event.userId, amountCents: event.amountCents };
}

export interface VipPaidConsumerOptions {
  deps: MemberDeps;
  queue: Queue;
  log: Logger;
}

export function startVipPaidConsumer(o: VipPaidConsumerOptions): Promise<Subscription> {
  return o.queue.subscribe(PAY_PAID, CONSUMER_GROUP, async (msg: QueueMessage<PayPaidEvent>) => {
    const event = msg.data;
    const paid = paidVipOf(event);
    if (!paid) {
      if (event.purpose === VIP_PURPOSE) o.log.error({ paymentId: event.paymentId, reference: event.reference }, 'member: a paid VIP payment whose reference is not a purchase id; nothing applied');
      return;
    }
    const result = await applyVipPayment(o.deps, `${CONSUMER_GROUP}:${msg.topic}:${msg.id}`, paid);
    // Acknowledged all the same: the payment will not change by being delivered again; a person
    // refunds it from the pay service's records.
    if (result.outcome === 'unknown' || result.outcome === 'mismatch') {
      o.log.error({ ...paid, outcome: result.outcome }, 'member: a paid VIP payment matches no purchase of its payer and amount; nothing applied');
    }
  });
}
