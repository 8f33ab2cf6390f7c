// The client side: the headers that sign one request. Pure given `now` and `nonce`; by default
// the clock's time and 16 random bytes.
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { computeSignature, HEADERS, secretBytes, TOKEN, type SignedRequest } from './canonical.js';

export interface SigningKey {
  /** Names the secret to the receiver (its key ring may hold several during a rotation). */
  id: string;
  /** Shared secret, at least 32 bytes. */
  secret: string | Uint8Array;
}

export interface SignOptions {
  /** Default systemClock: the timestamp is clock.now() in whole seconds. */
  clock?: Clock;
  /** Default 16 random bytes in hex; a caller retrying the same notification may reuse none, each try gets its own. */
  nonce?: string;
}

/** The four x-surge-* headers to send with the request. */
export function signRequest(request: SignedRequest, key: SigningKey, options: SignOptions = {}): Record<string, string> {
  if (!TOKEN.test(key.id)) throw errors.invalid('key.id', 'must be 1-64 of A-Z a-z 0-9 . _ -');
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  if (!TOKEN.test(nonce)) throw errors.invalid('nonce', 'must be 1-64 of A-Z a-z 0-9 . _ -');
  const timestamp = Math.floor((options.clock ?? systemClock).now() / 1000);
  const signature = computeSignature(request, { keyId: key.id, timestamp, nonce }, secretBytes('key.secret', key.secret));
  return { [HEADERS.keyId]: key.id, [HEADERS.timestamp]: String(timestamp), [HEADERS.nonce]: nonce, [HEADERS.signature]: signature };
}
