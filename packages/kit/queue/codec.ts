// Payload encoding. A queue's own codec (JSON by default) serves topics named by a string; a typed
// topic (Topic, made by #kit/events defineTopic) brings its own protobuf codec. Both adapters carry
// bytes (the memory adapter too), so a value that cannot cross the wire fails in embedded tests as well.
import { errors } from '#kit/errors';

export interface Codec<T = unknown> {
  /** Throws (InvalidArgument) when the value cannot be sent: the publisher hears it, nothing is published. */
  encode(data: T): Uint8Array;
  /** Throws when the bytes are not a valid payload; the message is then dead-lettered, as retrying cannot help. */
  decode(bytes: Uint8Array): T;
}

/**
 * A topic with its payload type: the name and the codec every publisher and consumer of it use.
 * Pass it where a topic name goes (publish, subscribe, outbox.add) and the data is typed T.
 */
export interface Topic<T> {
  readonly name: string;
  readonly codec: Codec<T>;
}

/** The name and codec a publish or subscribe uses: the topic's own, or the queue's for a plain name. */
export function topicOf<T>(topic: string | Topic<T>, fallback: Codec): Topic<T> {
  return typeof topic === 'string' ? { name: topic, codec: fallback as Codec<T> } : topic;
}

/** Bytes carried as they are: for payloads already encoded (the outbox relay). */
export const bytesCodec: Codec<Uint8Array> = Object.freeze({
  encode(data: Uint8Array): Uint8Array {
    if (!(data instanceof Uint8Array)) throw errors.invalid('data', 'encoded bytes (a Uint8Array)');
    return data;
  },
  decode: (bytes: Uint8Array): Uint8Array => bytes,
});

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON in UTF-8. */
export const jsonCodec: Codec = Object.freeze({
  encode(data: unknown): Uint8Array {
    let text: string | undefined;
    try {
      text = JSON.stringify(data);
    } catch (err) {
      throw Object.assign(errors.invalid('data', `not JSON-serialisable: ${(err as Error).message}`), { cause: err });
    }
    if (text === undefined) throw errors.invalid('data', 'not JSON-serialisable (undefined, a function or a symbol)');
    return utf8.encode(text);
  },
  decode(bytes: Uint8Array): unknown {
    return JSON.parse(fromUtf8.decode(bytes));
  },
});

/** What both adapters store and move: the encoded payload with the kit's metadata. */
export interface Envelope {
  readonly id: string;
  readonly topic: string;
  readonly payload: Uint8Array;
  /** User headers, plus the dead-letter headers on a dead letter. */
  readonly headers: Readonly<Record<string, string>>;
  readonly publishedAt: number;
}

/** Header names that carry envelope metadata over NATS; stripped before a handler sees the headers. */
export const envelopeHeader = Object.freeze({ id: 'surge-id', publishedAt: 'surge-published-at' });
