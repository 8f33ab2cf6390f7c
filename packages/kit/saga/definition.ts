// A saga is a name and an ordered list of branches, each an action and its compensation. The
// definition is code, not data: a coordinator resuming a transaction after a crash finds the
// branches to call by the name stored with it, so every instance must be given the same list.
import { errors } from '#kit/errors';
import { checkRefPart, type BranchRef } from './barrier.js';

/** What a branch operation is told: which branch of which transaction (pass it to the participant's barrier), and more. */
export interface BranchCall extends BranchRef {
  /** 1 on the first call of this operation; more after a failure or a crashed coordinator. */
  readonly attempt: number;
  /** Aborted when this coordinator stops driving (closing, or its lease was taken): pass it on to the RPC call. */
  readonly signal: AbortSignal;
}

export interface SagaBranch<P> {
  /** Unique within the saga; the participant's barrier key with the gid (1–64 of A-Z a-z 0-9 . _ : -). */
  readonly name: string;
  /**
   * Does the branch's work at a participant, which guards it with withBarrier. Resolve: done.
   * Throw a SurgeError with a non-retryable code (InvalidArgument, NotFound, FailedPrecondition…):
   * a business refusal, and the transaction compensates. Anything else is retried.
   */
  action(payload: P, call: BranchCall): Promise<unknown>;
  /** Undoes the action (a no-op through the barrier when it never ran). Every failure is retried. */
  compensate(payload: P, call: BranchCall): Promise<unknown>;
}

export interface SagaDefinition<P> {
  readonly name: string;
  readonly branches: readonly SagaBranch<P>[];
}

export const MAX_SAGA_NAME = 100;
export const MAX_BRANCHES = 32;
const SAGA_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/** Checks and freezes a saga: a name such as 'order.create' and 1–32 uniquely named branches. */
export function defineSaga<P>(name: string, branches: readonly SagaBranch<P>[]): SagaDefinition<P> {
  if (typeof name !== 'string' || name.length > MAX_SAGA_NAME || !SAGA_NAME.test(name))
    throw errors.invalid('name', `lower-case letters, digits and '-', words separated by '.', at most ${MAX_SAGA_NAME} characters (e.g. order.create)`);
  if (!Array.isArray(branches) || branches.length === 0 || branches.length > MAX_BRANCHES)
    throw errors.invalid('branches', `1 to ${MAX_BRANCHES} branches`);
  const seen = new Set<string>();
  const frozen = branches.map((b, i) => {
    const field = `branches[${i}]`;
    checkRefPart(`${field}.name`, b?.name);
    if (seen.has(b.name)) throw errors.invalid(`${field}.name`, `${b.name} is used twice`);
    seen.add(b.name);
    if (typeof b.action !== 'function') throw errors.invalid(`${field}.action`, 'a function');
    if (typeof b.compensate !== 'function') throw errors.invalid(`${field}.compensate`, 'a function');
    return Object.freeze({ name: b.name, action: b.action, compensate: b.compensate });
  });
  return Object.freeze({ name, branches: Object.freeze(frozen) });
}
