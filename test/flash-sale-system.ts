// A whole system for the flash sale's tests, embedded or on the real servers, with typed clients
// of the services a sale touches and small helpers: a product of a given stock, a buyer's
// address, and waits on a condition (never on wall time alone).
import type { Client } from '#kit/rpc';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import { SeckillServiceDefinition, type FlashSale, type Ticket } from '#gen/surge/seckill/v1/seckill';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

export interface SeckillSystem {
  sys: TestSystem;
  seckill: Client<typeof SeckillServiceDefinition>;
  products: Client<typeof ProductServiceDefinition>;
  orders: Client<typeof OrderServiceDefinition>;
  /** A new on-sale product with this stock and price. */
  product(stock: number, priceCents?: number): Promise<number>;
  productStock(id: number): Promise<number>;
  /** A default address of the user (any positive id: addresses need no account). */
  address(userId: number): Promise<number>;
  /** A sale running from now (or as given) of a new product. */
  sale(o: { stock: number; perUserLimit?: number; buckets?: number; productStock?: number; startAt?: number; endAt?: number }): Promise<FlashSale>;
  /** Polls the ticket until it is no longer reserved, at most 30 s. */
  settled(saleId: number, userId: number, ticketId: number): Promise<Ticket>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startSeckillSystem(mode: Mode, extra: Record<string, unknown> = {}): Promise<SeckillSystem> {
  const sys = await startTestSystem(mode, { 'seckill.demoSale': false, ...extra });
  const seckill = sys.client(SeckillServiceDefinition);
  const products = sys.client(ProductServiceDefinition);
  const orders = sys.client(OrderServiceDefinition);
  const category = await products.createCategory({ name: `flash${Date.now().toString(36).slice(-6)}`, parentId: 0, sort: 0 });
  const product = async (stock: number, priceCents = 10_000) =>
    (await products.createProduct({ name: `flash item ${seq++}`, categoryId: category.id, priceCents, stock, subtitle: '', detail: '', imageUrls: [] })).id;
  return {
    sys,
    seckill,
    products,
    orders,
    product,
    productStock: async (id) => (await products.getProducts({ ids: [id] })).products[0]!.stock,
    address: async (userId) => (await orders.addAddress({ userId, name: 'Li Lei', phone: '13800000000', province: 'Zhejiang', city: 'Hangzhou', district: 'Xihu', detail: 'No. 1', isDefault: true })).id,
    async sale(o) {
      const now = Date.now();
      const productId = await product(o.productStock ?? o.stock * 2);
      return seckill.createSale({ productId, priceCents: 4_900, stock: o.stock, startAt: o.startAt ?? now - 1000, endAt: o.endAt ?? now + 3_600_000, perUserLimit: o.perUserLimit ?? 2, buckets: o.buckets ?? 0 });
    },
    async settled(saleId, userId, ticketId) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const t = await seckill.getTicket({ saleId, userId, id: ticketId });
        if (t.status !== 'reserved' || Date.now() > deadline) return t;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => sys.stop(),
  };
}
