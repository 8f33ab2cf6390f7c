// Error mapping at the gRPC edge, both ways. Out: a SurgeError leaves as the gRPC status of its
// code (codeInfo[code].grpc) with the message as details, and the exact Surge code rides in the
// trailer `surge-code` (several Surge codes share one gRPC status: 40101 and 40102 are both
// UNAUTHENTICATED). In: a `surge-code` trailer is trusted as is; without one (a foreign server,
// or grpc-js failing before any server answered) the gRPC status picks the closest Surge code.
import { Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { Code, codeInfo, errors, GrpcStatus, isCode, SurgeError, type ErrorDetails } from '#kit/errors';

/** Trailer carrying the Surge code (decimal) of a failed call. */
export const SURGE_CODE_KEY = 'surge-code';
/** Trailer carrying the error's details as JSON (ASCII only, see asciiJson). */
export const SURGE_DETAILS_KEY = 'surge-details';

/**
 * The Surge code closest to each gRPC status, for statuses that come without `surge-code`.
 * Mapping a Surge code out and back through this table lands on a code with the same gRPC status.
 */
const fromGrpc: Readonly<Record<number, Code>> = Object.freeze({
  [GrpcStatus.CANCELLED]: Code.Cancelled,
  [GrpcStatus.UNKNOWN]: Code.Internal,
  [GrpcStatus.INVALID_ARGUMENT]: Code.InvalidArgument,
  [GrpcStatus.DEADLINE_EXCEEDED]: Code.DeadlineExceeded,
  [GrpcStatus.NOT_FOUND]: Code.NotFound,
  [GrpcStatus.ALREADY_EXISTS]: Code.AlreadyExists,
  [GrpcStatus.PERMISSION_DENIED]: Code.PermissionDenied,
  // The server refused the load (quota, overload, message too large): retryable later, as Overloaded is.
  [GrpcStatus.RESOURCE_EXHAUSTED]: Code.Overloaded,
  [GrpcStatus.FAILED_PRECONDITION]: Code.FailedPrecondition,
  // A concurrency conflict: the state forbade it this time.
  [GrpcStatus.ABORTED]: Code.FailedPrecondition,
  // Surge sends PayloadTooLarge as OUT_OF_RANGE, but from a foreign server it means a value out of range.
  [GrpcStatus.OUT_OF_RANGE]: Code.InvalidArgument,
  // No such service or method: what the in-process transport answers NotFound for.
  [GrpcStatus.UNIMPLEMENTED]: Code.NotFound,
  [GrpcStatus.INTERNAL]: Code.Internal,
  [GrpcStatus.UNAVAILABLE]: Code.Unavailable,
  [GrpcStatus.DATA_LOSS]: Code.Internal,
  [GrpcStatus.UNAUTHENTICATED]: Code.Unauthenticated,
});

/** The Surge code for a gRPC status received without a `surge-code` trailer. */
export function codeFromGrpcStatus(status: number): Code {
  return fromGrpc[status] ?? Code.Internal;
}

/** What a server handler's failure becomes on the wire. Unknown errors become INTERNAL 'internal error'. */
export function toGrpcError(err: unknown): Partial<StatusObject> {
  const e = SurgeError.from(err);
  const metadata = new Metadata();
  metadata.set(SURGE_CODE_KEY, String(e.code));
  if (e.details) metadata.set(SURGE_DETAILS_KEY, asciiJson(e.details));
  return { code: codeInfo[e.code].grpc, details: e.message, metadata };
}

/**
 * What a failed call becomes for the caller, who did not cancel it (the transport answers its own
 * cancellations before asking here). `dependency` names the server in Unavailable errors.
 * grpc-js decodes the percent-encoded status message, so non-ASCII messages arrive intact.
 */
export function fromGrpcError(err: ServiceError, dependency: string): SurgeError {
  const wire = Number(first(err.metadata, SURGE_CODE_KEY));
  if (isCode(wire)) {
    const details = parseDetails(first(err.metadata, SURGE_DETAILS_KEY));
    return SurgeError.fromWire(wire, err.details, details);
  }
  const code = codeFromGrpcStatus(err.code);
  // Without a Surge trailer these usually come from grpc-js itself (no connection, the client-side
  // deadline timer), so they get the standard messages the other transports use. CANCELLED the
  // caller did not cause (the transport checks its own signal first) means the server cut the
  // stream, shutting down or crashing: for the caller, the server went away.
  if (code === Code.Unavailable || code === Code.Cancelled) return errors.unavailable(dependency, err);
  if (code === Code.DeadlineExceeded) return new SurgeError(Code.DeadlineExceeded, 'deadline exceeded', { cause: err });
  if (code === Code.Internal) return new SurgeError(Code.Internal, 'internal error', { cause: err });
  return new SurgeError(code, err.details || codeInfo[code].name, { cause: err });
}

function first(metadata: Metadata | undefined, key: string): string | undefined {
  const v = metadata?.get(key)[0];
  return typeof v === 'string' ? v : undefined;
}

function parseDetails(raw: string | undefined): ErrorDetails | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Details are an extra for the caller; a garbled trailer must not hide the code and message.
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** JSON with every non-ASCII character escaped (\uXXXX): gRPC text metadata allows printable ASCII only. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
