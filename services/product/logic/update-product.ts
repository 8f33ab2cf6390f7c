import { errors } from '#kit/errors';
import type { Product, UpdateProductRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import type { ProductPatch } from '../model/products.js';
import { checkCategoryId, checkDetail, checkId, checkName, checkPrice, checkStatus, checkStock, checkSubtitle } from '../rules.js';

/** Changes the fields present (each checked as on creation); the product after the change. A change of price, status or category re-reads the category lists it was and is in. */
export async function updateProduct(d: ProductDeps, req: UpdateProductRequest): Promise<Product> {
  const id = checkId('id', req.id);
  const patch: ProductPatch = {};
  if (req.name !== undefined) patch.name = checkName(req.name);
  if (req.subtitle !== undefined) patch.subtitle = checkSubtitle(req.subtitle);
  if (req.detail !== undefined) patch.detail = checkDetail(req.detail);
  if (req.priceCents !== undefined) patch.price_cents = checkPrice(req.priceCents);
  if (req.stock !== undefined) patch.stock = checkStock(req.stock);
  if (req.status !== undefined) patch.status = checkStatus(req.status);
  if (req.categoryId !== undefined) {
    patch.category_id = checkCategoryId(req.categoryId);
    if (!(await d.categories.byId(patch.category_id))) throw errors.invalid('category_id', `no category ${patch.category_id}`);
  }
  const changed = await d.products.update(id, patch, d.clock.now());
  if (!changed) throw errors.notFound(`product ${id}`);
  const { before, after } = changed;
  // Stock, name and the rest are not in the lists (their rows come from the row cache).
  if (before.priceCents !== after.priceCents || before.status !== after.status || before.categoryId !== after.categoryId) {
    await d.categoryLists.invalidate([before.categoryId, after.categoryId]);
  }
  if (Object.keys(patch).length > 0) d.home.invalidate();
  return after;
}
