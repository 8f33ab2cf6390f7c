// One subscriber of a JetStream durable pull consumer. The consumer is per (topic, group): every
// subscriber of the group pulls from it, so the server shares messages among them, and it keeps
// the group's position while none runs. Handlers heartbeat (working()) every ackWait/3; when the
// process dies the heartbeats stop and the server redelivers after ackWait.
import { nanos } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Clock, Timer } from '#kit/clock';
import type { SurgeError } from '#kit/errors';
import type { Codec, Envelope } from './codec.js';
import { envelopeHeader } from './codec.js';
import { deadLetter, runDelivery, type Settlement } from './delivery.js';
import { InFlight } from './in-flight.js';
import { apiCode, fromNats, isApiError } from './nats-errors.js';
import { backoffFor, type ResolvedSubscribeOptions } from './options.js';
import type { MessageHandler, Subscription } from './types.js';

/** Durable name of a (topic, group): groups hold no '_' and topics none either, so '_' keeps names distinct. */
export function durableName(topic: string, group: string): string {
  return `${group}_${topic.replaceAll('.', '_')}`;
}

/**
 * What a subscriber uses of its queue (JetStreamQueue in jetstream.ts): named here so the
 * subscriber does not import the queue that creates it.
 */
export interface SubscriberQueue {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly options: { readonly clock: Clock; readonly codec: Codec; readonly onError: (err: SurgeError) => void };
  subject(topic: string): string;
  topicOf(subject: string): string;
  publishEnvelope(env: Envelope, msgID: string): Promise<void>;
}

export class JetStreamSubscriber implements Subscription {
  private readonly inFlight: InFlight;
  readonly durable: string;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private closing: Promise<void> | undefined;
  /** Messages this subscriber sent to the dead-letter topic. */
  deadLetters = 0;

  constructor(
    private readonly queue: SubscriberQueue,
    readonly topic: string,
    /** The subscribed topic's codec: a typed topic decodes with its own, whatever the queue's default. */
    private readonly codec: Codec,
    readonly group: string,
    private readonly handler: MessageHandler<unknown>,
    private readonly options: ResolvedSubscribeOptions,
    private readonly onClosed: () => void,
  ) {
    this.inFlight = new InFlight(options.concurrency);
    this.durable = durableName(topic, group);
  }

  async start(): Promise<void> {
    const { js, stream } = this.queue;
    try {
      await this.ensureConsumer();
      const consumer = await js.consumers.get(stream, this.durable);
      // Pull no more than we can run: messages waiting in our buffer would age towards ackWait.
      this.messages = await consumer.consume({ max_messages: this.options.concurrency });
    } catch (err) {
      throw fromNats(err, `subscribe group ${this.group} to ${this.topic}`);
    }
    this.loop = this.pull(this.messages);
  }

  private async ensureConsumer(): Promise<void> {
    const { jsm, stream } = this.queue;
    const ackWait = nanos(this.options.ackWaitMs);
    try {
      const info = await jsm.consumers.info(stream, this.durable);
      if (info.config.ack_wait !== ackWait) await jsm.consumers.update(stream, this.durable, { ack_wait: ackWait });
      return;
    } catch (err) {
      if (!isApiError(err, apiCode.consumerNotFound)) throw err;
    }
    const config: Partial<ConsumerConfig> = {
      durable_name: this.durable,
      filter_subject: this.queue.subject(this.topic),
      ack_policy: AckPolicy.Explicit,
      // A new group starts from now, as the memory adapter does (see Queue in types.ts).
      deliver_policy: DeliverPolicy.New,
      ack_wait: ackWait,
      // Unlimited on the server: runDelivery dead-letters past maxAttempts, which the server cannot do.
      max_deliver: -1,
    };
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      // Another subscriber of the group created it first: same consumer, nothing to do.
      if (!isApiError(err, apiCode.consumerExists) && !isApiError(err, apiCode.consumerAlreadyExists)) throw err;
    }
  }

  private async pull(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const m of messages) {
        while (!this.stopping && !this.inFlight.tryTake()) await this.inFlight.waitForRoom();
        // Closing: hand back what was pulled so another subscriber gets it now, not after ackWait
        // (JetStream counts the hand-back as a delivery, as it would the ackWait expiry).
        if (this.stopping) {
          this.settle(m, () => m.nak());
          continue;
        }
        // handle() settles every message itself; a throw here would be a bug, so report it, never lose the slot.
        this.handle(m)
          .catch((err: unknown) => this.queue.options.onError(fromNats(err, `handle message ${m.seq}`)))
          .finally(() => this.inFlight.release());
      }
    } catch (err) {
      if (!this.stopping) this.queue.options.onError(fromNats(err, `consume ${this.durable}`));
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const { clock } = this.queue.options;
    const attempt = m.info.deliveryCount;
    const env = this.toEnvelope(m);
    let timer: Timer | undefined;
    const beat = () => {
      this.settle(m, () => m.working());
      timer = clock.after(this.options.ackWaitMs / 3, beat);
    };
    timer = clock.after(this.options.ackWaitMs / 3, beat);
    let outcome: Settlement;
    try {
      outcome = await runDelivery(env, attempt, this.handler, this.options, this.codec);
    } finally {
      timer.cancel();
    }
    if (outcome.kind === 'ack') this.settle(m, () => m.ack());
    else if (outcome.kind === 'retry') this.settle(m, () => m.nak(outcome.delayMs));
    else await this.deadLetter(m, env, attempt, outcome.error);
  }

  private async deadLetter(m: JsMsg, env: Envelope, attempt: number, error: string): Promise<void> {
    try {
      // Its own msgID: a redelivery after a crash between publish and ack does not dead-letter twice.
      await this.queue.publishEnvelope(deadLetter(env, this.group, attempt, error), `${env.id}:dead:${this.group}`);
      this.deadLetters++;
      this.settle(m, () => m.ack());
    } catch (err) {
      // Keep the message rather than lose it: it comes back and the dead letter is tried again.
      this.queue.options.onError(fromNats(err, `dead-letter ${env.id}`));
      this.settle(m, () => m.nak(backoffFor(this.options, this.options.maxAttempts)));
    }
  }

  /** Acks are fire-and-forget publishes; one that fails (connection gone) means a redelivery, not a loss. */
  private settle(m: JsMsg, act: () => void): void {
    try {
      act();
    } catch (err) {
      this.queue.options.onError(fromNats(err, `settle message ${m.seq}`));
    }
  }

  private toEnvelope(m: JsMsg): Envelope {
    const headers: Record<string, string> = {};
    let id = `${m.info.stream}:${m.seq}`; // messages published by other tools have no surge-id
    let publishedAt = Math.floor(m.info.timestampNanos / 1e6);
    for (const key of m.headers?.keys() ?? []) {
      const value = m.headers!.get(key);
      if (key === envelopeHeader.id) id = value;
      else if (key === envelopeHeader.publishedAt) publishedAt = Number(value) || publishedAt;
      else if (!key.startsWith('Nats-')) headers[key] = value; // the server's own headers are not the publisher's
    }
    return { id, topic: this.queue.topicOf(m.subject), payload: m.data, headers, publishedAt };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      this.inFlight.wakeAll();
      await this.messages?.close();
      await this.loop;
      await this.inFlight.idle();
      this.onClosed();
    })();
    return this.closing;
  }
}
