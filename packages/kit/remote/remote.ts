// Clients for services in other processes: the registry's watch keeps the instance list, each
// instance gets a framed-protocol connection (gRPC for an instance that serves only gRPC)
// behind its own breaker, and a p2c picker chooses the instance per call. The gateway, and any
// service module calling another, uses this when services run in processes of their own; in
// one process they call through the in-process transport.
//
// Two rules keep a crashed instance from costing more than the calls it had in flight:
// - The picker sees only instances whose connection is ready. A killed instance stays registered
//   until its lease expires (seconds), but its sockets close at once: the transport turns
//   'connecting' and the instance leaves the picker until it reconnects. When no instance is
//   ready (start-up, all restarting) every one is offered: a call waits for a connection attempt
//   under way, and fails fast with Unavailable once the instance refuses connections.
// - A call that was never sent is tried once more on another ready instance. "Never sent" is
//   known, never guessed from an error code: either this client refused it before handing it to
//   the transport (the instance's breaker was open, or its connection was not ready while another
//   instance's was), or the framed transport says so (an Unavailable with details.sent false: not
//   connected, send queue full, or the connection died before the request reached the socket).
//   A call whose request was written may have run: never retried. A gRPC transport does not say,
//   so a call handed to one is never retried.
import type { Tracer } from '@opentelemetry/api';
import { clientTracingInterceptor } from '#kit/tracing';
import type { Logger } from 'pino';
import { createBalancedTransport, createP2cPicker, type BalancedInstance } from '#kit/balancer';
import { BreakerGroup } from '#kit/breaker';
import type { Clock } from '#kit/clock';
import type { Instance, Registry, Watcher } from '#kit/discovery';
import { Code, SurgeError } from '#kit/errors';
import { readGauge, sharedCounter, type Metrics } from '#kit/observability';
import {
  createClient,
  createFramedTransport,
  createGrpcTransport,
  metricsInterceptor,
  type Client,
  type FramedTransport,
  type ServiceDefinition,
  type TlsOptions,
  type Transport,
  type UnaryCall,
} from '#kit/rpc';

/** Calls a breaker refused before they left this process (the picker may still have sent them elsewhere). */
const BREAKER_REJECTIONS = { name: 'surge_breaker_rejections_total', help: 'Calls to a service that a client-side breaker refused (one breaker per instance and method).', labelNames: ['target', 'method'] } as const;
/** What the registry says about a called service, as this process sees it. */
const REGISTRY_INSTANCES = { name: 'surge_registry_instances', help: 'Instances of a called service (target) registered in the registry, as this process sees them.', labelNames: ['target'] } as const;

export interface RemoteClient<D extends ServiceDefinition> {
  readonly client: Client<D>;
  /** The instances currently known (kept while the registry is unreachable). */
  instances(): Instance[];
  close(): Promise<void>;
}

export interface RemoteClientOptions {
  registry: Registry;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Deadline of a call that sets none; also how long a departed instance's connection outlives it. */
  timeoutMs: number;
  /** Default Math.random: chooses the instance a call that was never sent is tried on. */
  random?: () => number;
  /** CLIENT spans per call, carrying the trace context to the instance (a no-op tracer when tracing is off). */
  tracer?: Tracer;
  /** Default none (plaintext): mutual TLS to every instance, on the framed and gRPC ports alike (rpc.tls). */
  tls?: TlsOptions;
}

interface Connection {
  readonly key: string;
  readonly balanced: BalancedInstance;
  readonly transport: Transport;
  /** Ready to take calls now (a gRPC channel connects lazily and always counts as ready). */
  ready(): boolean;
  /** Stops listening to the transport's state. */
  unwatch(): void;
}

const addressOf = (i: Instance) => (i.framedPort ? `${i.host}:${i.framedPort}` : `grpc://${i.host}:${i.grpcPort}`);

