// The breaker's public shape: allow() hands back a handle the caller settles, so the breaker
// never has to wrap the guarded call; run() is the convenience built on the handle.
import { Code, SurgeError, codeInfo } from '#kit/errors';

/** The outcome of one allowed call, settled exactly once by the caller. */
export interface BreakerHandle {
  /** The callee answered: it is healthy (a caller-mistake error counts as this too). */
  accept(): void;
  /** The callee failed: unavailable, timed out, overloaded or broken. */
  reject(): void;
}

export interface RunOptions<T> {
  /**
   * Whether an error still means the callee is fine. Default `isAcceptableError`: caller mistakes
   * (4xx codes: InvalidArgument, NotFound, AlreadyExists, Unauthenticated, PermissionDenied,
   * FailedPrecondition, RateLimited, Cancelled, …) are acceptable; server faults (5xx: Internal,
   * Unavailable, Overloaded, BreakerOpen, DeadlineExceeded) and unknown errors are failures.
   */
  acceptable?(err: unknown): boolean;
  /** Called instead of throwing when the breaker rejects the call (never for errors of fn itself). */
  fallback?(err: SurgeError): T | Promise<T>;
}

export interface Breaker {
  /** Name used in errors and metrics (per method and instance when in a group). */
  readonly name: string;
  /** A handle to settle once the call ends, or throws SurgeError(BreakerOpen) without calling. */
  allow(): BreakerHandle;
  /** Runs fn under the breaker: rejected calls throw BreakerOpen (or go to fallback). */
  run<T>(fn: () => Promise<T>, options?: RunOptions<T>): Promise<T>;
}

/** Caller mistakes leave the callee healthy; only server-side faults (HTTP 5xx codes) count as failures. */
export function isAcceptableError(err: unknown): boolean {
  const code = SurgeError.from(err).code;
  return codeInfo[code].http < 500;
}

export function breakerOpen(name: string): SurgeError {
  return new SurgeError(Code.BreakerOpen, name ? `circuit breaker is open: ${name}` : 'circuit breaker is open', name ? { details: { breaker: name } } : {});
}

/** run() in terms of allow(), shared by every breaker kind. */
export async function runWithBreaker<T>(breaker: Breaker, fn: () => Promise<T>, options: RunOptions<T> = {}): Promise<T> {
  let handle: BreakerHandle;
  try {
    handle = breaker.allow();
  } catch (err) {
    if (options.fallback && err instanceof SurgeError && err.code === Code.BreakerOpen) return options.fallback(err);
    throw err;
  }
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    if ((options.acceptable ?? isAcceptableError)(err)) handle.accept();
    else handle.reject();
    throw err;
  }
  handle.accept();
  return value;
}
