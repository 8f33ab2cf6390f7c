// The category lists in Redis sorted sets shared by every product instance, one per (category as
// asked, order): `<prefix>product:list:<category>:<order>`.
//
//   member = the product id zero-padded to 16 digits, score = its sort key (created_at,
//   price_cents or sales: integers below 2^53, so a double holds them exactly). Redis orders
//   equal scores by member bytes, and padded ids sort as numbers, so ZRANGEBYSCORE (ascending)
//   and ZREVRANGEBYSCORE (descending) give ORDER BY column, id in the list's direction.
//   One more member at score -1, below every sort key, is the end marker `<generation>:end` (the
//   set is the whole list) or `<generation>:more` (only its first ids). It lives in the same key,
//   so an expiry or eviction takes the entries and the marker together.
//
// Generations (`<prefix>product:list:generation:<category>`, INCR after every write that touched
// the category) keep a stale backfill from being served: a reader reads the generation in the
// same MULTI as the list, a backfill writes the generation it read before its query, and a list
// of an older generation is a miss. These keys have no TTL (one per category); one evicted reads
// as 0, which only makes a list written under another generation miss.
//
//   read:  GET generation · ZRANGEBYSCORE key -1 -1 (the marker) · [ZRANGEBYSCORE key k k (ties
//          of the cursor's key, filtered here by id; at most the list's size)] · the range after k
//   write: DEL key · ZADD key -1 marker s1 id1 … · PEXPIRE key ttl                 (one MULTI)
//   bump:  INCR generation · DEL every order's key, per category · PUBLISH the ids on
//          `<prefix>product:list:bumped`, which every instance's local tier hears  (one MULTI)
import { redisErrorToSurge } from '#kit/redis';
import type { CachedSlice, ListRef, ListStore } from './list-entries.js';
import { directionOf, LIST_ORDERS, type After, type Keyed } from './lists.js';

/** The slice of an ioredis client the store uses (connectRedis from #kit/redis gives one). */
export interface ListRedis {
  multi(commands: (string | number)[][]): { exec(): Promise<[error: Error | null, result: unknown][] | null> };
}

/** The channel a bump is published on. */
export const bumpChannel = (keyPrefix: string) => `${keyPrefix}product:list:bumped`;

const ID_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits
const MARKER_SCORE = -1;

const member = (id: number) => String(id).padStart(ID_DIGITS, '0');

/** The end marker's member and what it says. */
const marker = (generation: number, complete: boolean) => `${generation}:${complete ? 'end' : 'more'}`;
function readMarker(raw: unknown): { generation: number; complete: boolean } | undefined {
  const found = /^(\d+):(end|more)$/.exec(Array.isArray(raw) && typeof raw[0] === 'string' ? raw[0] : '');
  return found ? { generation: Number(found[1]), complete: found[2] === 'end' } : undefined;
}

/** [member, score, member, score, …] as entries. */
function withScores(flat: readonly string[]): Keyed[] {
  const entries: Keyed[] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push({ id: Number(flat[i]), keys: [Number(flat[i + 1])] });
  return entries;
}

export function createRedisListStore(redis: ListRedis, keyPrefix: string): ListStore {
  const listKey = (categoryId: number, order: string) => `${keyPrefix}product:list:${categoryId}:${order}`;
  const generationKey = (categoryId: number) => `${keyPrefix}product:list:generation:${categoryId}`;

  const run = async (commands: (string | number)[][]): Promise<unknown[]> => {
    let results: [Error | null, unknown][] | null;
    try {
      results = await redis.multi(commands).exec();
    } catch (err) {
      throw redisErrorToSurge(err);
    }
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw redisErrorToSurge(failed?.[0] ?? new Error('transaction discarded'));
    return results.map(([, value]) => value);
  };

  /** The commands for up to `count` entries after `from`: the ties of its key (when there is one), then the range past it. */
  const rangeAfter = (key: string, list: ListRef, from: After | undefined, count: number): (string | number)[][] => {
    const desc = directionOf(list.order) === 'desc';
    const k = from?.keys[0];
    const past = desc
      ? ['zrevrangebyscore', key, k === undefined ? '+inf' : `(${k}`, 0, 'WITHSCORES', 'LIMIT', 0, count]
      : ['zrangebyscore', key, k === undefined ? 0 : `(${k}`, '+inf', 'WITHSCORES', 'LIMIT', 0, count];
    return k === undefined ? [past] : [['zrangebyscore', key, k, k], past];
  };

  /** The ties of the cursor's key that come after its id, in the list's direction. */
  const tiesAfter = (members: readonly string[], list: ListRef, from: After): Keyed[] => {
    const desc = directionOf(list.order) === 'desc';
    const ids = members.map(Number).filter((id) => (desc ? id < from.id : id > from.id));
    if (desc) ids.reverse(); // ZRANGEBYSCORE gave them ascending
    return ids.map((id) => ({ id, keys: [...from.keys] }));
  };

  return {
    async read(list, from, count) {
      const key = listKey(list.categoryId, list.order);
      const [generation, found, ...ranges] = await run([
        ['get', generationKey(list.categoryId)],
        ['zrangebyscore', key, MARKER_SCORE, MARKER_SCORE],
        ...rangeAfter(key, list, from, count),
      ]);
      const current = Number(generation ?? 0);
      const end = readMarker(found);
      if (!end || end.generation !== current) return { generation: current, cached: undefined };
      const past = withScores(ranges.at(-1) as string[]);
      const entries = from ? [...tiesAfter(ranges[0] as string[], list, from), ...past].slice(0, count) : past;
      return { generation: current, cached: { entries, complete: end.complete } };
    },

    async write(list, generation, slice: CachedSlice, ttlMs) {
      const key = listKey(list.categoryId, list.order);
      const zadd: (string | number)[] = ['zadd', key, MARKER_SCORE, marker(generation, slice.complete)];
      for (const e of slice.entries) zadd.push(e.keys[0]!, member(e.id));
      await run([['del', key], zadd, ['pexpire', key, Math.max(1, Math.round(ttlMs))]]);
    },

    async bump(categoryIds) {
      if (categoryIds.length === 0) return;
      await run([
        ...categoryIds.flatMap((id) => [['incr', generationKey(id)], ['del', ...LIST_ORDERS.map((order) => listKey(id, order))]]),
        ['publish', bumpChannel(keyPrefix), JSON.stringify(categoryIds)],
      ]);
    },
  };
}
