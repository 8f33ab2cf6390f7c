// The servers' SaleStock: a sale's buckets spread over independent Redis nodes, bucket i on node
// i mod n (client-side sharding, no Redis Cluster: each bucket's keys share one hash tag so a move
// to Cluster stays possible; sale-stock-redis-scripts.ts lists the keys and the one exception).
// Every step is one Lua script on one node, so a bucket's checks and writes are atomic; a buy that
// crosses buckets is a short sequence of them, safe because no bucket goes below zero.
//
// Round trips of a buy: 1 when the home bucket has the units (the common case); 1 + k when the
// k-th other bucket gives them; 1 + (buckets - 1) + 1 when none can (the last gives the hold back).
// The first is shared: the buys of one event-loop turn go to their home buckets as one script per
// sale and bucket (#kit/bulk's turn loader), each buy checked as if alone, in the order asked.
import { createTurnLoader } from '#kit/bulk';
import { errors } from '#kit/errors';
import { redisErrorToSurge, type Redis } from '#kit/redis';
import { bucketStock, homeBucket, type Reservation, type ReservedTicket, type ReserveOutcome, type ReleaseOutcome, type SalePlan, type SaleStock } from './sale-stock.js';
import { checkBucket, checkPlan, checkQuantity, checkReservation, checkTake } from './sale-stock-check.js';
import { Answer, bucketKeys, defineScripts, journalKey, type SeckillNode } from './sale-stock-redis-scripts.js';
import { decodeTicket, encodeTicket } from './ticket-record.js';
import { RedisJournal } from './sale-stock-redis-journal.js';

export interface RedisSaleStockOptions {
  /**
   * Required: connections from connectRedis() (fail-fast settings), one per independent Redis
   * node; bucket i lives on nodes[i % nodes.length]. Every process must list the nodes in the same
   * order. The store does not close them.
   */
  nodes: readonly Redis[];
  /** Required (may be ''): prepended to every key, so a sale shares a Redis with other data safely. */
  keyPrefix: string;
  /** Required: this worker's name in the journal's consumer group; unique per process (host and pid). */
  consumer: string;
  /** Required: a ticket taken and not done (its worker died) is taken again after this long. */
  claimIdleMs: number;
  /** Default 'redis'. Names the dependency in Unavailable errors. */
  name?: string;
}

/** A buy's step in its home bucket, as the turn's script takes it; answered [code, units seen]. */
interface HomeStep {
  readonly plan: SalePlan;
  readonly r: Reservation;
  readonly home: number;
}
type HomeAnswer = readonly [number, number];

/** Buys in one script: bounds how long Redis runs one (each buy is a few commands). */
const MAX_BUYS_PER_SCRIPT = 128;
/** Buys one turn's batch takes; a turn with more makes several batches. */
const MAX_BUYS_PER_TURN = 1024;

class RedisSaleStock implements SaleStock {
  constructor(
    private readonly nodes: readonly SeckillNode[],
    private readonly keyPrefix: string,
    private readonly journal: RedisJournal,
    private readonly name: string,
  ) {}

  private node(bucket: number): SeckillNode {
    return this.nodes[bucket % this.nodes.length]!;
  }

  private keys(plan: SalePlan, bucket: number) {
    return bucketKeys(this.keyPrefix, plan.saleId, bucket);
  }

  private readonly translate = (err: unknown): never => {
    throw redisErrorToSurge(err, this.name);
  };

  async load(plan: SalePlan): Promise<void> {
    checkPlan(plan);
    const used = Math.min(plan.buckets, this.nodes.length);
    // The groups first: no ticket can be journaled before a stock key exists.
    for (let node = 0; node < used; node++) await this.journal.open(node);
    await Promise.all(
      Array.from({ length: plan.buckets }, (_, i) => this.node(i).set(this.keys(plan, i).stock, bucketStock(plan.stock, plan.buckets, i), 'NX')),
    ).catch(this.translate);
  }

