// Per-request metrics and one access-log line, both keyed by the route pattern so that
// /users/1 and /users/2 count as one route.
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '#kit/observability';

export function installObservation(app: FastifyInstance, metrics: Metrics, logRequests: boolean): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeHttp(request.method, route, reply.statusCode, seconds);
    if (logRequests) {
      request.log.info({ method: request.method, route, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, user: request.userId || undefined }, 'request');
    }
  });
}
