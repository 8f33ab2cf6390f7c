import type { CategoryList, ListCategoriesRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';

/** The category tree: the top level by sort, each with its children by sort. */
export async function listCategories(d: ProductDeps, _req: ListCategoriesRequest): Promise<CategoryList> {
  return { categories: await d.categories.tree() };
}
