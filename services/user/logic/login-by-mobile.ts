import { Code, SurgeError } from '#kit/errors';
import type { AuthReply, LoginByMobileRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { generatedName } from '../names.js';
import { checkCode, checkMobile } from '../rules.js';
import { codeHash } from './send-code.js';

/** Signs in with a code sent to the mobile; the first sign-in creates the account. */
export async function loginByMobile(d: UserDeps, req: LoginByMobileRequest): Promise<AuthReply> {
  const mobile = checkMobile(req.mobile, d.accountKeys);
  const code = checkCode(req.code);
  const idx = d.cipher.blindIndex(mobile);
  const now = d.clock.now();
  const outcome = await d.codes.consume(idx, codeHash(d, idx, code), now, d.settings.codeAttempts);
  if (outcome === 'wrong') throw new SurgeError(Code.Unauthenticated, 'code: wrong code, check the digits and try again');
  if (outcome === 'none') throw new SurgeError(Code.Unauthenticated, 'code: no valid code for this mobile (expired, used or too many wrong tries); request a new one');

  const existing = await d.users.findIdByMobile(idx);
  if (existing !== undefined) return { userId: existing, created: false };
  const id = d.ids.next();
  const res = await d.users.insert({ id, username: null, password_hash: null, mobile_enc: d.cipher.encrypt(mobile), mobile_idx: idx, name: generatedName(), avatar: '', signature: '', created_at: now });
  if (res === 'ok') return { userId: id, created: true };
  // A concurrent first sign-in with the same mobile created the account: use it.
  const winner = await d.users.findIdByMobile(idx);
  if (winner === undefined) throw new SurgeError(Code.Internal, 'internal error');
  return { userId: winner, created: false };
}
