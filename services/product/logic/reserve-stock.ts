import { Code, SurgeError } from '#kit/errors';
import { withBarrier } from '#kit/saga';
import type { StockReply, StockRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import type { ShortReason } from '../model/stock.js';
import { TASTE } from '../model/tastes.js';
import { checkStockRequest } from '../rules.js';

const WHY: Record<ShortReason, (left: number) => string> = {
  out_of_stock: (left) => `has ${left} left`,
  off_shelf: () => 'is off the shelf',
  not_found: () => 'does not exist',
};

/**
 * The order saga's action: every item's units taken in one transaction behind the branch
 * barrier, or none (the first item that cannot be had is named, FailedPrecondition); the user's
 * taste for the products' categories raised; the products answered with their prices and names
 * now. A repeat changes nothing and answers the products as they are; a reservation whose
 * release came first changes nothing and is refused, so no caller takes it for a reservation.
 */
export async function reserveStock(d: ProductDeps, req: StockRequest): Promise<StockReply> {
  const { ref, userId, items, ids } = checkStockRequest(req);
  const result = await withBarrier(
    d.store,
    ref,
    'action',
    async (trx) => {
      const short = await d.stock.reserve(trx, items);
      if (short) {
        // Thrown inside the transaction: it rolls back the units already taken and the barrier row.
        throw new SurgeError(Code.FailedPrecondition, `product ${short.productId} ${WHY[short.reason](short.left)}; nothing was reserved`, {
          details: { field: 'items', product_id: short.productId, reason: short.reason },
        });
      }
      const products = await d.products.readIn(trx, ids);
      await d.tastes.add(trx, userId, products.map((p) => ({ categoryId: p.categoryId, delta: TASTE.bought })), d.clock.now());
      return products;
    },
    { clock: d.clock },
  );
  if (result.ran) {
    await d.products.invalidate(ids);
    // Sales moved: the lists in sales order (and every order, by generation) are read afresh.
    await d.categoryLists.invalidate(result.value.map((p) => p.categoryId));
    return { products: result.value };
  }
  if (await d.stock.released(ref)) {
    throw new SurgeError(Code.FailedPrecondition, `branch ${ref.gid}/${ref.branch} was released before this reservation arrived; nothing was reserved`, { details: { field: 'gid', reason: 'released' } });
  }
  return { products: await d.products.readIn(d.store.db, ids) };
}
