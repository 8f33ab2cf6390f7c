// Who is asking: the Douyin client sends its token as the `token` parameter, not as a header.
import { Code, SurgeError } from '#kit/errors';
import type { TokenVerifier } from '../../plugins/auth.js';
import type { Params } from './params.js';

const MISSING = 'sign in first: token is missing';
const INVALID = 'token is invalid; log in again';
const EXPIRED = 'your sign-in has expired; log in again';

/** What viewer() asks (#kit/auth Callers): a token's claims once its account is known to exist. */
export interface CallerCheck {
  check(token: string): { readonly sub: number } | Promise<{ readonly sub: number }>;
}

/**
 * The signed-in user's id. Required: a missing or invalid token, or one whose account does not
 * exist, is Unauthenticated, an expired one TokenExpired. Optional: any of those reads as 0, the
 * anonymous viewer (a feed still plays). Other failures (the user service unreachable, a
 * verifier bug) are not hidden.
 */
export async function viewer(p: Params, callers: CallerCheck, options: { required: boolean }): Promise<number> {
  const token = p.get('token');
  if (token === undefined || token === '') {
    if (options.required) throw new SurgeError(Code.Unauthenticated, MISSING, { details: { field: 'token' } });
    return 0;
  }
  try {
    const claims = callers.check(token);
    return (await claims).sub;
  } catch (err) {
    if (!options.required && isTokenRefusal(err)) return 0;
    throw tokenRefusal(err);
  }
}

/**
 * The user a token was signed for, by its signature alone (no question to the user service), in
 * the call: for admitting an upload's body before its file is read. The route's viewer() then
 * checks the account before anything is kept.
 */
export function signedFor(token: string, tokens: TokenVerifier): number {
  try {
    return tokens.verify(token).sub;
  } catch (err) {
    throw tokenRefusal(err);
  }
}

const isTokenRefusal = (err: unknown) => err instanceof SurgeError && (err.code === Code.Unauthenticated || err.code === Code.TokenExpired);

/** A token's refusal in the client's words, naming the field; any other failure as it is. */
function tokenRefusal(err: unknown): unknown {
  if (!isTokenRefusal(err)) return err;
  const code = (err as SurgeError).code;
  return new SurgeError(code, code === Code.TokenExpired ? EXPIRED : INVALID, { details: { field: 'token' }, cause: err });
}
