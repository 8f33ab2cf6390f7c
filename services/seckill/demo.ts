// The demo data's flash sale: a newcomer's `npm start` shows one running. Opened at start when no
// sale is open or being opened: half the price of the first featured demo product that has the
// units, running for a week, two per buyer.
import type { SeckillDeps } from './deps.js';
import { createSale } from './logic/create-sale.js';
import type { DemoProducts } from './products.js';


const DEMO_STOCK = 100;
const DEMO_DAYS = 7;

export async function openDemoSale(d: SeckillDeps, products: DemoProducts): Promise<void> {
  if ((await d.sales.inStates(['open', 'taking'], 1)).length > 0) return;
  const product = (await products.featured()).find((p) => p.onSale && p.stock >= DEMO_STOCK * 2 && p.priceCents >= 2);
  if (!product) return;
  const now = d.clock.now();
  const sale = await createSale(d, {
    productId: product.id,
    priceCents: Math.floor(product.priceCents / 2),
    stock: DEMO_STOCK,
    startAt: now,
    endAt: now + DEMO_DAYS * 86_400_000,
    perUserLimit: 2,
    buckets: 0,
  });
  d.log.info({ saleId: sale.id, productId: product.id }, 'seckill: opened the demo flash sale (seckill.demoSale: false to start without one)');
}
