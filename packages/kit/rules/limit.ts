// The rule for a list call's page size: 0 (the protobuf default, so "not set") means the default,
// more than the maximum is capped rather than refused (the contract promises "at most"), and only a
// negative or fractional one is refused. One wording everywhere, so clients see the same message
// whichever service answers.
import { errors } from '#kit/errors';

export interface LimitRule {
  /** Most items one call returns; a larger limit is capped to it. */
  readonly max: number;
  /** What 0 (unset) means. Default max. */
  readonly byDefault?: number;
}

/** The page size to use for `limit`; InvalidArgument naming `limit` when it is negative or not an integer. */
export function checkLimit(limit: number, rule: LimitRule): number {
  const byDefault = rule.byDefault ?? rule.max;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw errors.invalid('limit', `must be 0 (the default, ${byDefault}) or a positive integer; more than ${rule.max} counts as ${rule.max}`);
  }
  return limit === 0 ? byDefault : Math.min(limit, rule.max);
}
