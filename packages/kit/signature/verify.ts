// The receiving side: checks the x-surge-* headers of a request (server-to-server callbacks such
// as payment notifications). In order: the headers are well formed, the key id is in the key
// ring, the timestamp is within ±tolerance of the clock, the HMAC matches (constant-time), and
// only then the request is new (the seen-set holds valid signatures only, so forged requests
// cannot fill it). Every refusal is Unauthenticated naming what failed; the sender owns the key,
// so saying which check failed helps integration and tells a forger nothing.
//
// Key rotation: the ring maps key ids to secrets. Add the new key, move senders to it, remove
// the old one; both verify while both are listed.
import { timingSafeEqual } from 'node:crypto';
import { type Clock, systemClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import { createMemoryLimitStore } from '#kit/limit';
import { computeSignature, HEADERS, secretBytes, TOKEN, type SignedRequest } from './canonical.js';
import { replayGuardOn, type ReplayGuard } from './replay.js';

export interface VerifierOptions {
  /** Required: key id → shared secret (each at least 32 bytes); at least one. */
  keys: Readonly<Record<string, string | Uint8Array>>;
  /** Default 300 s (as Stripe's webhooks): room for clock skew between two servers and a sender's queue, short enough to bound replays. */
  toleranceSeconds?: number;
  /** Default an in-process seen-set (one process). Pass replayGuardOn(the shared limit store) so it holds across instances. */
  replay?: ReplayGuard;
  /** Default systemClock: timestamps are compared with clock.now(). */
  clock?: Clock;
}

export interface VerifiedSignature {
  keyId: string;
  /** Unix seconds, as signed. */
  timestamp: number;
}

export interface SignatureVerifier {
  /** Resolves with who signed, or rejects with SurgeError(Unauthenticated) naming the failed check. */
  verify(request: SignedRequest, headers: Readonly<Record<string, string | string[] | undefined>>): Promise<VerifiedSignature>;
}

const refuse = (why: string) => new SurgeError(Code.Unauthenticated, `request signature: ${why}`);

export function createSignatureVerifier(options: VerifierOptions): SignatureVerifier {
  const clock = options.clock ?? systemClock;
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  if (!Number.isInteger(toleranceSeconds) || toleranceSeconds < 1 || toleranceSeconds > 3600) throw errors.invalid('toleranceSeconds', 'must be a whole number of seconds from 1 to 3600');
  const ring = new Map<string, Uint8Array>();
  for (const [id, secret] of Object.entries(options.keys ?? {})) {
    if (!TOKEN.test(id)) throw errors.invalid('keys', `key id ${JSON.stringify(id)} must be 1-64 of A-Z a-z 0-9 . _ -`);
    ring.set(id, secretBytes(`keys.${id}`, secret));
  }
  if (ring.size === 0) throw errors.invalid('keys', 'must hold at least one key');
  const toleranceMs = toleranceSeconds * 1000;
  // A signature is acceptable while its timestamp is within ±tolerance: remember it that long from any arrival.
  const rememberMs = 2 * toleranceMs;
  const replay = options.replay ?? replayGuardOn(createMemoryLimitStore({ clock }));

  return {
    async verify(request, headers) {
      const keyId = one(headers, HEADERS.keyId);
      const stamp = one(headers, HEADERS.timestamp);
      const nonce = one(headers, HEADERS.nonce);
      const signature = one(headers, HEADERS.signature);
      if (!TOKEN.test(keyId)) throw refuse(`${HEADERS.keyId} is missing or malformed`);
      if (!TOKEN.test(nonce)) throw refuse(`${HEADERS.nonce} is missing or malformed`);
      if (!/^\d{1,12}$/.test(stamp)) throw refuse(`${HEADERS.timestamp} must be unix seconds`);
      if (!/^[0-9a-f]{64}$/.test(signature)) throw refuse(`${HEADERS.signature} must be 64 lower-case hex digits`);
      const secret = ring.get(keyId);
      if (secret === undefined) throw refuse(`unknown key id ${JSON.stringify(keyId)}`);
      const timestamp = Number(stamp);
      if (Math.abs(clock.now() - timestamp * 1000) > toleranceMs) throw refuse(`timestamp is more than ${toleranceSeconds} s from the server's time`);
      const expected = Buffer.from(computeSignature(request, { keyId, timestamp, nonce }, secret), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw refuse('does not match the request');
      if (!(await replay.firstSeen(`${keyId}:${signature}`, rememberMs))) throw refuse('this request was already received (replay)');
      return { keyId, timestamp };
    },
  };
}

/** A header's single value; '' when absent or repeated (a repeated signature header is ambiguous). */
function one(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string {
  const v = headers[name];
  return typeof v === 'string' ? v : '';
}
