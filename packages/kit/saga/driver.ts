// Drives one transaction from its stored cursor to an end, as DTM's saga processor does, one
// branch at a time: actions forward; after a business refusal, compensations backward from the
// refused branch (it may have committed before answering; its barrier makes the compensation a
// no-op when it did not) down to the first. Each call is counted in the row before it is made,
// so the attempt limit also stops a branch that kills its coordinator: a step's first call by the
// write that reaches the step (run()'s creation of the row, the previous step's move), every
// other call by an UPDATE of its own. The move past the last step also finishes the transaction,
// so one that goes straight through commits once per branch plus its creation. The drive ends
// when the transaction finishes or sticks, or early ('pending') when this instance must stop: it
// is closing, its lease was taken, or its database fails; the lease then runs out and any
// instance resumes from the row.
import { Code, SurgeError } from '#kit/errors';
import { backoffMs } from './backoff.js';
import type { SagaDefinition } from './definition.js';
import { describeFailure, isBusinessRefusal } from './failure.js';
import { keepLease, type LeaseKeeper } from './lease.js';
import type { ResolvedSagaOptions } from './options.js';
import { storedError, type SagaOutcome } from './outcome.js';
import type { SagaRow, SagaStore } from './store.js';

export interface DriveDeps {
  readonly store: SagaStore;
  readonly options: ResolvedSagaOptions;
  /** Aborted when the coordinator closes. */
  readonly closing: AbortSignal;
  /** Counts a transaction this instance finished or stuck. */
  count(saga: string, outcome: 'succeeded' | 'compensated' | 'stuck'): void;
}

/**
 * counted: the row already counts the call about to be made at its step (a row run() just wrote);
 * false for a claimed or unstuck row, whose next call is counted first.
 */
export async function drive(row: SagaRow, saga: SagaDefinition<unknown>, deps: DriveDeps, counted: boolean): Promise<SagaOutcome> {
  const o = deps.options;
  const lease = keepLease({ store: deps.store, clock: o.clock, log: o.log, owner: o.owner, leaseMs: o.leaseMs }, row.gid, deps.closing);
  try {
    return await steps(row, saga, deps, lease, counted);
  } catch (err) {
    // Only the store throws here (branch failures are caught around each call): stop writing;
    // the lease runs out and this or another instance resumes from the last stored step.
    o.log.warn({ err, gid: row.gid, saga: saga.name }, 'saga: stopped driving after a database failure; it resumes when its lease runs out');
    return { gid: row.gid, status: 'pending' };
  } finally {
    lease.stop();
  }
}

