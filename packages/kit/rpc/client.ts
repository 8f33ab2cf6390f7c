// The client side: one function per method, built once, each creating the call context
// (deadline, metadata) and running the client interceptors before the transport.
import { type Clock, systemClock } from '#kit/clock';
import { chain } from './chain.js';
import { createCallContext } from './context.js';
import type { CallOptions, Client, Interceptor, ServiceDefinition, Transport } from './types.js';

export interface ClientOptions {
  /** Outermost first. Default: none. */
  interceptors?: readonly Interceptor[];
  /** Timeout of a call that does not set one; 2 s as in go-zero, so no call waits forever. */
  defaultTimeoutMs?: number;
  clock?: Clock;
}

export function createClient<D extends ServiceDefinition>(definition: D, transport: Transport, options: ClientOptions = {}): Client<D> {
  const clock = options.clock ?? systemClock;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 2000;
  const send = chain(options.interceptors ?? [], (call) => transport.unary(call));
  const client: Record<string, (request: unknown, o?: CallOptions) => Promise<unknown>> = {};
  for (const [key, def] of Object.entries(definition.methods)) {
    const service = definition.fullName;
    const method = def.name;
    client[key] = (request, o) => {
      const ctx = createCallContext({ parent: o?.parent, timeoutMs: o?.timeoutMs ?? defaultTimeoutMs, metadata: o?.metadata, clock });
      const done = send({ service, method, definition: def, request, ctx });
      // A transport that armed the deadline timer (by reading ctx.signal) gets it stopped here.
      done.then(end, end);
      return done;
      function end() {
        ctx.end?.();
      }
    };
  }
  return client as Client<D>;
}
