// In-process adapter: at-least-once delivery with consumer groups, retry with back-off and dead
// letters, for the life of the Queue object. Messages are encoded with the same codec as on the
// wire, so handlers get their own copy and a value JSON cannot carry fails here too.
import { randomUUID } from 'node:crypto';
import { errors, SurgeError, Code } from '#kit/errors';
import { type Clock, type Timer, systemClock } from '#kit/clock';
import { type Codec, type Envelope, jsonCodec, type Topic, topicOf } from './codec.js';
import { deadLetter, runDelivery } from './delivery.js';
import { InFlight } from './in-flight.js';
import { checkGroup, checkPublishOptions, checkTopic, positiveMs, resolveSubscribeOptions, type ResolvedSubscribeOptions } from './options.js';
import type { GroupBacklog, MessageHandler, PublishOptions, Queue, SubscribeOptions, Subscription } from './types.js';

export interface MemoryQueueOptions {
  /** Back-off timers, the dedup window and publishedAt. Default systemClock; tests pass a ManualClock. */
  clock?: Clock;
  /** Message ids. Default crypto.randomUUID: unique without coordination. */
  newId?: () => string;
  /** How long a dedupKey is remembered. Default 120000, JetStream's default duplicate window. */
  dedupWindowMs?: number;
  /** Payload codec. Default JSON. */
  codec?: Codec;
}

interface ResolvedMemoryOptions {
  readonly clock: Clock;
  readonly newId: () => string;
  readonly dedupWindowMs: number;
  readonly codec: Codec;
}

export function resolveMemoryQueueOptions(options: MemoryQueueOptions = {}): ResolvedMemoryOptions {
  if (options.newId !== undefined && typeof options.newId !== 'function') throw errors.invalid('newId', 'a function returning a string');
  return Object.freeze({
    clock: options.clock ?? systemClock,
    newId: options.newId ?? randomUUID,
    dedupWindowMs: positiveMs('dedupWindowMs', options.dedupWindowMs, 120_000),
    codec: options.codec ?? jsonCodec,
  });
}

export function createMemoryQueue(options: MemoryQueueOptions = {}): Queue {
  return new MemoryQueue(resolveMemoryQueueOptions(options));
}

/** One delivery waiting in a group; `deliveries` counts how often it was handed out. */
interface Pending {
  readonly env: Envelope;
  deliveries: number;
}

class MemoryQueue implements Queue {
  private readonly groups = new Map<string, Map<string, Group>>(); // topic → group name → group
  private readonly seen = new Map<string, number>(); // dedupKey → expiry (monotonic ms), in expiry order
  private readonly subscribers = new Set<MemorySubscriber>();
  readonly timers = new Set<Timer>();
  closed = false;

  constructor(readonly options: ResolvedMemoryOptions) {}

  async publish<T>(topic: string | Topic<T>, data: T, options?: PublishOptions): Promise<void> {
    this.assertOpen();
    const { name, codec } = topicOf(topic, this.options.codec);
    checkTopic(name);
    const { headers, dedupKey } = checkPublishOptions(options);
    const payload = codec.encode(data);
    if (dedupKey !== undefined && this.isDuplicate(dedupKey)) return;
    this.route({ id: dedupKey ?? this.options.newId(), topic: name, payload, headers, publishedAt: this.options.clock.now() });
  }

  /** Hands the message to every group of its topic; topics with no group drop it (no group, no interest). */
  route(env: Envelope): void {
    for (const group of this.groups.get(env.topic)?.values() ?? []) group.enqueue({ env, deliveries: 0 });
  }

