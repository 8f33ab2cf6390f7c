// The delivery policy both adapters share: run the handler once for one delivery and decide how
// the delivery settles (ack, retry after the back-off, or dead letter). Adapters only carry it out.
import type { Codec, Envelope } from './codec.js';
import { backoffFor, type ResolvedSubscribeOptions } from './options.js';
import { deadLetterHeader, deadLetterTopic, type MessageHandler } from './types.js';

export type Settlement =
  | { readonly kind: 'ack' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'dead'; readonly error: string };

const MAX_ERROR_HEADER = 500;

export async function runDelivery<T>(
  env: Envelope,
  attempt: number,
  handler: MessageHandler<T>,
  options: ResolvedSubscribeOptions,
  codec: Codec,
): Promise<Settlement> {
  // Deliveries past the limit happen when earlier ones never settled (the process died or ackWait
  // passed); running the handler again could crash this process too, so park the message.
  if (attempt > options.maxAttempts) return { kind: 'dead', error: 'delivery limit reached: earlier deliveries never settled' };
  let data: T;
  try {
    data = codec.decode(env.payload) as T;
  } catch (err) {
    // A payload that does not decode now never will: retrying only delays the dead letter.
    return { kind: 'dead', error: `payload could not be decoded: ${messageOf(err)}` };
  }
  try {
    await handler({ id: env.id, topic: env.topic, data, headers: env.headers, attempt, publishedAt: env.publishedAt });
    return { kind: 'ack' };
  } catch (err) {
    if (attempt >= options.maxAttempts) return { kind: 'dead', error: messageOf(err) };
    return { kind: 'retry', delayMs: backoffFor(options, attempt) };
  }
}

/** The dead letter for a message: same id and payload, on `<topic>.dead`, with headers saying why. */
export function deadLetter(env: Envelope, group: string, attempts: number, error: string): Envelope {
  return {
    id: env.id,
    topic: deadLetterTopic(env.topic),
    payload: env.payload,
    publishedAt: env.publishedAt,
    headers: {
      ...env.headers,
      [deadLetterHeader.topic]: env.topic,
      [deadLetterHeader.group]: group,
      [deadLetterHeader.attempts]: String(attempts),
      [deadLetterHeader.error]: error,
    },
  };
}

// Header values must be one line and bounded.
function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/[\r\n]+/g, ' ').slice(0, MAX_ERROR_HEADER) || 'handler failed';
}
