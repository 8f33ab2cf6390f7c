// The cart beside the real product service, both hosted by the all-in-one process (startSystem
// with the modules given, as test/modules.test.ts hosts its throwaway ones): the cart asks the
// product module through the client its module declared, over the in-process transport with the
// codec check. What a cart shows is what the product service says now: prices, status, absence.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startSystem, type Config, type System } from '#app';
import { Code } from '#kit/errors';
import { createLogger } from '#kit/observability';
import { rejectionOf } from '#kit/testing';
import { CartServiceDefinition, type SetItemRequest } from '#gen/surge/cart/v1/cart';
import { ProductServiceDefinition, UpdateProductRequest, type Product } from '#gen/surge/product/v1/product';
import { loadModules } from '../app/modules.js';
import { cartConfig, type CartConfig } from '../services/cart/config.js';
import { cartModule } from '../services/cart/module.js';
import { productConfig } from '../services/product/config.js';
import { productModule } from '../services/product/module.js';

const set = (userId: number, productId: number, quantity: number, checked?: boolean): SetItemRequest => ({ userId, productId, quantity, checked });
/** An UpdateProduct request with every field the contract has, those not given absent (encoded and decoded once). */
const update = (id: number, change: Partial<UpdateProductRequest>): UpdateProductRequest =>
  UpdateProductRequest.decode(UpdateProductRequest.encode({ id, ...change }).finish());

describe('the cart and the product service, hosted together', () => {
  let system: System;
  let dir: string;
  let catalog: Product[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'surge-cart-product-'));
    const loaded = loadConfig({
      env: {},
      // Secrets given, so the start does not fill them in and re-check a configuration that holds
      // sections the list may not have yet (services/index.ts names cart and product when integrated).
      overrides: { dataDir: dir, 'log.level': 'silent', 'rpc.codecCheck': true, 'auth.jwtSecret': 'cart-product-'.padEnd(40, 'x'), 'auth.fieldKey': randomBytes(32).toString('base64') },
    });
    const config = { ...loaded, cart: { ...(Value.Default(cartConfig, {}) as CartConfig), maxItems: 3 }, product: Value.Default(productConfig, {}) } as unknown as Config;
    const listed = (await loadModules()).filter((m) => m.name !== 'cart' && m.name !== 'product');
    system = await startSystem(config, { logger: createLogger({ level: 'silent' }), listen: false, modules: [...listed, productModule, cartModule] });
    // The demo catalog (product.demoData, embedded mode) gives the products.
    catalog = (await system.client(ProductServiceDefinition).listProducts({ categoryId: 0, sort: 'newest', cursor: '', limit: 5 })).products;
  });

  afterAll(async () => {
    await system?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a cart shows the products as the product service has them, and totals checked lines on sale', async () => {
    expect(catalog.length).toBeGreaterThanOrEqual(4);
    const [a, b] = catalog as [Product, Product];
    const cart = system.client(CartServiceDefinition);
    await cart.setItem(set(1, a.id, 2));
    await cart.setItem(set(1, b.id, 1, false));
    const got = await cart.getCart({ userId: 1, checkedOnly: false });
    const now = (await system.client(ProductServiceDefinition).getProducts({ ids: [a.id, b.id] })).products;
    const byId = new Map(now.map((p) => [p.id, p]));
    expect(got.lines.map((l) => l.item!.productId).sort()).toEqual([a.id, b.id].sort());
    for (const line of got.lines) {
      const p = byId.get(line.item!.productId)!;
      expect(line.product).toEqual({ id: p.id, name: p.name, subtitle: p.subtitle, categoryId: p.categoryId, imageUrls: p.imageUrls, priceCents: p.priceCents, stock: p.stock, sales: p.sales, status: p.status });
    }
    expect(got.totalCents).toBe(byId.get(a.id)!.priceCents * 2);
  });

  it('refuses an id the product service does not know (NotFound) and a product taken off the shelf (FailedPrecondition)', async () => {
    const cart = system.client(CartServiceDefinition);
    const products = system.client(ProductServiceDefinition);
    const missing = await rejectionOf(cart.setItem(set(2, 9_007_199_254_740_000, 1)), Code.NotFound);
    expect(missing.details?.field).toBe('product_id');

    const c = catalog[2]!;
    await cart.setItem(set(2, c.id, 3));
    await products.updateProduct(update(c.id, { status: 'off_shelf' }));
    const off = await rejectionOf(cart.setItem(set(2, c.id, 4)), Code.FailedPrecondition);
    expect(off.details?.field).toBe('product_id');
    const got = await cart.getCart({ userId: 2, checkedOnly: false });
    expect(got.lines).toMatchObject([{ item: { productId: c.id, quantity: 3, checked: true }, product: { id: c.id, status: 'off_shelf' } }]);
    expect(got.totalCents).toBe(0);
    await products.updateProduct(update(c.id, { status: 'on_sale' }));
  });

  it('the cart section reaches the module: cart.maxItems 3 refuses a fourth product', async () => {
    const cart = system.client(CartServiceDefinition);
    for (const p of catalog.slice(0, 3)) await cart.setItem(set(4, p.id, 1));
    const full = await rejectionOf(cart.setItem(set(4, catalog[3]!.id, 1)), Code.RateLimited);
    expect(full.details).toEqual({ field: 'product_id', limit: 3 });
  });

  it('a new price reaches the cart at once', async () => {
    const cart = system.client(CartServiceDefinition);
    const products = system.client(ProductServiceDefinition);
    const a = catalog[0]!;
    await cart.setItem(set(3, a.id, 3));
    await products.updateProduct(update(a.id, { priceCents: 1234 }));
    const got = await cart.getCart({ userId: 3, checkedOnly: true });
    expect(got.lines[0]!.product!.priceCents).toBe(1234);
    expect(got.totalCents).toBe(1234 * 3);
  });
});