  async subscribe<T>(topic: string | Topic<T>, group: string, handler: MessageHandler<T>, options?: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const { name, codec } = topicOf(topic, this.options.codec);
    checkTopic(name);
    checkGroup(group);
    if (typeof handler !== 'function') throw errors.invalid('handler', 'a function');
    const resolved = resolveSubscribeOptions(options);
    let byName = this.groups.get(name);
    if (!byName) this.groups.set(name, (byName = new Map()));
    let g = byName.get(group);
    if (!g) byName.set(group, (g = new Group(this, group)));
    const sub = new MemorySubscriber(g, handler as MessageHandler<unknown>, codec, resolved, () => this.subscribers.delete(sub));
    this.subscribers.add(sub);
    g.add(sub);
    return sub;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async backlog(): Promise<GroupBacklog[]> {
    return [...this.groups].flatMap(([topic, byName]) => [...byName.values()].filter((g) => g.subscribed).map((g) => ({ topic, group: g.name, ...g.counts() })));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscribers].map((s) => s.close()));
    // Retries still waiting die with the queue: memory is durable only for the queue's life.
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new SurgeError(Code.FailedPrecondition, 'the queue is closed');
  }

  private isDuplicate(key: string): boolean {
    const now = this.options.clock.monotonic();
    // Entries expire in insertion order (the window is constant), so expired ones sit at the front.
    for (const [k, expiry] of this.seen) {
      if (expiry > now) break;
      this.seen.delete(k);
    }
    if (this.seen.has(key)) return true;
    this.seen.set(key, now + this.options.dedupWindowMs);
    return false;
  }
}

/** A durable consumer group: its backlog outlives its subscribers, for the life of the queue. */
class Group {
  private readonly ready: Pending[] = [];
  private readonly members: MemorySubscriber[] = [];
  private next = 0; // round-robin position
  /** Ever had a subscriber here (dead-letter groups made by routing alone are not reported). */
  subscribed = false;
  private retrying = 0;
  unacked = 0;
  deadLetters = 0;

  counts(): { pending: number; unacked: number; deadLetters: number } {
    return { pending: this.ready.length + this.retrying, unacked: this.unacked, deadLetters: this.deadLetters };
  }

  constructor(readonly queue: MemoryQueue, readonly name: string) {}

  add(sub: MemorySubscriber): void {
    this.subscribed = true;
    this.members.push(sub);
    this.pump();
  }

  remove(sub: MemorySubscriber): void {
    const i = this.members.indexOf(sub);
    if (i >= 0) this.members.splice(i, 1);
  }

  enqueue(p: Pending): void {
    this.ready.push(p);
    this.pump();
  }

  /** Gives waiting messages to members with a free slot, round-robin so members share the load. */
  pump(): void {
    while (this.ready.length > 0) {
      const sub = this.pickMember();
      if (!sub) return;
      sub.start(this.ready.shift()!);
    }
  }

  private pickMember(): MemorySubscriber | undefined {
    for (let i = 0; i < this.members.length; i++) {
      const sub = this.members[(this.next + i) % this.members.length]!;
      if (sub.canTake()) {
        this.next = (this.next + i + 1) % this.members.length;
        return sub;
      }
    }
    return undefined;
  }

  /** Puts a failed message back after its back-off. */
  retryLater(p: Pending, delayMs: number): void {
    const q = this.queue;
    if (q.closed) return;
    this.retrying++;
    const timer = q.options.clock.after(delayMs, () => {
      q.timers.delete(timer);
      this.retrying--;
      this.enqueue(p);
    });
    q.timers.add(timer);
  }
}

class MemorySubscriber implements Subscription {
  private readonly inFlight: InFlight;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly group: Group,
    private readonly handler: MessageHandler<unknown>,
    /** The subscribed topic's codec: a typed topic decodes with its own, whatever the queue's default. */
    private readonly codec: Codec,
    private readonly options: ResolvedSubscribeOptions,
    private readonly onClosed: () => void,
  ) {
    this.inFlight = new InFlight(options.concurrency);
  }

  canTake(): boolean {
    return this.closing === undefined && this.inFlight.hasRoom();
  }

  start(p: Pending): void {
    this.inFlight.tryTake();
    this.group.unacked++;
    p.deliveries++;
    void this.run(p);
  }

  private async run(p: Pending): Promise<void> {
    const { queue } = this.group;
    try {
      // Start handlers on a later tick: publish() never runs a handler inside the caller's stack.
      await Promise.resolve();
      const outcome = await runDelivery(p.env, p.deliveries, this.handler, this.options, this.codec);
      if (outcome.kind === 'retry') this.group.retryLater(p, outcome.delayMs);
      else if (outcome.kind === 'dead') {
        this.group.deadLetters++;
        queue.route(deadLetter(p.env, this.group.name, p.deliveries, outcome.error));
      }
    } finally {
      this.group.unacked--;
      this.inFlight.release();
      this.group.pump();
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.group.remove(this);
      await this.inFlight.idle();
      this.onClosed();
      // Anything this member could not take is still in the group's backlog for the others.
      this.group.pump();
    })();
    return this.closing;
  }
}
