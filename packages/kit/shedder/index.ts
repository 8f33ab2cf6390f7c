// Adaptive load shedding: refuse work fast when the process is hot and more requests are in
// flight than it has shown it can hold. Handle API (allow → pass/fail), nop and RPC interceptor.
export { type Shedder, type ShedderHandle } from './shedder.js';
export { createShedder, resolveShedderOptions, type ShedderOptions, type ShedderStats, type AdaptiveShedderApi, DEFAULT_WINDOW_MS, DEFAULT_BUCKETS, DEFAULT_THRESHOLD, DEFAULT_COOL_OFF_MS } from './adaptive-shedder.js';
export { EventLoopProbe, eventLoopProbe, type LoadProbe, type EventLoopProbeOptions } from './probe.js';
export { nopShedder } from './nop.js';
export { shedderInterceptor } from './interceptor.js';
