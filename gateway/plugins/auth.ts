// Bearer-token authentication. Routes that need a caller add `preHandler: app.authenticate`,
// after which request.userId is the caller's id; routes that serve anyone but answer a signed-in
// caller differently add `app.identify` (no Authorization header: userId 0; a bad one: 401).
// A token counts only while its account exists (#kit/auth createCallers): a well-signed token of
// a removed account is 401 like a bad one.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Callers } from '#kit/auth';
import { Code, SurgeError } from '#kit/errors';

export interface TokenVerifier {
  /** The caller's id, and when the token expires (seconds since the epoch) if it says. */
  verify(token: string): { sub: number; exp?: number };
}

declare module 'fastify' {
  interface FastifyRequest {
    userId: number;
  }
  interface FastifyInstance {
    authenticate(request: FastifyRequest): Promise<void>;
    identify(request: FastifyRequest): Promise<void>;
  }
}

export function installAuth(app: FastifyInstance, callers: Callers): void {
  app.decorateRequest('userId', 0);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const claims = callers.check(bearer(request.headers.authorization));
    // An account confirmed lately is answered without a promise (the common case).
    request.userId = (claims instanceof Promise ? await claims : claims).sub;
  });
  app.decorate('identify', async (request: FastifyRequest) => {
    // A token that is sent is checked: a stale one is the client's bug to see, not a silent guest.
    if (request.headers.authorization === undefined) return;
    const claims = callers.check(bearer(request.headers.authorization));
    request.userId = (claims instanceof Promise ? await claims : claims).sub;
  });
}

/** The token of an Authorization header, or Unauthenticated saying what is wrong with it. */
export function bearer(header: string | undefined): string {
  if (!header) throw new SurgeError(Code.Unauthenticated, 'Authorization: missing; send "Authorization: Bearer <token>" from sign-in');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new SurgeError(Code.Unauthenticated, 'Authorization: must be "Bearer <token>"');
  return m[1]!;
}
