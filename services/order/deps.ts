// What the order service's use cases need, passed in by service.ts. Interfaces only: no driver,
// adapter or configuration type reaches logic/.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { SagaCoordinator, SagaDefinition } from '#kit/saga';
import type { CartReader } from './cart.js';
import type { FlashStock } from './flash-stock.js';
import type { AddressModel } from './model/addresses.js';
import type { FlashOrderModel } from './model/flash-orders.js';
import type { OrderModel } from './model/orders.js';
import type { RequestModel } from './model/requests.js';
import type { PaymentTimeouts } from './payment-timeouts.js';
import type { OrderPayload, WrittenOrders } from './saga.js';
import type { StockLedger } from './stock.js';

export interface OrderDeps {
  readonly addresses: AddressModel;
  readonly orders: OrderModel;
  /** The orders of flash-sale tickets, one per ticket, written a batch at a time. */
  readonly flashOrders: FlashOrderModel;
  /** Idempotency keys of CreateOrder. */
  readonly requests: RequestModel;
  /** Runs (or answers) the transaction that creates an order. */
  readonly coordinator: SagaCoordinator;
  readonly saga: SagaDefinition<OrderPayload>;
  /** Orders the saga's order branch wrote here, for the CreateOrder call that started them. */
  readonly written: WrittenOrders;
  /** The product service's stock: a cancelled order's items go back under its saga's stock branch. */
  readonly stock: StockLedger;
  /** The flash sales' units: a cancelled flash order's ticket goes back to its sale, not to the product. */
  readonly flashStock: FlashStock;
  /** The cart service: the checked lines of an order "from cart", removed once it exists. */
  readonly cart: CartReader;
  readonly timeouts: PaymentTimeouts;
  readonly ids: { next(): number };
  readonly clock: Clock;
  readonly log: Logger;
}
