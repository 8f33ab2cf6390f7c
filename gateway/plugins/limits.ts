// Rate limits as route preHandlers: a limiter and a function that picks the key (client IP,
// account, mobile). Over the limit → 429 with Retry-After.
import type { FastifyRequest } from 'fastify';
import { errors } from '#kit/errors';

export interface Limiter {
  take(key: string): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/** Takes one from the key's allowance, or throws RateLimited (429) naming what was limited. */
export async function take(limiter: Limiter, key: string, what: string): Promise<void> {
  const r = await limiter.take(key);
  if (!r.allowed) throw errors.rateLimited(Math.max(1, Math.ceil(r.retryAfterMs / 1000)), `too many ${what}`);
}

export function limitBy(limiter: Limiter, what: string, key: (request: FastifyRequest) => string | undefined) {
  return async (request: FastifyRequest): Promise<void> => {
    const k = key(request);
    if (k !== undefined) await take(limiter, k, what);
  };
}
