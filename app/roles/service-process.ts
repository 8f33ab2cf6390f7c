// `surge serve <service>`: one service module in its own process, calling the services it
// declares through the registry (remote clients: p2c, per-instance breakers). Order matters and is the point:
// listen, then register (clients never see an address that refuses them); on SIGTERM,
// deregister first (clients stop sending), then drain in-flight calls, then close.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '#kit/clock';
import type { Instance, Registration, WorkerClaim } from '#kit/discovery';
import { MAX_WORKER_ID } from '#kit/ids';
import { createLogger, createMetrics } from '#kit/observability';
import { remoteClient, type RemoteClient } from '#kit/remote';
import { RpcServer, serverInterceptors, startFramedServer, startGrpcServer, type Client, type Interceptor, type ServiceDefinition } from '#kit/rpc';
import { createShedder, eventLoopProbe, shedderInterceptor } from '#kit/shedder';
import { serverTracingInterceptor, tracedQueue } from '#kit/tracing';
import { startOpsServer, type HealthCheck } from '#gateway';
import { rpcTls, startWithLocalSecrets, type Config } from '../config/index.js';
import { hostModules } from '../host.js';
import { readProcessMetrics } from '../metrics.js';
import { openInfrastructure } from '../infra.js';
import { entryNamed, loadModules } from '../modules.js';
import { tracingFor } from '../tracing.js';
import { instancesCheck } from './instances-check.js';

/** How long a deregistered instance keeps serving before it drains: a watch event's trip to every client. */
const DEREGISTER_GRACE_MS = 1000;

export interface ServiceProcess {
  readonly instance: Instance;
  readonly metricsUrl: string;
  close(): Promise<void>;
}

export async function startServiceProcess(given: Config, name: string, options: { logger?: Logger; clock?: Clock } = {}): Promise<ServiceProcess> {
  // Only this service's code is loaded: the others are reached through their contracts.
  const [module] = await loadModules([entryNamed(name)]);
  const log = options.logger ?? createLogger({ level: given.log.level, name: `surge-${name}` });
  const config = startWithLocalSecrets(given, log);
  // rpc.tls read and checked before anything opens: a bad file stops the start naming its key.
  const tls = rpcTls(config);
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ labels: { service: name } });
  const instanceId = `${name}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const tracing = tracingFor(config, `surge-${name}`, instanceId);
  const opened = await openInfrastructure(config, log);
  const infra = { ...opened, queue: tracedQueue(opened.queue, tracing.tracer) };
  const undo: (() => Promise<unknown>)[] = [() => tracing.shutdown(), () => infra.close()];
  try {
    const claim: WorkerClaim = await infra.registry.claimWorkerId(name, instanceId, MAX_WORKER_ID);
    undo.push(() => claim.release());
    const probe = eventLoopProbe();
    const shedder = createShedder({ probe, clock });
    undo.push(async () => probe.close());
    const chain = serverInterceptors({ log, observer: metrics, clock, guards: [shedderInterceptor(shedder)] });
    if (config.rpc.injectDelayMs > 0) {
      log.warn({ injectDelayMs: config.rpc.injectDelayMs }, 'fault injection: every call is delayed (rpc.injectDelayMs)');
      chain.push(injectDelay(config.rpc.injectDelayMs, clock));
    }
    // Tracing outermost, so shed and refused calls are traced too.
    const server = new RpcServer([serverTracingInterceptor(tracing.tracer), ...chain]);
    // One remote client per service called, found through the registry.
    const remotes: RemoteClient<ServiceDefinition>[] = [];
    undo.push(() => Promise.all(remotes.map((r) => r.close())));
    const remoteOptions = { registry: infra.registry, clock, log, metrics, timeoutMs: config.rpc.timeoutMs, tracer: tracing.tracer, tls };
    // Each called service is a dependency on /healthz, as on the gateway's: named, and failing while no instance is registered.
    const callChecks: HealthCheck[] = [];
    const clients = async <D extends ServiceDefinition>(definition: D, service: string): Promise<Client<D>> => {
      const remote = await remoteClient(definition, service, remoteOptions);
      remotes.push(remote as unknown as RemoteClient<ServiceDefinition>);
      callChecks.push(instancesCheck(service, () => remote.instances()));
      return remote.client;
    };
    const hosted = (await hostModules([module!], { config, infra, server, clock, log, workerId: claim.workerId, clients, metrics: metrics.registry }))[0]!;
    undo.push(() => hosted.close());
    const unread = readProcessMetrics(metrics.registry, { config, queue: infra.queue });
    undo.push(async () => unread());

    const r = config.rpc;
    const framed = await startFramedServer(server, { host: r.host, port: r.framedPort, clock, tls });
    undo.push(() => framed.close({ drainMs: 0 }));
    const grpc = await startGrpcServer(server, { host: r.host, port: r.grpcPort, tls });
    undo.push(() => grpc.close({ drainMs: 0 }));
    let ready = true;
    // The ops page: /metrics and /healthz under ops.token when one is set (else open to whoever reaches rpc.host), /livez and /readyz for probes.
    const page = await startOpsServer({ host: r.host, port: r.metricsPort, token: config.ops.token, metrics, checks: [...hosted.checks, ...callChecks, ...infra.checks], ready: () => ready, warn: (message) => log.warn(message) });
    undo.push(() => page.close());

    const instance: Instance = { service: name, id: instanceId, host: r.advertiseHost || r.host, framedPort: framed.port, grpcPort: grpc.port, pid: process.pid, meta: { metricsPort: String(page.port), workerId: String(claim.workerId) } };
    const registration: Registration = await infra.registry.register(instance);
    await registration.ready;
    return {
      instance,
      metricsUrl: `http://${instance.host}:${page.port}/metrics`,
      async close() {
        ready = false;
        await registration.deregister().catch((err: unknown) => log.warn({ err }, 'deregistering failed'));
        // Keep serving while every client's watch learns the instance is gone, so calls picked
        // just before the delete still land; then stop taking calls and drain.
        await clock.sleep(Math.min(DEREGISTER_GRACE_MS, r.drainMs));
        await Promise.all([framed.close({ drainMs: r.drainMs }), grpc.close({ drainMs: r.drainMs })]);
        unread();
        await hosted.close();
        await Promise.all(remotes.map((r) => r.close()));
        await claim.release().catch(() => undefined);
        await probe.close();
        await page.close();
        await infra.close();
        await tracing.shutdown();
        log.flush?.();
      },
    };
  } catch (err) {
    for (const u of undo.reverse()) await u().catch(() => undefined);
    throw err;
  }
}

/**
 * Fault injection (rpc.injectDelayMs): every handler starts `ms` later, as on an overloaded or
 * far-away instance. Innermost, so metrics, load shedding and the deadline all see the delay;
 * a call cancelled or past its deadline stops waiting.
 */
function injectDelay(ms: number, clock: Clock): Interceptor {
  return async (call, next) => {
    await clock.sleep(ms, call.ctx.signal);
    return next(call);
  };
}
