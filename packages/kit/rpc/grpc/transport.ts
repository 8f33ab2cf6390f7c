// The gRPC client transport: a Surge client reaching a gRPC server (Surge's own or any other)
// over one grpc-js channel. The call context crosses as gRPC carries it: the absolute deadline
// becomes the gRPC deadline (sent as grpc-timeout), the metadata becomes text metadata, and
// cancelling the context cancels the call. Failures come back as SurgeErrors (see status.ts).
import { Client, credentials, type ChannelCredentials, type ChannelOptions, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { type Clock, systemClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import type { MethodDefinition, Transport, UnaryCall } from '../types.js';
import { resolveTlsOptions, type ResolvedTls, type TlsOptions } from '../tls/index.js';
import { deserializer, grpcPath, serializer } from './definition.js';
import { toGrpcMetadata } from './metadata.js';
import { fromGrpcError } from './status.js';

export interface GrpcTransportOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** The server's gRPC port; there is no sensible default, so it must be given. */
  port: number;
  /** Default 'gRPC <host>:<port>': the dependency named in Unavailable errors and logs. */
  name?: string;
  /**
   * Default systemClock: refuses a call whose deadline has already passed without a round trip.
   * grpc-js measures the deadline against Date.now(), so this must tell the same wall time.
   */
  clock?: Clock;
  /**
   * Default none (plaintext HTTP/2): mutual TLS. The client presents cert/key and accepts only a
   * server whose certificate chains to ca (and names serverName, when set).
   */
  tls?: TlsOptions;
}

interface ResolvedGrpcTransportOptions {
  host: string;
  address: string;
  name: string;
  clock: Clock;
  tls: ResolvedTls | undefined;
}

export function resolveGrpcTransportOptions(options: GrpcTransportOptions): ResolvedGrpcTransportOptions {
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw errors.invalid('host', 'must be a non-empty host name or address');
  const port = options.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw errors.invalid('port', 'must be an integer from 1 to 65535');
  const address = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
  const name = options.name ?? `gRPC ${address}`;
  if (typeof name !== 'string' || name === '') throw errors.invalid('name', 'must be a non-empty string');
  return Object.freeze({ host, address, name, clock: options.clock ?? systemClock, tls: resolveTlsOptions(options.tls) });
}

export interface GrpcTransport extends Transport {
  /** Closes the channel: new calls fail with Unavailable; calls in flight finish. */
  close(): Promise<void>;
}

interface WireMethod {
  path: string;
  serialize: (value: unknown) => Buffer;
  deserialize: (bytes: Buffer) => unknown;
}

export function createGrpcTransport(options: GrpcTransportOptions): GrpcTransport {
  const o = resolveGrpcTransportOptions(options);
  // grpc-js connects lazily and reconnects by itself; one channel (one HTTP/2 connection) serves every call.
  const client = new Client(o.address, ...channelCredentials(o));
  // Serializers per method definition, built on first use (definitions are long-lived generated objects).
  const wire = new Map<MethodDefinition, WireMethod>();
  let closed = false;

  function wireMethod(call: UnaryCall): WireMethod {
    let m = wire.get(call.definition);
    if (!m) {
      m = { path: grpcPath(call.service, call.method), serialize: serializer(call.definition.requestType), deserialize: deserializer(call.definition.responseType) };
      wire.set(call.definition, m);
    }
    return m;
  }

  return {
    unary(call: UnaryCall): Promise<unknown> {
      if (closed) return Promise.reject(new SurgeError(Code.Unavailable, `${o.name}: the transport is closed`, { details: { dependency: o.name } }));
      const { ctx } = call;
      if (ctx.deadline !== undefined && ctx.deadline <= o.clock.now()) return Promise.reject(errors.deadline());
      let metadata: Metadata;
      try {
        metadata = toGrpcMetadata(ctx.metadata);
      } catch (err) {
        return Promise.reject(err);
      }
      const m = wireMethod(call);
      return new Promise((resolve, reject) => {
        let cancelled = false;
        let stopWatching: (() => void) | undefined;
        // grpc-js enforces the deadline itself (grpc-timeout); only a cancel needs watching, and
        // onCancel does that without an AbortController and a deadline timer per call.
        const done = (err: ServiceError | null, reply?: unknown) => {
          stopWatching?.();
          if (!err) return resolve(reply);
          // Cancelled by our own context: say why (its deadline or a cancel), not grpc-js's CANCELLED.
          reject(cancelled ? cancelError(ctx) : fromGrpcError(err, o.name));
        };
        // grpc-js captures the caller's stack (new Error()) on every call, only to append it to
        // the message of an error that fromGrpcError replaces: capture none.
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        let pending: ReturnType<Client['makeUnaryRequest']>;
        try {
          pending = client.makeUnaryRequest(m.path, m.serialize, m.deserialize, call.request, metadata, ctx.deadline === undefined ? {} : { deadline: ctx.deadline }, done);
        } finally {
          Error.stackTraceLimit = limit;
        }
        const onCancel = () => {
          cancelled = true;
          pending.cancel();
        };
        if (ctx.onCancel) stopWatching = ctx.onCancel(onCancel);
        else {
          const signal = ctx.signal;
          if (signal.aborted) onCancel();
          else {
            signal.addEventListener('abort', onCancel, { once: true });
            stopWatching = () => signal.removeEventListener('abort', onCancel);
          }
        }
      });
    },
    close(): Promise<void> {
      closed = true;
      client.close();
      return Promise.resolve();
    },
  };
}

/** Plaintext, or TLS presenting our certificate and checking the server's against ca (and serverName). */
function channelCredentials(o: ResolvedGrpcTransportOptions): [ChannelCredentials, ChannelOptions] {
  const tls = o.tls;
  if (!tls) return [credentials.createInsecure(), {}];
  const creds = credentials.createSsl(tls.ca, tls.key, tls.cert, { checkServerIdentity: tls.checkServerIdentity });
  // grpc-js sends the dialled host as SNI unless given a name (dialled by IP, Node warns once per
  // process, DEP0123; harmless). With serverName, that name is both sent and checked.
  if (tls.serverName !== undefined) return [creds, { 'grpc.ssl_target_name_override': tls.serverName }];
  return [creds, {}];
}

/** Why our own context stopped the call: its deadline passed, or it was cancelled. */
function cancelError(ctx: UnaryCall['ctx']): SurgeError {
  if (ctx.remainingMs() <= 0) return errors.deadline();
  return new SurgeError(Code.Cancelled, 'the call was cancelled');
}
