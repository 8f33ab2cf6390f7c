// Rolling window of counters over time buckets: the breaker's request/accept counts and the
// shedder's passes and latencies. Lazy expiry, injected clock, no timers.
export { RollingWindow, resolveRollingWindowOptions, type Bucket, type RollingWindowOptions } from './rolling-window.js';
