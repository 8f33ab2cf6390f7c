import { errors } from '#kit/errors';
import type { Category, CreateCategoryRequest } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { checkCategoryName, checkParentId, checkSort } from '../rules.js';

/** Most categories the tree holds: it is read whole (and cached as one value) on every list. */
export const MAX_CATEGORIES = 500;

/** A new category: top level, or the child of a top-level one (two levels). */
export async function createCategory(d: ProductDeps, req: CreateCategoryRequest): Promise<Category> {
  const name = checkCategoryName(req.name);
  const parentId = checkParentId(req.parentId);
  const sort = checkSort(req.sort);
  const all = await d.categories.all();
  if (parentId !== 0) {
    const parent = all.find((c) => c.id === parentId);
    if (!parent) throw errors.invalid('parent_id', `no category ${parentId}`);
    if (parent.parentId !== 0) throw errors.invalid('parent_id', 'must be a top-level category: the tree has two levels');
  }
  if (all.length >= MAX_CATEGORIES) throw errors.invalid('parent_id', `the tree holds at most ${MAX_CATEGORIES} categories`);
  const id = d.ids.next();
  await d.categories.insert({ id, name, parent_id: parentId, sort });
  return { id, name, parentId, children: [] };
}
