// Per-route timeouts. A route that sets `config: { timeoutMs }` gets a deadline when its request
// arrives: at that moment the request is answered DeadlineExceeded (504) through the scope's
// error handler (Surge's shape, or the Douyin envelope), and the RPC calls its handler makes
// carry the same deadline (request.callParent, used by routes/users.ts callOptions), so the
// services stop their work when the client is answered instead of finishing it for no one.
//
// - The deadline counts from arrival, preHandlers (limits, auth) included: it is what the
//   client waits, which is what the setting promises.
// - The timer lives on the injected clock; tests advance a ManualClock instead of sleeping.
// - A handler that settles after the 504 is not answered twice: its result (or error, usually
//   the RPC's own DeadlineExceeded) is dropped, logged at debug, since the client already has
//   its answer and Fastify would otherwise log "reply already sent" for each.
// - Which came first is recorded on the request, not read from reply.sent: a reply is held until
//   the end of its event-loop turn (turn-writes.ts), and a deadline may fall inside that wait.
// - A bad timeoutMs fails when the route is added (the onRoute hook), not on its first request.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify';
import { type Clock, type Timer } from '#kit/clock';
import { errors, SurgeError, Code } from '#kit/errors';
import { createCallContext, type CallContext } from '#kit/rpc';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer 504 DeadlineExceeded this many ms after the request arrives (plugins/timeouts.ts); absent = no route deadline. */
    timeoutMs?: number;
  }
  interface FastifyRequest {
    /** The route's deadline as an RPC parent context (pass as CallOptions.parent); undefined without a route timeout. */
    callParent: CallContext | undefined;
  }
}

/** Longest route timeout accepted: ten minutes; longer is a stream, not a request. */
const MAX_TIMEOUT_MS = 600_000;

const kTimer = Symbol('surge.routeTimer');
/** What answered first: the handler settling, or the deadline's 504. */
const kFirst = Symbol('surge.routeFirst');
type Timed = FastifyRequest & { [kTimer]?: Timer; [kFirst]?: 'handler' | 'deadline' };

/** Checks a route's timeoutMs; throws InvalidArgument naming the route when it is not a whole number of ms in range. */
export function checkTimeout(route: string, timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw errors.invalid(`${route} config.timeoutMs`, `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return timeoutMs;
}

export function deadlineExceeded(timeoutMs: number): SurgeError {
  return new SurgeError(Code.DeadlineExceeded, `deadline exceeded: the request took longer than ${timeoutMs} ms`, { details: { timeoutMs } });
}

/** Installs the onRoute hook; call before routes are registered (child scopes inherit it). */
export function installRouteTimeouts(app: FastifyInstance, options: { clock: Clock }): void {
  const clock = options.clock;
  app.decorateRequest('callParent', undefined);
  app.addHook('onRoute', (route: RouteOptions) => {
    const timeoutMs = checkTimeout(`route ${String(route.method)} ${route.url}`, route.config?.timeoutMs);
    if (timeoutMs === undefined) return;
    route.onRequest = [...hooks(route.onRequest), arm(clock, timeoutMs)];
    route.onResponse = [...hooks(route.onResponse), disarm];
    route.onRequestAbort = [...hooks(route.onRequestAbort), (request, done) => disarm(request, undefined, done)];
    route.handler = guarded(route.handler);
  });
}

function hooks<T>(h: T | T[] | undefined): T[] {
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
}

function arm(clock: Clock, timeoutMs: number) {
  return function armDeadline(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    request.callParent = createCallContext({ deadline: clock.now() + timeoutMs, clock });
    (request as Timed)[kTimer] = clock.after(timeoutMs, () => {
      if ((request as Timed)[kFirst] || reply.sent || reply.raw.headersSent || request.raw.destroyed) return;
      (request as Timed)[kFirst] = 'deadline';
      // Through the scope's error handler, so each face answers in its own format.
      reply.send(deadlineExceeded(timeoutMs));
    });
    done();
  };
}

function disarm(request: FastifyRequest, _reply: FastifyReply | undefined, done: () => void): void {
  (request as Timed)[kTimer]?.cancel();
  done();
}

/** The handler, with what it settles to after the 504 dropped instead of sent again. */
function guarded(handler: RouteHandlerMethod): RouteHandlerMethod {
  return function timedHandler(this: FastifyInstance, request, reply) {
    const timed = request as Timed;
    const result = handler.call(this, request, reply) as unknown;
    if (!isThenable(result)) {
      timed[kFirst] ??= 'handler';
      return result as ReturnType<RouteHandlerMethod>;
    }
    return result.then(
      (value) => (timed[kFirst] === 'deadline' ? late(request, reply, undefined) : ((timed[kFirst] = 'handler'), value)),
      (err: unknown) => {
        if (timed[kFirst] === 'deadline') return late(request, reply, err);
        timed[kFirst] = 'handler';
        throw err;
      },
    ) as ReturnType<RouteHandlerMethod>;
  };
}

/** Returns the reply, which tells Fastify the answer is on its way (undefined would send a second one while the 504 waits for its turn to end). */
function late(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  // Safe to drop: the client was answered 504 already; the error is usually the RPC's own deadline.
  request.log.debug({ err }, 'handler settled after its route deadline was answered');
  return reply;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
