// The few shapes every configuration section is made of, with the two rules that make one config
// file safe to share: every key has a default (an empty section is a valid one), and an unknown
// key is an error (a typo stops the start instead of being ignored).
import { Type, type TObject, type TProperties } from 'typebox';

/** A section of keys: unknown keys refused, `{}` when absent. */
export const section = <T extends TProperties>(props: T): TObject<T> => Type.Object(props, { additionalProperties: false, default: {} });

/** An integer with its default and bounds. */
export const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => Type.Integer({ default: def, minimum: min, maximum: max });

/** A string with its default (and any further rule: pattern, minLength). */
export const str = (def: string, opts: Record<string, unknown> = {}) => Type.String({ default: def, ...opts });

/** A boolean with its default. */
export const bool = (def: boolean) => Type.Boolean({ default: def });

/** At most `quota` per `periodSeconds`. */
export const period = (quota: number, periodSeconds: number) => section({ quota: int(quota, 1), periodSeconds: int(periodSeconds, 1) });