async function steps(row: SagaRow, saga: SagaDefinition<unknown>, deps: DriveDeps, lease: LeaseKeeper, counted: boolean): Promise<SagaOutcome> {
  const { store, options: o } = deps;
  const { gid } = row;
  const pending: SagaOutcome = { gid, status: 'pending' };
  let { phase, step, attempts } = row;
  let reason = row.reason_code === 0 ? undefined : storedError(row.reason_code, row.reason, row.reason_details);
  let lastError = row.error_code === 0 ? undefined : storedError(row.error_code, row.error);

  const finished = (status: 'succeeded' | 'compensated'): SagaOutcome => {
    deps.count(saga.name, status);
    if (status === 'succeeded') return { gid, status };
    return { gid, status, reason: reason ?? new SurgeError(Code.Internal, 'compensated for a reason not recorded') };
  };
  const endOf = (at: number): 'succeeded' | 'compensated' | undefined =>
    phase === 'action' ? (at >= saga.branches.length ? 'succeeded' : undefined) : at < 0 ? 'compensated' : undefined;

  // A row already at an end that is still running (left so by a drive that stopped in between).
  const finish = async (status: 'succeeded' | 'compensated'): Promise<SagaOutcome> => {
    const now = o.clock.now();
    if (!(await store.fenced(gid, o.owner, { status, owner: '', lease_until: 0, finished_at: now, updated_at: now }))) return pending;
    return finished(status);
  };

  const stick = async (error: SurgeError): Promise<SagaOutcome> => {
    const now = o.clock.now();
    const failure = describeFailure(error);
    const set = { status: 'stuck' as const, owner: '', lease_until: 0, error_code: failure.code, error: failure.message, updated_at: now };
    if (!(await store.fenced(gid, o.owner, set))) return pending;
    deps.count(saga.name, 'stuck');
    const branch = saga.branches[step]?.name;
    o.log.error({ gid, saga: saga.name, phase, branch, attempts, code: failure.code, error: failure.message }, 'saga: transaction stuck after its retries; waiting for an operator (retry(gid))');
    return { gid, status: 'stuck', error };
  };

  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch (err) {
    // Written by run() from JSON.stringify, so only a hand-edited row gets here.
    return stick(new SurgeError(Code.Internal, 'the stored payload is not JSON', { cause: err }));
  }

  for (;;) {
    if (lease.signal.aborted) return pending;
    const end = endOf(step);
    if (end) return finish(end);
    const branch = saga.branches[step];
    if (!branch) return stick(new SurgeError(Code.Internal, `step ${step} is past the ${saga.branches.length} branches of ${saga.name} (was the definition shortened?)`));
    if (!counted) {
      if (attempts >= o.retry.maxAttempts) {
        return stick(lastError ?? new SurgeError(Code.Internal, 'every attempt was used; the last ones ended with their coordinator'));
      }
      // Count the attempt (and renew the lease) before calling.
      const at = o.clock.now();
      if (!(await store.fenced(gid, o.owner, { attempts: attempts + 1, lease_until: at + o.leaseMs, updated_at: at }))) return pending;
      attempts += 1;
    }
    counted = false;
    const call = { gid, branch: branch.name, attempt: attempts, signal: lease.signal };
    let failed = false;
    let failure: unknown;
    try {
      await (phase === 'action' ? branch.action(payload, call) : branch.compensate(payload, call));
    } catch (err) {
      failed = true;
      failure = err;
    }
    // Another instance drives it now: whatever this call did, the barrier keeps it single.
    if (lease.lost) return pending;
    const now = o.clock.now();

    if (!failed) {
      const next = phase === 'action' ? step + 1 : step - 1;
      const ends = endOf(next);
      // Past the last step the move finishes the transaction; otherwise it counts the next step's
      // first call (made right after it) and renews the lease, as the counting UPDATE would.
      const onward = ends
        ? { status: ends, owner: '', lease_until: 0, finished_at: now, attempts: 0 }
        : { attempts: 1, lease_until: now + o.leaseMs };
      const set = { step: next, error_code: 0, error: '', updated_at: now, ...onward };
      if (!(await store.move(gid, o.owner, set, { idx: step, column: phase === 'action' ? 'action' : 'compensation', value: 'done' }, now))) return pending;
      if (ends) return finished(ends);
      step = next;
      attempts = 1;
      counted = true;
      lastError = undefined;
      continue;
    }

    if (phase === 'action' && isBusinessRefusal(failure)) {
      // Compensate from this branch down: it may have committed before its answer was lost. The
      // move counts the compensation's first call, as above.
      const refusal = describeFailure(failure);
      const set = { phase: 'compensate' as const, attempts: 1, lease_until: now + o.leaseMs, reason_code: refusal.code, reason: refusal.message, reason_details: refusal.details, error_code: 0, error: '', updated_at: now };
      if (!(await store.move(gid, o.owner, set, { idx: step, column: 'action', value: 'refused' }, now))) return pending;
      phase = 'compensate';
      attempts = 1;
      counted = true;
      reason = failure;
      lastError = undefined;
      continue;
    }

    const described = describeFailure(failure);
    lastError = storedError(described.code, described.message);
    if (attempts >= o.retry.maxAttempts) return stick(lastError);
    if (!(await store.fenced(gid, o.owner, { error_code: described.code, error: described.message, updated_at: now }))) return pending;
    o.log.info({ gid, saga: saga.name, phase, branch: branch.name, attempt: attempts, code: described.code, error: described.message }, 'saga: branch failed; retrying after back-off');
    try {
      await o.clock.sleep(backoffMs(o.retry, attempts, o.random), lease.signal);
    } catch {
      // Aborted: closing, or the lease was lost; the row says where to resume.
      return pending;
    }
  }
}
