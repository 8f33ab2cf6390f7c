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
//
// Pages are kept by the request's own URL (a detail by its id as the URL gives it), so a request
// for a kept page is answered as it arrives (`answerKept`, an onRequest hook), before its query is
// parsed and validated: the URL was a valid request's when its page was kept, and the same URL
// asks the same thing.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { createMicroCache } from '#kit/cache';
import { sendJson } from '../send-json.js';

export interface CatalogPages {
  /** The kept detail of the product whose id the URL gives as `id`, or fill()'s (undefined: no such product, kept nowhere). */
  detail(id: string, fill: () => Promise<Buffer | undefined>): Promise<Buffer | undefined>;
  /** The kept page of a list or a search by its request URL, or fill()'s. */
  list(url: string, fill: () => Promise<Buffer>): Promise<Buffer>;
  /** onRequest hooks answering with a kept detail (by the `id` parameter) or page (by URL), and passing the request on otherwise. */
  readonly answerKept: { readonly detail: onRequestHookHandler; readonly list: onRequestHookHandler };
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
  const answer = (find: (request: FastifyRequest) => Buffer | undefined): onRequestHookHandler =>
    function answerKept(this: unknown, request: FastifyRequest, reply: FastifyReply, done: () => void) {
      const bytes = find(request);
      // Answered here, done is not called: Fastify skips the rest of the request's stages.
      if (bytes === undefined) done();
      else sendJson(reply, bytes);
    };
  return {
    detail: (id, fill) => details.get(id, fill),
    list: async (url, fill) => (await lists.get(`${generation} ${url}`, fill))!,
    answerKept: {
      detail: answer((request) => details.peek((request.params as { id: string }).id)),
      list: answer((request) => lists.peek(`${generation} ${request.url}`)),
    },
    productsChanged(ids) {
      for (const id of ids) details.drop(String(id));
    },
    listsChanged() {
      generation++;
    },
  };
}
