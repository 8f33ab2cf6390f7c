// The signed bytes of a request and the HMAC over them. Format v1 ("SURGE-HMAC-SHA256"): one
// line each for the scheme, key id, timestamp, nonce, method and path with query, then the body
// bytes as sent. Every field before the body is newline-free (checked), so no two requests share
// a canonical form; the key id and nonce are signed, so neither can be swapped.
import { createHmac } from 'node:crypto';
import { errors } from '#kit/errors';

export const SCHEME = 'SURGE-HMAC-SHA256';

/** Header names, lower case as Node gives them. */
export const HEADERS = Object.freeze({
  keyId: 'x-surge-key-id',
  timestamp: 'x-surge-timestamp',
  nonce: 'x-surge-nonce',
  signature: 'x-surge-signature',
});

/** Key ids and nonces: 1–64 of [A-Za-z0-9._-] (no separator can hide in them). */
export const TOKEN = /^[A-Za-z0-9._-]{1,64}$/;

/** What is signed besides the headers' own fields. */
export interface SignedRequest {
  /** HTTP method, any case (signed upper case). */
  method: string;
  /** Path with query exactly as sent on the request line (/callbacks/pay?order=7); a proxy that rewrites it breaks the signature. */
  path: string;
  /** The body bytes as sent; empty for none. */
  body: Uint8Array | string;
}

export interface SignedFields {
  keyId: string;
  /** Unix seconds. */
  timestamp: number;
  nonce: string;
}

/** HMAC-SHA256 of the canonical form, lower-case hex. */
export function computeSignature(request: SignedRequest, fields: SignedFields, secret: Uint8Array): string {
  if (/[\r\n]/.test(request.path) || request.path === '') throw errors.invalid('path', 'must be a non-empty request target without line breaks');
  if (!/^[A-Za-z]+$/.test(request.method)) throw errors.invalid('method', 'must be an HTTP method name');
  const hmac = createHmac('sha256', secret);
  hmac.update(`${SCHEME}\n${fields.keyId}\n${fields.timestamp}\n${fields.nonce}\n${request.method.toUpperCase()}\n${request.path}\n`, 'utf8');
  hmac.update(typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body);
  return hmac.digest('hex');
}

/** The shortest secret accepted: 32 bytes, SHA-256's block-size half and its output size (RFC 2104 advises at least L bytes). */
export const MIN_SECRET_BYTES = 32;

export function secretBytes(field: string, secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.length < MIN_SECRET_BYTES) throw errors.invalid(field, `must be at least ${MIN_SECRET_BYTES} bytes`);
  return bytes;
}
