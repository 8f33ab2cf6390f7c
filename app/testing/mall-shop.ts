// Test data in a hosted mall, made through its public clients as a buyer and an admin would:
// products on sale in fresh categories, addresses, orders of one product.
import { randomBytes } from 'node:crypto';
import type { Client } from '#kit/rpc';
import type { Address, Order, OrderServiceDefinition } from '#gen/surge/order/v1/order';
import type { Product, ProductServiceDefinition } from '#gen/surge/product/v1/product';

export interface MallShop {
  /** A product on sale in a fresh category: 10.00 unless told, with this stock. */
  product(stock: number, priceCents?: number): Promise<Product>;
  /** The product's stock now. */
  stockOf(productId: number): Promise<number>;
  /** A fresh address of the user. */
  address(userId: number, isDefault?: boolean): Promise<Address>;
  /** An order of `quantity` of one product, at an address made for the user once. */
  order(userId: number, productId: number, quantity?: number): Promise<Order>;
}

/** Names stay unique across the shops of one process (instances of one system share a database). */
let seq = 0;

export function mallShop(clients: { products: Client<typeof ProductServiceDefinition>; orders: Client<typeof OrderServiceDefinition> }): MallShop {
  const { products, orders } = clients;
  const addressOf = new Map<number, number>();
  const shop: MallShop = {
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
    async order(userId, productId, quantity = 1) {
      let addressId = addressOf.get(userId);
      if (addressId === undefined) {
        addressId = (await shop.address(userId)).id;
        addressOf.set(userId, addressId);
      }
      return orders.createOrder({ userId, addressId, items: [{ productId, quantity }], fromCart: false, idempotencyKey: '' });
    },
  };
  return shop;
}
