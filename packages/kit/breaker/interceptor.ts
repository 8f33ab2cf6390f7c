// Client-side RPC interceptor: each call goes through the breaker of its key, so a failing
// method (or instance) is throttled at the caller instead of piling more work on the callee.
import type { Interceptor, UnaryCall } from '#kit/rpc';
import type { RunOptions } from './breaker.js';
import type { BreakerGroup } from './group.js';

/** `${service}/${method}`; the network transport adds the instance address to this. */
export const methodBreakerKey = (call: UnaryCall): string => `${call.service}/${call.method}`;

export interface BreakerInterceptorOptions {
  /** Default isAcceptableError: caller mistakes do not count against the callee. */
  acceptable?: RunOptions<unknown>['acceptable'];
}

export function breakerInterceptor(group: BreakerGroup, keyOf: (call: UnaryCall) => string = methodBreakerKey, options: BreakerInterceptorOptions = {}): Interceptor {
  const run: RunOptions<unknown> = options.acceptable ? { acceptable: options.acceptable } : {};
  return (call, next) => group.get(keyOf(call)).run(() => next(call), run);
}
