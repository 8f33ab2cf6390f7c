// One error handler for the whole gateway: everything leaves as {code, message[, details]}
// with the HTTP status of its code. Fastify's own errors (bad JSON, body too large, wrong
// content type) are translated here; unknown errors are logged and answered as Internal,
// never with a stack trace or a driver message.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Code, SurgeError, codeInfo } from '#kit/errors';
import { tooLarge } from '../douyin/http/limits.js';

/** A JSON body that does not parse (or holds __proto__ / constructor.prototype keys). */
export const invalidJsonBody = (): SurgeError => new SurgeError(Code.InvalidArgument, 'body: is not valid JSON', { details: { field: 'body' } });
/** Content-Type says JSON, the body is empty. */
export const emptyJsonBody = (): SurgeError => new SurgeError(Code.InvalidArgument, 'body: is empty but Content-Type says JSON', { details: { field: 'body' } });

const FASTIFY_CODES: Record<string, (e: FastifyError, request: FastifyRequest | undefined) => SurgeError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: invalidJsonBody,
  FST_ERR_CTP_EMPTY_JSON_BODY: emptyJsonBody,
  FST_ERR_CTP_BODY_TOO_LARGE: (_e, request) => {
    const limit = request?.routeOptions.bodyLimit;
    return limit === undefined ? new SurgeError(Code.PayloadTooLarge, 'body: is larger than the limit') : tooLarge('body', limit);
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => new SurgeError(Code.UnsupportedMediaType, `Content-Type: not accepted here (${e.message.replace(/^Unsupported Media Type:?\s*/i, '') || 'send application/json'})`),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new SurgeError(Code.InvalidArgument, 'Content-Length: does not match the body'),
  FST_ERR_CTP_INVALID_TYPE: () => new SurgeError(Code.InvalidArgument, 'Content-Type: is malformed'),
};

/** Any error as a SurgeError; with the request, Fastify's size refusals name the route's limit. */
export function toSurge(err: unknown, request?: FastifyRequest): SurgeError {
  if (err instanceof SurgeError) return err;
  const fe = err as FastifyError;
  if (fe && typeof fe.code === 'string') {
    const map = FASTIFY_CODES[fe.code];
    if (map) return map(fe, request);
  }
  // Schema validation errors arrive already formatted (see validation.ts) unless Fastify built them.
  if (fe?.validation) return new SurgeError(Code.InvalidArgument, fe.message);
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new SurgeError(Code.InvalidArgument, 'the request is malformed', { cause: err });
  }
  return SurgeError.from(err);
}

/** The HTTP status of an error and its Retry-After (whole seconds, as text) when it names one: routes' replies and the lanes' (lanes.ts). */
export function statusOf(e: SurgeError): { status: number; retryAfter: string | undefined } {
  const retryAfter = e.details?.retryAfter;
  return { status: codeInfo[e.code]?.http ?? 500, retryAfter: typeof retryAfter === 'number' ? String(retryAfter) : undefined };
}

export function sendError(reply: FastifyReply, e: SurgeError): FastifyReply {
  const { status, retryAfter } = statusOf(e);
  if (retryAfter !== undefined) void reply.header('retry-after', retryAfter);
  return reply.code(status).send(e.toJSON());
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const e = toSurge(err, request);
    if (e.code === Code.Internal) request.log.error({ err: e.cause ?? err }, 'request failed');
    return sendError(reply, e);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new SurgeError(Code.NotFound, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
