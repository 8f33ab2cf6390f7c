// The built-in payment provider: a stand-in for a real one, in process. A charge is answered
// after `delayMs` by POSTing a signed notification to the notify URL (through the gateway, as a
// real provider's callback arrives), "paid" unless the charge asked simulate "fail". Refunds
// succeed at once and are kept by payment id, so asking twice refunds once.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Clock, Timer } from '#kit/clock';
import { encodeNotification } from '../notification.js';
import type { ChargeRequest, PaymentProvider, RefundRequest } from '../provider.js';
import { deliverSigned } from './delivery.js';

/** The key id the simulator signs with (the receiver's key ring names it). */
export const SIMULATOR_KEY_ID = 'pay-simulator';

export interface SimulatorOptions {
  /** pay.notifyUrl. */
  notifyUrl: string;
  /** pay.simulatorDelayMs. */
  delayMs: number;
  /** From simulatorSecret(): at least 32 bytes. */
  secret: Uint8Array;
  clock: Clock;
  log: Logger;
  /** Back-off between tries of one delivery; default DEFAULT_RETRY_DELAYS_MS. */
  retryDelaysMs?: readonly number[];
  /** Sees each delivery's end: true when the notify URL took it. */
  onDelivered?: (paymentId: number, delivered: boolean) => void;
}

export interface SimulatorProvider extends PaymentProvider {
  /** The payment ids refunded, each once. */
  readonly refunded: ReadonlySet<number>;
}

export function createSimulatorProvider(o: SimulatorOptions): SimulatorProvider {
  const url = new URL(o.notifyUrl);
  const key = { id: SIMULATOR_KEY_ID, secret: o.secret };
  const stop = new AbortController();
  // Every delivery in flight listens for close: any number of them is normal, not a leak.
  setMaxListeners(0, stop.signal);
  const timers = new Set<Timer>();
  const deliveries = new Set<Promise<void>>();
  const refunded = new Set<number>();
  // In process: after a restart the simulator knows none of its charges, and answers them failed.
  const charged = new Set<number>();
  const outcomes = new Map<number, 'paid' | 'failed'>();

  const answer = (charge: ChargeRequest) => {
    outcomes.set(charge.paymentId, charge.simulate === 'fail' ? 'failed' : 'paid');
    const body = encodeNotification({
      // One id per answer: every retry of this delivery carries it, so the receiver applies it once.
      id: `sim-${charge.paymentId}-${randomBytes(6).toString('hex')}`,
      paymentId: charge.paymentId,
      status: charge.simulate === 'fail' ? 'failed' : 'paid',
      amountCents: charge.amountCents,
    });
    const delivery = deliverSigned(body, { url, key, clock: o.clock, log: o.log, signal: stop.signal, ...(o.retryDelaysMs ? { retryDelaysMs: o.retryDelaysMs } : {}) })
      .then((delivered) => {
        if (!delivered && !stop.signal.aborted) o.log.warn({ paymentId: charge.paymentId }, 'pay simulator: gave up delivering a notification; the payment stays pending');
        o.onDelivered?.(charge.paymentId, delivered);
      })
      .finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
  };

  return {
    name: 'simulator',
    notificationKeys: { [SIMULATOR_KEY_ID]: o.secret },
    refunded,
    async charge(charge) {
      if (stop.signal.aborted) throw new Error('pay simulator: closed');
      charged.add(charge.paymentId);
      const timer = o.clock.after(o.delayMs, () => {
        timers.delete(timer);
        answer(charge);
      });
      timers.add(timer);
    },
    async query(paymentId) {
      return outcomes.get(paymentId) ?? (charged.has(paymentId) ? 'pending' : 'failed');
    },
    async refund(request: RefundRequest) {
      refunded.add(request.paymentId);
    },
    async close() {
      stop.abort();
      for (const timer of timers) timer.cancel();
      timers.clear();
      await Promise.all(deliveries);
    },
  };
}
