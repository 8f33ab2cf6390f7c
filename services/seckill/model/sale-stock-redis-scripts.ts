// The Lua scripts, keys and ticket record of the Redis SaleStock. Each step of a buy is one script
// (ioredis defineCommand: EVALSHA, reloaded on NOSCRIPT), so Redis runs its checks and writes
// with nothing in between.
//
// Keys of bucket b of sale s, under one hash tag so a later move to Redis Cluster keeps them in
// one slot:
//   <prefix>{seckill:s:b}:stock     STRING units left (missing: never loaded, or lost)
//   <prefix>{seckill:s:b}:ended     STRING units left when end() ran (present: the sale has ended)
//   <prefix>{seckill:s:b}:users     HASH   buyer → units reserved (only the buyer's home bucket counts)
//   <prefix>{seckill:s:b}:released  SET    ticket ids whose units came back
//   <prefix>{seckill:s:b}:pending   HASH   ticket id → "<journal entry id>|<ticket record>"
// and per node (not per bucket) the journal: <prefix>seckill:journal, a STREAM read by one
// consumer group. The journal is the one key outside a bucket's slot: one stream per node lets a
// worker read every sale with one XREADGROUP per node. On Redis Cluster the reserve scripts would
// be refused (CROSSSLOT); the move there is a journal per bucket, {seckill:s:b}:journal, read by
// the worker for every running sale.
//
// Nothing expires: units or buyer counts must never vanish while a sale runs, and an ended sale
// keeps at most five small keys per bucket. An operator cleans up a sale once it has ended, its
// tickets are all finished (no pending hash left) and the service no longer loads it (it loads
// sales that have not ended): DEL <prefix>{seckill:<sale>:*}:* on every node. Never before: a
// missing stock key refuses buys as 'unloaded', and a load() after the cleanup would sell again.

import type { ReservedTicket } from './sale-stock.js';
import { decodeTicket } from './ticket-record.js';

/** The consumer group of the journal: every ticket worker of the service reads through it. */
export const JOURNAL_GROUP = 'seckill-tickets';

export interface BucketKeys {
  readonly stock: string;
  readonly ended: string;
  readonly users: string;
  readonly released: string;
  readonly pending: string;
}

export function bucketKeys(keyPrefix: string, saleId: number, bucket: number): BucketKeys {
  const tag = `${keyPrefix}{seckill:${saleId}:${bucket}}`;
  return { stock: `${tag}:stock`, ended: `${tag}:ended`, users: `${tag}:users`, released: `${tag}:released`, pending: `${tag}:pending` };
}

export const journalKey = (keyPrefix: string) => `${keyPrefix}seckill:journal`;

/** The tickets of XREADGROUP / XAUTOCLAIM entries (field 't'); entries deleted under the read are skipped. */
export function ticketsOf(entries: readonly StreamEntry[]): ReservedTicket[] {
  const tickets: ReservedTicket[] = [];
  for (const entry of entries) {
    if (!entry) continue;
    const fields = entry[1];
    const at = fields.indexOf('t');
    if (at >= 0 && at % 2 === 0 && fields[at + 1] !== undefined) tickets.push(decodeTicket(fields[at + 1]!));
  }
  return tickets;
}

// Takes ARGV[q] units from the bucket when it has them and journals the ticket. The stream entry
// and the pending record are written in the same script as the units, so a reservation never
// exists without its journal entry (durability is Redis AOF's, deploy/).
// KEYS: stock ended users pending journal.
const take = (q: string, ticketId: string, record: string) => `
redis.call('DECRBY', KEYS[1], ${q})
local entry = redis.call('XADD', KEYS[5], '*', 't', ${record})
redis.call('HSET', KEYS[4], ${ticketId}, entry .. '|' .. ${record})`;

