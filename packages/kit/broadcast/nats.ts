// Core NATS broadcast (not JetStream): at-most-once fan-out to every connected subscriber, nothing
// stored. NATS keeps the order of one connection's messages per subject; a subscriber that is
// disconnected when a message passes never gets it (onReconnect tells it to read back what it
// missed). Messages published while this instance is reconnecting are buffered by the client and
// sent once it is back (up to its reconnect buffer), or lost with it.
//
// One NATS subscription per subject in use here, shared by its local handlers (routes.ts), rather
// than one wildcard subscription routed locally. Measured (2 cores, nats-server 2.9, one process
// publishing 200,000 messages over 1,000 room subjects to a second connection): a subscribe +
// unsubscribe pair costs ~16 µs of client time; when the instance wants every room both layouts
// deliver ~130k messages/s; when it wants 10 of the 1,000 rooms, the wildcard receives and drops
// the other 99% (~550 against ~320 µs of CPU per useful delivery). The server filters; let it.
//
// This instance's own messages do not make the round trip: the connection is opened with noEcho,
// so the server sends a publisher none of its own messages, and the broadcast hands them to its
// handlers here, in publish order, through the same in-process FIFO the memory adapter uses.
// Measured on the chat bench (one gateway, 200 messages a second): the echo had cost the gateway a
// socket read, a decode and a dropped duplicate per message, and the server a write.
//
// Subjects on the wire are `broadcast.<namespace>.<subject>`: the fixed first token keeps them
// out of the queue's JetStream streams (subjects `<namespace>.>`), which would otherwise store
// every broadcast. Only a queue namespace named 'broadcast' could capture them.
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  InvalidArgumentError,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from '@nats-io/transport-node';
import { Code, errors, SurgeError } from '#kit/errors';
import { checkHandler, checkNamespace, checkOnError, checkSubject } from './options.js';
import { DeliveryQueue, LocalRoutes } from './routes.js';
import type { Broadcast, BroadcastHandler, BroadcastSubscription } from './types.js';

/** The slice of a NATS connection the broadcast calls. */
export type NatsBroadcastConnection = Pick<NatsConnection, 'publish' | 'subscribe' | 'flush' | 'status' | 'isClosed'>;

/** nats.js keeps the options a connection was opened with on the connection (not in its interface's type). */
function opensWithNoEcho(nc: NatsBroadcastConnection): boolean {
  return (nc as { options?: { noEcho?: unknown } }).options?.noEcho === true;
}

export interface NatsBroadcastOptions {
  /**
   * Required: an open connection (`connect()` of @nats-io/transport-node, with noAsyncTraces and
   * reconnect forever, as the queue connects) opened with `noEcho: true`: the broadcast delivers
   * this instance's own messages itself, and an echo would deliver them twice. The broadcast does
   * not close it.
   */
  connection: NatsBroadcastConnection;
  /** Default 'surge'. Instances share messages only within one namespace, which keeps test runs and deployments apart. */
  namespace?: string;
  /**
   * Default: log to stderr. Receives each handler failure, subscription error and failing
   * onReconnect listener; must not throw.
   */
  onError?: (err: SurgeError) => void;
}

const DEPENDENCY = 'nats';
const utf8 = new TextEncoder();

/** Driver errors → kit codes, at the adapter's edge, keeping the original as cause. */
function fromNats(err: unknown): SurgeError {
  if (err instanceof SurgeError) return err;
  if (err instanceof InvalidArgumentError && /max_payload/.test(err.message))
    return new SurgeError(Code.PayloadTooLarge, 'the message is larger than the server accepts (max_payload)', { cause: err });
  if (err instanceof ClosedConnectionError || err instanceof DrainingConnectionError || err instanceof ConnectionError) return errors.unavailable(DEPENDENCY, err);
  return errors.internal(err);
}

