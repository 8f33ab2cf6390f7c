import { errors } from '#kit/errors';
import type { CreateProductRequest, Product } from '#gen/surge/product/v1/product';
import type { ProductDeps } from '../deps.js';
import { checkCategoryId, checkDetail, checkImageUrls, checkName, checkPrice, checkStock, checkSubtitle } from '../rules.js';

/** A new product, on sale at once, indexed for search; its category lists and the home page are refreshed. */
export async function createProduct(d: ProductDeps, req: CreateProductRequest): Promise<Product> {
  const name = checkName(req.name);
  const categoryId = checkCategoryId(req.categoryId);
  const priceCents = checkPrice(req.priceCents);
  const stock = checkStock(req.stock);
  const subtitle = checkSubtitle(req.subtitle);
  const detail = checkDetail(req.detail);
  const imageUrls = checkImageUrls(req.imageUrls);
  if (!(await d.categories.byId(categoryId))) throw errors.invalid('category_id', `no category ${categoryId}`);
  const product = await d.products.insert({
    id: d.ids.next(),
    name,
    subtitle,
    category_id: categoryId,
    image_urls: JSON.stringify(imageUrls),
    price_cents: priceCents,
    stock,
    sales: 0,
    status: 'on_sale',
    detail,
    created_at: d.clock.now(),
  });
  await d.categoryLists.invalidate([categoryId]);
  d.home.invalidate();
  return product;
}