  async reserve(plan: SalePlan, r: Reservation): Promise<ReserveOutcome> {
    checkReservation(plan, r);
    const home = homeBucket(r.userId, plan.buckets);
    const [answer, seen] = await this.homeSteps.load({ plan, r, home });
    switch (answer) {
      case Answer.reserved:
        return { status: 'reserved', bucket: home };
      case Answer.closed:
        return { status: 'closed' };
      case Answer.unloaded:
        return { status: 'unloaded' };
      case Answer.overLimit:
        return { status: 'over_limit' };
      case Answer.held:
        return this.reserveElsewhere(plan, r, home, seen > 0);
      default:
        return { status: seen > 0 ? 'not_enough' : 'sold_out' };
    }
  }

  /** The home-bucket steps asked this turn: one script per (sale, home bucket), at most MAX_BUYS_PER_SCRIPT buys each. */
  private readonly homeSteps = createTurnLoader<HomeStep, HomeAnswer>((steps) => this.runHomeSteps(steps), { maxBatch: MAX_BUYS_PER_TURN });

  private async runHomeSteps(steps: readonly HomeStep[]): Promise<(HomeAnswer | Error)[]> {
    const answers: (HomeAnswer | Error)[] = new Array<HomeAnswer | Error>(steps.length);
    const groups = new Map<string, number[]>();
    steps.forEach((step, i) => {
      const key = `${step.plan.saleId}:${step.home}:${step.plan.perUserLimit}:${step.plan.buckets}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [i]);
      else group.push(i);
    });
    const runs: Promise<void>[] = [];
    for (const group of groups.values()) {
      for (let from = 0; from < group.length; from += MAX_BUYS_PER_SCRIPT) runs.push(this.runHomeScript(steps, group.slice(from, from + MAX_BUYS_PER_SCRIPT), answers));
    }
    await Promise.all(runs);
    return answers;
  }

  /** One script for buys of one sale with one home bucket; each answer (or the call's error) lands at its step's index. */
  private async runHomeScript(steps: readonly HomeStep[], indexes: readonly number[], answers: (HomeAnswer | Error)[]): Promise<void> {
    const { plan, home } = steps[indexes[0]!]!;
    const k = this.keys(plan, home);
    const args: (string | number)[] = [plan.perUserLimit, plan.buckets > 1 ? 1 : 0];
    for (const i of indexes) {
      const { r } = steps[i]!;
      args.push(r.userId, r.quantity, r.ticketId, encodeTicket(r, home));
    }
    try {
      const flat = await this.node(home).surgeSeckillReserve(k.stock, k.ended, k.users, k.pending, journalKey(this.keyPrefix), ...args);
      indexes.forEach((i, j) => (answers[i] = [flat[2 * j]!, flat[2 * j + 1]!]));
    } catch (err) {
      // Every buy of the script fails alike: it may have run, so none is retried here.
      const e = redisErrorToSurge(err, this.name);
      for (const i of indexes) answers[i] = e;
    }
  }

  /**
   * The home bucket had too few units and holds the buyer's count: the other buckets in turn,
   * without a quota check. A process that dies (or a Redis call that fails) between the hold and
   * the end leaves the buyer's count raised by this buy: the buyer may buy less than the limit,
   * never more, and no unit is sold twice. On a failed call the hold is kept on purpose: the
   * script may have run, and the ticket may be in the journal.
   */
  private async reserveElsewhere(plan: SalePlan, r: Reservation, home: number, unitsSeen: boolean): Promise<ReserveOutcome> {
    let refusal: 'closed' | 'unloaded' | undefined;
    for (let step = 1; step < plan.buckets && refusal !== 'closed'; step++) {
      const bucket = (home + step) % plan.buckets;
      const k = this.keys(plan, bucket);
      const [answer, seen] = await this.node(bucket)
        .surgeSeckillTake(k.stock, k.ended, k.users, k.pending, journalKey(this.keyPrefix), r.quantity, r.ticketId, encodeTicket(r, bucket))
        .catch(this.translate);
      if (answer === Answer.reserved) return { status: 'reserved', bucket };
      if (answer === Answer.closed) refusal = 'closed'; // end() is under way: the rest will say so too
      else if (answer === Answer.unloaded) refusal = 'unloaded';
      else if (seen > 0) unitsSeen = true;
    }
    await this.node(home).surgeSeckillUnhold(this.keys(plan, home).users, r.userId, r.quantity).catch(this.translate);
    return { status: refusal ?? (unitsSeen ? 'not_enough' : 'sold_out') };
  }

  async release(plan: SalePlan, ticket: { ticketId: number; bucket: number; quantity: number }): Promise<ReleaseOutcome> {
    checkPlan(plan);
    checkBucket(plan, ticket.bucket);
    checkQuantity(ticket.quantity);
    const k = this.keys(plan, ticket.bucket);
    return this.node(ticket.bucket).surgeSeckillRelease(k.stock, k.ended, k.released, ticket.ticketId, ticket.quantity).catch(this.translate);
  }

  async end(plan: SalePlan): Promise<number> {
    checkPlan(plan);
    const left = await Promise.all(
      Array.from({ length: plan.buckets }, (_, i) => {
        const k = this.keys(plan, i);
        return this.node(i).surgeSeckillEnd(k.stock, k.ended);
      }),
    ).catch(this.translate);
    return left.reduce((sum, n) => sum + n, 0);
  }

  async left(plan: SalePlan): Promise<number> {
    checkPlan(plan);
    const stocks = await Promise.all(Array.from({ length: plan.buckets }, (_, i) => this.node(i).get(this.keys(plan, i).stock))).catch(this.translate);
    return stocks.reduce((sum, units) => sum + Math.max(0, Number(units ?? 0)), 0);
  }

  async pending(plan: SalePlan, ticketId: number): Promise<ReservedTicket | undefined> {
    checkPlan(plan);
    // The ticket's bucket is not known here: ask every bucket at once (a poll, not a buy).
    const records = await Promise.all(Array.from({ length: plan.buckets }, (_, i) => this.node(i).hget(this.keys(plan, i).pending, String(ticketId)))).catch(
      this.translate,
    );
    const record = records.find((rec) => rec !== null);
    return record ? decodeTicket(record.slice(record.indexOf('|') + 1)) : undefined;
  }

  take(max: number, waitMs: number): Promise<ReservedTicket[]> {
    checkTake(max, waitMs);
    return this.journal.take(max, waitMs);
  }

  done(tickets: readonly ReservedTicket[]): Promise<void> {
    return tickets.length === 0 ? Promise.resolve() : this.journal.done(tickets);
  }

  async close(): Promise<void> {
    this.journal.close();
  }
}

export function createRedisSaleStock(o: RedisSaleStockOptions): SaleStock {
  if (!o?.nodes?.length) throw errors.invalid('nodes', 'at least one Redis connection is required');
  if (typeof o.keyPrefix !== 'string') throw errors.invalid('keyPrefix', 'must be a string');
  if (typeof o.consumer !== 'string' || o.consumer === '') throw errors.invalid('consumer', 'must be a non-empty string');
  if (!Number.isSafeInteger(o.claimIdleMs) || o.claimIdleMs < 1) throw errors.invalid('claimIdleMs', 'must be a positive integer of milliseconds');
  const name = o.name ?? 'redis';
  for (const node of o.nodes) defineScripts(node);
  const nodes = o.nodes as unknown as readonly SeckillNode[];
  const journal = new RedisJournal(nodes, o.nodes, { keyPrefix: o.keyPrefix, consumer: o.consumer, claimIdleMs: o.claimIdleMs, name });
  return new RedisSaleStock(nodes, o.keyPrefix, journal, name);
}
