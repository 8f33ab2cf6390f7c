// Shapes shared by every RPC transport. Service definitions are the ones ts-proto generates
// from proto/ (outputServices=generic-definitions), so the same handlers serve the in-process
// transport now and the framed and gRPC transports later.
import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import type { CallContext } from './context.js';

/** The codec ts-proto generates for each message (the transports pass their own writer and reader). */
export interface MessageCodec<T> {
  encode(message: T, writer?: BinaryWriter): { finish(): Uint8Array };
  decode(input: BinaryReader | Uint8Array, length?: number): T;
}

export interface MethodDefinition<Req = any, Res = any> {
  readonly name: string;
  readonly requestType: MessageCodec<Req>;
  readonly responseType: MessageCodec<Res>;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

export interface ServiceDefinition {
  readonly name: string;
  readonly fullName: string;
  readonly methods: Readonly<Record<string, MethodDefinition>>;
}

type Req<M> = M extends MethodDefinition<infer Q, any> ? Q : never;
type Res<M> = M extends MethodDefinition<any, infer S> ? S : never;

/** What a service implements: one async function per method. */
export type ServiceImpl<D extends ServiceDefinition> = {
  [K in keyof D['methods']]: (request: Req<D['methods'][K]>, ctx: CallContext) => Promise<Res<D['methods'][K]>>;
};

export interface CallOptions {
  /** The caller's own context: its deadline bounds this call's, its metadata (request id) is carried on. */
  parent?: CallContext;
  /** Timeout for this call; the effective deadline is the earlier of this and the parent's. */
  timeoutMs?: number;
  metadata?: Readonly<Record<string, string>>;
}

/** What a caller uses: one async function per method. */
export type Client<D extends ServiceDefinition> = {
  [K in keyof D['methods']]: (request: Req<D['methods'][K]>, options?: CallOptions) => Promise<Res<D['methods'][K]>>;
};

/** One unary call as interceptors see it. */
export interface UnaryCall {
  readonly service: string;
  readonly method: string;
  readonly definition: MethodDefinition;
  readonly request: unknown;
  readonly ctx: CallContext;
}

export type Next = (call: UnaryCall) => Promise<unknown>;

/** Wraps a call; calls next() to go on. The same shape serves client and server sides. */
export type Interceptor = (call: UnaryCall, next: Next) => Promise<unknown>;

/** How a client reaches a server: in-process now, framed TCP and gRPC in distributed mode. */
export interface Transport {
  unary(call: UnaryCall): Promise<unknown>;
  close?(): Promise<void>;
}
