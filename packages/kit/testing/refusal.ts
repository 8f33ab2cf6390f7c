// For tests of checks and readers: what a call was refused with. One helper instead of a
// try/catch copied into every rules test.
import { SurgeError, type Code } from '#kit/errors';

/**
 * Runs fn and returns the SurgeError it threw; throws (failing the test) when it returned, threw
 * something else, or threw another code than `code` when one is given.
 */
export function refusalOf(fn: () => unknown, code?: Code): SurgeError {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof SurgeError)) throw err;
    if (code !== undefined && err.code !== code) throw new Error(`expected code ${code}, got ${err.code}: ${err.message}`, { cause: err });
    return err;
  }
  throw new Error('expected a refusal, but the call returned');
}

/** The SurgeError a promise rejected with, checked as refusalOf checks a throw. */
export async function rejectionOf(promise: Promise<unknown>, code?: Code): Promise<SurgeError> {
  let outcome: { rejected: unknown } | undefined;
  await promise.then(
    () => undefined,
    (err: unknown) => (outcome = { rejected: err }),
  );
  if (outcome === undefined) throw new Error('expected a rejection, but the promise resolved');
  return refusalOf(() => {
    throw outcome!.rejected;
  }, code);
}
