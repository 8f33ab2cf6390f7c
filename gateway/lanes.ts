// Lanes: the few routes a flood hits, answered straight from node:http ahead of Fastify. A flash
// sale's buy route takes 100k requests a second across gateways (issue 14), and Fastify's request
// lifecycle (request and reply objects, hook stages, the serializer) was most of what a sold-out
// refusal cost (decision 91 has the figures). A lane takes only the requests it answers exactly
// as its Fastify route would, and returns false before touching any other: Fastify then serves
// it, untouched. So what the shared plumbing shapes stays the plumbing's: an Origin (CORS
// headers), an encoded or chunked body, a bad or missing token, a server shutting down.
//
// What a lane answers keeps the plumbing's promises (server.ts): a request id from the same
// sequence (or the caller's x-request-id), X-Content-Type-Options and X-Request-Id on every reply,
// errors in Surge's {code, message, details} shape with their status and Retry-After, an
// Internal error logged and never shown, one access-log line and the HTTP metrics under the
// route's pattern, and the reply written at the end of the turn with Fastify's (turn-writes.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Code, SurgeError } from '#kit/errors';
import type { AccessLog, Metrics } from '#kit/observability';
import { traceHeaders } from '#kit/tracing';
import { statusOf } from './plugins/errors.js';
import { loggableUrl } from './plugins/log-url.js';
import type { TurnQueue } from './plugins/turn-writes.js';

/** One request a lane took: answer it exactly once, with ok or fail. */
export interface LaneExchange {
  readonly requestId: string;
  /** The RPC metadata of its calls, as routes' callOptions give it (request id, the caller's trace headers). */
  metadata(): Record<string, string>;
  /** A success with its JSON text. */
  ok(status: number, json: string): void;
  /** The error as the gateway's error handler answers it: a SurgeError as is, anything else Internal (logged). */
  fail(err: unknown): void;
}

export interface Lane {
  readonly method: string;
  /** The route as Fastify names it, for the metrics and the access log ('/api/v1/mall/flash-sales/:id/buy'). */
  readonly route: string;
  /**
   * Takes the request and answers it through `open(userId)`'s exchange, or returns false without
   * reading it or opening one: Fastify serves it.
   */
  take(req: IncomingMessage, open: (userId: number) => LaneExchange): boolean;
}

export interface Lanes {
  add(lane: Lane): void;
  /** node:http's request listener: a lane's, else Fastify's. */
  serve(req: IncomingMessage, res: ServerResponse, fastify: (req: IncomingMessage, res: ServerResponse) => void): void;
  /** From now on every request goes to Fastify, whose request guard answers 503 while closing. */
  close(): void;
}

export interface LanesDeps {
  metrics: Metrics;
  accessLog: AccessLog;
  logger: Logger;
  /** The request ids Fastify's requests get too (genReqId), so the two never repeat one. */
  nextRequestId: () => string;
  /** Replies are written at the end of the turn with Fastify's when batching is on; undefined writes at once. */
  turns: TurnQueue | undefined;
}

/** A fresh id per request, in Fastify's own form (req-<base 36>), wrapping before it leaves small integers. */
export function createRequestIds(): () => string {
  let next = 0;
  return () => 'req-' + (next = (next + 1) & 0x7fffffff).toString(36);
}

export function createLanes(d: LanesDeps): Lanes {
  const lanes: Lane[] = [];
  let open = true;
  // A flood's refusals are a few shared errors (flash/refusals.ts): each is serialized once.
  const serialized = new WeakMap<SurgeError, string>();
  const errorJson = (e: SurgeError): string => {
    let json = serialized.get(e);
    if (json === undefined) serialized.set(e, (json = JSON.stringify(e.toJSON())));
    return json;
  };

  const exchange = (req: IncomingMessage, res: ServerResponse, lane: Lane, userId: number): LaneExchange => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && given !== '' ? given : d.nextRequestId();
    let metadata: Record<string, string> | undefined;
    let answered = false;
    const write = (status: number, body: string, retryAfter: string | undefined) => {
      if (answered) throw new Error(`${lane.method} ${lane.route}: answered twice`);
      answered = true;
      // Name, value, name, value: node:http takes the list as it is, with no object to walk.
      const headers: Array<string | number> = ['content-type', 'application/json; charset=utf-8', 'content-length', Buffer.byteLength(body), 'x-content-type-options', 'nosniff', 'x-request-id', requestId];
      if (retryAfter !== undefined) headers.push('retry-after', retryAfter);
      const send = () => {
        res.writeHead(status, headers).end(body);
        const ms = performance.now() - started;
        d.metrics.observeHttp(lane.method, lane.route, status, ms / 1000);
        d.accessLog({ reqId: requestId, method: lane.method, route: lane.route, url: loggableUrl(req.url ?? ''), status, ms: Math.round(ms * 100) / 100, user: userId });
      };
      const failed = (err: unknown) => d.logger.error({ err, reqId: requestId }, 'reply could not be written');
      if (d.turns !== undefined) return d.turns.defer(send, failed);
      try {
        send();
      } catch (err) {
        failed(err);
      }
    };
    return {
      requestId,
      // A method, not a getter: an object literal with an accessor gets a hidden class of its own
      // per request, kept in old space and holding the getter's closure (req and res with it), so
      // every request's objects outlived the young generation (decision 91: scavenges took ~20%
      // of the process).
      metadata: () => (metadata ??= { 'x-request-id': requestId, ...traceHeaders(req.headers) }),
      ok: (status, json) => write(status, json, undefined),
      fail(err) {
        const e = SurgeError.from(err);
        if (e.code === Code.Internal) d.logger.error({ err: e.cause ?? err, reqId: requestId }, 'request failed');
        const { status, retryAfter } = statusOf(e);
        write(status, errorJson(e), retryAfter);
      },
    };
  };

  return {
    add(lane) {
      lanes.push(lane);
    },
    serve(req, res, fastify) {
      if (open) {
        for (let i = 0; i < lanes.length; i++) {
          const lane = lanes[i]!;
          if (req.method === lane.method && lane.take(req, (userId) => exchange(req, res, lane, userId))) return;
        }
      }
      fastify(req, res);
    },
    close() {
      open = false;
    },
  };
}
