import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createCatalogPages } from './pages.js';

/** A fill that answers the next of `values` (as bytes) each time it runs. */
const fills = (...values: string[]) => {
  let i = 0;
  return async () => Buffer.from(values[i++]!);
};

describe('createCatalogPages', () => {
  it('keeps a detail until its product changes here; another product changing leaves it', async () => {
    const pages = createCatalogPages({ ttlMs: 60_000 });
    const fill = fills('a', 'b');
    expect(String(await pages.detail('1', fill))).toBe('a');
    expect(String(await pages.detail('1', fill))).toBe('a');
    pages.productsChanged([2, 3]);
    expect(String(await pages.detail('1', fill))).toBe('a');
    pages.productsChanged([3, 1]);
    expect(String(await pages.detail('1', fill))).toBe('b');
  });

  it('keeps nothing for a product that is not there', async () => {
    const pages = createCatalogPages({ ttlMs: 60_000 });
    let calls = 0;
    const missing = async () => (calls++, undefined);
    expect(await pages.detail('9', missing)).toBeUndefined();
    expect(await pages.detail('9', missing)).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('drops every list page when the lists change here, and none when only a detail does', async () => {
    const pages = createCatalogPages({ ttlMs: 60_000 });
    const newest = fills('n1', 'n2');
    const search = fills('s1', 's2');
    expect(String(await pages.list('/api/v1/mall/products?category_id=7', newest))).toBe('n1');
    expect(String(await pages.list('/api/v1/mall/search?q=%E6%89%8B%E6%9C%BA', search))).toBe('s1');
    pages.productsChanged([1]);
    expect(String(await pages.list('/api/v1/mall/products?category_id=7', newest))).toBe('n1');
    pages.listsChanged();
    expect(String(await pages.list('/api/v1/mall/products?category_id=7', newest))).toBe('n2');
    expect(String(await pages.list('/api/v1/mall/search?q=%E6%89%8B%E6%9C%BA', search))).toBe('s2');
  });

  it('builds a page once for callers asking at the same moment', async () => {
    const pages = createCatalogPages({ ttlMs: 60_000 });
    let calls = 0;
    const slow = () => new Promise<Buffer>((resolve) => setImmediate(() => resolve(Buffer.from(String(++calls)))));
    const replies = await Promise.all(Array.from({ length: 10 }, () => pages.list('/api/v1/mall/products?sort=sales', slow)));
    expect(replies.map(String)).toEqual(Array(10).fill('1'));
  });

  it('ttlMs 0 keeps nothing', async () => {
    const pages = createCatalogPages({ ttlMs: 0 });
    const fill = fills('1', '2');
    await pages.detail('1', fill);
    expect(String(await pages.detail('1', fill))).toBe('2');
  });

  it('answers a request for a kept page as it arrives, by its exact URL, and passes any other on', async () => {
    const pages = createCatalogPages({ ttlMs: 60_000 });
    const app = Fastify();
    let handled = 0;
    app.get('/p', { onRequest: pages.answerKept.list }, async (request, reply) => {
      handled++;
      return reply.type('application/json').send(await pages.list(request.url, async () => Buffer.from(`{"n":${handled}}`)));
    });
    app.get('/d/:id', { onRequest: pages.answerKept.detail }, async (request, reply) => {
      handled++;
      return reply.type('application/json').send(await pages.detail((request.params as { id: string }).id, async () => Buffer.from('{"d":1}')));
    });
    expect((await app.inject('/p?a=1')).body).toBe('{"n":1}');
    expect((await app.inject('/p?a=1')).body).toBe('{"n":1}');
    expect(handled).toBe(1);
    expect((await app.inject('/p?a=2')).body).toBe('{"n":2}');
    pages.listsChanged();
    expect((await app.inject('/p?a=1')).body).toBe('{"n":3}');
    await app.inject('/d/5');
    await app.inject('/d/5');
    expect(handled).toBe(4);
    pages.productsChanged([5]);
    await app.inject('/d/5');
    expect(handled).toBe(5);
    await app.close();
  });
});
