// outbox: events written in the same transaction as the facts they report, relayed to the
// queue at least once, and applied by consumers exactly once.
export { createOutbox, type EventSink, type Outbox, type OutboxOptions } from './outbox.js';
export { applyEachOnce, applyOnce, type ApplyOnceOptions } from './apply-once.js';
export { createBatchApplier, type BatchApplier, type BatchApplierOptions } from './batch-applier.js';
export { outboxMigrations, type OutboxTables } from './migrations.js';
