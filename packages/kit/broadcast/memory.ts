// In-process broadcast. Instances on one bus see each other's messages: one bus per process by
// default; tests, and an embedded run with two gateways, hand several instances the same bus.
//
// Delivery is asynchronous, in a microtask after publish, through one FIFO per bus: publish
// returns before any handler runs (as over the network, so no caller comes to rely on a
// synchronous call), and the order of delivery is the order of publish calls, per subject and
// across subjects. A handler that publishes appends to the same FIFO, so nesting cannot reorder.
// Nothing is lost while the process lives; nothing survives it.
import { Code, errors, SurgeError } from '#kit/errors';
import { checkHandler, checkNamespace, checkOnError, checkSubject } from './options.js';
import { DeliveryQueue, LocalRoutes } from './routes.js';
import type { Broadcast, BroadcastHandler, BroadcastSubscription } from './types.js';

export interface MemoryBroadcastOptions {
  /** Default a bus of its own. Instances share messages only with instances on the same bus (and namespace). */
  bus?: MemoryBroadcastBus;
  /** Default 'surge'. Instances share messages only within one namespace. */
  namespace?: string;
  /**
   * Default 1 MiB, the NATS server's default max_payload: a message too big for the servers is
   * refused in embedded runs too.
   */
  maxPayloadBytes?: number;
  /** Default: log to stderr. Receives each handler failure (a throw or a rejection); must not throw. */
  onError?: (err: SurgeError) => void;
}

const utf8 = new TextEncoder();

/** Instances that hand each other messages in one process. */
export class MemoryBroadcastBus {
  // namespaced subject → the routing tables of the instances that subscribe to it
  private readonly interest = new Map<string, Set<LocalRoutes>>();
  private readonly deliveries = new DeliveryQueue();

  /** @private for the memory adapter */
  listen(wireSubject: string, local: LocalRoutes): void {
    const set = this.interest.get(wireSubject);
    if (set) set.add(local);
    else this.interest.set(wireSubject, new Set([local]));
  }

  /** @private for the memory adapter */
  unlisten(wireSubject: string, local: LocalRoutes): void {
    const set = this.interest.get(wireSubject);
    if (!set) return;
    set.delete(local);
    if (set.size === 0) this.interest.delete(wireSubject);
  }

  /** @private for the memory adapter: the routes as they stand now are the ones called (as a broker routes on arrival). */
  publish(wireSubject: string, subject: string, payload: Uint8Array): void {
    const set = this.interest.get(wireSubject);
    if (!set) return;
    for (const local of set) {
      const routes = local.routesOf(subject);
      if (routes) this.deliveries.push(local, routes, payload, subject);
    }
  }

  /** @private for the memory adapter: resolves after the deliveries queued so far have run. */
  settled(): Promise<void> {
    return this.deliveries.settled();
  }
}

export function createMemoryBroadcastBus(): MemoryBroadcastBus {
  return new MemoryBroadcastBus();
}

export function createMemoryBroadcast(options: MemoryBroadcastOptions = {}): Broadcast {
  const bus = options.bus ?? new MemoryBroadcastBus();
  if (!(bus instanceof MemoryBroadcastBus)) throw errors.invalid('bus', 'a bus from createMemoryBroadcastBus()');
  const namespace = checkNamespace(options.namespace);
  const maxPayloadBytes = options.maxPayloadBytes ?? 1024 * 1024;
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 1) throw errors.invalid('maxPayloadBytes', 'a positive integer');
  const local = new LocalRoutes(checkOnError(options.onError));
  const wire = (subject: string) => `${namespace}.${subject}`;
  let closed = false;
  const assertOpen = () => {
    if (closed) throw new SurgeError(Code.FailedPrecondition, 'the broadcast is closed');
  };

  return {
    name: 'memory',
    publish(subject: string, payload: Uint8Array | string): void {
      assertOpen();
      checkSubject(subject);
      const bytes = typeof payload === 'string' ? utf8.encode(payload) : payload;
      if (!(bytes instanceof Uint8Array)) throw errors.invalid('payload', 'a Uint8Array or a string');
      if (bytes.length > maxPayloadBytes)
        throw new SurgeError(Code.PayloadTooLarge, `the message is larger than the broadcast accepts (${maxPayloadBytes} bytes)`, { details: { limit: maxPayloadBytes } });
      bus.publish(wire(subject), subject, bytes);
    },
    subscribe(subject: string, handler: BroadcastHandler): BroadcastSubscription {
      assertOpen();
      checkSubject(subject);
      checkHandler(handler);
      const { route, first } = local.add(subject, handler);
      if (first) bus.listen(wire(subject), local);
      return {
        subject,
        unsubscribe() {
          if (local.remove(route)) bus.unlisten(wire(subject), local);
        },
      };
    },
    async flush() {
      assertOpen();
      await bus.settled();
    },
    onReconnect: () => () => {}, // one process: never disconnected, nothing to recover
    async close() {
      if (closed) return;
      closed = true;
      // Every route goes inactive at once, so deliveries already queued for this instance are dropped too.
      for (const subject of local.subjects()) bus.unlisten(wire(subject), local);
      local.clear();
    },
  };
}
