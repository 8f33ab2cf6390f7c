// The product service as the flash sale uses it: the product a sale is made of, and its units
// moved between the product and the sale behind the product's branch barrier, one branch per
// move (gid seckill:<sale>): "take" when the sale is created, "return" for what is left when it
// ends, "t:<ticket>" for a ticket released after it ended. A repeated move changes nothing.
import type { Client } from '#kit/rpc';
import type { ProductServiceDefinition } from '#gen/surge/product/v1/product';

export interface SaleProduct {
  name: string;
  imageUrl: string;
  priceCents: number;
  onSale: boolean;
}

export interface SaleProducts {
  get(productId: number): Promise<SaleProduct | undefined>;
  take(saleId: number, productId: number, quantity: number): Promise<void>;
  give(saleId: number, branch: string, productId: number, quantity: number): Promise<void>;
}

/** Products to pick the demo sale from (the home page's featured ones), with their stock. */
export interface DemoProducts {
  featured(): Promise<{ id: number; stock: number; priceCents: number; onSale: boolean }[]>;
}

export const saleGid = (saleId: number) => `seckill:${saleId}`;

export function saleProducts(products: Pick<Client<typeof ProductServiceDefinition>, 'getProducts' | 'takeStock' | 'giveStock' | 'home'>): SaleProducts & DemoProducts {
  return {
    async get(productId) {
      const p = (await products.getProducts({ ids: [productId] })).products[0];
      return p && { name: p.name, imageUrl: p.imageUrls[0] ?? '', priceCents: p.priceCents, onSale: p.status === 'on_sale' };
    },
    async take(saleId, productId, quantity) {
      await products.takeStock({ gid: saleGid(saleId), branch: 'take', productId, quantity });
    },
    async give(saleId, branch, productId, quantity) {
      await products.giveStock({ gid: saleGid(saleId), branch, productId, quantity });
    },
    async featured() {
      return (await products.home({})).featured.map((p) => ({ id: p.id, stock: p.stock, priceCents: p.priceCents, onSale: p.status === 'on_sale' }));
    },
  };
}
