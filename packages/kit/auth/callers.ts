// Who a request is from: a token's claims, once the account it names is known to exist. A token
// proves only that this system signed it; the account may have been removed since (its tokens
// live for days) or never have existed (a token minted by a holder of the secret). So a verified
// token's account is confirmed with the user service, and the confirmation trusted for a while
// (trustMs): a signed-in request costs one map lookup on top of the token check, and the user
// service is asked about each active account once per interval, however many requests it sends.
import { LRUCache } from 'lru-cache';
import { errors } from '#kit/errors';
import { systemClock, type Clock } from '#kit/clock';
import type { Tokens, VerifiedClaims } from './tokens.js';

export interface CallerOptions {
  tokens: Pick<Tokens, 'verify'>;
  /** Whether the account exists now (the user service). A rejection fails the check: it fails closed. */
  exists(accountId: number): Promise<boolean>;
  /** How long a confirmed account is trusted without asking again, ms. 0: every check asks. */
  trustMs: number;
  /** Confirmed accounts kept (least recently used go first). Default 100,000 (~10 MB). */
  maxAccounts?: number;
  clock?: Clock;
}

export interface Callers {
  /**
   * The claims of a token whose account exists: at once (no promise) when the account was
   * confirmed within trustMs, the common case, else once the user service answers. Throws, or
   * rejects, TokenExpired for a stale token and Unauthenticated for a bad one or one whose
   * account does not exist.
   */
  check(token: string): Readonly<VerifiedClaims> | Promise<Readonly<VerifiedClaims>>;
}

export function createCallers(o: CallerOptions): Callers {
  if (typeof o.exists !== 'function') throw errors.invalid('exists', 'must be a function from an account id to whether it exists');
  if (!Number.isSafeInteger(o.trustMs) || o.trustMs < 0) throw errors.invalid('trustMs', `must be a whole number of ms, at least 0, got ${String(o.trustMs)}`);
  const max = o.maxAccounts ?? 100_000;
  if (!Number.isSafeInteger(max) || max < 1) throw errors.invalid('maxAccounts', `must be a positive integer, got ${String(max)}`);
  const clock = o.clock ?? systemClock;
  // lru-cache reads a start time of 0 as "no TTL", and a ManualClock starts at 0: shift by 1.
  const confirmed = o.trustMs === 0 ? undefined : new LRUCache<number, true>({ max, ttl: o.trustMs, ttlResolution: clock === systemClock ? 1 : 0, perf: { now: () => clock.monotonic() + 1 } });
  // One question per account at a time, however many of its requests are waiting.
  const asking = new Map<number, Promise<boolean>>();

  function ask(id: number): Promise<boolean> {
    let answer = asking.get(id);
    if (answer === undefined) {
      answer = o.exists(id).finally(() => asking.delete(id));
      asking.set(id, answer);
    }
    return answer;
  }

  async function confirm(claims: Readonly<VerifiedClaims>): Promise<Readonly<VerifiedClaims>> {
    if (!(await ask(claims.sub))) throw errors.unauthenticated('the account this token was issued to does not exist: sign in again');
    confirmed?.set(claims.sub, true);
    return claims;
  }

  return {
    check(token) {
      const claims = o.tokens.verify(token);
      return confirmed?.get(claims.sub) === true ? claims : confirm(claims);
    },
  };
}
