// The product service's stock, as the order saga asks it: reserve an order's items under a
// branch of a saga transaction, or give them back under the same branch. The product service
// guards both with its branch barrier, so a repeated call, a release of a reservation that never
// ran and a reservation arriving after its release change nothing, and every caller here (the
// saga, a buyer's cancel, the payment timeout) may call as often as it must.
import type { Client } from '#kit/rpc';
import type { BranchRef } from '#kit/saga';
import type { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import type { ItemRequest } from './rules.js';

/** A reserved product's name, picture and price when it was reserved: an order line's. */
export interface ReservedProduct {
  productId: number;
  name: string;
  imageUrl: string;
  priceCents: number;
}

export interface StockLedger {
  /** Reserves every item or none; a refusal (out of stock, off shelf, no such product) is the product service's SurgeError. */
  reserve(ref: BranchRef, userId: number, items: readonly ItemRequest[]): Promise<ReservedProduct[]>;
  /** Gives the items of that reservation back (a no-op when it never ran or was given back already). */
  release(ref: BranchRef, userId: number, items: readonly ItemRequest[]): Promise<void>;
}

export function stockLedger(products: Pick<Client<typeof ProductServiceDefinition>, 'reserveStock' | 'releaseStock'>): StockLedger {
  const request = (ref: BranchRef, userId: number, items: readonly ItemRequest[]) => ({ gid: ref.gid, branch: ref.branch, userId, items: items.map((i) => ({ productId: i.productId, quantity: i.quantity })) });
  return {
    async reserve(ref, userId, items) {
      const reply = await products.reserveStock(request(ref, userId, items));
      return reply.products.map((p) => ({ productId: p.id, name: p.name, imageUrl: p.imageUrls[0] ?? '', priceCents: p.priceCents }));
    },
    async release(ref, userId, items) {
      await products.releaseStock(request(ref, userId, items));
    },
  };
}
