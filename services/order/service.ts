// Wires the order service: models over its own database, the payment timeouts over a delay
// store, the saga 'order.create' and its coordinator over the same database, then one handler
// per RPC method, each a use case in logic/. The background work (the coordinator's resume loop,
// the payment-timeout worker, the timeouts of unpaid orders) starts separately, once every
// module of the process is registered, because it calls the product service.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import { createDelayScheduler, type DelayStore } from '#kit/delay';
import type { ServiceImpl } from '#kit/rpc';
import type { Registry } from 'prom-client';
import { createSagaCoordinator, type SagaCoordinator } from '#kit/saga';
import type { Closable } from '#kit/service';
import type { ServiceDatabase } from '#kit/store';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import type { CartReader } from './cart.js';
import type { OrderDeps } from './deps.js';
import type { FlashStock } from './flash-stock.js';
import { addAddress } from './logic/add-address.js';
import { cancelOrder } from './logic/cancel-order.js';
import { confirmReceipt } from './logic/confirm-receipt.js';
import { createFlashOrders } from './logic/create-flash-orders.js';
import { createOrder } from './logic/create-order.js';
import { deleteAddress } from './logic/delete-address.js';
import { expireOrder, type ExpiryOutcome } from './logic/expire-order.js';
import { getOrder } from './logic/get-order.js';
import { listAddresses } from './logic/list-addresses.js';
import { listOrders } from './logic/list-orders.js';
import { markPaid } from './logic/mark-paid.js';
import { markRefunded } from './logic/mark-refunded.js';
import { shipOrder } from './logic/ship-order.js';
import { updateAddress } from './logic/update-address.js';
import { createAddressModel } from './model/addresses.js';
import { createFlashOrderModel } from './model/flash-orders.js';
import { createOrderModel } from './model/orders.js';
import { createRequestModel } from './model/requests.js';
import type { OrderDB } from './model/tables.js';
import { paymentTimeouts, rescheduleUnpaid, startTimeoutWorker } from './payment-timeouts.js';
import { defineOrderSaga, ReservedQuotes, WrittenOrders } from './saga.js';
import type { StockLedger } from './stock.js';

export interface OrderServiceOptions {
  /** Opened with orderMigrations (they include the saga coordinator's and the barrier's tables). */
  db: ServiceDatabase<OrderDB>;
  clock: Clock;
  /** Snowflake ids for orders and addresses. */
  ids: { next(): number };
  log: Logger;
  /** The product service's stock branches (stockLedger over its client). */
  stock: StockLedger;
  /** The seckill service's tickets (flashStockLedger over its client): where a cancelled flash order's units go. */
  flashStock: FlashStock;
  /** The cart service (cartReader over its client). */
  cart: CartReader;
  /** Where payment timeouts live: createRedisDelayStore with Redis, createMemoryDelayStore without. */
  delayStore: DelayStore;
  /** order.paymentTimeoutSeconds in ms. */
  paymentTimeoutMs: number;
  /** This instance's name among those sharing the database: stamped on the transactions it drives. */
  owner: string;
  /** Default 30000 ms: how long after an instance dies another resumes its transactions. */
  sagaLeaseMs?: number;
  /** Where the saga's metrics go (the process's /metrics); default a private registry. */
  metrics?: Registry;
  /** Sees each payment timeout this instance ran (tests wait on it). */
  onExpired?: (orderId: number, outcome: ExpiryOutcome) => void;
}

export type OrderHandlers = ServiceImpl<typeof OrderServiceDefinition>;

export interface OrderService {
  readonly handlers: OrderHandlers;
  /** The coordinator of 'order.create' (operators: stuck(), retry(gid)). */
  readonly coordinator: SagaCoordinator;
  /**
   * Starts the background work: the coordinator's loop (resuming transactions whose owner died),
   * the worker running payment timeouts, and the timeout of every unpaid order scheduled again.
   */
  start(): Promise<Closable>;
  /** Stops the coordinator: drives in flight end at their next step, to be resumed elsewhere. */
  close(): Promise<void>;
}

export function defineOrderService(o: OrderServiceOptions): OrderService {
  const orders = createOrderModel(o.db);
  // A producer: it schedules and cancels; the worker started by start() runs the jobs.
  const timeouts = paymentTimeouts(createDelayScheduler({ store: o.delayStore, name: 'order', clock: o.clock }), o.paymentTimeoutMs);
  const written = new WrittenOrders();
  const saga = defineOrderSaga({ db: o.db, orders, stock: o.stock, timeouts, quotes: new ReservedQuotes(), written, clock: o.clock });
  const coordinator = createSagaCoordinator({ db: o.db, sagas: [saga], owner: o.owner, log: o.log, clock: o.clock, ...(o.metrics ? { registry: o.metrics } : {}), ...(o.sagaLeaseMs ? { leaseMs: o.sagaLeaseMs } : {}) });
  const d: OrderDeps = {
    addresses: createAddressModel(o.db),
    orders,
    flashOrders: createFlashOrderModel(o.db),
    requests: createRequestModel(o.db),
    coordinator,
    saga,
    written,
    stock: o.stock,
    flashStock: o.flashStock,
    cart: o.cart,
    timeouts,
    ids: o.ids,
    clock: o.clock,
    log: o.log,
  };
  const handlers: OrderHandlers = {
    addAddress: (req) => addAddress(d, req),
    updateAddress: (req) => updateAddress(d, req),
    deleteAddress: (req) => deleteAddress(d, req),
    listAddresses: (req) => listAddresses(d, req),
    createOrder: (req, ctx) => createOrder(d, req, ctx),
    getOrder: (req) => getOrder(d, req),
    listOrders: (req) => listOrders(d, req),
    cancelOrder: (req) => cancelOrder(d, req),
    confirmReceipt: (req) => confirmReceipt(d, req),
    shipOrder: (req) => shipOrder(d, req),
    markPaid: (req) => markPaid(d, req),
    markRefunded: (req) => markRefunded(d, req),
    createFlashOrders: (req) => createFlashOrders(d, req),
  };
  return {
    handlers,
    coordinator,
    async start() {
      coordinator.start();
      const worker = startTimeoutWorker({
        store: o.delayStore,
        clock: o.clock,
        log: o.log,
        async handle({ orderId }) {
          const outcome = await expireOrder(d, orderId);
          o.onExpired?.(orderId, outcome);
        },
      });
      try {
        const scheduled = await rescheduleUnpaid(orders, timeouts);
        if (scheduled > 0) o.log.info({ scheduled }, 'order: scheduled the payment timeouts of the unpaid orders');
      } catch (err) {
        await worker.close();
        throw err;
      }
      return { close: () => worker.close() };
    },
    close: () => coordinator.close(),
  };
}
