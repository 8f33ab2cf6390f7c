// The simulator's signing secret: pay.notifySecret when set, otherwise derived from auth.fieldKey
// (HKDF-SHA256, info "surge pay simulator"). Derived, so there is no constant secret in any mode
// and no second secret to keep; a separate info string, so it reveals nothing of the field key.
import { hkdfSync } from 'node:crypto';
import { errors } from '#kit/errors';

export const SIMULATOR_KEY_INFO = 'surge pay simulator';
/** HMAC-SHA256's output size: the kit's minimum, and all a derived key needs. */
const KEY_BYTES = 32;

export function simulatorSecret(notifySecret: string, fieldKey: string): Uint8Array {
  if (notifySecret !== '') {
    if (Buffer.byteLength(notifySecret, 'utf8') < 32) throw errors.invalid('pay.notifySecret', 'must be at least 32 bytes, or "" to derive it from auth.fieldKey');
    return Buffer.from(notifySecret, 'utf8');
  }
  const master = Buffer.from(fieldKey, 'base64');
  if (master.length < 32) throw errors.invalid('pay.notifySecret', 'is "" and auth.fieldKey is not set (32 bytes, base64) to derive it from');
  return new Uint8Array(hkdfSync('sha256', master, Buffer.alloc(0), SIMULATOR_KEY_INFO, KEY_BYTES));
}
