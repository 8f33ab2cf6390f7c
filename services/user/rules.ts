// Input rules of the user service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one.
import { MAX_PASSWORD_LENGTH, normalizeUsername, type AccountKeys } from '#kit/auth';
import { errors } from '#kit/errors';
import { forbiddenScriptMix, scriptNames } from './username.js';
import { checkId, checkText, invisibleIn } from '#kit/rules';

// Any 1–32 characters but spaces and control characters, after NFKC: the Douyin client registers
// e-mail addresses and names in any script. New names must also keep to one script (username.ts).
export const USERNAME = /^[^\s\p{C}]{1,32}$/u;
export const CODE = /^[0-9]{6}$/;
/** Registration and password change: 6–32 characters, not all of them blank. */
const NEW_PASSWORD = { min: 6, max: 32 };
/** Whitespace and invisible format characters (zero-width space, joiners): a password of only these is none. */
const BLANK = /^[\s\p{Cf}]*$/u;

const chars = (s: string) => [...s].length;

/** A username as it is stored and looked up: NFKC, 1–32 characters without spaces or control characters. */
export function checkUsername(v: string): string {
  const name = normalizeUsername(v);
  if (!USERNAME.test(name)) throw errors.invalid('username', 'use 1–32 characters without spaces or control characters');
  return name;
}

/** A username for a new account: checkUsername, and letters of one script (username.ts). */
export function checkNewUsername(v: string): string {
  const name = checkUsername(v);
  // The username is the account's first public name: an invisible character in it makes a twin.
  const hidden = invisibleIn(name);
  if (hidden !== undefined) throw errors.invalid('username', `must not contain invisible characters (${hidden})`);
  const mix = forbiddenScriptMix(name);
  if (mix) {
    throw errors.invalid('username', `mixes letters of ${scriptNames(mix)}; use one script (Han may go with Hiragana and Katakana, Bopomofo or Hangul, and with Latin)`);
  }
  return name;
}

/** Registration and password change: the password policy. */
export function checkNewPassword(v: string): string {
  const n = chars(v);
  if (n < NEW_PASSWORD.min || n > NEW_PASSWORD.max) throw errors.invalid('password', `must be ${NEW_PASSWORD.min}–${NEW_PASSWORD.max} characters`);
  if (BLANK.test(v)) throw errors.invalid('password', 'must not be only spaces or invisible characters');
  return v;
}

/**
 * Sign-in: any password that could be one is checked, so a wrong one of any length is 401 "wrong
 * username or password", never a hint about the policy. Only an empty one (none given) and one
 * longer than the hasher takes are refused as malformed.
 */
export function checkLoginPassword(v: string): string {
  if (v === '') throw errors.invalid('password', 'is required');
  if (v.length > MAX_PASSWORD_LENGTH) throw errors.invalid('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return v;
}

/** The mobile as E.164 (+8613900139000), read in the configured default region when it has no country code. */
export function checkMobile(v: string, keys: Pick<AccountKeys, 'checkMobile'>): string {
  return keys.checkMobile(v);
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

/**
 * The roles an account may hold: a closed set, so a typo ("admn") is refused instead of stored as
 * a role nothing checks. 'admin' runs the mall: creates products, ships orders.
 */
export const ROLES = ['admin'] as const;
export type Role = (typeof ROLES)[number];

export function checkRole(v: string): Role {
  const role = ROLES.find((r) => r === v);
  if (role === undefined) throw errors.invalid('role', `must be one of: ${ROLES.join(', ')}`);
  return role;
}

export { checkId };
