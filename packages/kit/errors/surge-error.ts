import { Code, codeInfo, isCode } from './codes.js';

/** Structured extras that are safe to show a client (field names, limits, retry hints). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/**
 * The one error type of Surge. Every failure that crosses a boundary (RPC, HTTP, queue)
 * is a SurgeError with a stable numeric code; the message is for people and safe to show.
 * The original error, if any, rides in `cause` and stays in logs.
 */
export class SurgeError extends Error {
  override readonly name: string = 'SurgeError';
  readonly code: Code;
  readonly details: ErrorDetails | undefined;

  constructor(code: Code, message: string, options: { details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  get httpStatus(): number {
    return codeInfo[this.code].http;
  }

  get retryable(): boolean {
    return codeInfo[this.code].retryable;
  }

  /** Anything caught → a SurgeError. Unknown errors become Internal with a generic message. */
  static from(err: unknown, fallback: Code = Code.Internal): SurgeError {
    if (err instanceof SurgeError) return err;
    if (isAbort(err)) return new SurgeError(Code.Cancelled, 'the call was cancelled', { cause: err });
    return new SurgeError(fallback, fallback === Code.Internal ? 'internal error' : String((err as Error)?.message ?? err), { cause: err });
  }

  /** Rebuild an error received over a wire; an unknown code is treated as Internal. */
  static fromWire(code: number, message: string, details?: ErrorDetails): SurgeError {
    return new SurgeError(isCode(code) ? code : Code.Internal, message, details ? { details } : {});
  }

  toJSON(): { code: Code; message: string; details?: ErrorDetails } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

function isAbort(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'AbortError';
}

/** Shorthands for the codes used most; each names what went wrong. */
export const errors = {
  invalid: (field: string, problem: string) =>
    new SurgeError(Code.InvalidArgument, `${field}: ${problem}`, { details: { field } }),
  unauthenticated: (message = 'sign in first: no valid token') => new SurgeError(Code.Unauthenticated, message),
  notFound: (what: string) => new SurgeError(Code.NotFound, `${what} not found`),
  exists: (what: string) => new SurgeError(Code.AlreadyExists, `${what} is already taken`),
  unavailable: (dependency: string, cause?: unknown) =>
    new SurgeError(Code.Unavailable, `${dependency} is unavailable, try again shortly`, { details: { dependency }, cause }),
  rateLimited: (retryAfterSeconds: number, what = 'too many requests') =>
    new SurgeError(Code.RateLimited, `${what}: retry in ${retryAfterSeconds} s`, { details: { retryAfter: retryAfterSeconds } }),
  deadline: () => new SurgeError(Code.DeadlineExceeded, 'deadline exceeded'),
  internal: (cause?: unknown) => new SurgeError(Code.Internal, 'internal error', { cause }),
} as const;
