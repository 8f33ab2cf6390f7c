// Deadlock victims run again. InnoDB breaks a deadlock by rolling one transaction back whole and
// failing it with ER_LOCK_DEADLOCK; MariaDB's manual asks the application to run it again. The
// store does so in one place for every service: a statement outside a transaction is retried
// by the driver wrapper, a transaction by ServiceDatabase.transaction (its callback runs again
// from the start, so it must keep side effects outside the database until after the commit).
import { isDeadlock } from './errors.js';

/** Runs in all, the first included. A fourth deadlock in a row means the contention is real: Unavailable. */
export const DEADLOCK_ATTEMPTS = 4;

/** run(), again after a short random pause each time the database picks it as a deadlock's victim. */
export async function retryDeadlocks<T>(run: () => Promise<T>, random: () => number = Math.random): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(err)) throw err;
      // Up to 5, 10, 15 ms: the survivor commits meanwhile, and two victims seldom meet again.
      await new Promise((resolve) => setTimeout(resolve, random() * 5 * attempt));
    }
  }
}
