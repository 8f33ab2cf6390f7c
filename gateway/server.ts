// The HTTP edge. Validation, authentication, rate limits and error mapping happen here;
// business rules live in the services behind the RPC clients.
import { createServer, type ServerOptions } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { AccountKeys, Callers } from '#kit/auth';
import type { BlobStore } from '#kit/blob';
import type { Broadcast } from '#kit/broadcast';
import { systemClock, type Clock } from '#kit/clock';
import { createAccessLog, lazyChild, type Metrics } from '#kit/observability';
import { isTracingOff } from '#kit/tracing';
import type { ChatContext } from './chat/index.js';
import type { DouyinSettings } from './douyin/index.js';
import type { ConnectedFace, FaceContext } from './face.js';
import { createLanes, createRequestIds } from './lanes.js';
import { installAuth } from './plugins/auth.js';
import { installCors, type CorsOptions } from './plugins/cors.js';
import { installDocs } from './plugins/docs.js';
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH } from './plugins/edge-errors.js';
import { installErrorHandling } from './plugins/errors.js';
import { installJsonBody } from './plugins/json-body.js';
import { installObservation } from './plugins/observe.js';
import { installPublicOrigin } from './plugins/public-origin.js';
import { installRequestGuard } from './plugins/request-guard.js';
import { installServerSentEvents } from './plugins/sse.js';
import { installRouteTimeouts } from './plugins/timeouts.js';
import { installTracing } from './plugins/tracing.js';
import { createTurnQueue, installTurnWrites } from './plugins/turn-writes.js';
import { installValidation } from './plugins/validation.js';
import { systemRoutes, type HealthCheck, type SystemRouteOptions } from './routes/system.js';
import { ErrorReply } from './schemas/common.js';

export interface GatewayDeps {
  /** The faces it serves (the HTTP APIs, face.ts) with their clients, mounted in this order after the shared plumbing. */
  faces: readonly ConnectedFace[];
  /** Uploads go here, and the gateway serves local blobs from it. */
  blob: BlobStore;
  douyin: DouyinSettings;
  community: FaceContext['community'];
  mall: FaceContext['mall'];
  /** The chat face's context, made when the chat face mounts (it opens the broadcast). */
  chat: () => Promise<ChatContext>;
  /** The broadcast between gateway instances, opened when a face first asks for it. */
  broadcast: () => Promise<Broadcast>;
  tokens: FaceContext['tokens'];
  /** Who a request is from: a token's claims once its account is known to exist. */
  callers: Callers;
  limits: FaceContext['limits'];
  /** How mobiles are read for the per-mobile limits (as the user service reads them). */
  accountKeys: Pick<AccountKeys, 'checkMobile'>;
  checks: readonly HealthCheck[];
  /** Who may read /metrics and /healthz, and whether they are on this port (routes/system.ts). */
  ops?: SystemRouteOptions['ops'];
  metrics: Metrics;
  logger: Logger;
  /** Spans per request (continuing an incoming traceparent); a no-op tracer when tracing is off. */
  tracer: Tracer;
  /** Route deadlines (config.timeoutMs, plugins/timeouts.ts) run on it; default systemClock. */
  clock?: Clock;
  /** publicHosts: host[:port] values a client's Host may put in URLs (public-origin.ts); default [], the machine's own names. */
  /** cors: browser origins allowed (plugins/cors.ts); default none, no CORS headers. */
  /** batchReplies: replies written together at the end of each event-loop turn (plugins/turn-writes.ts). */
  options: { bodyLimitBytes: number; trustProxy: boolean; publicHosts?: readonly string[]; cors?: CorsOptions; logRequests: boolean; maxUsersPerBatch: number; batchReplies: boolean };
}

export async function buildGateway(d: GatewayDeps): Promise<FastifyInstance> {
  const nextRequestId = createRequestIds();
  const turns = d.options.batchReplies ? createTurnQueue() : undefined;
  const accessLog = createAccessLog(d.logger, d.options.logRequests);
  // A traced request needs its span from the tracing hooks: with tracing on, no lane takes one.
  const lanes = createLanes({ metrics: d.metrics, accessLog, logger: d.logger, nextRequestId, turns });
  if (!isTracingOff(d.tracer)) lanes.close();
  const app = Fastify({
    // node:http's server as Fastify would make it, with the lanes (lanes.ts) in front of Fastify's handler.
    serverFactory: (handler, options) => {
      const o = options as { http?: ServerOptions; keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number; maxRequestsPerSocket?: number };
      const server = createServer(o.http ?? {}, (req, res) => lanes.serve(req, res, handler));
      if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
      if (o.requestTimeout !== undefined) server.requestTimeout = o.requestTimeout;
      if (o.connectionTimeout !== undefined) server.setTimeout(o.connectionTimeout);
      if (o.maxRequestsPerSocket !== undefined && o.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = o.maxRequestsPerSocket;
      return server;
    },
    genReqId: nextRequestId,
    loggerInstance: d.logger as FastifyBaseLogger,
    // installObservation writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    // Most requests never log: their child logger is made only when one does.
    childLoggerFactory: (logger, bindings) => lazyChild(logger as unknown as Logger, bindings) as unknown as FastifyBaseLogger,
    bodyLimit: d.options.bodyLimitBytes,
    trustProxy: d.options.trustProxy,
    requestIdHeader: 'x-request-id',
    // Requests arriving during close() are answered by the request guard, in Surge's shape.
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A URL the router or Node's parser refuses never reaches a route: answer it in the API's own format.
    frameworkErrors: (err, request, reply) => frameworkErrors(err, request, reply as FastifyReply),
    clientErrorHandler: clientErrorHandler({ log: d.logger }),
  });
  app.addSchema(ErrorReply);
  // The API speaks JSON only: a text/plain body is a client mistake worth a clear 415.
  app.removeContentTypeParser('text/plain');
  installValidation(app);
  installErrorHandling(app);
  // First, so every request (a refused one too) has its span and every reply names its trace.
  installTracing(app, d.tracer);
  // Early, so every reply (a refused one too) waits for the end of its turn.
  if (turns !== undefined) installTurnWrites(app, turns);
  // Before the guard, so its refusals carry the CORS headers a page needs to read them.
  await installCors(app, d.options.cors ?? {});
  installRequestGuard(app);
  // Once close() starts, Fastify's request guard answers every request (503).
  app.addHook('preClose', (done) => {
    lanes.close();
    done();
  });
  // JSON bodies pass the shape limits (fields, depth) before Fastify's parser.
  installJsonBody(app);
  installRouteTimeouts(app, { clock: d.clock ?? systemClock });
  installServerSentEvents(app, { clock: d.clock ?? systemClock });
  installAuth(app, d.callers);
  installPublicOrigin(app, { hosts: d.options.publicHosts ?? [] });
  installObservation(app, d.metrics, accessLog);
  await installDocs(app);
  await app.register(systemRoutes, { checks: d.checks, metrics: d.metrics, ops: d.ops });
  const context: FaceContext = {
    tokens: d.tokens, callers: d.callers, limits: d.limits, accountKeys: d.accountKeys, blob: d.blob, douyin: d.douyin, community: d.community, mall: d.mall, chat: d.chat,
    broadcast: d.broadcast, clock: d.clock ?? systemClock, maxUsersPerBatch: d.options.maxUsersPerBatch, lanes,
  };
  for (const { face, clients } of d.faces) await face.mount(app, { ...context, clients });
  return app;
}