export function createNatsBroadcast(options: NatsBroadcastOptions): Broadcast {
  const nc = options?.connection;
  if (!nc || typeof nc.publish !== 'function' || typeof nc.subscribe !== 'function') throw errors.invalid('connection', 'an open NATS connection');
  if (!opensWithNoEcho(nc)) throw errors.invalid('connection', 'a NATS connection opened with noEcho: true (the broadcast hands this instance its own messages)');
  const namespace = checkNamespace(options.namespace);
  const onError = checkOnError(options.onError);
  const local = new LocalRoutes(onError);
  const own = new DeliveryQueue();
  const natsSubs = new Map<string, NatsSubscription>(); // subject → its one NATS subscription here
  const reconnectListeners = new Set<() => void>();
  let statusWatch: (AsyncIterable<unknown> & { stop?(): void }) | undefined;
  let closed = false;
  const wire = (subject: string) => `broadcast.${namespace}.${subject}`;
  const assertOpen = () => {
    if (closed) throw new SurgeError(Code.FailedPrecondition, 'the broadcast is closed');
  };

  const openSubject = (subject: string) => {
    const sub = nc.subscribe(wire(subject), {
      callback: (err, msg) => {
        if (err) return onError(fromNats(err));
        const routes = local.routesOf(subject);
        if (routes) local.deliver(routes, msg.data, subject);
      },
    });
    natsSubs.set(subject, sub);
  };

  const closeSubject = (subject: string) => {
    const sub = natsSubs.get(subject);
    natsSubs.delete(subject);
    if (sub && !nc.isClosed()) sub.unsubscribe();
  };

  // Started with the first listener: an instance nobody asks about reconnects pays nothing.
  const watchStatus = () => {
    const watch = nc.status() as AsyncIterable<{ type: string }> & { stop?(): void };
    statusWatch = watch;
    void (async () => {
      for await (const status of watch) {
        if (status.type !== 'reconnect') continue;
        for (const listener of [...reconnectListeners]) {
          try {
            listener();
          } catch (err) {
            onError(new SurgeError(Code.Internal, 'an onReconnect listener of the broadcast failed', { cause: err }));
          }
        }
      }
    })().catch((err: unknown) => onError(fromNats(err))); // the watch ends with the connection; nothing left to tell
  };

  return {
    name: 'nats',
    publish(subject: string, payload: Uint8Array | string): void {
      assertOpen();
      checkSubject(subject);
      if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) throw errors.invalid('payload', 'a Uint8Array or a string');
      const bytes = typeof payload === 'string' ? utf8.encode(payload) : payload;
      try {
        nc.publish(wire(subject), bytes);
      } catch (err) {
        throw fromNats(err);
      }
      // Delivered here even while the connection is away: this instance's handlers miss nothing of its own.
      const routes = local.routesOf(subject);
      if (routes) own.push(local, routes, bytes, subject);
    },
    subscribe(subject: string, handler: BroadcastHandler): BroadcastSubscription {
      assertOpen();
      checkSubject(subject);
      checkHandler(handler);
      const { route, first } = local.add(subject, handler);
      if (first) {
        try {
          openSubject(subject);
        } catch (err) {
          local.remove(route);
          throw fromNats(err);
        }
      }
      return {
        subject,
        unsubscribe() {
          if (local.remove(route)) closeSubject(subject);
        },
      };
    },
    async flush() {
      assertOpen();
      await nc.flush().catch((err: unknown) => {
        throw fromNats(err);
      });
      await own.settled();
    },
    onReconnect(listener: () => void) {
      if (typeof listener !== 'function') throw errors.invalid('listener', 'a function');
      reconnectListeners.add(listener);
      if (!statusWatch && !closed) watchStatus();
      return () => void reconnectListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const subject of local.subjects()) closeSubject(subject);
      local.clear(); // messages already received for this instance are dropped too
      reconnectListeners.clear();
      statusWatch?.stop?.();
    },
  };
}
