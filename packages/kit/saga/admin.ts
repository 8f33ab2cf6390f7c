// What an operator does with stuck transactions from outside the service that coordinates them
// (`surge admin saga`): list them, and hand one back. Handing back makes the row running again
// with fresh attempts and a lease that has already run out, so the next resume loop of any
// instance of the service takes it up, as it takes up a crashed instance's: the command needs no
// saga definitions, clients or lease of its own. The row leaves 'stuck' once, so two operators
// (or an operator and coordinator.retry) never both take it.
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { ServiceDatabase } from '#kit/store';
import { stepName, stuckSagaOf, type StuckSaga } from './outcome.js';
import { SagaStore } from './store.js';
import { loadStuck, takeStuck } from './stuck.js';

/** The owner written on a row an operator handed back (any coordinator may claim it). */
const OPERATOR = 'operator';

export interface SagaAdmin {
  /** Stuck transactions, the longest waiting first (at most limit, 1–1000, default 100); branches named by step. */
  stuck(limit?: number): Promise<StuckSaga[]>;
  /** Hands a stuck transaction back to its service's coordinators; what it was doing when it stopped. */
  handBack(gid: string): Promise<{ gid: string; saga: string; phase: StuckSaga['phase']; branch: string }>;
}

/** db: the coordinating service's database (its tables include SagaTables), as the coordinator takes it. */
export function createSagaAdmin(db: ServiceDatabase<any>, clock: Clock): SagaAdmin {
  const store = new SagaStore(db);
  return {
    async stuck(limit = 100) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw errors.invalid('limit', 'must be a whole number from 1 to 1000');
      return (await store.stuck(limit)).map((row) => stuckSagaOf(row, stepName(row.step)));
    },
    async handBack(gid) {
      await loadStuck(store, gid);
      const now = clock.now();
      // A lease ending now has run out by the coordinators' next look (they claim lease_until < now).
      const taken = await takeStuck(store, gid, OPERATOR, now, now);
      return { gid, saga: taken.saga, phase: taken.phase, branch: stepName(taken.step) };
    },
  };
}
