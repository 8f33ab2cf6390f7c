// The mall's order service hosted for its tests the way a process hosts it (hostForTests: no
// port bound): the real product and cart modules beside the order module, each with its own
// database, calling each other through the in-process transport with its codec check. Embedded
// (SQLite, in process) by default; `servers` puts the databases on MariaDB and the payment
// timeouts in Redis, and two fixtures given the same `servers.tag` are two instances of the same
// system. Products, addresses and orders come from the mall shop (app/testing/mall-shop.ts). The
// order module's releases of flash tickets go to an in-memory ledger (memory-flash-stock.ts), not
// to the seckill service hosted beside it.
import type { System } from '#app';
import type { Client } from '#kit/rpc';
import { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import { OrderServiceDefinition, type Address, type UpdateAddressRequest } from '#gen/surge/order/v1/order';
import { ProductServiceDefinition, type Product, type UpdateProductRequest } from '#gen/surge/product/v1/product';
import { hostForTests } from '../../../app/testing/host.js';
import { mallShop, type MallShop } from '../../../app/testing/mall-shop.js';
import type { ExpiryOutcome } from '../logic/expire-order.js';
import type { OrderOverrides } from '../module.js';
import { memoryFlashStock, type MemoryFlashStock } from './memory-flash-stock.js';

export interface MallOptions {
  /** order.paymentTimeoutSeconds; default 900. */
  paymentTimeoutSeconds?: number;
  /** The data folder (embedded): give a fixture's `dataDir` to start again on its databases. */
  dataDir?: string;
  /** MariaDB and Redis, under names starting with `tag` (share a tag: instances of one system). */
  servers?: { tag: string; workerId: number };
}

export interface Expiry {
  orderId: number;
  outcome: ExpiryOutcome;
}

export interface MallFixture extends MallShop {
  system: System;
  orders: Client<typeof OrderServiceDefinition>;
  products: Client<typeof ProductServiceDefinition>;
  cart: Client<typeof CartServiceDefinition>;
  dataDir: string;
  /** Where this instance sends a cancelled flash order's ticket (the seckill service's ReleaseTicket). */
  flash: MemoryFlashStock;
  /** How many calls of an RPC method (ReleaseStock) this instance's services answered, any outcome: read from its RPC metrics. */
  served(method: string): Promise<number>;
  /** Every payment timeout this instance ran, in order. */
  expiries: Expiry[];
  /** Resolves once a payment timeout of the order ran here, with what it did; rejects after timeoutMs. */
  expiryOf(orderId: number, timeoutMs?: number): Promise<ExpiryOutcome>;
  /**
   * UpdateAddress with the fields given and the others absent, spelled as the wire decodes them
   * (each optional field present as undefined), so the codec check passes the request unchanged.
   */
  updateAddress(req: Partial<UpdateAddressRequest> & Pick<UpdateAddressRequest, 'userId' | 'id'>): Promise<Address>;
  /** UpdateProduct with the fields given and the others absent (as updateAddress). */
  updateProduct(req: Partial<UpdateProductRequest> & Pick<UpdateProductRequest, 'id'>): Promise<Product>;
  /** Closes the system; removes its data folder unless keepData. */
  close(o?: { keepData?: boolean }): Promise<void>;
}

export async function startMall(o: MallOptions = {}): Promise<MallFixture> {
  const expiries: Expiry[] = [];
  const waiters: (() => void)[] = [];
  const flash = memoryFlashStock();
  const host = await hostForTests({
    // The seckill module is hosted because the order module calls it (the process's check wants
    // every callee hosted); its releases go to the in-memory ledger above, and it makes no demo sale.
    services: ['product', 'cart', 'order', 'seckill'],
    config: { 'product.demoData': false, 'seckill.demoSale': false, ...(o.paymentTimeoutSeconds === undefined ? {} : { 'order.paymentTimeoutSeconds': o.paymentTimeoutSeconds }) },
    overrides: {
      onOrderExpired: (orderId, outcome) => {
        expiries.push({ orderId, outcome });
        for (const wake of waiters.splice(0)) wake();
      },
      flashStock: flash,
    } satisfies OrderOverrides,
    ...(o.servers ? { servers: o.servers } : {}),
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  });
  const { system } = host;
  const orders = system.client(OrderServiceDefinition);
  const products = system.client(ProductServiceDefinition);

  return {
    ...mallShop({ products, orders }),
    system,
    orders,
    products,
    cart: system.client(CartServiceDefinition),
    dataDir: host.dataDir,
    flash,
    async served(method) {
      const counts = (await system.metrics.render()).split('\n').filter((line) => line.startsWith('surge_rpc_duration_seconds_count{side="server"') && line.includes(`method="${method}"`));
      return counts.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
    expiries,
    async expiryOf(orderId, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const found = expiries.find((e) => e.orderId === orderId);
        if (found) return found.outcome;
        const left = end - Date.now();
        if (left <= 0) throw new Error(`no payment timeout of order ${orderId} ran within ${timeoutMs} ms`);
        // Woken by the next expiry, or at the deadline.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    updateAddress: (req) =>
      orders.updateAddress({ name: undefined, phone: undefined, province: undefined, city: undefined, district: undefined, detail: undefined, isDefault: undefined, ...req }),
    updateProduct: (req) =>
      products.updateProduct({ priceCents: undefined, stock: undefined, status: undefined, name: undefined, subtitle: undefined, detail: undefined, categoryId: undefined, ...req }),
    close: host.close,
  };
}
