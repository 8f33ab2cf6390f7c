// The queue's public shapes. A Queue is the adapter (in-process memory or NATS JetStream);
// services see only these types, never the driver's.

import type { Topic } from './codec.js';

/** One delivery of a published message to one consumer group. */
export interface QueueMessage<T> {
  /** Stable across redeliveries and groups: the publisher's id (or its dedupKey when given). */
  readonly id: string;
  readonly topic: string;
  readonly data: T;
  /** The publisher's headers; dead letters add the `surge-dead-*` headers (see deadLetterHeader). */
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on the first delivery to this group, 2 on the first retry, … */
  readonly attempt: number;
  /** Publisher's wall clock (ms since the epoch) when publish() was called. */
  readonly publishedAt: number;
}

export interface PublishOptions {
  /** Extra headers; names are letters, digits and '-', values one line. Names starting `surge-` are reserved. */
  headers?: Record<string, string>;
  /**
   * Publisher-side dedup: a second publish with the same key inside the dedup window is dropped
   * (JetStream's Nats-Msg-Id; the memory adapter keeps its own window). Keys are shared by all topics
   * of a queue (a JetStream stream), so put the event kind in the key. It also becomes the message id.
   */
  dedupKey?: string;
}

export interface SubscribeOptions {
  /**
   * Deliveries before the message goes to the dead-letter topic. Default 5: enough to ride out a
   * dependency restart with the default back-off (~36 s in total), few enough to park a poison message soon.
   */
  maxAttempts?: number;
  /**
   * Delay before attempt n+1 after attempt n failed is backoffMs[n-1]; the last entry repeats.
   * Default [100, 1000, 5000, 30000]: a blip is retried at once, an outage gets time to heal.
   */
  backoffMs?: number[];
  /** Handlers running at once in this subscriber. Default 16: overlaps I/O without flooding the database. */
  concurrency?: number;
  /**
   * JetStream: a delivery not acked or heartbeated within this window is redelivered (the
   * subscriber's process died). Live handlers heartbeat every ackWaitMs/3, so slow work is not
   * duplicated. Default 30000, JetStream's own default. The memory adapter has no process to lose and
   * ignores it.
   */
  ackWaitMs?: number;
}

export type MessageHandler<T> = (msg: QueueMessage<T>) => Promise<void>;

export interface Subscription {
  /** Stops taking messages and resolves once this subscriber's in-flight handlers have settled. */
  close(): Promise<void>;
}

/**
 * Publish/subscribe with durable consumer groups and at-least-once delivery.
 * - Subscribers with the same group share a topic's messages; each group gets every message.
 * - A group starts at the first subscribe of that group: it receives messages published from then
 *   on, including while none of its subscribers runs. Earlier messages are not replayed (JetStream
 *   DeliverPolicy "new"), so a new consumer never re-runs side effects for old events.
 * - Handler resolves → ack. Handler throws → retry after the back-off, up to maxAttempts, then the
 *   message is published to `<topic>.dead` with headers naming topic, group, attempts and error,
 *   carrying the original payload bytes unchanged. Dead letters follow the group rule too: JetStream
 *   keeps them in the stream for its max age; the memory adapter keeps them only for groups already
 *   subscribed to `<topic>.dead`.
 * - A payload the topic's codec cannot decode (for a typed topic: not its message, or failing its
 *   check) is dead-lettered on that delivery, never retried and never handed to the handler.
 * - No ordering promise: retries and concurrency reorder messages.
 */
export interface Queue {
  /**
   * Resolves once the message is durably accepted (JetStream PubAck). A typed topic encodes data
   * with its own codec (and refuses data its check refuses); a plain name uses the queue's codec.
   */
  publish<T>(topic: string | Topic<T>, data: T, options?: PublishOptions): Promise<void>;
  /**
   * The handler gets data decoded by the topic's codec (the queue's for a plain name). A payload
   * that does not decode is dead-lettered at once, never retried and never handed to the handler.
   */
  subscribe<T>(topic: string | Topic<T>, group: string, handler: MessageHandler<T>, options?: SubscribeOptions): Promise<Subscription>;
  /** Rejects with SurgeError(Unavailable, dependency 'nats') when the server does not answer. */
  ping(): Promise<void>;
  /** The state of every consumer group this process subscribed to, for metrics and operators. */
  backlog(): Promise<GroupBacklog[]>;
  /** Drains: stops taking messages, waits for in-flight handlers, then releases the connection. */
  close(): Promise<void>;
}

/** One consumer group of a topic, as the process that subscribed it sees the broker. */
export interface GroupBacklog {
  readonly topic: string;
  readonly group: string;
  /** Messages not yet handed to any subscriber of the group (JetStream num_pending; in memory, retries waiting included). */
  readonly pending: number;
  /** Handed to a subscriber, not yet acknowledged. */
  readonly unacked: number;
  /** Messages this process sent to the dead-letter topic for the group since it started. */
  readonly deadLetters: number;
}

/** Where a message goes after its last attempt. The one place the suffix is named. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dead`;
}

/** Headers added to a dead letter. */
export const deadLetterHeader = Object.freeze({
  topic: 'surge-dead-topic',
  group: 'surge-dead-group',
  attempts: 'surge-dead-attempts',
  error: 'surge-dead-error',
});
