// Yes/no facts about (owner, target) pairs — does u follow t, does u like v — asked for a page of
// targets at once. Each pair is its own cache key, "no" cached like "yes" (it is the common
// answer), so a warm page costs no query and one change drops exactly one key.
import { memoKeys, type KeyOf } from './key-memo.js';
import type { Cache, TakeOptions } from './types.js';

export interface PairFlags {
  /** One flag per target, in order; all misses answered by one load of the targets owner has. */
  get(owner: number, targets: readonly number[], loadTrue: (owner: number, missing: number[]) => Promise<Iterable<number>>): Promise<boolean[]>;
  /** The key of one pair, for cache.del after the fact changed. */
  key(owner: number, target: number): string;
}

export function createPairFlags(o: { cache: Cache; prefix: string; take?: TakeOptions }): PairFlags {
  // One remembered key table per owner seen lately (a page asks for one owner's flags).
  const owners = memoKeys((owner) => `${o.prefix}:${owner}:`, 10_000);
  const tables = new Map<number, KeyOf>();
  const keysOf = (owner: number): KeyOf => {
    let t = tables.get(owner);
    if (t === undefined) {
      if (tables.size >= 1_000) tables.clear();
      const head = owners(owner);
      t = memoKeys((target) => head + target, 10_000);
      tables.set(owner, t);
    }
    return t;
  };
  const key = (owner: number, target: number) => keysOf(owner)(target);
  return {
    key,
    async get(owner, targets, loadTrue) {
      if (targets.length === 0) return [];
      const keyOf = keysOf(owner);
      const keys = targets.map(keyOf);
      const targetOf = new Map(keys.map((k, i) => [k, targets[i]!]));
      const flags = await o.cache.takeMany<boolean>(
        keys,
        async (missing) => {
          const yes = new Set(await loadTrue(owner, missing.map((k) => targetOf.get(k)!)));
          return new Map(missing.map((k) => [k, yes.has(targetOf.get(k)!)]));
        },
        o.take,
      );
      return keys.map((k) => flags.get(k) === true);
    },
  };
}
