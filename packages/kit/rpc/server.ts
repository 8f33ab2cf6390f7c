// The server side: a table of registered services whose methods run through the server
// interceptors. Every transport (in-process, framed TCP, gRPC) dispatches into this table,
// so handlers are written once.
import { Code, SurgeError } from '#kit/errors';
import { chain } from './chain.js';
import type { Interceptor, MethodDefinition, Next, ServiceDefinition, ServiceImpl, UnaryCall } from './types.js';

export interface RegisteredMethod {
  readonly service: string;
  readonly method: string;
  readonly definition: MethodDefinition;
  /** The handler wrapped in the server interceptors. */
  readonly invoke: Next;
}

export class RpcServer {
  private readonly methods = new Map<string, RegisteredMethod>();
  private readonly services = new Map<string, ServiceDefinition>();

  constructor(private readonly interceptors: readonly Interceptor[] = []) {}

  register<D extends ServiceDefinition>(definition: D, impl: ServiceImpl<D>): this {
    if (this.services.has(definition.fullName)) {
      throw new SurgeError(Code.AlreadyExists, `service ${definition.fullName} is registered twice`);
    }
    this.services.set(definition.fullName, definition);
    for (const [key, def] of Object.entries(definition.methods)) {
      if (def.requestStream || def.responseStream) {
        throw new SurgeError(Code.InvalidArgument, `${definition.fullName}/${def.name}: streaming methods are not supported`);
      }
      const fn = (impl as Record<string, (req: unknown, ctx: UnaryCall['ctx']) => Promise<unknown>>)[key];
      if (typeof fn !== 'function') {
        throw new SurgeError(Code.InvalidArgument, `${definition.fullName}: no handler for ${def.name}`);
      }
      const bound = fn.bind(impl);
      this.methods.set(methodKey(definition.fullName, def.name), {
        service: definition.fullName,
        method: def.name,
        definition: def,
        invoke: chain(this.interceptors, (call) => bound(call.request, call.ctx)),
      });
    }
    return this;
  }

  /** The method a transport dispatches to, or undefined (the transport answers NotFound). */
  lookup(service: string, method: string): RegisteredMethod | undefined {
    return this.methods.get(methodKey(service, method));
  }

  /** Every registered method, in registration order (transports number them for the wire). */
  list(): RegisteredMethod[] {
    return [...this.methods.values()];
  }

  serviceDefinitions(): ServiceDefinition[] {
    return [...this.services.values()];
  }
}

export function methodKey(service: string, method: string): string {
  return `${service}/${method}`;
}
