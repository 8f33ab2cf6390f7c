// Bearer-token authentication. Routes that need a caller add `preHandler: app.authenticate`,
// after which request.userId is the caller's id; routes that serve anyone but answer a signed-in
// caller differently add `app.identify` (no Authorization header: userId 0; a bad one: 401).
// A token counts only while its account exists (#kit/auth createCallers): a well-signed token of
// a removed account is 401 like a bad one.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, preHandlerHookHandler } from 'fastify';
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
    authenticate: preHandlerHookHandler;
    identify: preHandlerHookHandler;
  }
}

export function installAuth(app: FastifyInstance, callers: Callers): void {
  app.decorateRequest('userId', 0);
  // Callback hooks, not async ones: a request whose account was confirmed lately is let through
  // in the hook's own call, with no promise.
  app.decorate('authenticate', function authenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    signIn(callers, request, request.headers.authorization, done);
  });
  app.decorate('identify', function identify(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    // A token that is sent is checked: a stale one is the client's bug to see, not a silent guest.
    if (request.headers.authorization === undefined) return done();
    signIn(callers, request, request.headers.authorization, done);
  });
}

/** Sets request.userId from the header's token, then calls done (with the refusal, if any). */
function signIn(callers: Callers, request: FastifyRequest, header: string | undefined, done: HookHandlerDoneFunction): void {
  let claims: ReturnType<Callers['check']>;
  try {
    claims = callers.check(bearer(header));
  } catch (err) {
    return done(err as Error);
  }
  if (!(claims instanceof Promise)) {
    request.userId = claims.sub;
    return done();
  }
  claims.then(
    (c) => {
      request.userId = c.sub;
      done();
    },
    (err: Error) => done(err),
  );
}

/** The token of an Authorization header, or Unauthenticated saying what is wrong with it. */
export function bearer(header: string | undefined): string {
  if (!header) throw new SurgeError(Code.Unauthenticated, 'Authorization: missing; send "Authorization: Bearer <token>" from sign-in');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new SurgeError(Code.Unauthenticated, 'Authorization: must be "Bearer <token>"');
  return m[1]!;
}
