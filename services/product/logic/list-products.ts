import { errors } from '#kit/errors';
import type { ListProductsRequest, ProductPage } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { decodeCursor } from '../model/cursor.js';
import { checkLimit, checkListCategory, checkOrder } from '../rules.js';
import { productPage } from './page.js';

/** On-sale products of a category (a parent's include its children's), or of all, in the order asked. */
export async function listProducts(d: ProductDeps, req: ListProductsRequest): Promise<ProductPage> {
  const categoryId = checkListCategory(req.categoryId);
  const order = checkOrder(req.sort);
  const limit = checkLimit(req.limit);
  const from = decodeCursor(req.cursor, [order]);
  let categories: number[] | undefined;
  if (categoryId !== 0) {
    categories = await d.categories.covering(categoryId);
    if (!categories) throw errors.notFound(`category ${categoryId}`);
  }
  return productPage(d, await d.categoryLists.byCategory({ id: categoryId, covering: categories }, order, from, limit), limit, order);
}
