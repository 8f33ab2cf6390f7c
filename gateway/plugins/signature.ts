// Signed server-to-server callbacks (payment notifications): routes in a scope set up by
// installSignedCallbacks receive the body as the exact bytes sent (a Buffer; a parsed and re-serialized
// body would not match the signature), and `preHandler: signatureCheck(verifier)` refuses any
// request whose x-surge-* signature headers do not verify (#kit/signature: HMAC-SHA256 over
// method, path with query, body bytes, timestamp and nonce; ±tolerance window; each signature
// once). Refusals are Unauthenticated (401) in Surge's shape. The handler parses the verified
// bytes itself and reads request.signedBy for the key that signed.
//
//   await app.register(async (callbacks) => {
//     installSignedCallbacks(callbacks);
//     callbacks.post('/payments', { preHandler: signatureCheck(verifier) }, handler);
//   }, { prefix: '/callbacks' });
//
// For instances behind one load balancer, build the verifier with
// replay: replayGuardOn(the shared limit store), so a replay to another instance is refused.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { SignatureVerifier, VerifiedSignature } from '#kit/signature';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who signed the request (key id, timestamp), after signatureCheck; undefined elsewhere. */
    signedBy: VerifiedSignature | undefined;
  }
}

const EMPTY = Buffer.alloc(0);

/** In this scope, every body arrives as its raw bytes (Buffer), whatever its Content-Type (the route's bodyLimit still applies), and request.signedBy is declared. */
export function installSignedCallbacks(scope: FastifyInstance): void {
  scope.decorateRequest('signedBy', undefined);
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

/** A preHandler that verifies the request's signature over its raw body (see installSignedCallbacks). */
export function signatureCheck(verifier: SignatureVerifier): preHandlerAsyncHookHandler {
  return async function checkSignature(request: FastifyRequest): Promise<void> {
    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    request.signedBy = await verifier.verify({ method: request.method, path: request.url, body }, request.headers);
  };
}
