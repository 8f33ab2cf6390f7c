// saga: transactions across services as ordered branches, each an action and its compensation,
// after DTM. The coordinator keeps each transaction in its service's database, drives it under an
// owner-stamped lease and retries with back-off; another instance resumes it when the owner dies.
// Participants guard every branch with the barrier in their own database (idempotent, null
// compensation, hanging prevention), which is what makes the at-least-once calls exactly-once.
export { withBarrier, checkBranchRef, pruneBarrier, type BranchRef, type BarrierOp, type BarrierResult } from './barrier.js';
export { barrierMigrations, type BarrierTables } from './barrier-migrations.js';
export { defineSaga, type SagaDefinition, type SagaBranch, type BranchCall } from './definition.js';
export { createSagaCoordinator, type SagaCoordinator } from './coordinator.js';
export { createSagaAdmin, type SagaAdmin } from './admin.js';
export type { SagaCoordinatorOptions, SagaRetryOptions } from './options.js';
export type { SagaOutcome, StuckSaga } from './outcome.js';
export { sagaMigrations, type SagaTables, type SagaStatus, type SagaPhase } from './migrations.js';
