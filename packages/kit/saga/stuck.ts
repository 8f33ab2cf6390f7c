// Taking a stuck transaction back up, for coordinator.retry (which then drives it) and for an
// operator's hand-back (admin.ts, which leaves it to the coordinators' resume loop).
import { Code, errors, SurgeError } from '#kit/errors';
import { checkRefPart } from './barrier.js';
import type { SagaRow, SagaStore } from './store.js';

/** gid's row, refused unless it is stuck (NotFound, FailedPrecondition naming gid). */
export async function loadStuck(store: SagaStore, gid: string): Promise<SagaRow> {
  checkRefPart('gid', gid);
  const row = await store.load(gid);
  if (!row) throw errors.notFound(`saga transaction ${gid}`);
  if (row.status !== 'stuck') throw new SurgeError(Code.FailedPrecondition, `transaction ${gid} is ${row.status}, not stuck`, { details: { field: 'gid' } });
  return row;
}

/** Makes gid running again for owner with fresh attempts and the given lease; refused when someone took it since it was read. */
export async function takeStuck(store: SagaStore, gid: string, owner: string, now: number, leaseUntil: number): Promise<SagaRow> {
  const taken = await store.unstick(gid, owner, now, leaseUntil);
  // Another operator's retry took it between the read and the update.
  if (!taken) throw new SurgeError(Code.FailedPrecondition, `transaction ${gid} is no longer stuck`, { details: { field: 'gid' } });
  return taken;
}
