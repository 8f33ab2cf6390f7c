// The pay service as a module: payments over its own database, pay.paid through its outbox, the
// order service through its client, the provider (the built-in simulator unless a test or embedder gives one), and the
// periodic reconciliation started once every module of the process is registered.
import { errors } from '#kit/errors';
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { PayServiceDefinition, type ReconcileReport } from '#gen/surge/pay/v1/pay';
import type { PayConfig } from './config.js';
import { PAY_PAID } from './events.js';
import { payMigrations } from './model/migrations.js';
import type { PayDB } from './model/tables.js';
import { orderDesk } from './orders.js';
import type { PaymentProvider } from './provider.js';
import { definePayService, type PayService } from './service.js';
import { simulatorSecret } from './simulator/secret.js';
import { createSimulatorProvider } from './simulator/simulator.js';

/** The configuration sections the pay service reads: its own (./config.ts), and auth.fieldKey to derive the simulator's secret. */
export interface PaySections {
  pay: PayConfig;
  auth: { fieldKey: string };
}

/** Overrides the pay module takes (ModuleContext.overrides): another provider, and an observer of reconciliation passes, for tests. */
export interface PayOverrides {
  payProvider?: PaymentProvider;
  onPayReconciled?: (report: ReconcileReport) => void;
}

const calls = { orders: OrderServiceDefinition };

type PayContext = ModuleContext<PayDB, PaySections, typeof calls>;

/** The service built by handlers(), started by consumers() (as the order module does): keyed by context. */
const built = new WeakMap<PayContext, PayService>();

export const payModule = defineServiceModule({
  definition: PayServiceDefinition,
  migrations: payMigrations,
  config: ['pay', 'auth'],
  calls,
  publishes: [PAY_PAID],
  handlers(ctx: PayContext) {
    const { payProvider, onPayReconciled } = ctx.overrides as PayOverrides;
    const pay = ctx.config.pay;
    const provider =
      payProvider ??
      createSimulatorProvider({ notifyUrl: pay.notifyUrl, delayMs: pay.simulatorDelayMs, secret: simulatorSecret(pay.notifySecret, ctx.config.auth.fieldKey), clock: ctx.clock, log: ctx.log });
    const service = definePayService({
      db: ctx.db,
      clock: ctx.clock,
      ids: ctx.ids,
      log: ctx.log,
      orders: orderDesk(ctx.clients.orders),
      events: ctx.outbox(),
      provider,
      notifyUrl: pay.notifyUrl,
      reconcileEveryMs: pay.reconcileSeconds * 1000,
      ...(onPayReconciled ? { onReconciled: onPayReconciled } : {}),
    });
    built.set(ctx, service);
    ctx.defer(() => service.close());
    return service.handlers;
  },
  async consumers(ctx: PayContext) {
    const service = built.get(ctx);
    if (!service) throw errors.internal(new Error('pay: the host called consumers() before handlers()'));
    return service.start();
  },
});
