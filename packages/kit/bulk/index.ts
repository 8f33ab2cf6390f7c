// Bulk (periodical) executor: collect items, flush by count or interval with bounded concurrency
// and a bounded buffer, a promise per item settled with its batch, flush on close.
export { createBulkExecutor, type BulkExecutor, type FlushFn } from './executor.js';
export type { BulkOptions } from './options.js';
