// The Redis SaleStock's journal: one stream per node, read through one consumer group (Redis
// Streams' at-least-once delivery, as a Kafka consumer group without the offsets: an entry stays
// in the group's pending list until done() acknowledges and deletes it).
//
// take() first sweeps every node without blocking (one script each: XAUTOCLAIM of entries idle
// past the claim time, then XREADGROUP of new ones), then, with nothing found, blocks on all nodes
// at once. The blocking reads run on a duplicate connection per node, so they never queue the
// buys behind them on the command connection. A blocking read that answers after take() has
// returned (another node answered first) keeps its tickets for the next take(): they are in this
// consumer's pending list already, and would otherwise wait out the claim time. (Left there past
// the claim time, XAUTOCLAIM hands them out a second time: the worker is idempotent by ticket.)
import { redisErrorToSurge, redisReady, type Redis } from '#kit/redis';
import type { ReservedTicket } from './sale-stock.js';
import { bucketKeys, JOURNAL_GROUP, journalKey, ticketsOf, type SeckillNode, type StreamEntry } from './sale-stock-redis-scripts.js';

// A blocking XREADGROUP returns after its BLOCK time by itself; this is only the client's safety
// net on a dead connection, with room for a Redis busy running buys' scripts.
const BLOCKING_GRACE_MS = 1000;
// How long a blocking connection may take to come up before take() reports Redis unavailable.
const CONNECT_WAIT_MS = 5000;

export interface JournalOptions {
  readonly keyPrefix: string;
  readonly consumer: string;
  readonly claimIdleMs: number;
  /** Names the dependency in Unavailable errors. */
  readonly name: string;
}

/** One node's share of the journal: its sweep cursor and its blocking connection. */
class NodeJournal {
  /** Where the next XAUTOCLAIM starts (it scans a bounded part of the pending list per call). */
  private cursor = '0-0';
  private blocking: Redis | undefined;
  /** The blocking read under way, if any: one at a time per connection. */
  private reading: Promise<void> | undefined;
  /** The last blocking read's failure, reported by the next take(). */
  failure: unknown;

  constructor(
    private readonly command: SeckillNode,
    private readonly connection: Redis,
    private readonly key: string,
    private readonly o: JournalOptions,
  ) {}

  async sweep(count: number): Promise<ReservedTicket[]> {
    const [cursor, claimed, fresh] = await this.command.surgeSeckillSweep(this.key, JOURNAL_GROUP, this.o.consumer, this.o.claimIdleMs, this.cursor, count);
    this.cursor = cursor;
    return [...ticketsOf(claimed), ...ticketsOf(fresh)];
  }

  /** Starts a blocking read unless one is under way; resolves when the read under way ends. */
  read(count: number, blockMs: number, arrived: (tickets: ReservedTicket[]) => void): Promise<void> {
    this.reading ??= this.blockingRead(count, blockMs)
      // Kept for take() to report; after close() it is the disconnect itself and goes unreported.
      .then(arrived, (err: unknown) => void (this.failure = err))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async blockingRead(count: number, blockMs: number): Promise<ReservedTicket[]> {
    // No command timeout (a read blocks past it by design); blockingTimeout only switches on
    // ioredis' per-read net of BLOCK + grace.
    this.blocking ??= this.connection.duplicate({ commandTimeout: undefined, blockingTimeout: BLOCKING_GRACE_MS, blockingTimeoutGrace: BLOCKING_GRACE_MS, enableAutoPipelining: false });
    await redisReady(this.blocking, CONNECT_WAIT_MS, this.o.name);
    const reply = (await this.blocking.call('XREADGROUP', 'GROUP', JOURNAL_GROUP, this.o.consumer, 'COUNT', count, 'BLOCK', Math.max(1, Math.ceil(blockMs)), 'STREAMS', this.key, '>')) as
      | [string, StreamEntry[]][]
      | null;
    return reply ? ticketsOf(reply[0]![1]) : [];
  }

  close(): void {
    this.blocking?.disconnect();
  }
}

export class RedisJournal {
  private readonly nodes: NodeJournal[];
  /** Tickets a late blocking read delivered, handed out first by the next take(). */
  private readonly early: ReservedTicket[] = [];
  private closed = false;
  private stopWaiting: () => void = () => {};
  private readonly closing = new Promise<void>((resolve) => (this.stopWaiting = resolve));

