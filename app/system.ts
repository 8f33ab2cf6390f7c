// Starts a whole Surge system in one process: infrastructure, every service module behind the
// in-process RPC transport (modules call each other through it too), and the HTTP gateway in
// front. `npm start` and the end-to-end tests both come through here.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { connectFaces, gatewayCalls, type Face, type OpsServer } from '#gateway';
import { systemClock, type Clock } from '#kit/clock';
import { createLogger, createMetrics, type Metrics } from '#kit/observability';
import { createClient, createInProcessTransport, RpcServer, serverInterceptors, type Client, type ServiceDefinition } from '#kit/rpc';
import { checkModules, type ServiceModule } from '#kit/service';
import { clientTracingInterceptor, serverTracingInterceptor, tracedQueue } from '#kit/tracing';
import { isEmbedded, startWithLocalSecrets, type Config } from './config/index.js';
import { createGateway, facesFor, listen, listenOps } from './gateway.js';
import { openInfrastructure } from './infra.js';
import { readProcessMetrics } from './metrics.js';
import { hostModules, type HostContext, type HostedService, type HostOverrides } from './host.js';
import { loadModules } from './modules.js';
import { tracingFor } from './tracing.js';

export interface System {
  readonly url: string;
  /** The ops pages' own listener (ops.port), or '' when they are served at `url`. */
  readonly opsUrl: string;
  readonly app: FastifyInstance;
  readonly metrics: Metrics;
  /** The configuration it runs with: secrets filled from the data dir where none were configured. */
  readonly config: Config;
  /** A client of a hosted service through the in-process transport, as the gateway's are made (tests call modules with no route). */
  client<D extends ServiceDefinition>(definition: D): Client<D>;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Default true. false builds everything but binds no port, the ops listener's (ops.port) included (tests use app.inject). */
  listen?: boolean;
  overrides?: HostOverrides;
  /** The modules to host; default every module of services/index.ts. */
  modules?: readonly ServiceModule[];
  /** The faces http.faces chooses from; default every face of gateway/faces.ts. */
  faces?: readonly Face[];
}

export async function startSystem(given: Config, options: StartOptions = {}): Promise<System> {
  const log = options.logger ?? createLogger({ level: given.log.level, name: 'surge' });
  const config = startWithLocalSecrets(given, log);
  const faces = facesFor(config, options.faces);
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
    const transport = createInProcessTransport(server, { codecCheck: config.rpc.codecCheck });
    const client = <D extends ServiceDefinition>(definition: D): Client<D> =>
      createClient(definition, transport, { defaultTimeoutMs: config.rpc.timeoutMs, clock, interceptors: [clientTracingInterceptor(tracer)] });
    const modules = options.modules ? checkModules(options.modules) : await loadModules();
    const ctx: HostContext = { config, infra, server, clock, log, workerId: config.ids.workerId, clients: client, metrics: metrics.registry, overrides: options.overrides };
    hosted.push(...(await hostModules(modules, ctx)));
    const unread = readProcessMetrics(metrics.registry, { config, queue: infra.queue });

    const checks = [...hosted.flatMap((h) => h.checks), ...infra.checks];
    const app = await createGateway({ config, infra, connected: await connectFaces(faces, client, gatewayCalls), checks, metrics, log, clock, tracer });
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
      client,
      async close() {
        await app.close();
        await ops?.close();
        unread();
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
