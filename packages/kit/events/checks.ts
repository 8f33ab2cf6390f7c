// The checks topics use for "required" in proto3, where an unset field reads as 0.
import { errors } from '#kit/errors';

/** An id: a positive safe integer (0 is proto3's unset). */
export function requireId(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw errors.invalid(field, 'must be a positive integer id');
}

/** A counter step: 1 or -1 (0 is proto3's unset and changes nothing). */
export function requireUnitDelta(value: number, field = 'delta'): void {
  if (value !== 1 && value !== -1) throw errors.invalid(field, 'must be 1 or -1');
}
