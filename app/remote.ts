// Clients for services in other processes: the registry's watch keeps the instance list, each
// instance gets a framed-protocol connection (gRPC for an instance that serves only gRPC)
// behind its own breaker, and a p2c picker chooses the instance per call. The gateway (and any service calling another) uses this in
// distributed mode, where the all-in-one process uses the in-process transport.
import type { Logger } from 'pino';
import { createBalancedTransport, createP2cPicker, type BalancedInstance } from '#kit/balancer';
import { BreakerGroup } from '#kit/breaker';
import type { Clock } from '#kit/clock';
import type { Instance, Registry, Watcher } from '#kit/discovery';
import type { Metrics } from '#kit/observability';
import { createClient, createFramedTransport, createGrpcTransport, metricsInterceptor, type Client, type ServiceDefinition, type Transport, type UnaryCall } from '#kit/rpc';

export interface RemoteClient<D extends ServiceDefinition> {
  readonly client: Client<D>;
  /** The instances currently known (kept while the registry is unreachable). */
  instances(): Instance[];
  close(): Promise<void>;
}

interface Connection {
  readonly key: string;
  readonly balanced: BalancedInstance;
  readonly transport: Transport;
}

const addressOf = (i: Instance) => (i.framedPort ? `${i.host}:${i.framedPort}` : `grpc://${i.host}:${i.grpcPort}`);

export async function remoteClient<D extends ServiceDefinition>(
  definition: D,
  service: string,
  o: { registry: Registry; clock: Clock; log: Logger; metrics: Metrics; timeoutMs: number },
): Promise<RemoteClient<D>> {
  const picker = createP2cPicker<BalancedInstance>({ key: (i) => i.id, clock: o.clock, name: service });
  const breakers = new BreakerGroup({ breaker: { clock: o.clock } });
  const open = new Map<string, Connection>();

  const connect = (inst: Instance): Connection => {
    const key = addressOf(inst);
    const name = `${service} at ${key}`;
    const transport = inst.framedPort
      ? createFramedTransport({ host: inst.host, port: inst.framedPort, clock: o.clock, name })
      : createGrpcTransport({ host: inst.host, port: inst.grpcPort, clock: o.clock, name });
    // One breaker per instance and method: a failing instance is cut off without touching the others.
    const guarded: Transport = {
      unary(call: UnaryCall) {
        return breakers.get(`${key}|${call.method}`).run(() => transport.unary(call));
      },
    };
    return { key, transport, balanced: { id: key, transport: guarded } };
  };

  const onChange = (instances: Instance[]) => {
    const live = new Set<string>();
    for (const inst of instances) {
      if (!inst.framedPort && !inst.grpcPort) continue;
      const key = addressOf(inst);
      live.add(key);
      if (!open.has(key)) open.set(key, connect(inst));
    }
    for (const [key, c] of open) {
      if (live.has(key)) continue;
      open.delete(key);
      breakers.deletePrefix(`${key}|`);
      // Calls already sent on it may still be running (the instance drains them): close the
      // connection only once they are past any deadline they could have.
      const t = setTimeout(() => void c.transport.close?.().catch((err: unknown) => o.log.debug({ err, key }, 'closing a connection failed')), o.timeoutMs + 1000);
      t.unref();
    }
    picker.update([...open.values()].map((c) => c.balanced));
    o.log.info({ service, instances: [...open.keys()] }, 'instances changed');
  };

  const watcher: Watcher = await o.registry.watch(service, onChange);
  const client = createClient(definition, createBalancedTransport({ picker, clock: o.clock }), {
    defaultTimeoutMs: o.timeoutMs,
    clock: o.clock,
    interceptors: [metricsInterceptor('client', o.metrics, o.clock)],
  });
  return {
    client,
    instances: () => watcher.current(),
    async close() {
      await watcher.close();
      for (const c of open.values()) await c.transport.close?.().catch(() => undefined);
      open.clear();
    },
  };
}
