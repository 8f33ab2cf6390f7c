// NATS JetStream adapter: one stream per namespace (`SURGE_<namespace>`, subjects `<namespace>.>`,
// limits retention with a max age), publish with Nats-Msg-Id for dedup and wait for the PubAck,
// and one durable pull consumer per (topic, group) (see jetstream-subscriber.ts).
import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DiscardPolicy, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Code, errors, SurgeError } from '#kit/errors';
import { type Clock, systemClock } from '#kit/clock';
import { type Codec, type Envelope, envelopeHeader, jsonCodec, type Topic, topicOf } from './codec.js';
import { apiCode, DEPENDENCY, fromNats, isApiError } from './nats-errors.js';
import { checkGroup, checkPublishOptions, checkTopic, positiveMs, resolveSubscribeOptions } from './options.js';
import { JetStreamSubscriber } from './jetstream-subscriber.js';
import type { GroupBacklog, MessageHandler, PublishOptions, Queue, SubscribeOptions, Subscription } from './types.js';

export interface JetStreamQueueOptions {
  /** NATS server URL(s), e.g. 'nats://127.0.0.1:4222'. Required. */
  servers: string | string[];
  /** Stream `SURGE_<namespace>` with subjects `<namespace>.>`. Default 'surge'; tests use a unique one. */
  namespace?: string;
  /** Connection name shown in the server's monitoring. Default 'surge'. */
  name?: string;
  /** Timeout of JetStream API calls and publish acks. Default 5000: long enough for a busy server, short enough to fail a request. */
  requestTimeoutMs?: number;
  /** Reconnect attempts before giving up; -1 = forever. Default -1: a service keeps trying while NATS restarts. */
  maxReconnectAttempts?: number;
  /** How long the stream keeps messages (also how long a stopped group can catch up). Default 7 days. */
  maxAgeMs?: number;
  /** How long a dedupKey (Nats-Msg-Id) is remembered. Default 120000, JetStream's default duplicate window. */
  dedupWindowMs?: number;
  /** Stream replicas. Default 1 (a single server); use 3 on a cluster. */
  replicas?: number;
  /** Heartbeat timers and publishedAt. Default systemClock. */
  clock?: Clock;
  /** Message ids. Default crypto.randomUUID. */
  newId?: () => string;
  /** Payload codec. Default JSON. */
  codec?: Codec;
  /**
   * Errors no caller is waiting for (a dead letter that could not be published, an ack lost with the
   * connection). The message is redelivered in each case. Default: console.error, so they are seen.
   */
  onError?: (err: SurgeError) => void;
}

export interface ResolvedJetStreamOptions {
  readonly servers: string[];
  readonly namespace: string;
  readonly name: string;
  readonly requestTimeoutMs: number;
  readonly maxReconnectAttempts: number;
  readonly maxAgeMs: number;
  readonly dedupWindowMs: number;
  readonly replicas: number;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly codec: Codec;
  readonly onError: (err: SurgeError) => void;
}

const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;
const DAY_MS = 86_400_000;

export function resolveJetStreamQueueOptions(options: JetStreamQueueOptions): ResolvedJetStreamOptions {
  const servers = typeof options?.servers === 'string' ? [options.servers] : options?.servers;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string' && s.length > 0))
    throw errors.invalid('servers', 'a server URL or a non-empty list of them');
  const namespace = options.namespace ?? 'surge';
  if (!NAMESPACE.test(namespace)) throw errors.invalid('namespace', "1-64 letters, digits, '_' or '-'");
  const maxReconnectAttempts = options.maxReconnectAttempts ?? -1;
  if (!Number.isInteger(maxReconnectAttempts) || maxReconnectAttempts < -1) throw errors.invalid('maxReconnectAttempts', 'an integer, -1 for forever');
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw errors.invalid('replicas', 'an integer from 1 to 5');
  return Object.freeze({
    servers: [...servers],
    namespace,
    name: options.name ?? 'surge',
    requestTimeoutMs: positiveMs('requestTimeoutMs', options.requestTimeoutMs, 5000),
    maxReconnectAttempts,
    maxAgeMs: positiveMs('maxAgeMs', options.maxAgeMs, 7 * DAY_MS),
    dedupWindowMs: positiveMs('dedupWindowMs', options.dedupWindowMs, 120_000),
    replicas,
    clock: options.clock ?? systemClock,
    newId: options.newId ?? randomUUID,
    codec: options.codec ?? jsonCodec,
    onError: options.onError ?? ((err: SurgeError) => console.error('surge queue:', err, err.cause)),
  });
}

export function streamName(namespace: string): string {
  return `SURGE_${namespace}`;
}

/** Connects, creates or updates the namespace's stream, and returns the queue. */
export async function connectJetStreamQueue(options: JetStreamQueueOptions): Promise<Queue> {
  const o = resolveJetStreamQueueOptions(options);
  let nc: NatsConnection;
  try {
    // noAsyncTraces: building async stack traces costs a third of publish time (DESIGN.md §3).
    nc = await connect({ servers: o.servers, name: o.name, noAsyncTraces: true, timeout: o.requestTimeoutMs, maxReconnectAttempts: o.maxReconnectAttempts });
  } catch (err) {
    throw errors.unavailable(DEPENDENCY, err);
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: o.requestTimeoutMs });
    await ensureStream(jsm, o);
    return new JetStreamQueue(o, nc, jsm, jetstream(nc, { timeout: o.requestTimeoutMs }));
  } catch (err) {
    await nc.close().catch(() => undefined); // already failing; the first error is the one to report
    throw fromNats(err, `set up stream ${streamName(o.namespace)}`);
  }
}

