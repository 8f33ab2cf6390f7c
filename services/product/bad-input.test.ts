// Every RPC refuses bad input before doing any work: InvalidArgument naming the field, one row per
// bad value, checked against a catalog where the good values would succeed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import type { BulkStockRequest, CreateProductRequest, StockRequest } from '#gen/surge/product/v1/product';
import { openProductFixture, type ProductCalls, type ProductFixture } from './testing/fixture.js';

const [sqlite] = await testDatabases();

type Case = [what: string, call: (rpc: ProductCalls) => Promise<unknown>, field: string];

describe('product RPCs refuse bad input, naming the field', () => {
  let f: ProductFixture;
  let categoryId: number;
  let productId: number;
  beforeAll(async () => {
    f = await openProductFixture(sqlite!);
    categoryId = (await f.category('数码')).id;
    productId = (await f.product({ categoryId, name: '手机' })).id;
  });
  afterAll(() => sqlite!.cleanup());

  const product = (over: Partial<CreateProductRequest>): CreateProductRequest => ({ name: '商品', categoryId, priceCents: 100, stock: 1, subtitle: '', detail: '', imageUrls: [], ...over });
  const stock = (over: Partial<StockRequest>): StockRequest => ({ gid: 'g', branch: 'b', userId: 1, items: [{ productId, quantity: 1 }], ...over });
  const bulk = (over: Partial<BulkStockRequest>): BulkStockRequest => ({ gid: 'g', branch: 'b', productId, quantity: 1, ...over });
  const page = { cursor: '', limit: 0 };
  const b64 = (s: string) => Buffer.from(s).toString('base64url');

  const cases = (): Case[] => [
    ['category name empty', (r) => r.createCategory({ name: '', parentId: 0, sort: 0 }), 'name'],
    ['category name too long', (r) => r.createCategory({ name: '类'.repeat(21), parentId: 0, sort: 0 }), 'name'],
    ['category name with a line break', (r) => r.createCategory({ name: 'a\nb', parentId: 0, sort: 0 }), 'name'],
    ['category parent negative', (r) => r.createCategory({ name: 'x', parentId: -1, sort: 0 }), 'parent_id'],
    ['category parent unknown', (r) => r.createCategory({ name: 'x', parentId: 424242, sort: 0 }), 'parent_id'],
    ['category sort negative', (r) => r.createCategory({ name: 'x', parentId: 0, sort: -1 }), 'sort'],
    ['category sort too large', (r) => r.createCategory({ name: 'x', parentId: 0, sort: 10_001 }), 'sort'],

    ['product name empty', (r) => r.createProduct(product({ name: '' })), 'name'],
    ['product name blank', (r) => r.createProduct(product({ name: ' \u200b ' })), 'name'],
    ['product name too long', (r) => r.createProduct(product({ name: 'x'.repeat(101) })), 'name'],
    ['product name with a control character', (r) => r.createProduct(product({ name: 'a\u0007b' })), 'name'],
    ['product category 0', (r) => r.createProduct(product({ categoryId: 0 })), 'category_id'],
    ['product category unknown', (r) => r.createProduct(product({ categoryId: categoryId + 1 })), 'category_id'],
    ['price 0', (r) => r.createProduct(product({ priceCents: 0 })), 'price_cents'],
    ['price negative', (r) => r.createProduct(product({ priceCents: -100 })), 'price_cents'],
    ['price above 100,000,000', (r) => r.createProduct(product({ priceCents: 100_000_001 })), 'price_cents'],
    ['price fractional', (r) => r.createProduct(product({ priceCents: 9.5 })), 'price_cents'],
    ['stock negative', (r) => r.createProduct(product({ stock: -1 })), 'stock'],
    ['stock above 1,000,000', (r) => r.createProduct(product({ stock: 1_000_001 })), 'stock'],
    ['subtitle too long', (r) => r.createProduct(product({ subtitle: 's'.repeat(201) })), 'subtitle'],
    ['detail too long', (r) => r.createProduct(product({ detail: 'd'.repeat(20_001) })), 'detail'],
    ['detail with a bidi override', (r) => r.createProduct(product({ detail: 'abc\u202e' })), 'detail'],
    ['11 images', (r) => r.createProduct(product({ imageUrls: Array(11).fill('https://a.example/x.png') })), 'image_urls'],
    ['image not a URL', (r) => r.createProduct(product({ imageUrls: ['javascript:alert(1)'] })), 'image_urls'],
    ['image protocol-relative', (r) => r.createProduct(product({ imageUrls: ['//evil.example/x.png'] })), 'image_urls'],
    ['image URL with spaces', (r) => r.createProduct(product({ imageUrls: ['https://a.example/x y.png'] })), 'image_urls'],
    ['image URL too long', (r) => r.createProduct(product({ imageUrls: [`https://a.example/${'x'.repeat(600)}`] })), 'image_urls'],

    ['update id 0', (r) => r.updateProduct({ id: 0, stock: 1 }), 'id'],
    ['update price 0', (r) => r.updateProduct({ id: productId, priceCents: 0 }), 'price_cents'],
    ['update stock negative', (r) => r.updateProduct({ id: productId, stock: -5 }), 'stock'],
    ['update status unknown', (r) => r.updateProduct({ id: productId, status: 'deleted' }), 'status'],
    ['update status empty', (r) => r.updateProduct({ id: productId, status: '' }), 'status'],
    ['update name empty', (r) => r.updateProduct({ id: productId, name: '' }), 'name'],
    ['update subtitle too long', (r) => r.updateProduct({ id: productId, subtitle: 's'.repeat(201) }), 'subtitle'],
    ['update detail too long', (r) => r.updateProduct({ id: productId, detail: 'd'.repeat(20_001) }), 'detail'],
    ['update category unknown', (r) => r.updateProduct({ id: productId, categoryId: categoryId + 1 }), 'category_id'],

    ['101 ids', (r) => r.getProducts({ ids: Array.from({ length: 101 }, (_, i) => i + 1) }), 'ids'],
    ['id 0', (r) => r.getProducts({ ids: [1, 0] }), 'ids'],
    ['id fractional', (r) => r.getProducts({ ids: [1.5] }), 'ids'],

    ['list category negative', (r) => r.listProducts({ categoryId: -1, sort: '', ...page }), 'category_id'],
    ['list sort unknown', (r) => r.listProducts({ categoryId: 0, sort: 'random', ...page }), 'sort'],
    ['list limit negative', (r) => r.listProducts({ categoryId: 0, sort: '', cursor: '', limit: -1 }), 'limit'],
    ['list cursor malformed', (r) => r.listProducts({ categoryId: 0, sort: '', cursor: '%%%', limit: 0 }), 'cursor'],
    ['list cursor forged', (r) => r.listProducts({ categoryId: 0, sort: '', cursor: b64('newest.-5.1'), limit: 0 }), 'cursor'],

    ['search empty', (r) => r.search({ q: '', ...page }), 'q'],
    ['search blank', (r) => r.search({ q: '   ', ...page }), 'q'],
    ['search 51 characters', (r) => r.search({ q: '搜'.repeat(51), ...page }), 'q'],
    ['search punctuation only', (r) => r.search({ q: '!!! ???', ...page }), 'q'],
    ['search limit fractional', (r) => r.search({ q: '手机', cursor: '', limit: 1.5 }), 'limit'],
    ['search cursor of a list', (r) => r.search({ q: '手机', cursor: b64('newest.1.2'), limit: 0 }), 'cursor'],

    ['recommend user negative', (r) => r.recommend({ userId: -1, ...page }), 'user_id'],
    ['recommend limit negative', (r) => r.recommend({ userId: 0, cursor: '', limit: -1 }), 'limit'],
    ['recommend cursor forged', (r) => r.recommend({ userId: 0, cursor: b64('search.1.1.1'), limit: 0 }), 'cursor'],
    ['recommend taste cursor for nobody', (r) => r.recommend({ userId: 0, cursor: b64('taste.1.1.1'), limit: 0 }), 'cursor'],

    ['favorite user 0', (r) => r.setFavorite({ userId: 0, productId, favorite: true }), 'user_id'],
    ['favorite product 0', (r) => r.setFavorite({ userId: 1, productId: 0, favorite: true }), 'product_id'],
    ['favorites user 0', (r) => r.listFavorites({ userId: 0, ...page }), 'user_id'],
    ['favorites limit negative', (r) => r.listFavorites({ userId: 1, cursor: '', limit: -3 }), 'limit'],
    ['favorites cursor forged', (r) => r.listFavorites({ userId: 1, cursor: b64('favorites.x.1'), limit: 0 }), 'cursor'],

    ...(['reserveStock', 'releaseStock'] as const).flatMap((m): Case[] => [
      [`${m} gid empty`, (r) => r[m](stock({ gid: '' })), 'gid'],
      [`${m} gid too long`, (r) => r[m](stock({ gid: 'g'.repeat(65) })), 'gid'],
      [`${m} gid with a space`, (r) => r[m](stock({ gid: 'a b' })), 'gid'],
      [`${m} branch empty`, (r) => r[m](stock({ branch: '' })), 'branch'],
      [`${m} user 0`, (r) => r[m](stock({ userId: 0 })), 'user_id'],
      [`${m} no items`, (r) => r[m](stock({ items: [] })), 'items'],
      [`${m} 51 items`, (r) => r[m](stock({ items: Array.from({ length: 51 }, (_, i) => ({ productId: i + 1, quantity: 1 })) })), 'items'],
      [`${m} product 0`, (r) => r[m](stock({ items: [{ productId: 0, quantity: 1 }] })), 'items.product_id'],
      [`${m} product twice`, (r) => r[m](stock({ items: [{ productId, quantity: 1 }, { productId, quantity: 2 }] })), 'items.product_id'],
      [`${m} quantity 0`, (r) => r[m](stock({ items: [{ productId, quantity: 0 }] })), 'items.quantity'],
      [`${m} quantity 1000`, (r) => r[m](stock({ items: [{ productId, quantity: 1000 }] })), 'items.quantity'],
    ]),

    ...(['takeStock', 'giveStock'] as const).flatMap((m): Case[] => [
      [`${m} gid empty`, (r) => r[m](bulk({ gid: '' })), 'gid'],
      [`${m} gid too long`, (r) => r[m](bulk({ gid: 'g'.repeat(65) })), 'gid'],
      [`${m} gid with a slash`, (r) => r[m](bulk({ gid: 'sale/1' })), 'gid'],
      [`${m} branch empty`, (r) => r[m](bulk({ branch: '' })), 'branch'],
      [`${m} branch too long`, (r) => r[m](bulk({ branch: 'b'.repeat(65) })), 'branch'],
      [`${m} branch with a space`, (r) => r[m](bulk({ branch: 'give back' })), 'branch'],
      [`${m} product 0`, (r) => r[m](bulk({ productId: 0 })), 'product_id'],
      [`${m} product negative`, (r) => r[m](bulk({ productId: -productId })), 'product_id'],
      [`${m} quantity 0`, (r) => r[m](bulk({ quantity: 0 })), 'quantity'],
      [`${m} quantity negative`, (r) => r[m](bulk({ quantity: -5 })), 'quantity'],
      [`${m} quantity above 1,000,000`, (r) => r[m](bulk({ quantity: 1_000_001 })), 'quantity'],
      [`${m} quantity fractional`, (r) => r[m](bulk({ quantity: 1.5 })), 'quantity'],
    ]),
  ];

  it.each(cases().map((c) => [c[0], c] as const))('%s', async (_what, [, call, field]) => {
    await expect(call(f.rpc)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field } });
  });

  it('changed nothing: the catalog holds the one product, its stock untouched', async () => {
    const all = await f.rpc.listProducts({ categoryId: 0, sort: '', cursor: '', limit: 0 });
    expect(all.products.map((p) => [p.id, p.stock, p.priceCents])).toEqual([[productId, 100, 1000]]);
  });

  it('the good values of each RPC are taken (so each refusal above is the bad value\'s)', async () => {
    await f.rpc.createCategory({ name: '类'.repeat(20), parentId: categoryId, sort: 10_000 });
    const made = await f.rpc.createProduct(product({ name: 'x'.repeat(100), priceCents: 100_000_000, stock: 1_000_000, subtitle: 's'.repeat(200), imageUrls: Array(10).fill('/img/a.png') }));
    await f.rpc.updateProduct({ id: made.id, status: 'off_shelf', stock: 0 });
    await f.rpc.getProducts({ ids: Array.from({ length: 100 }, (_, i) => i + 1) });
    await f.rpc.search({ q: '搜'.repeat(50), cursor: '', limit: 50 });
    await f.rpc.recommend({ userId: 0, cursor: '', limit: 100 });
    await f.rpc.setFavorite({ userId: 1, productId, favorite: true });
    const reply = await f.rpc.reserveStock(stock({ gid: 'g'.repeat(64), items: [{ productId, quantity: 99 }] }));
    expect(reply.products[0]!.stock).toBe(1);
    await f.rpc.releaseStock(stock({ gid: 'g'.repeat(64), items: [{ productId, quantity: 99 }] }));
    const given = await f.rpc.giveStock(bulk({ gid: 's'.repeat(64), branch: 'b'.repeat(64), quantity: 1_000_000 }));
    expect(given.stock).toBe(1_000_100);
    const taken = await f.rpc.takeStock(bulk({ gid: 's'.repeat(64), branch: 'take', quantity: 1_000_000 }));
    expect(taken.stock).toBe(100);
  });
});
