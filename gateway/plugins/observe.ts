// Per-request metrics and one access-log line, both keyed by the route pattern so that
// /users/1 and /users/2 count as one route. Callback-style hooks: no promise per request.
import type { FastifyInstance } from 'fastify';
import type { AccessLog, Metrics } from '#kit/observability';
import { loggableUrl } from './log-url.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The access log's writer, for exchanges that end outside onResponse (a WebSocket's close). */
    accessLog: AccessLog;
  }
}

export function installObservation(app: FastifyInstance, metrics: Metrics, accessLog: AccessLog): void {
  app.decorate('accessLog', accessLog);
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const ms = reply.elapsedTime;
    metrics.observeHttp(request.method, route, reply.statusCode, ms / 1000);
    accessLog({ reqId: request.id, method: request.method, route, url: loggableUrl(request.url), status: reply.statusCode, ms: Math.round(ms * 100) / 100, user: request.userId, trace: request.traceId });
    done();
  });
}
