import { Code, SurgeError } from '#kit/errors';
import { withBarrier } from '#kit/saga';
import type { BulkStockRequest, Product } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import type { Shortfall } from '../model/stock.js';
import { checkBulkStockRequest } from '../rules.js';
import { noProduct, productNow } from './product-now.js';

/** The refusal of a take, naming the field the caller would change: the quantity, or the product. */
function refusal({ productId, reason, left }: Shortfall): SurgeError {
  const details = { product_id: productId, reason, left };
  switch (reason) {
    case 'out_of_stock':
      return new SurgeError(Code.FailedPrecondition, `quantity: product ${productId} has ${left} left; nothing was taken`, { details: { field: 'quantity', ...details } });
    case 'off_shelf':
      return new SurgeError(Code.FailedPrecondition, `product_id: product ${productId} is off the shelf; nothing was taken`, { details: { field: 'product_id', ...details } });
    case 'not_found':
      return noProduct(productId);
  }
}

/**
 * A flash sale takes its units: `quantity` of an on-sale product's stock in one conditional
 * UPDATE behind the branch barrier (an action), or none. Sales are not moved: the sale's orders
 * are the sales. A repeat of a take that ran changes nothing and answers the product as it is now;
 * a refused take leaves no barrier row, so the same branch may try again later.
 */
export async function takeStock(d: ProductDeps, req: BulkStockRequest): Promise<Product> {
  const { ref, productId, quantity } = checkBulkStockRequest(req);
  const result = await withBarrier(
    d.store,
    ref,
    'action',
    async (trx) => {
      const short = await d.stock.take(trx, { productId, quantity });
      // Thrown inside the transaction: the barrier row rolls back with it.
      if (short) throw refusal(short);
      return productNow(d, productId, trx);
    },
    { clock: d.clock },
  );
  if (!result.ran) return productNow(d, productId);
  // Only the row cache holds stock; the lists and the home blocks hold ids, and sales did not move.
  await d.products.invalidate([productId]);
  return result.value;
}
