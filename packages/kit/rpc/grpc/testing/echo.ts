// Test fixture (not exported): an Echo service behind the standard server interceptors, served
// over gRPC, whose handler can call itself through Surge's gRPC transport; and a plain grpc-js
// client built from the .proto alone, knowing nothing of Surge.
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata, type Client as GrpcClient, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { systemClock } from '#kit/clock';
import { EchoServiceDefinition, type EchoReply, type EchoRequest } from '#gen/surge/echo/v1/echo';
import { createClient } from '../../client.js';
import type { CallContext } from '../../context.js';
import { serverInterceptors } from '../../defaults.js';
import { RpcServer } from '../../server.js';
import type { Client, ServiceImpl } from '../../types.js';
import { startGrpcServer, type GrpcServer } from '../server.js';
import { createGrpcTransport, type GrpcTransport } from '../transport.js';

export const protoRoot = fileURLToPath(new URL('../../../../../proto', import.meta.url));

type EchoClient = Client<typeof EchoServiceDefinition>;
export type EchoHandler = (req: EchoRequest, ctx: CallContext, self: EchoClient) => Promise<EchoReply>;

export interface EchoFixture {
  rpc: RpcServer;
  grpc: GrpcServer;
  /** A Surge client over the gRPC transport to this server. */
  client: EchoClient;
  transport: GrpcTransport;
  /** Codes the server's metrics interceptor saw, in order (0 = OK). */
  observed: number[];
  close(): Promise<void>;
}

const silent = { error() {}, debug() {}, warn() {}, info() {} };

export async function startEcho(handler: EchoHandler, extra?: (rpc: RpcServer) => void): Promise<EchoFixture> {
  const observed: number[] = [];
  const observer = { observe: (_side: 'server' | 'client', _s: string, _m: string, code: number) => observed.push(code) };
  const rpc = new RpcServer(serverInterceptors({ log: silent, observer, clock: systemClock }));
  let self!: EchoClient;
  const impl: ServiceImpl<typeof EchoServiceDefinition> = { echo: (req, ctx) => handler(req, ctx, self) };
  rpc.register(EchoServiceDefinition, impl);
  extra?.(rpc);
  const grpc = await startGrpcServer(rpc);
  const transport = createGrpcTransport({ port: grpc.port });
  self = createClient(EchoServiceDefinition, transport);
  return {
    rpc,
    grpc,
    client: self,
    transport,
    observed,
    async close() {
      await transport.close();
      await grpc.close({ drainMs: 0 });
    },
  };
}

/** Unary methods of a plain grpc-js client, promisified; the error is grpc-js's own ServiceError. */
export type PlainCall = (request: object, options?: { metadata?: Record<string, string>; deadline?: number }) => Promise<Record<string, unknown>>;

/** A grpc-js client from the .proto file alone (proto-loader: int64 as strings, camelCase fields). */
export function plainClient(protoFile: string, service: string, port: number): { call(method: string): PlainCall; close(): void } {
  const pkg = loadSync(protoFile, { includeDirs: [protoRoot], longs: String, defaults: true });
  let ctor: unknown = loadPackageDefinition(pkg);
  for (const part of service.split('.')) ctor = (ctor as Record<string, unknown>)[part];
  const Ctor = ctor as new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => GrpcClient;
  const client = new Ctor(`127.0.0.1:${port}`, credentials.createInsecure()) as GrpcClient & Record<string, Function>;
  return {
    call: (method) => (request, options = {}) =>
      new Promise((resolve, reject) => {
        const md = new Metadata();
        for (const [k, v] of Object.entries(options.metadata ?? {})) md.set(k, v);
        const callOptions = options.deadline === undefined ? {} : { deadline: options.deadline };
        client[method]!(request, md, callOptions, (err: ServiceError | null, reply: Record<string, unknown>) => (err ? reject(err) : resolve(reply)));
      }),
    close: () => client.close(),
  };
}

/** The rejection of a plain call, as grpc-js's ServiceError. */
export async function grpcFailure(p: Promise<unknown>): Promise<ServiceError> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e as ServiceError,
  );
  if (!outcome) throw new Error('expected the call to fail');
  return outcome;
}

