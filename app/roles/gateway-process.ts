// `surge gateway`: the HTTP edge in its own process, calling services found in the registry.
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '#kit/clock';
import { createLogger, createMetrics } from '#kit/observability';
import { remoteClient, type RemoteClient } from '#kit/remote';
import type { ServiceDefinition } from '#kit/rpc';
import { connectFaces, gatewayCalls, type HealthCheck } from '#gateway';
import { rpcTls, startWithLocalSecrets, type Config } from '../config/index.js';
import { createGateway, facesFor, listen, listenOps } from '../gateway.js';
import { openInfrastructure } from '../infra.js';
import { readProcessMetrics } from '../metrics.js';
import { tracingFor } from '../tracing.js';
import { instancesCheck } from './instances-check.js';

export interface GatewayProcess {
  readonly url: string;
  /** The ops pages' own listener (ops.port), or '' when they are served at `url`. */
  readonly opsUrl: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function startGatewayProcess(given: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<GatewayProcess> {
  const log = options.logger ?? createLogger({ level: given.log.level, name: 'surge-gateway' });
  const config = startWithLocalSecrets(given, log);
  const tls = rpcTls(config); // read and checked before anything opens
  const faces = facesFor(config);
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ labels: { service: 'gateway' } });
  const tracing = tracingFor(config, 'surge-gateway', `gateway-${hostname()}-${process.pid}`);
  const infra = await openInfrastructure(config, log);
  const common = { registry: infra.registry, clock, log, metrics, timeoutMs: config.rpc.timeoutMs, tracer: tracing.tracer, tls };
  const remotes: RemoteClient<ServiceDefinition>[] = [];
  const checks: HealthCheck[] = [];
  // Clients, and a health check each, for the services the served faces call and no other: a
  // mall-only edge neither watches nor reports on the Douyin services.
  const connected = await connectFaces(faces, async (definition, service) => {
    const remote = await remoteClient(definition, service, common);
    remotes.push(remote as unknown as RemoteClient<ServiceDefinition>);
    checks.push(instancesCheck(service, () => remote.instances()));
    return remote.client;
  }, gatewayCalls);
  const allChecks = [...checks, ...infra.checks];
  const unread = readProcessMetrics(metrics.registry, { config, queue: infra.queue });
  const app = await createGateway({ config, infra, connected, checks: allChecks, metrics, log, clock, tracer: tracing.tracer });
  // Readiness for load balancers: serving and not shutting down. Deliberately not /healthz: one
  // service without instances, or Redis down, must not take every gateway out of rotation while
  // the other routes still answer (and cached reads survive Redis); /healthz is for operators.
  let closing = false;
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => (closing ? reply.code(503).send({ status: 'closing' }) : { status: 'ready' }));
  const url = await listen(app, config);
  const ops = await listenOps({ config, metrics, checks: allChecks, log, ready: () => !closing }).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
  return {
    url,
    opsUrl: ops?.url ?? '',
    app,
    async close() {
      closing = true;
      await app.close();
      await ops?.close();
      await Promise.all(remotes.map((r) => r.close()));
      unread();
      await infra.close();
      await tracing.shutdown();
      log.flush?.();
    },
  };
}
