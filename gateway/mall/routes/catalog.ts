// The public catalog: home page, categories, product lists, detail, search and recommendations
// (signed-in callers get theirs; anyone else the best sellers). A detail and a page of a list or a
// search are the same for everyone and kept for mall.pageCacheMs (pages.ts); a request for a kept
// one is answered as it arrives.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '#kit/errors';
import { callOptions } from '../../routes/users.js';
import { errorReplies } from '../../schemas/common.js';
import type { MallDeps } from '../deps.js';
import { Categories, Home, IdParams, PageQuery, ProductPage, ProductsQuery, ProductWithReviews, SearchQuery } from '../schemas.js';
import { saleStatus } from '../flash/index.js';
import { bannerView, categoryView, detailJson, flashSaleView, pageJson, productView, sendJson } from '../views.js';

const tags = ['mall'];

export async function catalogRoutes(fastify: FastifyInstance, d: MallDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const products = d.clients.products;
  const pages = d.pages;

  app.get('/home', {
    schema: { tags, summary: 'The home page: banners, running flash sales, featured products and best sellers', response: { 200: Home } },
    handler: async (request) => {
      const [home, sales] = await Promise.all([products.home({}, callOptions(request)), runningSales()]);
      return { banners: home.banners.map(bannerView), flash_sales: sales, featured: home.featured.map(productView), ranking: home.ranking.map(productView) };
    },
  });

  /** The running sales from this gateway's copy (read at most once a second). */
  const runningSales = async () => {
    const now = d.clock.now();
    try {
      return (await d.flash.sales.fresh()).filter((sale) => saleStatus(sale, now) === 'running').map((sale) => flashSaleView(sale, now));
    } catch (err) {
      // Safe to go on: the home page's other blocks are worth showing without the sales, which
      // come back with the next read (at most one a second is tried).
      fastify.log.warn({ err }, 'home: reading the flash sales failed; answered without them');
      return [];
    }
  };

  app.get('/categories', {
    schema: { tags, summary: 'The category tree (two levels)', response: { 200: Categories } },
    handler: async (request) => ({ categories: (await products.listCategories({}, callOptions(request))).categories.map(categoryView) }),
  });

  app.get('/products', {
    schema: { tags, summary: 'Products on sale, by category, newest first or by price or sales', querystring: ProductsQuery, response: { 200: ProductPage, ...errorReplies(400) } },
    onRequest: pages.answerKept.list,
    handler: async (request, reply) => {
      const q = request.query;
      const query = { categoryId: q.category_id ?? 0, sort: q.sort ?? 'newest', cursor: q.cursor ?? '', limit: q.limit ?? 0 };
      return sendJson(reply, await pages.list(request.url, async () => pageJson(await products.listProducts(query, callOptions(request)))));
    },
  });

  app.get('/products/:id', {
    schema: { tags, summary: 'One product, with the count and average of its reviews', params: IdParams, response: { 200: ProductWithReviews, ...errorReplies(400, 404) } },
    onRequest: pages.answerKept.detail,
    handler: async (request, reply) => {
      const bytes = await pages.detail(String(request.params.id), async () => {
        const ids = [request.params.id];
        const [found, summaries] = await Promise.all([products.getProducts({ ids }, callOptions(request)), d.clients.reviews.getSummaries({ productIds: ids }, callOptions(request))]);
        const [product] = found.products;
        return product && detailJson(product, summaries.summaries[0]);
      });
      if (!bytes) throw errors.notFound('product');
      return sendJson(reply, bytes);
    },
  });

  app.get('/search', {
    schema: { tags, summary: 'Products on sale matching every word of q (Chinese and Latin text), best match first', querystring: SearchQuery, response: { 200: ProductPage, ...errorReplies(400) } },
    onRequest: pages.answerKept.list,
    handler: async (request, reply) => {
      const q = request.query;
      const query = { q: q.q, cursor: q.cursor ?? '', limit: q.limit ?? 0 };
      return sendJson(reply, await pages.list(request.url, async () => pageJson(await products.search(query, callOptions(request)))));
    },
  });

  app.get('/recommend', {
    schema: { tags, summary: "Products from the categories the caller bought or collected; best sellers for anyone else", security: [{ bearer: [] }, {}], querystring: PageQuery, response: { 200: ProductPage, ...errorReplies(400, 401) } },
    preHandler: app.identify,
    handler: async (request, reply) => {
      const q = request.query;
      return sendJson(reply, pageJson(await products.recommend({ userId: request.userId, cursor: q.cursor ?? '', limit: q.limit ?? 0 }, callOptions(request))));
    },
  });
}
