// Who may send an upload body, decided before its file is read. The Douyin client sends its
// token as a parameter, in the query or as a form field, so the uploader is known either before
// the body (query) or early in it (a field before the file). The rule:
//   - a token is checked as soon as it is seen: one in the query before the body is read, one in
//     a field as that field arrives; a bad one refuses the body at once;
//   - the token that counts is the one Params reads (a body field wins over the query), so the
//     route's own viewer() names the same user (the signature is checked here, in the parser's
//     call; the route's viewer() then asks whether the account exists, and a refusal there
//     discards the stored file);
//   - when the file part begins there must be a checked token, else the body is refused: a
//     token sent after the file is not waited for, since waiting would mean storing an anonymous
//     file first (the disk-filling hole this closes);
//   - the body holds a slot of the upload gate from before it is read until the request ends.
import type { FastifyRequest } from 'fastify';
import { Code, SurgeError } from '#kit/errors';
import type { TokenVerifier } from '../../plugins/auth.js';
import type { UploadGate } from './gate.js';
import { Params, type ParamSource } from './params.js';
import { signedFor } from './viewer.js';

export interface DouyinUploads {
  /** Checks the `token` of an upload body before its file is read. */
  tokens: TokenVerifier;
  /** Bounds on uploads at once. Default createUploadGate() with its defaults, one per plugin. */
  gate?: UploadGate;
}

export interface Admission {
  /** See UploadTarget.admit: checks the token the body carries so far; throws to refuse it. */
  admit(fields: ParamSource, fileBegins: boolean): void;
  /** Frees the body's slot of the gate; later calls do nothing. */
  leave(): void;
}

const MISSING_BEFORE_FILE = 'sign in first: token is missing; send it in the query or as a form field before the file';

/**
 * Admits one upload request: checks a token in the query, then takes a gate slot for the user or,
 * without one, the address. Throws (Unauthenticated, TokenExpired, Overloaded, RateLimited)
 * without holding a slot.
 */
export function admitUpload(uploads: Required<DouyinUploads>, request: FastifyRequest): Admission {
  const query = request.query as ParamSource;
  const verify = (token: string) => signedFor(token, uploads.tokens);
  // A token in the query is checked before anything else, so its body counts as the user's from the start.
  const fromQuery = new Params(query).get('token');
  let checked = fromQuery === undefined || fromQuery === '' ? undefined : fromQuery;
  const slot = uploads.gate.enter(request.ip, checked === undefined ? undefined : verify(checked));
  const admit = (fields: ParamSource, fileBegins: boolean) => {
    const token = new Params(query, fields).get('token');
    if (token === undefined || token === '') {
      if (fileBegins) throw new SurgeError(Code.Unauthenticated, MISSING_BEFORE_FILE, { details: { field: 'token' } });
      return;
    }
    if (token === checked) return;
    slot.identify(verify(token));
    checked = token;
  };
  return { admit, leave: () => slot.leave() };
}
