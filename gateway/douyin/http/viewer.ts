// Who is asking: the Douyin client sends its token as the `token` parameter, not as a header.
import { Code, SurgeError } from '#kit/errors';
import type { TokenVerifier } from '../../plugins/auth.js';
import type { Params } from './params.js';

const MISSING = 'sign in first: token is missing';
const INVALID = 'token is invalid; log in again';
const EXPIRED = 'your sign-in has expired; log in again';

/**
 * The signed-in user's id. Required: a missing or invalid token is Unauthenticated, an expired
 * one TokenExpired. Optional: any of those reads as 0, the anonymous viewer (a feed still plays).
 * Failures other than the token's own (a verifier bug) are not hidden.
 */
export function viewer(p: Params, tokens: TokenVerifier, options: { required: boolean }): number {
  const token = p.get('token');
  if (token === undefined || token === '') {
    if (options.required) throw new SurgeError(Code.Unauthenticated, MISSING, { details: { field: 'token' } });
    return 0;
  }
  try {
    return tokens.verify(token).sub;
  } catch (err) {
    const code = err instanceof SurgeError ? err.code : undefined;
    if (code !== Code.Unauthenticated && code !== Code.TokenExpired) throw err;
    if (!options.required) return 0;
    throw new SurgeError(code, code === Code.TokenExpired ? EXPIRED : INVALID, { details: { field: 'token' }, cause: err });
  }
}
