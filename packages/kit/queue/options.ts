// Validation shared by both adapters, so a name or option rejected by one is rejected by the other,
// at subscribe/publish time with a SurgeError(InvalidArgument) naming the field.
import { errors } from '#kit/errors';
import type { PublishOptions, SubscribeOptions } from './types.js';

export interface ResolvedSubscribeOptions {
  readonly maxAttempts: number;
  readonly backoffMs: readonly number[];
  readonly concurrency: number;
  readonly ackWaitMs: number;
}

export const subscribeDefaults: ResolvedSubscribeOptions = Object.freeze({
  maxAttempts: 5,
  backoffMs: Object.freeze([100, 1000, 5000, 30000]),
  concurrency: 16,
  ackWaitMs: 30_000,
});

// Topics map to NATS subject tokens and groups to durable names, so both stay in the character set
// that is valid (and readable) in each: letters, digits and '-'; topics use '.' between words.
const TOPIC = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
const GROUP = /^[A-Za-z0-9-]+$/;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
// Group and topic together form a durable name, which the server stores as a file name (255 bytes).
const MAX_NAME = 100;

export function checkTopic(topic: unknown): string {
  if (typeof topic !== 'string' || topic.length > MAX_NAME || !TOPIC.test(topic))
    throw errors.invalid('topic', "use letters, digits and '-', words separated by '.' (e.g. user.registered)");
  return topic;
}

export function checkGroup(group: unknown): string {
  if (typeof group !== 'string' || group.length > MAX_NAME || !GROUP.test(group))
    throw errors.invalid('group', "use letters, digits and '-' (e.g. feed-fanout)");
  return group;
}

/** Reserved prefix for the kit's own headers. */
export const RESERVED_HEADER_PREFIX = 'surge-';

export function checkPublishOptions(options: PublishOptions | undefined): { headers: Record<string, string>; dedupKey: string | undefined } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw errors.invalid('headers', `header name ${JSON.stringify(name)}: use letters, digits and '-'`);
    if (name.toLowerCase().startsWith(RESERVED_HEADER_PREFIX)) throw errors.invalid('headers', `header ${name}: the surge- prefix is reserved`);
    if (typeof value !== 'string' || /[\r\n]/.test(value)) throw errors.invalid('headers', `header ${name}: value must be a one-line string`);
    headers[name] = value;
  }
  const dedupKey = options?.dedupKey;
  if (dedupKey !== undefined && (typeof dedupKey !== 'string' || dedupKey.length === 0 || dedupKey.length > MAX_NAME || /[\s]/.test(dedupKey)))
    throw errors.invalid('dedupKey', `a non-empty string of at most ${MAX_NAME} characters without spaces`);
  return { headers, dedupKey };
}

export function resolveSubscribeOptions(options: SubscribeOptions = {}): ResolvedSubscribeOptions {
  const d = subscribeDefaults;
  const maxAttempts = options.maxAttempts ?? d.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw errors.invalid('maxAttempts', 'an integer of at least 1');
  const backoffMs = options.backoffMs ?? d.backoffMs;
  if (!Array.isArray(backoffMs) || backoffMs.length === 0 || !backoffMs.every((ms) => Number.isFinite(ms) && ms >= 0))
    throw errors.invalid('backoffMs', 'a non-empty array of delays in ms, each finite and >= 0');
  const concurrency = options.concurrency ?? d.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) throw errors.invalid('concurrency', 'an integer from 1 to 10000');
  const ackWaitMs = options.ackWaitMs ?? d.ackWaitMs;
  // Below ~100 ms heartbeats (every ackWaitMs/3) would flood the server.
  if (!Number.isFinite(ackWaitMs) || ackWaitMs < 100) throw errors.invalid('ackWaitMs', 'a number of ms, at least 100');
  return Object.freeze({ maxAttempts, backoffMs: Object.freeze([...backoffMs]), concurrency, ackWaitMs });
}

/** The delay before the attempt after `failedAttempt`; the last entry repeats. */
export function backoffFor(options: ResolvedSubscribeOptions, failedAttempt: number): number {
  const b = options.backoffMs;
  return b[Math.min(failedAttempt, b.length) - 1]!;
}

/** Positive finite number option, or the default; throws naming the option. */
export function positiveMs(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw errors.invalid(name, 'a positive number of ms');
  return v;
}
