// Payload encoding, in one place so a protobuf codec can replace JSON later. Both adapters carry
// bytes (the memory adapter too), so a value that cannot cross the wire fails in embedded tests as well.
import { errors } from '#kit/errors';

export interface Codec {
  encode(data: unknown): Uint8Array;
  /** Throws when the bytes are not a valid payload; the message is then dead-lettered, as retrying cannot help. */
  decode(bytes: Uint8Array): unknown;
}

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