  constructor(
    private readonly commands: readonly SeckillNode[],
    connections: readonly Redis[],
    private readonly o: JournalOptions,
  ) {
    const key = journalKey(o.keyPrefix);
    this.nodes = commands.map((node, i) => new NodeJournal(node, connections[i]!, key, o));
  }

  /** Creates the group on a node (load() does, before a sale's first buy can journal a ticket). */
  async open(node: number): Promise<void> {
    await this.commands[node]!.surgeSeckillGroup(journalKey(this.o.keyPrefix), JOURNAL_GROUP).catch(this.translate);
  }

  async take(max: number, waitMs: number): Promise<ReservedTicket[]> {
    if (this.closed) return [];
    const out = this.early.splice(0, max);
    let failure: unknown;
    for (const node of this.nodes) {
      if (out.length >= max) break;
      try {
        out.push(...(await node.sweep(max - out.length)));
      } catch (err) {
        failure ??= err; // one node down must not hold up the tickets on the others
      }
    }
    if (out.length > 0) return out; // a failed node is reported by the next take that finds nothing
    if (failure !== undefined) throw redisErrorToSurge(failure, this.o.name);
    if (waitMs <= 0) return [];
    return this.block(max, performance.now() + waitMs);
  }

  /** Blocks on every node until one delivers, the wait is over, or close(). */
  private async block(max: number, deadline: number): Promise<ReservedTicket[]> {
    const arrived = (tickets: ReservedTicket[]) => {
      if (!this.closed) this.early.push(...tickets); // after close() they wait in the pending list
    };
    for (;;) {
      const remaining = deadline - performance.now();
      if (this.closed || remaining <= 0) return [];
      const reads = this.nodes.map((node) => node.read(max, remaining, arrived));
      let timer: NodeJS.Timeout | undefined;
      // A read started by an earlier take() may block past this take's deadline: the timer ends the wait.
      const timeUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)));
      await Promise.race([...reads, timeUp, this.closing]);
      clearTimeout(timer);
      if (this.closed) return [];
      if (this.early.length > 0) return this.early.splice(0, max);
      const failed = this.nodes.find((node) => node.failure !== undefined);
      if (failed) {
        const err = failed.failure;
        failed.failure = undefined;
        throw redisErrorToSurge(err, this.o.name);
      }
    }
  }

  /** Per node one script: acknowledged, deleted from the stream and from the pending hash. */
  async done(tickets: readonly ReservedTicket[]): Promise<void> {
    const byNode = new Map<number, ReservedTicket[]>();
    for (const ticket of tickets) {
      const node = ticket.bucket % this.nodes.length;
      const mine = byNode.get(node);
      if (mine) mine.push(ticket);
      else byNode.set(node, [ticket]);
    }
    const key = journalKey(this.o.keyPrefix);
    await Promise.all(
      [...byNode].map(([node, mine]) => {
        const pendingKeys = mine.map((t) => bucketKeys(this.o.keyPrefix, t.saleId, t.bucket).pending);
        return this.commands[node]!.surgeSeckillDone(1 + mine.length, key, ...pendingKeys, JOURNAL_GROUP, ...mine.map((t) => t.ticketId));
      }),
    ).catch(this.translate);
  }

  close(): void {
    this.closed = true;
    this.stopWaiting();
    for (const node of this.nodes) node.close();
  }

  private readonly translate = (err: unknown): never => {
    throw redisErrorToSurge(err, this.o.name);
  };
}