// Checks in the contract's order: closed, unloaded (then over_limit), too few units.
const OPEN_AND_LOADED = `
if redis.call('EXISTS', KEYS[2]) == 1 then return {-1, 0} end
local stock = redis.call('GET', KEYS[1])
if not stock then return {-2, 0} end
stock = tonumber(stock)`;

/** Script answers: units taken; refused: closed, unloaded, over the limit; too few units (with the units seen); held (ditto). */
export const Answer = { reserved: 1, closed: -1, unloaded: -2, overLimit: -3, tooFew: 0, held: 2 } as const;

// The home bucket's step, for the buys of one event-loop turn whose home is this bucket, one
// after another in order: one script for the turn, not one per buy, spares Redis and the client
// the per-command work. KEYS: stock ended users pending journal. ARGV: limit hold, then
// user q ticketId record per buy. Answers {code, units seen} per buy, flattened.
// With too few units and hold = 1 (the sale has other buckets), the buyer's count is raised now
// (the "hold"), so takes from other buckets need no quota check and concurrent buys of one buyer
// cannot pass the limit between them; unhold gives it back when no bucket had the units.
const RESERVE_LUA = `
local out = {}
local function all(code, seen)
  for _ = 3, #ARGV, 4 do out[#out + 1] = code; out[#out + 1] = seen end
  return out
end
if redis.call('EXISTS', KEYS[2]) == 1 then return all(-1, 0) end
local stock = redis.call('GET', KEYS[1])
if not stock then return all(-2, 0) end
stock = tonumber(stock)
local limit = tonumber(ARGV[1])
for i = 3, #ARGV, 4 do
  local user, q = ARGV[i], tonumber(ARGV[i + 1])
  local mine = tonumber(redis.call('HGET', KEYS[3], user) or '0')
  local code = 1
  if mine + q > limit then
    code = -3
  elseif stock < q then
    code = 0
    if ARGV[2] == '1' then
      redis.call('HINCRBY', KEYS[3], user, q)
      code = 2
    end
  else
    redis.call('HINCRBY', KEYS[3], user, q)
    ${take('q', 'ARGV[i + 2]', 'ARGV[i + 3]')}
    stock = stock - q
  end
  out[#out + 1] = code
  out[#out + 1] = stock
end
return out`;

// Another bucket's step, after the hold: no quota check. KEYS: stock ended users(unused) pending
// journal (the same layout as RESERVE). ARGV: q ticketId record. Answers {code, units seen}.
const TAKE_LUA = `${OPEN_AND_LOADED}
local q = tonumber(ARGV[1])
if stock < q then return {0, stock} end
${take('q', 'ARGV[2]', 'ARGV[3]')}
return {1, stock - q}`;

// KEYS: users. ARGV: user q.
const UNHOLD_LUA = `
if redis.call('HINCRBY', KEYS[1], ARGV[1], -tonumber(ARGV[2])) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1`;

// KEYS: stock ended released. ARGV: ticketId q. A bucket whose stock is missing (lost) answers
// 'closed' too: the caller then gives the units to the product, and a lost bucket is never
// recreated holding only the returned units (it stays 'unloaded', an operator's matter).
const RELEASE_LUA = `
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[1]) == 0 then return 'closed' end
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return 'repeat' end
redis.call('INCRBY', KEYS[1], ARGV[2])
return 'returned'`;

// KEYS: stock ended. The first call records the units left and empties the bucket; later calls
// answer the recorded number. A never-loaded bucket ends with 0, so load() cannot open it later.
const END_LUA = `
local ended = redis.call('GET', KEYS[2])
if ended then return tonumber(ended) end
local left = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('SET', KEYS[2], left)
redis.call('SET', KEYS[1], 0)
return left`;

// From '0', so entries written before the group existed (or after it was lost) are delivered.
const ENSURE_GROUP = `
local made = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if type(made) == 'table' and made.err and not string.find(made.err, 'BUSYGROUP', 1, true) then
  return redis.error_reply(made.err)
end`;

// KEYS: journal. ARGV: group.
const GROUP_LUA = `${ENSURE_GROUP}
return 1`;