async function ensureStream(jsm: JetStreamManager, o: ResolvedJetStreamOptions): Promise<void> {
  const config: Partial<StreamConfig> & { name: string } = {
    name: streamName(o.namespace),
    subjects: [`${o.namespace}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(o.maxAgeMs),
    duplicate_window: nanos(o.dedupWindowMs),
    num_replicas: o.replicas,
  };
  try {
    const info = await jsm.streams.info(config.name);
    const c = info.config;
    if (c.max_age !== config.max_age || c.duplicate_window !== config.duplicate_window || c.subjects?.join() !== config.subjects!.join())
      await jsm.streams.update(config.name, { ...c, subjects: config.subjects!, max_age: config.max_age!, duplicate_window: config.duplicate_window! });
  } catch (err) {
    if (!isApiError(err, apiCode.streamNotFound)) throw err;
    await jsm.streams.add(config);
  }
}

export class JetStreamQueue implements Queue {
  private readonly subscribers = new Set<JetStreamSubscriber>();
  private closing: Promise<void> | undefined;
  readonly stream: string;

  constructor(readonly options: ResolvedJetStreamOptions, readonly nc: NatsConnection, readonly jsm: JetStreamManager, readonly js: JetStreamClient) {
    this.stream = streamName(options.namespace);
  }

  subject(topic: string): string {
    return `${this.options.namespace}.${topic}`;
  }

  topicOf(subject: string): string {
    return subject.slice(this.options.namespace.length + 1);
  }

  async publish<T>(topic: string | Topic<T>, data: T, options?: PublishOptions): Promise<void> {
    this.assertOpen();
    const { name, codec } = topicOf(topic, this.options.codec);
    checkTopic(name);
    const { headers, dedupKey } = checkPublishOptions(options);
    const id = dedupKey ?? this.options.newId();
    await this.publishEnvelope({ id, topic: name, payload: codec.encode(data), headers, publishedAt: this.options.clock.now() }, id);
  }

  /** Publishes and waits for the PubAck; msgID is the server-side dedup key. */
  async publishEnvelope(env: Envelope, msgID: string): Promise<void> {
    const h: MsgHdrs = natsHeaders();
    for (const [k, v] of Object.entries(env.headers)) h.set(k, v);
    h.set(envelopeHeader.id, env.id);
    h.set(envelopeHeader.publishedAt, String(env.publishedAt));
    try {
      await this.js.publish(this.subject(env.topic), env.payload, { msgID, headers: h, timeout: this.options.requestTimeoutMs });
    } catch (err) {
      throw fromNats(err, `publish to ${env.topic}`);
    }
  }

  async subscribe<T>(topic: string | Topic<T>, group: string, handler: MessageHandler<T>, options?: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const { name, codec } = topicOf(topic, this.options.codec);
    checkTopic(name);
    checkGroup(group);
    if (typeof handler !== 'function') throw errors.invalid('handler', 'a function');
    const sub = new JetStreamSubscriber(this, name, codec, group, handler as MessageHandler<unknown>, resolveSubscribeOptions(options), () => this.subscribers.delete(sub));
    await sub.start();
    this.subscribers.add(sub);
    return sub;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      await this.jsm.getAccountInfo();
    } catch (err) {
      throw errors.unavailable(DEPENDENCY, err);
    }
  }

  /** One consumer-info request per group this process subscribed (the server's count, shared by every subscriber of the group). */
  async backlog(): Promise<GroupBacklog[]> {
    const byDurable = new Map<string, { topic: string; group: string; deadLetters: number }>();
    for (const s of this.subscribers) {
      const seen = byDurable.get(s.durable);
      if (seen) seen.deadLetters += s.deadLetters;
      else byDurable.set(s.durable, { topic: s.topic, group: s.group, deadLetters: s.deadLetters });
    }
    try {
      return await Promise.all(
        [...byDurable].map(async ([durable, g]) => {
          const info = await this.jsm.consumers.info(this.stream, durable);
          return { ...g, pending: info.num_pending, unacked: info.num_ack_pending };
        }),
      );
    } catch (err) {
      throw errors.unavailable(DEPENDENCY, err);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscribers].map((s) => s.close()));
      if (this.nc.isClosed()) return;
      // Drain flushes the acks just sent; if the server is gone it cannot finish, so bound it.
      const stopWaiting = new AbortController();
      const drained = this.nc.drain().then(() => false, () => false);
      const late = this.options.clock.sleep(this.options.requestTimeoutMs, stopWaiting.signal).then(() => true, () => false);
      const timedOut = await Promise.race([drained, late]);
      stopWaiting.abort();
      if (timedOut) await this.nc.close().catch(() => undefined); // acks not flushed are redelivered: at-least-once holds
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new SurgeError(Code.FailedPrecondition, 'the queue is closed');
  }
}
