// Bulk (periodical) executor: collect items, flush by count or interval with bounded concurrency
// and a bounded buffer, a promise per item settled with its batch, flush on close.
// Turn loader: the reads of one event-loop turn in one batch call.
export { createBulkExecutor, type BulkExecutor, type FlushFn } from './executor.js';
export type { BulkOptions } from './options.js';
export { createTurnLoader, type TurnLoader } from './turn-loader.js';
