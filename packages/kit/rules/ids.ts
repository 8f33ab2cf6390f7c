// The rule for ids a service is given (snowflake ids, kit/ids): positive safe integers, so they
// stay exact as JavaScript and JSON numbers; and for a batch of them, a bound on how many one call
// may name, so one request cannot ask for an unbounded amount of work.
import { errors } from '#kit/errors';

/** An id: a positive safe integer, or InvalidArgument naming the field. */
export function checkId(field: string, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw errors.invalid(field, 'must be a positive integer id');
  return id;
}

export interface IdsRule {
  /** Most ids one call may name (repeats count). */
  readonly max: number;
  /** Fold repeats, keeping the first of each in order. Default false: the caller's order and repeats are kept. */
  readonly unique?: boolean;
}

/** A batch of ids: at most rule.max of them, each a positive safe integer; the field named on refusal. */
export function checkIds(field: string, ids: readonly number[], rule: IdsRule): number[] {
  if (ids.length > rule.max) throw errors.invalid(field, `at most ${rule.max} ids per call (got ${ids.length})`);
  const checked = ids.map((id) => checkId(field, id));
  return rule.unique ? [...new Set(checked)] : checked;
}
