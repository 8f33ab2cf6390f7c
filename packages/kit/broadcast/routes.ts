// Local routing, shared by both adapters: each instance keeps subject → its handlers, so one
// broker subscription per subject serves any number of local subscribers, and subscribing to a
// subject already routed here is a local change only. Deliveries made in this process (every one
// of the memory adapter's, an instance's own messages over NATS) go through a DeliveryQueue.
import { Code, SurgeError } from '#kit/errors';
import type { ErrorSink } from './options.js';
import type { BroadcastHandler } from './types.js';

export interface Route {
  readonly subject: string;
  readonly handler: BroadcastHandler;
  /** Cleared by unsubscribe: a delivery already walking the subject's list skips the route. */
  active: boolean;
}

export class LocalRoutes {
  // Copy-on-write lists: a delivery walks the list it started with while handlers come and go,
  // and a publish can keep the list as it stood without copying it.
  private readonly table = new Map<string, readonly Route[]>();

  constructor(private readonly onError: ErrorSink) {}

  /** Adds a handler; `first` says the subject had none here before (its broker subscription is due). */
  add(subject: string, handler: BroadcastHandler): { route: Route; first: boolean } {
    const route: Route = { subject, handler, active: true };
    const current = this.table.get(subject);
    this.table.set(subject, current ? [...current, route] : [route]);
    return { route, first: current === undefined };
  }

  /** Removes a handler; true when it was the subject's last here (its broker subscription can go). No-op when already removed. */
  remove(route: Route): boolean {
    if (!route.active) return false;
    route.active = false;
    const rest = this.table.get(route.subject)?.filter((r) => r !== route) ?? [];
    if (rest.length > 0) {
      this.table.set(route.subject, rest);
      return false;
    }
    this.table.delete(route.subject);
    return true;
  }

  routesOf(subject: string): readonly Route[] | undefined {
    return this.table.get(subject);
  }

  subjects(): string[] {
    return [...this.table.keys()];
  }

  /** Deactivates every route: nothing is called after this, even deliveries already queued. */
  clear(): void {
    for (const routes of this.table.values()) for (const r of routes) r.active = false;
    this.table.clear();
  }

  /** Calls each still-active route; a throw or a rejection goes to onError and the next route still runs. */
  deliver(routes: readonly Route[], payload: Uint8Array, subject: string): void {
    for (const route of routes) {
      if (!route.active) continue;
      try {
        const result = route.handler(payload, subject);
        if (result !== undefined && typeof result.then === 'function') result.then(undefined, (err: unknown) => this.report(err, subject));
      } catch (err) {
        this.report(err, subject);
      }
    }
  }

  private report(err: unknown, subject: string): void {
    try {
      this.onError(new SurgeError(Code.Internal, `a broadcast handler of ${subject} failed`, { details: { subject }, cause: err }));
    } catch {
      // A failing error sink must not stop delivery to the other handlers; it has nowhere else to report.
    }
  }
}

interface Delivery {
  readonly local: LocalRoutes;
  readonly routes: readonly Route[];
  readonly payload: Uint8Array;
  readonly subject: string;
}

/**
 * In-process deliveries, in a microtask after the publish, through one FIFO: publish returns
 * before any handler runs (as over the network, so no caller comes to rely on a synchronous
 * call), and handlers see messages in the order of the publish calls, per subject and across
 * subjects. A handler that publishes appends to the same FIFO, so nesting cannot reorder.
 */
export class DeliveryQueue {
  private queue: Delivery[] = [];
  private head = 0;
  private draining = false;

  /** Queues the message for the routes as they stand now (as a broker routes on arrival). */
  push(local: LocalRoutes, routes: readonly Route[], payload: Uint8Array, subject: string): void {
    this.queue.push({ local, routes, payload, subject });
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => this.drain());
    }
  }

  /** Resolves after the deliveries queued so far have run (the drain's microtask was queued before this one, and a drain runs to the end in one go). */
  settled(): Promise<void> {
    return new Promise((resolve) => queueMicrotask(resolve));
  }

  private drain(): void {
    // Deliveries queued by handlers during the drain are taken in the same loop, in order.
    while (this.head < this.queue.length) {
      const d = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Delivery; // let the payload go
      d.local.deliver(d.routes, d.payload, d.subject);
    }
    this.queue = [];
    this.head = 0;
    this.draining = false;
  }
}
