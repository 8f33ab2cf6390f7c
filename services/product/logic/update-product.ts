import { errors } from '#kit/errors';
import type { Product, UpdateProductRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import type { ProductPatch } from '../model/products.js';
import { checkCategoryId, checkDetail, checkId, checkName, checkPrice, checkStatus, checkStock, checkSubtitle } from '../rules.js';

/** Changes the fields present (each checked as on creation); the product after the change. */
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
  const product = await d.products.update(id, patch, d.clock.now());
  if (!product) throw errors.notFound(`product ${id}`);
  if (Object.keys(patch).length > 0) d.home.invalidate();
  return product;
}
