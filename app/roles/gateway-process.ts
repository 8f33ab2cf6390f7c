// `surge gateway`: the HTTP edge in its own process, calling services found in the registry.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { createLogger, createMetrics } from '#kit/observability';
import { UserServiceDefinition } from '#services/user';
import type { Config } from '../config/index.js';
import { createGateway, listen } from '../gateway.js';
import { openInfrastructure } from '../infra.js';
import { remoteClient } from '../remote.js';
import { tracingFor } from '../tracing.js';

export interface GatewayProcess {
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function startGatewayProcess(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<GatewayProcess> {
  const log = options.logger ?? createLogger({ level: config.log.level, name: 'surge-gateway' });
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ labels: { service: 'gateway' } });
  const tracing = tracingFor(config, 'surge-gateway');
  const infra = await openInfrastructure(config, log);
  const common = { registry: infra.registry, clock, log, metrics, timeoutMs: config.rpc.timeoutMs, tracer: tracing.tracer };
  const users = await remoteClient(UserServiceDefinition, 'user', common);
  const services = {
    name: 'user service',
    check: async () => {
      if (users.instances().length === 0) throw errors.unavailable('user service (no instance registered)');
    },
  };
  const app = await createGateway({ config, infra, clients: { users: users.client }, checks: [services, ...infra.checks], metrics, log, clock, tracer: tracing.tracer });
  const url = await listen(app, config);
  return {
    url,
    app,
    async close() {
      await app.close();
      await users.close();
      await infra.close();
      await tracing.shutdown();
      log.flush?.();
    },
  };
}
