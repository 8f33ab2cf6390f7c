import { describe, expect, it } from 'vitest';
import type { Article } from '#gen/surge/article/v1/article';
import { createArticlePages, type ShownArticle } from './pages.js';

const shown = (title: string): ShownArticle => ({
  article: { id: 1, title } as Article,
  people: new Map(),
  state: { likeCount: 0, commentCount: 0, liked: false },
  head: Buffer.from(title),
  bytes: Buffer.from(title),
});

/** A fill that answers the next value of `values` each time it runs. */
const fills = <T>(...values: T[]) => {
  let i = 0;
  return async () => values[i++]!;
};

describe('createArticlePages', () => {
  it('keeps a detail until the article changes here; a fresher one replaces only what was kept', async () => {
    const pages = createArticlePages({ ttlMs: 60_000 });
    const fill = fills(shown('a'), shown('b'), shown('c'));
    const first = (await pages.detail(1, fill))!;
    expect((await pages.detail(1, fill))!.article.title).toBe('a');
    pages.fresher(1, first, shown('a, fresher'));
    expect((await pages.detail(1, fill))!.article.title).toBe('a, fresher');
    pages.changed(1);
    expect((await pages.detail(1, fill))!.article.title).toBe('b');
    pages.fresher(1, first, shown('stale')); // not what is kept now
    expect((await pages.detail(1, fill))!.article.title).toBe('b');
    expect(await pages.detail(2, async () => undefined)).toBeUndefined();
  });

  it('any article written here drops every kept list page', async () => {
    const pages = createArticlePages({ ttlMs: 60_000 });
    const fill = fills(Buffer.from('1'), Buffer.from('2'));
    expect((await pages.list('7:newest:20:', fill)).toString()).toBe('1');
    expect((await pages.list('7:newest:20:', fill)).toString()).toBe('1');
    pages.changed(99);
    expect((await pages.list('7:newest:20:', fill)).toString()).toBe('2');
  });

  it("keeps each reader's feed pages apart, and drops only the reader who changed something", async () => {
    const pages = createArticlePages({ ttlMs: 60_000 });
    const alice = fills(Buffer.from('alice 1'), Buffer.from('alice 2'));
    const bob = fills(Buffer.from('bob 1'), Buffer.from('bob 2'));
    expect((await pages.feed(1, '20:', alice)).toString()).toBe('alice 1');
    expect((await pages.feed(2, '20:', bob)).toString()).toBe('bob 1');
    pages.readerChanged(1);
    expect((await pages.feed(1, '20:', alice)).toString()).toBe('alice 2');
    expect((await pages.feed(2, '20:', bob)).toString()).toBe('bob 1');
  });

  it('ttlMs 0 keeps nothing', async () => {
    const pages = createArticlePages({ ttlMs: 0 });
    const fill = fills(Buffer.from('1'), Buffer.from('2'));
    await pages.feed(1, '', fill);
    expect((await pages.feed(1, '', fill)).toString()).toBe('2');
  });
});
