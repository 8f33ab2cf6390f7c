// Typed topics: one definition per topic, its name and the protobuf message its payload is, so
// publishers and consumers share the type and the codec. The definition sits beside the
// publishing service's contract (services/<name>/events.ts), the message in
// proto/surge/<name>/v1/events.proto.
//
// proto3 has no required fields: a field never set decodes as 0 or ''. "Required" is therefore
// the topic's check, run on both sides: publish refuses a message that fails it (the publisher's
// bug surfaces in the publisher's request), and a consumer's decode fails on it, so the queue
// dead-letters the delivery at once and the handler never sees it.
import { errors, SurgeError } from '#kit/errors';
import type { Codec, Topic } from '#kit/queue';
import { isLegacyJson, fromLegacyJson } from './legacy-json.js';

/** The slice of a ts-proto generated message (its MessageFns) a topic uses. */
export interface ProtoMessage<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/** Throws (a SurgeError, InvalidArgument naming the field) when a decoded message cannot be applied. */
export type TopicCheck<T> = (message: T) => void;

const TOPIC_NAME = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/; // the queue's topic rule, with at least two words

/**
 * Defines a topic. `check` says what the message needs beyond decoding (ids set, a delta of ±1);
 * refused at publish and dead-lettered at delivery. Bad definitions fail here, at module load.
 */
export function defineTopic<T extends object>(name: string, message: ProtoMessage<T>, check?: TopicCheck<T>): Topic<T> {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name)) throw errors.invalid('name', "words of letters, digits and '-' joined by '.', such as 'video.published'");
  if (typeof message?.encode !== 'function' || typeof message?.decode !== 'function') throw errors.invalid('message', 'a generated protobuf message (encode and decode)');
  if (check !== undefined && typeof check !== 'function') throw errors.invalid('check', 'a function');
  const defaults = message.decode(new Uint8Array(0));
  const checked = (msg: T): T => {
    check?.(msg);
    return msg;
  };
  const codec: Codec<T> = Object.freeze({
    encode(data: T): Uint8Array {
      if (typeof data !== 'object' || data === null) throw errors.invalid('data', `${name}: a ${name} message`);
      return message.encode(checked(data)).finish();
    },
    decode(bytes: Uint8Array): T {
      try {
        return checked(isLegacyJson(bytes) ? fromLegacyJson(bytes, defaults) : message.decode(bytes));
      } catch (err) {
        if (err instanceof SurgeError) throw err;
        throw Object.assign(errors.invalid('payload', `${name}: not a ${name} message (${(err as Error).message})`), { cause: err });
      }
    },
  });
  return Object.freeze({ name, codec });
}
