// The closed set of Surge error codes. A code never changes meaning once shipped:
// clients branch on it. The hundreds digit group is the HTTP status (40901 → 409),
// and the table below is the single place that maps a code to HTTP and gRPC.
// docs/errors.md lists every code; codes.test.ts keeps the two in step.

export const Code = {
  InvalidArgument: 40001,
  Unauthenticated: 40101,
  TokenExpired: 40102,
  PermissionDenied: 40301,
  NotFound: 40401,
  AlreadyExists: 40901,
  FailedPrecondition: 40902,
  QuotaExceeded: 40903,
  PayloadTooLarge: 41301,
  UnsupportedMediaType: 41501,
  RateLimited: 42901,
  Cancelled: 49901,
  Internal: 50001,
  Unavailable: 50301,
  Overloaded: 50302,
  BreakerOpen: 50303,
  DeadlineExceeded: 50401,
} as const;

export type Code = (typeof Code)[keyof typeof Code];

/** gRPC status numbers (google.rpc.Code), kept here so the kit never imports grpc-js for a table. */
export const GrpcStatus = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9,
  ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
  DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;

export interface CodeInfo {
  /** Stable name, as written in docs/errors.md. */
  readonly name: keyof typeof Code;
  readonly http: number;
  readonly grpc: number;
  /** Whether a caller may retry the same request later (transport-level retries use this). */
  readonly retryable: boolean;
  /** What the code means, for docs/errors.md. */
  readonly meaning: string;
}

const info = (name: keyof typeof Code, http: number, grpc: number, retryable: boolean, meaning: string): CodeInfo =>
  Object.freeze({ name, http, grpc, retryable, meaning });

export const codeInfo: Readonly<Record<Code, CodeInfo>> = Object.freeze({
  [Code.InvalidArgument]: info('InvalidArgument', 400, GrpcStatus.INVALID_ARGUMENT, false, 'A field is missing, mistyped or out of range; the message names it.'),
  [Code.Unauthenticated]: info('Unauthenticated', 401, GrpcStatus.UNAUTHENTICATED, false, 'No credentials, bad credentials, or a token that is malformed or tampered with.'),
  [Code.TokenExpired]: info('TokenExpired', 401, GrpcStatus.UNAUTHENTICATED, false, 'The token was valid but has expired: log in again.'),
  [Code.PermissionDenied]: info('PermissionDenied', 403, GrpcStatus.PERMISSION_DENIED, false, 'The caller is known but may not do this.'),
  [Code.NotFound]: info('NotFound', 404, GrpcStatus.NOT_FOUND, false, 'The resource or route does not exist.'),
  [Code.AlreadyExists]: info('AlreadyExists', 409, GrpcStatus.ALREADY_EXISTS, false, 'A unique value (a username, say) is already taken.'),
  [Code.FailedPrecondition]: info('FailedPrecondition', 409, GrpcStatus.FAILED_PRECONDITION, false, 'The request is well formed but the current state forbids it.'),
  [Code.QuotaExceeded]: info('QuotaExceeded', 409, GrpcStatus.RESOURCE_EXHAUSTED, false, 'A per-user quota (a flash sale\'s units per buyer) would be passed; the state will not change by retrying.'),
  [Code.PayloadTooLarge]: info('PayloadTooLarge', 413, GrpcStatus.OUT_OF_RANGE, false, 'The body or upload is larger than the configured limit.'),
  [Code.UnsupportedMediaType]: info('UnsupportedMediaType', 415, GrpcStatus.INVALID_ARGUMENT, false, 'The Content-Type is not one this route accepts.'),
  [Code.RateLimited]: info('RateLimited', 429, GrpcStatus.RESOURCE_EXHAUSTED, true, 'A rate limit or quota was hit; retry after the time given.'),
  [Code.Cancelled]: info('Cancelled', 499, GrpcStatus.CANCELLED, false, 'The caller went away before the work finished.'),
  [Code.Internal]: info('Internal', 500, GrpcStatus.INTERNAL, false, 'A bug or an unexpected failure; details are in the server log, never in the reply.'),
  [Code.Unavailable]: info('Unavailable', 503, GrpcStatus.UNAVAILABLE, true, 'A dependency (database, cache, queue, service) does not answer.'),
  [Code.Overloaded]: info('Overloaded', 503, GrpcStatus.RESOURCE_EXHAUSTED, true, 'The server shed the request to protect itself.'),
  [Code.BreakerOpen]: info('BreakerOpen', 503, GrpcStatus.UNAVAILABLE, true, 'The client-side breaker rejected the call: the callee is failing.'),
  [Code.DeadlineExceeded]: info('DeadlineExceeded', 504, GrpcStatus.DEADLINE_EXCEEDED, true, 'The deadline passed before the work finished.'),
});

export const allCodes: readonly Code[] = Object.freeze(Object.values(Code));

export function isCode(n: unknown): n is Code {
  return typeof n === 'number' && Object.prototype.hasOwnProperty.call(codeInfo, n);
}
