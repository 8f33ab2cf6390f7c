// Starts a whole Surge system in one process: infrastructure, every service behind the
// in-process RPC transport, and the HTTP gateway in front. `npm start` and the end-to-end
// tests both come through here.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { OpsServer } from '#gateway';
import { systemClock, type Clock } from '#kit/clock';
import { createLogger, createMetrics, type Metrics } from '#kit/observability';
import { createClient, createInProcessTransport, RpcServer, serverInterceptors } from '#kit/rpc';
import { clientTracingInterceptor, serverTracingInterceptor, tracedQueue } from '#kit/tracing';
import { makeGatewayClients } from './clients.js';
import { isEmbedded, startWithLocalSecrets, type Config } from './config/index.js';
import { createGateway, listen, listenOps } from './gateway.js';
import { openInfrastructure } from './infra.js';
import { serviceHosts, type HostContext, type HostedService } from './services.js';
import { tracingFor } from './tracing.js';

export interface System {
  readonly url: string;
  /** The ops pages' own listener (ops.port), or '' when they are served at `url`. */
  readonly opsUrl: string;
  readonly app: FastifyInstance;
  readonly metrics: Metrics;
  /** The configuration it runs with: secrets filled from the data dir where none were configured. */
  readonly config: Config;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Default true. false builds everything but binds no port, the ops listener's (ops.port) included (tests use app.inject). */
  listen?: boolean;
  overrides?: HostContext['overrides'];
}

export async function startSystem(given: Config, options: StartOptions = {}): Promise<System> {
  const log = options.logger ?? createLogger({ level: given.log.level, name: 'surge' });
  const config = startWithLocalSecrets(given, log);
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ labels: { mode: isEmbedded(config) ? 'embedded' : 'servers' } });
  const tracing = tracingFor(config, 'surge');
  const tracer = tracing.tracer;
  const opened = await openInfrastructure(config, log);
  const infra = { ...opened, queue: tracedQueue(opened.queue, tracer) };
  const hosted: HostedService[] = [];
  try {
    // Tracing outermost, so refused calls are traced too.
    const server = new RpcServer([serverTracingInterceptor(tracer), ...serverInterceptors({ log, observer: metrics, clock })]);
    const ctx: HostContext = { config, infra, server, clock, log, workerId: config.ids.workerId, overrides: options.overrides };
    for (const host of Object.values(serviceHosts)) hosted.push(await host(ctx));

    const transport = createInProcessTransport(server, { codecCheck: config.rpc.codecCheck });
    const clients = await makeGatewayClients(async (definition) => createClient(definition, transport, { defaultTimeoutMs: config.rpc.timeoutMs, clock, interceptors: [clientTracingInterceptor(tracer)] }));
    const checks = [...hosted.flatMap((h) => h.checks), ...infra.checks];
    const app = await createGateway({ config, infra, clients, checks, metrics, log, clock, tracer });
    let url = '';
    let ops: OpsServer | undefined;
    if (options.listen ?? true) {
      url = await listen(app, config);
      ops = await listenOps({ config, metrics, checks, log }).catch(async (err: unknown) => {
        await app.close();
        throw err;
      });
    } else await app.ready();

    return {
      url,
      opsUrl: ops?.url ?? '',
      app,
      metrics,
      config,
      async close() {
        await app.close();
        await ops?.close();
        for (const h of hosted.reverse()) await h.close();
        await infra.close();
        await tracing.shutdown();
        log.flush?.();
      },
    };
  } catch (err) {
    for (const h of hosted.reverse()) await h.close().catch(() => undefined);
    await infra.close();
    await tracing.shutdown();
    throw err;
  }
}
