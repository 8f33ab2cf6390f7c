// What run(), retry() and the resume loop report for one transaction.
import { SurgeError, type ErrorDetails } from '#kit/errors';
import type { SagaPhase, SagaRow } from './store.js';

export type SagaOutcome =
  /** Every action ran. */
  | { readonly gid: string; readonly status: 'succeeded' }
  /** An action was refused (reason: the participant's error, e.g. out of stock) and every branch that may have run is compensated. */
  | { readonly gid: string; readonly status: 'compensated'; readonly reason: SurgeError }
  /**
   * Retries ran out; waiting for an operator (stuck(), retry(gid)). error: the last failure, for
   * operators: an Internal one carries its cause's words, so answer a client with your own error.
   */
  | { readonly gid: string; readonly status: 'stuck'; readonly error: SurgeError }
  /** This instance stopped driving it (closing, lease taken, database failing); an instance resumes it after the lease. */
  | { readonly gid: string; readonly status: 'pending' };

/** A transaction waiting for an operator, as stuck() lists it. */
export interface StuckSaga {
  readonly gid: string;
  readonly saga: string;
  /** Whether it was going forward (action) or compensating when it stopped. */
  readonly phase: SagaPhase;
  /** The branch whose operation kept failing. */
  readonly branch: string;
  readonly attempts: number;
  readonly error: SurgeError;
  /** The refusal that started the compensation, when compensating. */
  readonly reason: SurgeError | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A failure as a row keeps it; details as describeFailure wrote them ('' or unreadable: none). */
export function storedError(code: number, message: string, details = ''): SurgeError {
  let parsed: unknown;
  try {
    parsed = details === '' ? undefined : JSON.parse(details);
  } catch {
    parsed = undefined;
  }
  const object = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ErrorDetails) : undefined;
  return SurgeError.fromWire(code, message, object);
}

/** The outcome a stored row already shows (a run() of a gid that exists). */
export function outcomeOfRow(row: SagaRow): SagaOutcome {
  switch (row.status) {
    case 'succeeded':
      return { gid: row.gid, status: 'succeeded' };
    case 'compensated':
      return { gid: row.gid, status: 'compensated', reason: storedError(row.reason_code, row.reason, row.reason_details) };
    case 'stuck':
      return { gid: row.gid, status: 'stuck', error: storedError(row.error_code, row.error) };
    default:
      return { gid: row.gid, status: 'pending' };
  }
}

/** A step's name where its saga's definition is not at hand: its index. */
export const stepName = (step: number): string => `#${step}`;

/** A stuck row as stuck() lists it; `branch` names the step (the saga's own name for it, when known). */
export function stuckSagaOf(row: SagaRow, branch: string): StuckSaga {
  return {
    gid: row.gid,
    saga: row.saga,
    phase: row.phase,
    branch,
    attempts: row.attempts,
    error: storedError(row.error_code, row.error),
    reason: row.reason_code === 0 ? undefined : storedError(row.reason_code, row.reason, row.reason_details),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
