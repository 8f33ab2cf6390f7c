// CallContext metadata ⇄ gRPC metadata. Surge metadata is string keys and string values
// (x-request-id, traceparent, caller); gRPC adds its own headers, which stay on the wire and out
// of the context so a nested call never forwards them as if they were the caller's.
import { Metadata } from '@grpc/grpc-js';
import { errors } from '#kit/errors';

/** Headers owned by the transport, not the caller: never copied into or out of a CallContext. */
function isTransportKey(key: string): boolean {
  // grpc-* is reserved by the gRPC spec; -bin values are bytes, which Surge metadata cannot hold.
  return key.startsWith('grpc-') || key.endsWith('-bin') || key === 'user-agent' || key === 'content-type' || key === 'te';
}

/** Received metadata → the context's string map (first value of each string key). */
export function fromGrpcMetadata(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    if (typeof value === 'string' && !isTransportKey(key)) out[key] = value;
  }
  return out;
}

/**
 * The context's metadata → gRPC metadata. gRPC accepts keys of [0-9a-z_.-] and printable ASCII
 * values only; anything else is the caller's bug, reported as InvalidArgument naming the key
 * rather than a grpc-js error mid-call.
 */
export function toGrpcMetadata(map: Readonly<Record<string, string>>): Metadata {
  const metadata = new Metadata();
  for (const key in map) {
    if (isTransportKey(key)) continue;
    const value = map[key]!;
    if (!/^[0-9a-z_.-]+$/.test(key)) throw errors.invalid(`metadata key "${key}"`, 'gRPC allows only 0-9 a-z _ . - in keys');
    if (!/^[\x20-\x7e]*$/.test(value)) throw errors.invalid(`metadata ${key}`, 'gRPC allows only printable ASCII in values');
    metadata.set(key, value);
  }
  return metadata;
}
