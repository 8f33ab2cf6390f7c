import { describe, expect, it } from 'vitest';
import { createCache } from '#kit/cache';
import { createAuthorLists, type Keyed } from './author-lists.js';

/** An author's list of n rows, newest first: keys [n - i], ids n - i. */
const listOf = (n: number): Keyed[] => Array.from({ length: n }, (_, i) => ({ id: n - i, keys: [1000 + n - i] }));

function setup(total: number, headRows = 5) {
  const all = listOf(total);
  let loads = 0;
  const lists = createAuthorLists(createCache(), headRows);
  const load = async (n: number) => {
    loads++;
    return all.slice(0, n + 1);
  };
  return { all, lists, load, loads: () => loads };
}

describe('author list heads', () => {
  it('serves the pages inside the head from one load, and says when a page reaches past it', async () => {
    const { all, lists, load, loads } = setup(12);
    expect(await lists.page(7, 'newest', undefined, 2, load)).toEqual(all.slice(0, 3));
    const second = await lists.page(7, 'newest', all[1], 2, load);
    expect(second).toEqual(all.slice(2, 5));
    expect(loads()).toBe(1);
    // Rows 4…6 reach past a head of 5 of 12: the caller reads the index.
    expect(await lists.page(7, 'newest', all[3], 2, load)).toBeUndefined();
  });

  it('with the end marker, answers every page, the last short and the end empty', async () => {
    const { all, lists, load } = setup(4);
    expect(await lists.page(7, 'newest', undefined, 2, load)).toEqual(all.slice(0, 3));
    expect(await lists.page(7, 'newest', all[1], 2, load)).toEqual(all.slice(2, 4));
    expect(await lists.page(7, 'newest', all[3], 2, load)).toEqual([]);
  });

  it('starts after a cursor whose row is gone, and loads again once forgotten', async () => {
    const { all, lists, load, loads } = setup(4);
    await lists.page(7, 'newest', undefined, 2, load);
    // A cursor between rows (its own row deleted since): the next row after it.
    expect(await lists.page(7, 'newest', { keys: [all[1]!.keys[0]! - 0.5], id: 0 }, 1, load)).toEqual(all.slice(2, 4));
    await lists.forget(7);
    await lists.page(7, 'newest', undefined, 2, load);
    expect(loads()).toBe(2);
  });
});
