// Operational routes on the API port: /livez for probes (open: it says only "up"), and the ops
// pages /metrics and /healthz under the access rule of ops/access.ts, unless they have a listener
// of their own (ops.port), in which case this port does not serve them at all.
// /docs and /openapi.json (plugins/docs.ts) describe the public API and stay open.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '#kit/observability';
import { healthReport, opsAccess, type HealthCheck } from '../ops/index.js';

export type { HealthCheck } from '../ops/index.js';

export interface SystemRouteOptions {
  checks: readonly HealthCheck[];
  metrics: Metrics;
  /** Who may read /metrics and /healthz here. Default: no token, so direct loopback callers only. */
  ops?: {
    /** ops.token; '' = none. Default ''. */
    token?: string;
    /** false: the ops pages have a listener of their own (ops.port) and are not served here. Default true. */
    onApiPort?: boolean;
  };
}

export async function systemRoutes(app: FastifyInstance, d: SystemRouteOptions): Promise<void> {
  // Liveness: the process answers. Dependencies failing is /healthz's business, not a reason to restart.
  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'alive' }));

  if (d.ops?.onApiPort === false) return;
  const allowed = opsAccess({ token: d.ops?.token ?? '', sharedListener: true });
  const guard = async (request: FastifyRequest) => {
    const refused = allowed({ peer: request.socket.remoteAddress, headers: request.headers });
    if (refused) throw refused;
  };

  app.get('/healthz', { schema: { hide: true }, onRequest: guard }, async (_request, reply) => {
    const report = await healthReport(d.checks);
    return reply.code(report.status).send(report.body);
  });

  app.get('/metrics', { schema: { hide: true }, onRequest: guard }, async (_request, reply) => reply.type(d.metrics.contentType).send(await d.metrics.render()));
}
