// ts-proto generic definitions → what grpc-js needs: the HTTP/2 path of each method and its
// (de)serializers, taken from the generated codecs, so Surge and a client built from the .proto
// alone agree on every byte.
import type { MethodDefinition as GrpcMethod, ServiceDefinition as GrpcService } from '@grpc/grpc-js';
import { decodeMessage, encodeMessage, WireWriter } from '../codec/index.js';
import type { MessageCodec, MethodDefinition, ServiceDefinition } from '../types.js';

/** The gRPC path of a method: /<package>.<Service>/<Method>, as every gRPC implementation spells it. */
export function grpcPath(service: string, method: string): string {
  return `/${service}/${method}`;
}

/** grpc-js wants a Buffer of its own per message; the writer behind it is reused. */
export function serializer<T>(codec: MessageCodec<T>): (value: T) => Buffer {
  const writer = new WireWriter(1024);
  return (value) => encodeMessage(codec, value, writer);
}

export function deserializer<T>(codec: MessageCodec<T>): (bytes: Buffer) => T {
  return (bytes) => decodeMessage(codec, bytes);
}

/** One grpc-js method definition, keyed by the method's proto name (Echo, GetUser). */
export function grpcMethod(service: string, def: MethodDefinition): GrpcMethod<unknown, unknown> {
  return {
    path: grpcPath(service, def.name),
    originalName: def.name,
    requestStream: def.requestStream,
    responseStream: def.responseStream,
    requestSerialize: serializer(def.requestType),
    requestDeserialize: deserializer(def.requestType),
    responseSerialize: serializer(def.responseType),
    responseDeserialize: deserializer(def.responseType),
  };
}

export function grpcService(definition: ServiceDefinition): GrpcService {
  const out: Record<string, GrpcMethod<unknown, unknown>> = {};
  for (const def of Object.values(definition.methods)) out[def.name] = grpcMethod(definition.fullName, def);
  return out;
}