export async function remoteClient<D extends ServiceDefinition>(definition: D, service: string, o: RemoteClientOptions): Promise<RemoteClient<D>> {
  const random = o.random ?? Math.random;
  const picker = createP2cPicker<BalancedInstance>({ key: (i) => i.id, clock: o.clock, name: service });
  const breakers = new BreakerGroup({ breaker: { clock: o.clock } });
  const rejections = sharedCounter(o.metrics.registry, BREAKER_REJECTIONS);
  const open = new Map<string, Connection>();
  /** Errors of calls that never left this process, with the instance that refused them. */
  const unsent = new WeakMap<SurgeError, string>();

  const anyReady = () => {
    for (const c of open.values()) if (c.ready()) return true;
    return false;
  };

  const refresh = () => {
    const all = [...open.values()];
    const ready = all.filter((c) => c.ready());
    picker.update((ready.length > 0 ? ready : all).map((c) => c.balanced));
  };

  const connect = (inst: Instance): Connection => {
    const key = addressOf(inst);
    const name = `${service} at ${key}`;
    const framed: FramedTransport | undefined = inst.framedPort ? createFramedTransport({ host: inst.host, port: inst.framedPort, clock: o.clock, name, tls: o.tls }) : undefined;
    const transport: Transport = framed ?? createGrpcTransport({ host: inst.host, port: inst.grpcPort, clock: o.clock, name, tls: o.tls });
    const ready = () => framed === undefined || framed.state() === 'ready';
    const refused = (err: SurgeError) => {
      unsent.set(err, key);
      return err;
    };
    // Only the framed transport's own word counts: a gRPC error's details come from the server.
    const neverSent = (err: SurgeError) => framed !== undefined && err.code === Code.Unavailable && err.details?.sent === false;
    // One breaker per instance and method: a failing instance is cut off without touching the others.
    const guarded: Transport = {
      unary(call: UnaryCall) {
        // The picker can hand out an instance whose connection dropped a moment ago; the
        // transport would park the call until it reconnects. Refuse it unsent, so it goes elsewhere.
        if (!ready() && anyReady()) return Promise.reject(refused(new SurgeError(Code.Unavailable, `${name}: not connected`, { details: { dependency: name, sent: false } })));
        let handed = false;
        return breakers
          .get(`${key}|${call.method}`)
          .run(() => {
            handed = true;
            return transport.unary(call);
          })
          .catch((caught: unknown) => {
            const err = SurgeError.from(caught);
            if (!handed && err.code === Code.BreakerOpen) rejections.inc({ target: service, method: call.method });
            throw !handed || neverSent(err) ? refused(err) : err;
          });
      },
    };
    const unwatch = framed
      ? framed.onStateChange((state) => {
          o.log.info({ service, instance: key, state }, 'connection state changed');
          refresh();
        })
      : () => undefined;
    return { key, transport, ready, unwatch, balanced: { id: key, transport: guarded } };
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
      c.unwatch();
      breakers.deletePrefix(`${key}|`);
      // Calls already sent on it may still be running (the instance drains them): close the
      // connection only once they are past any deadline they could have.
      const t = setTimeout(() => void c.transport.close?.().catch((err: unknown) => o.log.debug({ err, key }, 'closing a connection failed')), o.timeoutMs + 1000);
      t.unref();
    }
    refresh();
    o.log.info({ service, instances: [...open.keys()] }, 'instances changed');
  };

  const balanced = createBalancedTransport({ picker, clock: o.clock });
  /** One more try, on another ready instance, for a call that was never sent; else the first error. */
  const retryElsewhere = (call: UnaryCall, err: SurgeError): Promise<unknown> => {
    const refusedBy = unsent.get(err);
    const others = [...open.values()].filter((c) => c.key !== refusedBy && c.ready());
    if (refusedBy === undefined || others.length === 0) return Promise.reject(err);
    // Random among the others: a rare second attempt, not worth the picker's bookkeeping.
    const other = others[Math.min(others.length - 1, Math.floor(random() * others.length))]!;
    return other.balanced.transport.unary(call);
  };
  const transport: Transport = {
    unary: (call) => balanced.unary(call).catch((caught: unknown) => retryElsewhere(call, SurgeError.from(caught))),
  };

  const watcher: Watcher = await o.registry.watch(service, onChange);
  const unread = readGauge(o.metrics.registry, REGISTRY_INSTANCES, () => [{ labels: { target: service }, value: watcher.current().length }]);
  const client = createClient(definition, transport, {
    defaultTimeoutMs: o.timeoutMs,
    clock: o.clock,
    interceptors: [...(o.tracer ? [clientTracingInterceptor(o.tracer)] : []), metricsInterceptor('client', o.metrics, o.clock)],
  });
  return {
    client,
    instances: () => watcher.current(),
    async close() {
      unread();
      await watcher.close();
      for (const c of open.values()) {
        c.unwatch();
        await c.transport.close?.().catch(() => undefined);
      }
      open.clear();
    },
  };
}