// KEYS: journal. ARGV: group consumer claimIdleMs cursor count. Entries idle past the claim time
// (their worker died, or never called done) first, then new ones; without blocking.
// Answers {next cursor, claimed entries, new entries}.
const SWEEP_LUA = `${ENSURE_GROUP}
local count = tonumber(ARGV[5])
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', count)
local fresh = {}
if #claimed[2] < count then
  local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', count - #claimed[2], 'STREAMS', KEYS[1], '>')
  if read then fresh = read[1][2] end
end
return {claimed[1], claimed[2], fresh}`;

// KEYS: journal, then each ticket's pending hash. ARGV: group, then each ticket id. The entry id
// comes from the pending record, so any process can finish any ticket. pcall: a lost group has
// nothing to acknowledge, and the entry and record still go.
const DONE_LUA = `
local n = 0
for i = 2, #KEYS do
  local rec = redis.call('HGET', KEYS[i], ARGV[i])
  if rec then
    local entry = string.sub(rec, 1, string.find(rec, '|', 1, true) - 1)
    redis.pcall('XACK', KEYS[1], ARGV[1], entry)
    redis.call('XDEL', KEYS[1], entry)
    redis.call('HDEL', KEYS[i], ARGV[i])
    n = n + 1
  end
end
return n`;

type Arg = string | number;
/** [answer, units seen]. */
type Step = [number, number];

/** The slice of ioredis the Redis SaleStock calls on a node, after defineScripts(). */
export interface SeckillNode {
  /** Flattened steps, one {code, units seen} pair per buy. */
  surgeSeckillReserve(...args: Arg[]): Promise<number[]>;
  surgeSeckillTake(...args: Arg[]): Promise<Step>;
  surgeSeckillUnhold(users: string, userId: number, quantity: number): Promise<number>;
  surgeSeckillRelease(stock: string, ended: string, released: string, ticketId: number, quantity: number): Promise<'returned' | 'repeat' | 'closed'>;
  surgeSeckillEnd(stock: string, ended: string): Promise<number>;
  surgeSeckillGroup(journal: string, group: string): Promise<number>;
  surgeSeckillSweep(journal: string, group: string, consumer: string, claimIdleMs: number, cursor: string, count: number): Promise<[string, StreamEntry[], StreamEntry[]]>;
  /** numkeys first: the journal and one pending hash per ticket. */
  surgeSeckillDone(numKeys: number, ...args: Arg[]): Promise<number>;
  set(key: string, value: number, nx: 'NX'): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
  hget(key: string, field: string): Promise<string | null>;
}

/** [entry id, [field, value, …]] as XREADGROUP and XAUTOCLAIM answer; null for an entry deleted under it. */
export type StreamEntry = [string, string[]] | null;

/** The script-runner of ioredis (its defineCommand), typed as narrowly as it is called. */
export interface ScriptHost {
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** Registers the scripts on a connection (again on a connection that has them is harmless). */
export function defineScripts(redis: ScriptHost): void {
  redis.defineCommand('surgeSeckillReserve', { numberOfKeys: 5, lua: RESERVE_LUA });
  redis.defineCommand('surgeSeckillTake', { numberOfKeys: 5, lua: TAKE_LUA });
  redis.defineCommand('surgeSeckillUnhold', { numberOfKeys: 1, lua: UNHOLD_LUA });
  redis.defineCommand('surgeSeckillRelease', { numberOfKeys: 3, lua: RELEASE_LUA });
  redis.defineCommand('surgeSeckillEnd', { numberOfKeys: 2, lua: END_LUA });
  redis.defineCommand('surgeSeckillGroup', { numberOfKeys: 1, lua: GROUP_LUA });
  redis.defineCommand('surgeSeckillSweep', { numberOfKeys: 1, lua: SWEEP_LUA });
  redis.defineCommand('surgeSeckillDone', { lua: DONE_LUA });
}
