import { withBarrier } from '#kit/saga';
import type { BulkStockRequest, Product } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { checkBulkStockRequest } from '../rules.js';
import { noProduct, productNow } from './product-now.js';

/**
 * A flash sale gives units back (what it had left when it ended, a unit released after it
 * ended): `quantity` added to the stock behind the branch barrier (an action), whatever the
 * product's status, since the units are the product's again either way. Sales are not moved. A
 * repeat changes nothing and answers the product as it is now. Give and take are both actions:
 * the caller keys them by different branches.
 */
export async function giveStock(d: ProductDeps, req: BulkStockRequest): Promise<Product> {
  const { ref, productId, quantity } = checkBulkStockRequest(req);
  const result = await withBarrier(
    d.store,
    ref,
    'action',
    async (trx) => {
      // Thrown inside the transaction: no barrier row is kept for a product that is not there.
      if (!(await d.stock.give(trx, { productId, quantity }))) throw noProduct(productId);
      return productNow(d, productId, trx);
    },
    { clock: d.clock },
  );
  if (!result.ran) return productNow(d, productId);
  // Only the row cache holds stock; the lists and the home blocks hold ids, and sales did not move.
  await d.products.invalidate([productId]);
  return result.value;
}
