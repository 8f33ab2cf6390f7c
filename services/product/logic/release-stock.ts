import { withBarrier } from '#kit/saga';
import type { StockReply, StockRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { TASTE } from '../model/tastes.js';
import { checkStockRequest } from '../rules.js';

/**
 * The order saga's compensation: every item given back behind the branch barrier, and the
 * purchase's taste undone. Giving back twice, or giving back a reservation that never ran, changes
 * nothing (and keeps that reservation from running later). Answers the products as they are now.
 */
export async function releaseStock(d: ProductDeps, req: StockRequest): Promise<StockReply> {
  const { ref, userId, items, ids } = checkStockRequest(req);
  const result = await withBarrier(
    d.store,
    ref,
    'compensate',
    async (trx) => {
      await d.stock.release(trx, items);
      const products = await d.products.readIn(trx, ids);
      await d.tastes.add(trx, userId, products.map((p) => ({ categoryId: p.categoryId, delta: -TASTE.bought })), d.clock.now());
      return products;
    },
    { clock: d.clock },
  );
  if (!result.ran) return { products: await d.products.readIn(d.store.db, ids) };
  await d.products.invalidate(ids);
  await d.categoryLists.invalidate(result.value.map((p) => p.categoryId));
  return { products: result.value };
}
