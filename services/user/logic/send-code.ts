import { randomInt } from 'node:crypto';
import { errors } from '#kit/errors';
import type { SendCodeReply, SendCodeRequest } from '#gen/surge/user/v1/user';
import type { UserDeps } from '../deps.js';
import { checkMobile } from '../rules.js';

export async function sendCode(d: UserDeps, req: SendCodeRequest): Promise<SendCodeReply> {
  const mobile = checkMobile(req.mobile, d.accountKeys);
  const idx = d.cipher.blindIndex(mobile);
  const quota = await d.codeQuota.take(idx);
  if (!quota.allowed) throw errors.rateLimited(Math.ceil(quota.retryAfterMs / 1000), 'too many codes for this mobile today');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = d.clock.now();
  const ttl = d.settings.codeTtlSeconds;
  await d.codes.save(idx, codeHash(d, idx, code), now + ttl * 1000, now);
  await d.codeSender.send(mobile, code, ttl);
  return { expiresInSeconds: ttl };
}

/** Keyed hash of a code bound to its mobile: a leaked table reveals no usable code. */
export function codeHash(d: UserDeps, mobileIdx: string, code: string): string {
  return d.cipher.blindIndex(`code:${mobileIdx}:${code}`);
}
