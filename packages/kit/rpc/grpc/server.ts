// The gRPC door of an RpcServer: every registered service answers gRPC on its own port through
// the same handlers and server interceptors as the in-process and framed transports. grpc-js
// costs ~70 µs of server CPU per call (DESIGN.md §7), so this is for outside callers, not the
// hot path. Each call's context is built from what gRPC carries: the deadline (grpc-timeout,
// turned absolute by grpc-js) and the caller's text metadata (x-request-id, traceparent), read
// only if something asks for it.
import { Server, ServerCredentials, type Deadline, type handleUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { type Clock, systemClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import { createCallContext } from '../context.js';
import { resolveTlsOptions, type ResolvedTls, type TlsOptions } from '../tls/index.js';
import type { RegisteredMethod, RpcServer } from '../server.js';
import { grpcService } from './definition.js';
import { fromGrpcMetadata } from './metadata.js';
import { toGrpcError } from './status.js';

export interface GrpcServerOptions {
  /** Default '127.0.0.1': local callers only; listening on a public address is a deliberate choice ('0.0.0.0'). */
  host?: string;
  /** Default 0: the OS picks a free port, read back from the result (tests, several instances on one machine). */
  port?: number;
  /** Default 5000 ms: how long close() lets in-flight calls finish when it is not given drainMs. */
  drainMs?: number;
  /**
   * Default systemClock: the clock of the handlers' CallContexts. grpc-js turns the received timeout
   * into an absolute deadline with Date.now(), so in production this must tell the same wall time.
   */
  clock?: Clock;
  /**
   * Default none (plaintext HTTP/2): mutual TLS. Callers must present a certificate that chains to
   * ca; one without, or from another CA, is refused in the handshake and never reaches a handler.
   */
  tls?: TlsOptions;
}

interface ResolvedGrpcServerOptions {
  host: string;
  port: number;
  drainMs: number;
  clock: Clock;
  tls: ResolvedTls | undefined;
}

export function resolveGrpcServerOptions(options: GrpcServerOptions): ResolvedGrpcServerOptions {
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw errors.invalid('host', 'must be a non-empty host name or address');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw errors.invalid('port', 'must be an integer from 0 to 65535');
  const drainMs = options.drainMs ?? 5000;
  if (!Number.isFinite(drainMs) || drainMs < 0) throw errors.invalid('drainMs', 'must be a non-negative number of milliseconds');
  return Object.freeze({ host, port, drainMs, clock: options.clock ?? systemClock, tls: resolveTlsOptions(options.tls) });
}

export interface GrpcServer {
  /** The port it listens on (the one the OS chose when port was 0). */
  readonly port: number;
  /**
   * Stops taking calls, lets in-flight ones finish for up to drainMs (default: the server's
   * drainMs), then cuts the rest (their handlers see ctx.signal abort). Idempotent.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** Serves every service of rpcServer over gRPC. Register services first: the table is read once, here. */
export async function startGrpcServer(rpcServer: RpcServer, options: GrpcServerOptions = {}): Promise<GrpcServer> {
  const o = resolveGrpcServerOptions(options);
  const server = new Server();
  for (const definition of rpcServer.serviceDefinitions()) {
    const impl: UntypedServiceImplementation = {};
    for (const def of Object.values(definition.methods)) {
      const target = rpcServer.lookup(definition.fullName, def.name);
      if (target) impl[def.name] = unaryHandler(target, o.clock);
    }
    server.addService(grpcService(definition), impl);
  }
  const port = await bind(server, o.host, o.port, credentialsOf(o.tls));
  let closing: Promise<void> | undefined;
  return {
    port,
    close(c = {}) {
      const drainMs = c.drainMs ?? o.drainMs;
      if (!Number.isFinite(drainMs) || drainMs < 0) return Promise.reject(errors.invalid('drainMs', 'must be a non-negative number of milliseconds'));
      closing ??= new Promise<void>((resolve) => {
        // tryShutdown refuses new calls at once and answers when every connection has finished
        // its streams; past the drain time, forceShutdown cuts what is left.
        const timer = o.clock.after(drainMs, () => {
          server.forceShutdown();
          resolve();
        });
        server.tryShutdown(() => {
          timer.cancel();
          resolve();
        });
      });
      return closing;
    },
  };
}

function unaryHandler(target: RegisteredMethod, clock: Clock): handleUnaryCall<unknown, unknown> {
  const { service, method, definition } = target;
  return (call, callback) => {
    const ctx = createCallContext({ deadline: absoluteDeadline(call.getDeadline()), readMetadata: () => fromGrpcMetadata(call.metadata), deadlineEnforced: true, clock });
    // grpc-js ends the call at its deadline (DEADLINE_EXCEEDED) and says 'cancelled', which
    // cancels the context: the deadline interceptor needs no timer of its own (deadlineEnforced).
    // The caller went away (it cancelled, the connection dropped, or close() forced it): stop the
    // work. grpc-js says 'cancelled' when every stream closes, answered ones too: those are over.
    let answered = false;
    call.on('cancelled', () => {
      if (!answered) ctx.cancel();
    });
    target.invoke({ service, method, definition, request: call.request, ctx }).then(
      (reply) => {
        answered = true;
        callback(null, reply);
      },
      (err: unknown) => {
        answered = true;
        callback(toGrpcError(err));
      },
    );
  };
}

/** grpc-js gives Infinity when the caller set no deadline, else a Date or epoch ms. */
function absoluteDeadline(d: Deadline): number | undefined {
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Plaintext, or TLS that asks every caller for a certificate and refuses one not chaining to ca. */
function credentialsOf(tls: ResolvedTls | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
}

function bind(server: Server, host: string, port: number, creds: ServerCredentials): Promise<number> {
  // IPv6 literals need brackets in a host:port address.
  const address = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, creds, (err, bound) => {
      if (!err) return resolve(bound);
      server.forceShutdown();
      reject(new SurgeError(Code.Unavailable, `gRPC server cannot listen on ${address}: ${err.message}`, { cause: err }));
    });
  });
}
