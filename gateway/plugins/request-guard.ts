// Checks every request passes before routing work starts, in one onRequest hook (callback
// style: no promise per request). A refusal is an error like any other, so each face answers it
// in its own format (the Douyin scope's handler puts it in the envelope).
//
// - Content-Encoding: the server decodes no body encoding. Reading a gzip body as JSON or a
//   form fails with a misleading "not valid JSON" (or, worse, parses garbage), so a body sent
//   in any encoding but identity is refused with UnsupportedMediaType (415) naming the header.
//   A request without a body is not judged: the header then describes nothing.
// - Every reply says `X-Content-Type-Options: nosniff` (a browser never reads a JSON error or an
//   upload as HTML, whatever it holds) and names its request in `X-Request-Id` (the reqId of its
//   access-log line). Set as the request arrives, they stay on every reply, errors included,
//   without an onSend hook (a whole hook stage per reply).
// - Shutdown: once close() starts, requests still arriving on open connections are answered
//   Unavailable (503) in Surge's shape, with Connection: close, instead of Fastify's own 503.
import type { FastifyInstance } from 'fastify';
import { Code, SurgeError } from '#kit/errors';

export function installRequestGuard(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-content-type-options', 'nosniff').header('x-request-id', request.id);
    if (closing) {
      void reply.header('connection', 'close');
      return done(new SurgeError(Code.Unavailable, 'the server is shutting down; retry the request'));
    }
    const headers = request.headers;
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && !isIdentity(encoding) && (headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0')) {
      // The body is left unread: do not keep the connection for a next request behind it.
      void reply.header('connection', 'close');
      return done(new SurgeError(Code.UnsupportedMediaType, `Content-Encoding: ${JSON.stringify(encoding.slice(0, 40))} is not accepted; send the body unencoded (identity)`, { details: { field: 'Content-Encoding' } }));
    }
    done();
  });
}

/** "identity", "" or a list of only identity codings, in any case. */
function isIdentity(header: string): boolean {
  return header.split(',').every((coding) => {
    const c = coding.trim().toLowerCase();
    return c === '' || c === 'identity';
  });
}
