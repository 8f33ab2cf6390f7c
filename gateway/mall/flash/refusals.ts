// The answers the buy path gives without calling the seckill service, made once and reused: a
// flood is refused thousands of times a second, and a new Error captures a stack each time.
// Codes, words and details are the service's own (proto/surge/seckill/v1/seckill.proto,
// services/seckill/refusals.ts): a client cannot tell, and need not, which side refused.
import { Code, SurgeError, errors } from '#kit/errors';

export interface Refusals {
  /** 429: the user's buys per second here; Retry-After in whole seconds, at least 1. */
  rateLimited(retryAfterMs: number): SurgeError;
  /** 403 PermissionDenied, reason not_started, with the sale's start_at. */
  notStarted(startAt: number): SurgeError;
  /** 403 PermissionDenied, reason ended. */
  ended(): SurgeError;
  /** 409 FailedPrecondition, reason sold_out. */
  soldOut(): SurgeError;
}

/** Whether an error from Buy says the sale has no units left (not "fewer than you asked for": not_enough). */
export const isSoldOut = (err: unknown): boolean =>
  err instanceof SurgeError && err.code === Code.FailedPrecondition && err.details?.reason === 'sold_out';

export function createRefusals(): Refusals {
  // The same words and details as the service's (services/seckill/refusals.ts).
  const ended = new SurgeError(Code.PermissionDenied, 'the flash sale has ended', { details: { field: 'sale_id', reason: 'ended' } });
  const soldOut = new SurgeError(Code.FailedPrecondition, 'the flash sale is sold out', { details: { field: 'sale_id', reason: 'sold_out' } });
  // Keyed by start_at and by seconds to wait: few of each (the sales' starts, a wait of 1 s at 1 buy a second or more).
  const notStarted = new Map<number, SurgeError>();
  const rate = new Map<number, SurgeError>();
  const keep = (map: Map<number, SurgeError>, key: number, make: () => SurgeError): SurgeError => {
    let e = map.get(key);
    if (e === undefined) map.set(key, (e = make()));
    return e;
  };
  return {
    rateLimited: (retryAfterMs) => {
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      return keep(rate, seconds, () => errors.rateLimited(seconds, 'too many buys'));
    },
    notStarted: (startAt) =>
      keep(notStarted, startAt, () => new SurgeError(Code.PermissionDenied, 'the flash sale has not started', { details: { field: 'sale_id', reason: 'not_started', start_at: startAt } })),
    ended: () => ended,
    soldOut: () => soldOut,
  };
}
