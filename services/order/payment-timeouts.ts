// The payment timeout of each order: a delayed job (#kit/delay) due at created_at + the
// timeout, whose handler cancels the order if it is still unpaid and gives its stock back. The
// jobs live in Redis when there is Redis (durable, shared by the instances) and in process
// otherwise, where a restart forgets them: so each start schedules the timeout of every unpaid
// order again (scheduling an id again replaces its job, so this is idempotent, and a timeout
// already past fires at once).
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import { createDelayScheduler, type DelayScheduler, type DelayStore } from '#kit/delay';
import type { OrderModel } from './model/orders.js';

export const PAYMENT_TIMEOUT_TOPIC = 'order.payment-timeout';

/** Unpaid orders read per query by the start-up pass. */
const RESCHEDULE_PAGE = 500;

export interface PaymentTimeoutJob {
  orderId: number;
}

export interface PaymentTimeouts {
  readonly timeoutMs: number;
  /** Schedules (or moves) the order's timeout to createdAt + timeoutMs. */
  schedule(orderId: number, createdAt: number): Promise<void>;
  /** Fires the order's job now (a cancelled order's stock goes back in the background). */
  fireNow(orderId: number): Promise<void>;
  /** Drops the order's job (it was paid); true when there was one. */
  cancel(orderId: number): Promise<boolean>;
}

const jobId = (orderId: number) => `order-payment:${orderId}`;

/** Schedules over `scheduler` (a producer: the worker below runs the jobs). */
export function paymentTimeouts(scheduler: DelayScheduler, timeoutMs: number): PaymentTimeouts {
  const schedule = (orderId: number, at: number) => scheduler.schedule({ id: jobId(orderId), topic: PAYMENT_TIMEOUT_TOPIC, data: { orderId } satisfies PaymentTimeoutJob, at });
  return {
    timeoutMs,
    schedule: (orderId, createdAt) => schedule(orderId, createdAt + timeoutMs),
    fireNow: (orderId) => schedule(orderId, 0),
    cancel: (orderId) => scheduler.cancel(jobId(orderId)),
  };
}

export interface TimeoutWorkerOptions {
  store: DelayStore;
  /** Runs one fired job; throwing retries it after the scheduler's back-off. */
  handle(job: PaymentTimeoutJob): Promise<void>;
  clock: Clock;
  log: Logger;
}

/** The scheduler that runs the jobs: started once every module of the process is registered (the handler calls the product service). */
export function startTimeoutWorker(o: TimeoutWorkerOptions): DelayScheduler {
  return createDelayScheduler({
    store: o.store,
    name: 'order',
    clock: o.clock,
    handlers: { [PAYMENT_TIMEOUT_TOPIC]: (job) => o.handle(job.data as PaymentTimeoutJob) },
    onDead: (dead) => o.log.error({ job: dead.job.id, attempts: dead.attempts, reason: dead.reason }, 'order: a payment timeout failed every attempt; the order may still hold its stock'),
    onError: (err) => o.log.warn({ err }, 'order: the payment timeout store failed; polling again at the next tick'),
  });
}

/** Schedules the timeout of every unpaid order; resolves how many. */
export async function rescheduleUnpaid(orders: OrderModel, timeouts: PaymentTimeouts): Promise<number> {
  let after = 0;
  let total = 0;
  for (;;) {
    const page = await orders.unpaid(after, RESCHEDULE_PAGE);
    for (const order of page) await timeouts.schedule(Number(order.id), Number(order.created_at));
    total += page.length;
    if (page.length < RESCHEDULE_PAGE) return total;
    after = Number(page[page.length - 1]!.id);
  }
}
