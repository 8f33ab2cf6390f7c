// Input rules of the user service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { checkId, errors } from '#kit/errors';
import { checkText } from '#kit/rules';

// Any 1–32 characters but spaces and control characters: the Douyin client registers e-mail
// addresses and names in any script.
export const USERNAME = /^[^\s\p{C}]{1,32}$/u;
export const MOBILE = /^\+?[0-9]{6,15}$/;
export const CODE = /^[0-9]{6}$/;

const chars = (s: string) => [...s].length;

export function checkUsername(v: string): string {
  if (!USERNAME.test(v)) throw errors.invalid('username', 'use 1–32 characters without spaces or control characters');
  return v;
}

export function checkPassword(v: string): string {
  const n = chars(v);
  if (n < 6 || n > 32) throw errors.invalid('password', 'must be 6–32 characters');
  return v;
}

export function checkMobile(v: string): string {
  if (!MOBILE.test(v)) throw errors.invalid('mobile', 'must be a phone number of 6–15 digits, optionally starting with +');
  return v;
}

export function checkCode(v: string): string {
  if (!CODE.test(v)) throw errors.invalid('code', 'must be the 6 digits that were sent');
  return v;
}

/** The public name as stored: one line of 1–32 characters after trimming, something visible among them. */
export function checkName(v: string): string {
  return checkText('name', v, { max: 32 });
}

export function checkAvatar(v: string): string {
  if (v === '') return v;
  if (v.length > 512 || !/^https?:\/\/[^\s]+$/.test(v)) throw errors.invalid('avatar', 'must be an http(s) URL of at most 512 characters, or empty');
  return v;
}

/** The signature as stored: up to 256 characters after trimming, lines allowed; "" (or spaces) clears it. */
export function checkSignature(v: string): string {
  return checkText('signature', v, { min: 0, max: 256, multiline: true });
}

export { checkId };
