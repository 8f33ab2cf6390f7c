// The failure policy of a saga, in one place. An action refused for a business reason (a
// SurgeError whose code is not retryable: InvalidArgument, NotFound, FailedPrecondition such as
// out of stock, AlreadyExists, PermissionDenied…) will be refused again, so the transaction
// compensates. Everything else may succeed later and is retried with back-off: the retryable
// codes (Unavailable, DeadlineExceeded, Overloaded, RateLimited, BreakerOpen), Cancelled (this
// side gave up, not the participant), Internal, and errors that are no SurgeError at all. A call
// that timed out may have committed at the participant: retrying is safe because the barrier
// runs it at most once.
import { Code, SurgeError, codeInfo } from '#kit/errors';

/** The longest error text kept in a row or a log line. */
const MAX_ERROR_TEXT = 500;
/** The longest details kept in a row, as JSON (the column's size): longer ones are not kept. */
const MAX_DETAILS_JSON = 1000;

export function isBusinessRefusal(err: unknown): err is SurgeError {
  if (!(err instanceof SurgeError)) return false;
  if (err.code === Code.Internal || err.code === Code.Cancelled) return false;
  return !codeInfo[err.code].retryable;
}

/** The code, bounded one-line message and details (JSON, '' when none or too long) to store for a failure. */
export function describeFailure(err: unknown): { code: number; message: string; details: string } {
  const error = SurgeError.from(err);
  // Internal hides its cause from clients; the row is for operators, so keep the cause's words.
  const generic = error.code === Code.Internal && error.message === 'internal error' && error.cause instanceof Error;
  const raw = generic ? `internal: ${(error.cause as Error).message}` : error.message;
  const details = error.details ? JSON.stringify(error.details) : '';
  return { code: error.code, message: raw.replace(/[\r\n]+/g, ' ').slice(0, MAX_ERROR_TEXT) || 'failed', details: details.length <= MAX_DETAILS_JSON ? details : '' };
}
