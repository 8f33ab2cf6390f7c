// The category lists in this process (embedded: one process sees every write). A generation per
// category counts the writes that touched it; a list is kept with the generation its backfill
// started under, and one whose generation has moved on is a miss.
import type { Clock } from '#kit/clock';
import { entriesAfter, type CachedSlice, type ListRef, type ListStore } from './list-entries.js';
import { LIST_ORDERS } from './lists.js';

interface Kept extends CachedSlice {
  generation: number;
  expiresAt: number;
}

const keyOf = (categoryId: number, order: string) => `${categoryId}:${order}`;

export function createMemoryListStore(clock: Clock): ListStore {
  const lists = new Map<string, Kept>();
  const generations = new Map<number, number>();
  const generationOf = (categoryId: number) => generations.get(categoryId) ?? 0;

  return {
    async read(list, from, count) {
      const generation = generationOf(list.categoryId);
      const key = keyOf(list.categoryId, list.order);
      const kept = lists.get(key);
      if (!kept || kept.generation !== generation || kept.expiresAt <= clock.now()) {
        if (kept) lists.delete(key);
        return { generation, cached: undefined };
      }
      return { generation, cached: { entries: entriesAfter(kept.entries, list.order, from, count), complete: kept.complete } };
    },

    async write(list: ListRef, generation, slice, ttlMs) {
      // A backfill that read the database before a write bumped the generation: never kept.
      if (generation !== generationOf(list.categoryId)) return;
      lists.set(keyOf(list.categoryId, list.order), { entries: [...slice.entries], complete: slice.complete, generation, expiresAt: clock.now() + ttlMs });
    },

    async bump(categoryIds) {
      for (const id of categoryIds) {
        generations.set(id, generationOf(id) + 1);
        for (const order of LIST_ORDERS) lists.delete(keyOf(id, order));
      }
    },
  };
}
