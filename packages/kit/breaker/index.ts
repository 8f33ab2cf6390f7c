// Client-side circuit breaker: Google SRE adaptive throttling over a rolling window, with a
// handle API (allow → accept/reject), run() on top, a per-key group and an RPC interceptor.
export { type Breaker, type BreakerHandle, type RunOptions, isAcceptableError } from './breaker.js';
export { createBreaker, dropRatio, resolveBreakerOptions, type BreakerOptions, type GoogleBreaker, DEFAULT_K, DEFAULT_WINDOW_MS, DEFAULT_BUCKETS } from './google-throttle.js';
export { nopBreaker } from './nop.js';
export { BreakerGroup, type BreakerGroupOptions } from './group.js';
export { breakerInterceptor, methodBreakerKey, type BreakerInterceptorOptions } from './interceptor.js';
