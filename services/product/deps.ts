// What the product service's use cases need, passed in by service.ts. Interfaces only: no
// driver, adapter or configuration type reaches logic/.
import type { Logger } from 'pino';
import type { Clock } from '#kit/clock';
import type { ServiceDatabase } from '#kit/store';
import type { CategoryModel } from './model/categories.js';
import type { CategoryLists } from './model/category-lists.js';
import type { FavoriteModel } from './model/favorites.js';
import type { RefreshingValue } from './model/home-blocks.js';
import type { HomeIds } from './model/home.js';
import type { ListModel } from './model/lists.js';
import type { ProductModel } from './model/products.js';
import type { StockModel } from './model/stock.js';
import type { ProductDB } from './model/tables.js';
import type { TasteModel } from './model/tastes.js';

export interface ProductDeps {
  /** The service's database: the stock branches open their barrier transaction on it. */
  readonly store: ServiceDatabase<ProductDB>;
  readonly products: ProductModel;
  readonly categories: CategoryModel;
  readonly lists: ListModel;
  /** ListProducts' lists, cached in front of `lists`; told of every write that moves them. */
  readonly categoryLists: CategoryLists;
  readonly favorites: FavoriteModel;
  readonly tastes: TasteModel;
  readonly stock: StockModel;
  /** The home page's banners and ids, kept in process and refreshed ahead of readers. */
  readonly home: RefreshingValue<HomeIds>;
  readonly ids: { next(): number };
  readonly clock: Clock;
  readonly log: Logger;
}
