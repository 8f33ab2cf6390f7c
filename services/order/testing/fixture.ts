// The mall's order service hosted for its tests the way a process hosts it (startSystem, no port
// bound): the real product and cart modules beside the order module, each with its own database,
// calling each other through the in-process transport with its codec check. Embedded (SQLite, in
// process) by default; `servers` puts the databases on MariaDB and the payment timeouts in Redis,
// and two fixtures given the same `servers.tag` are two instances of the same system.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Value } from 'typebox/value';
import { loadConfig, startSystem, type Config, type System } from '#app';
import { createLogger } from '#kit/observability';
import type { Client } from '#kit/rpc';
import { loadEntry, type ServiceEntry, type ServiceModule } from '#kit/service';
import { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import { OrderServiceDefinition, type Address, type Order, type UpdateAddressRequest } from '#gen/surge/order/v1/order';
import { ProductServiceDefinition, type Product, type UpdateProductRequest } from '#gen/surge/product/v1/product';
import { serviceList } from '../../index.js';
import { orderEntry } from '../entry.js';
import type { ExpiryOutcome } from '../logic/expire-order.js';
import type { OrderOverrides } from '../module.js';

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

export interface MallFixture {
  system: System;
  orders: Client<typeof OrderServiceDefinition>;
  products: Client<typeof ProductServiceDefinition>;
  cart: Client<typeof CartServiceDefinition>;
  dataDir: string;
  /** Every payment timeout this instance ran, in order. */
  expiries: Expiry[];
  /** Resolves once a payment timeout of the order ran here, with what it did; rejects after timeoutMs. */
  expiryOf(orderId: number, timeoutMs?: number): Promise<ExpiryOutcome>;
  /** A product on sale in a fresh category: 10.00 unless told, with this stock. */
  product(stock: number, priceCents?: number): Promise<Product>;
  /** The product's stock now. */
  stockOf(productId: number): Promise<number>;
  /** A fresh address of the user. */
  address(userId: number, isDefault?: boolean): Promise<Address>;
  /**
   * UpdateAddress with the fields given and the others absent, spelled as the wire decodes them
   * (each optional field present as undefined), so the codec check passes the request unchanged.
   */
  updateAddress(req: Partial<UpdateAddressRequest> & Pick<UpdateAddressRequest, 'userId' | 'id'>): Promise<Address>;
  /** UpdateProduct with the fields given and the others absent (as updateAddress). */
  updateProduct(req: Partial<UpdateProductRequest> & Pick<UpdateProductRequest, 'id'>): Promise<Product>;
  /** An order of `quantity` of one product, at an address the fixture added for the user once. */
  order(userId: number, productId: number, quantity?: number): Promise<Order>;
  /** Closes the system; removes its data folder unless keepData. */
  close(o?: { keepData?: boolean }): Promise<void>;
}

/** The entry of a mall service, from the list of services, as every process finds it. */
function entryNamed(name: 'product' | 'cart'): ServiceEntry {
  const listed = (serviceList as readonly ServiceEntry[]).find((e) => e.name === name);
  if (!listed) throw new Error(`services/index.ts lists no ${name} service`);
  return listed;
}

/** A section's values: the schema's defaults, what the loaded configuration has (once listed), then the test's. */
function section(entry: ServiceEntry, loaded: Config, given: Record<string, unknown>): unknown {
  const fromConfig = (loaded as unknown as Record<string, object | undefined>)[entry.name] ?? {};
  return { ...(Value.Default(entry.config!, {}) as object), ...fromConfig, ...given };
}

let seq = 0;

export async function startMall(o: MallOptions = {}): Promise<MallFixture> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'surge-order-'));
  const [productEntry, cartEntry] = [entryNamed('product'), entryNamed('cart')];
  const modules: ServiceModule[] = await Promise.all([productEntry, cartEntry, orderEntry].map(loadEntry));
  const overrides: Record<string, unknown> = {
    dataDir,
    'log.level': 'silent',
    'rpc.codecCheck': true,
    // Given, so the data folder's secrets file is not made (and the config not validated again).
    'auth.jwtSecret': 'order-tests-'.padEnd(40, 'x'),
    'auth.fieldKey': Buffer.alloc(32, 3).toString('base64'),
  };
  if (o.servers) {
    Object.assign(overrides, {
      'database.driver': 'mysql',
      'database.mysql.databasePrefix': `surgetest_${o.servers.tag}`,
      'cache.driver': 'redis',
      'cache.redis.keyPrefix': `surgetest:${o.servers.tag}:`,
      'ids.workerId': o.servers.workerId,
    });
  }
  const loaded = loadConfig({ env: {}, overrides });
  const config = {
    ...loaded,
    product: section(productEntry, loaded, { demoData: false }),
    cart: section(cartEntry, loaded, {}),
    order: section(orderEntry, loaded, o.paymentTimeoutSeconds === undefined ? {} : { paymentTimeoutSeconds: o.paymentTimeoutSeconds }),
  } as Config;

  const expiries: Expiry[] = [];
  const waiters: (() => void)[] = [];
  const system = await startSystem(config, {
    logger: createLogger({ level: 'silent' }),
    listen: false,
    modules,
    overrides: {
      onOrderExpired: (orderId, outcome) => {
        expiries.push({ orderId, outcome });
        for (const wake of waiters.splice(0)) wake();
      },
    } satisfies OrderOverrides,
  });
  const orders = system.client(OrderServiceDefinition);
  const addressOf = new Map<number, number>();
  const products = system.client(ProductServiceDefinition);
  const cart = system.client(CartServiceDefinition);

  const fixture: MallFixture = {
    system,
    orders,
    products,
    cart,
    dataDir,
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
    async product(stock, priceCents = 1000) {
      seq += 1;
      const category = await products.createCategory({ name: `c${seq}-${randomBytes(2).toString('hex')}`, parentId: 0, sort: 0 });
      return products.createProduct({ name: `product ${seq}`, categoryId: category.id, priceCents, stock, subtitle: '', detail: '', imageUrls: [`https://img.example/${seq}.jpg`] });
    },
    async stockOf(productId) {
      const { products: found } = await products.getProducts({ ids: [productId] });
      if (!found[0]) throw new Error(`no product ${productId}`);
      return found[0].stock;
    },
    address: (userId, isDefault = false) =>
      orders.addAddress({ userId, name: 'Li Lei', phone: '13800138000', province: 'Zhejiang', city: 'Hangzhou', district: 'Xihu', detail: '1 Wensan Road', isDefault }),
    updateAddress: (req) =>
      orders.updateAddress({ name: undefined, phone: undefined, province: undefined, city: undefined, district: undefined, detail: undefined, isDefault: undefined, ...req }),
    updateProduct: (req) =>
      products.updateProduct({ priceCents: undefined, stock: undefined, status: undefined, name: undefined, subtitle: undefined, detail: undefined, categoryId: undefined, ...req }),
    async order(userId, productId, quantity = 1) {
      let addressId = addressOf.get(userId);
      if (addressId === undefined) {
        addressId = (await fixture.address(userId)).id;
        addressOf.set(userId, addressId);
      }
      return orders.createOrder({ userId, addressId, items: [{ productId, quantity }], fromCart: false, idempotencyKey: '' });
    },
    async close({ keepData = false } = {}) {
      await system.close();
      if (!keepData && !o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}
