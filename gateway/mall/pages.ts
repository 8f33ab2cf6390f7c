// Catalog replies kept for mall.pageCacheMs on each gateway process (a microcache, #kit/cache
// createMicroCache, as community.pageCacheMs keeps article pages, decision 88): a product's detail
// and a page of a category list or of a search are the same bytes for every shopper, so a hot one
// is built once per interval however many ask. Stock, sales and review counts may be up to the
// interval older than the services' rows; what a shopper can act on is checked when they act (an
// order reserves stock in the product service, never from a page).
// A write through this gateway drops what it changes here at once: an admin's create or edit every
// list page and that product's detail; an order, a cancel or a review the details of its products.
// Other gateways' copies age out within the interval, as do changes no gateway sees (a timed-out
// order's stock coming back).
import { createMicroCache } from '#kit/cache';

export interface CatalogPages {
  /** id's kept detail reply, or fill()'s (undefined: no such product, kept nowhere). */
  detail(id: number, fill: () => Promise<Buffer | undefined>): Promise<Buffer | undefined>;
  /** A kept page of a list or a search by its query (route and parameters), or fill()'s. */
  list(query: string, fill: () => Promise<Buffer>): Promise<Buffer>;
  /** These products' stock, sales, reviews or fields changed through this gateway: their details are built anew. */
  productsChanged(ids: Iterable<number>): void;
  /** What the lists hold changed through this gateway (a product created or edited): every list page is built anew. */
  listsChanged(): void;
}

export function createCatalogPages(o: { ttlMs: number; maxEntries?: number }): CatalogPages {
  const details = createMicroCache<Buffer>(o);
  const lists = createMicroCache<Buffer>(o);
  // List pages are keyed under a generation: one write makes every kept page unreachable (they age out).
  let generation = 0;
  return {
    detail: (id, fill) => details.get(String(id), fill),
    list: async (query, fill) => (await lists.get(`${generation}:${query}`, fill))!,
    productsChanged(ids) {
      for (const id of ids) details.drop(String(id));
    },
    listsChanged() {
      generation++;
    },
  };
}
