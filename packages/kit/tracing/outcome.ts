// How a failure shows on a span, the same for RPC, queue and HTTP: status ERROR with the
// SurgeError's message (safe to show), the Surge code as `surge.code` and its name as `error.type`.
// The stack is not recorded: it may name SQL or paths, and the code is what callers branch on.
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { codeInfo, SurgeError } from '#kit/errors';

export const SURGE_CODE = 'surge.code';

export function recordFailure(span: Span, err: unknown, markError = true): void {
  const e = SurgeError.from(err);
  span.setAttribute(SURGE_CODE, e.code);
  span.setAttribute('error.type', codeInfo[e.code].name);
  if (markError) span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/** Runs fn inside span: ends it when fn settles, marking a failure, and hands fn's outcome on. */
export async function within<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    const value = await fn();
    span.end();
    return value;
  } catch (err) {
    recordFailure(span, err);
    span.end();
    throw err;
  }
}
