// The Douyin API's HTTP conventions, installed in one encapsulated Fastify scope so the /api/v1
// API keeps its own: every route answers GET and POST (HEAD with GET), reads its parameters
// from the query and a form or JSON body on any method (the body wins), and always answers
// HTTP 200 with the envelope {status_code, status_msg, …the route's fields}. An error is the
// route's empty reply plus a non-zero status_code (a Surge code) and the error's message, so the
// client never meets a missing field; Internal says only "internal error" and is logged.
// Routes that take a file admit the body before reading it (admission.ts: a slot of the upload
// gate, the token checked before the file) and judge the file by its first bytes (head-check.ts)
// before the sink stores any of it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Code, errors } from '#kit/errors';
import { toSurge } from '../../plugins/errors.js';
import { admitUpload, type Admission, type DouyinUploads } from './admission.js';
import { hasBody, readBody, type ReadBody } from './body.js';
import { JSON_TYPE, errorJson, jsonTail, okJson, statusMessage } from './envelope.js';
import { createUploadGate } from './gate.js';
import type { FileCheck } from './head-check.js';
import type { UploadSink, UploadTarget } from './multipart.js';
import { Params, type ParamSource } from './params.js';

export interface DouyinOptions {
  /** Largest body without a file (url-encoded, JSON, multipart fields), in bytes; larger → PayloadTooLarge. */
  formLimitBytes: number;
  /**
   * Who may upload, and how many at once. Required once a route takes a file (checked when the
   * route is added): an upload's token is checked before its file is read, never after.
   */
  uploads?: DouyinUploads;
}

export interface DouyinUpload {
  /** The multipart field that carries the file. */
  field: 'data';
  /** Largest file accepted; a larger one is refused with PayloadTooLarge naming the field and the limit in MB. */
  maxBytes: number;
  /** Stores the file as it streams in; must consume the stream to its end or reject. */
  sink: UploadSink;
  /**
   * Removes a stored file when the handler then fails (a bad title, a publish that fails), so no
   * orphan stays behind. Optional; failures of discard are logged.
   */
  discard?: (key: string) => Promise<void>;
  /**
   * What the file must be, judged by its first bytes before the sink gets any (publishing: a
   * video container). Optional: without it any bytes are stored, an empty file refused only here.
   */
  check?: FileCheck;
}

/**
 * What a handler returns: an object (sent as {status_code: 0, status_msg: "ok", …its fields}),
 * or a ready JSON string/Buffer that already holds status_code and status_msg (sent as is; see
 * okJson). A success reply must carry every field of the route's empty reply.
 */
export type DouyinReply = object | string | Buffer;
export type DouyinHandler = (p: Params, request: FastifyRequest, reply: FastifyReply) => Promise<DouyinReply>;

export interface DouyinRouteOptions {
  /** Path under the scope's prefix, e.g. '/feed/'. */
  url: string;
  /** The fields the route always sends, at their empty values; an error reply is these plus the status. */
  empty: Readonly<Record<string, unknown>>;
  /** For routes that take a file (publish): multipart with the file streamed to the sink. */
  upload?: DouyinUpload;
  handler: DouyinHandler;
}

export interface DouyinRouter {
  route(options: DouyinRouteOptions): void;
}

/** Answers GET and POST; Fastify adds HEAD for the GET. */
const METHODS = ['GET', 'POST'];
/** A URL echoed in a not-found message is cut to this many characters. */
const URL_ECHO_MAX = 200;

/**
 * Installs the Douyin conventions in `scope`, which must be an encapsulated instance with a
 * prefix (the one app.register(fn, { prefix: '/douyin' }) hands fn), and returns the router
 * that adds routes to it.
 */
export function douyinPlugin(scope: FastifyInstance, options: DouyinOptions): DouyinRouter {
  const formLimitBytes = options?.formLimitBytes;
  if (!Number.isSafeInteger(formLimitBytes) || formLimitBytes < 1) throw errors.invalid('formLimitBytes', `must be a positive integer number of bytes, got ${String(formLimitBytes)}`);
  if (!scope.prefix) throw errors.invalid('prefix', 'register the Douyin routes in a scope with a prefix such as /douyin, so their conventions stay inside it');
  const uploads = resolveUploads(options.uploads);

  // Bodies are read by the route itself (also for GET, which Fastify never parses): accept any
  // Content-Type here and leave the stream untouched; the route answers 41501 for unknown ones.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request: FastifyRequest, _payload: unknown, done: (err: Error | null, body?: unknown) => void) => done(null, undefined));

  // Route pattern (with prefix) → the precomputed tail of its empty reply, for error replies.
  const emptyTails = new Map<string, string>();

  scope.setErrorHandler((err, request, reply) => {
    const e = toSurge(err);
    if (e.code === Code.Internal) request.log.error({ err: e.cause ?? err }, 'request failed');
    const retryAfter = e.details?.retryAfter;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    const tail = emptyTails.get(request.routeOptions.url ?? '') ?? '}';
    return reply.code(200).header('content-type', JSON_TYPE).send(errorJson(e.code, statusMessage(e), tail));
  });

  // Unknown paths answer 404 (not 200): a wrong URL is a client or deployment bug rather than an
  // answer of the API, so proxies, logs and metrics should see it as one; the body is still the
  // envelope, so the client's JSON handling reads status_code 40401 as for any other error.
  scope.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]!.slice(0, URL_ECHO_MAX);
    return reply.code(404).header('content-type', JSON_TYPE).send(errorJson(Code.NotFound, `no route ${request.method} ${path}`, '}'));
  });

  return {
    route(o: DouyinRouteOptions): void {
      const route = resolveRoute(o);
      if (route.upload !== undefined && uploads === undefined) {
        throw errors.invalid('uploads', `${route.url} takes a file: give the plugin uploads.tokens, so an upload's token is checked before its file is read`);
      }
      emptyTails.set(scope.prefix + route.url, route.emptyTail);
      scope.route({ method: METHODS, url: route.url, handler: douyinHandler(route, formLimitBytes, uploads) });
    },
  };
}

/** The plugin's upload settings, checked at registration; one gate for all its upload routes. */
function resolveUploads(u: DouyinUploads | undefined): Required<DouyinUploads> | undefined {
  if (u === undefined) return undefined;
  if (typeof u?.tokens?.verify !== 'function') throw errors.invalid('uploads.tokens', 'must be a token verifier (verify(token) → { sub })');
  if (u.gate !== undefined && typeof u.gate?.enter !== 'function') throw errors.invalid('uploads.gate', 'must be an upload gate from createUploadGate()');
  return Object.freeze({ tokens: u.tokens, gate: u.gate ?? createUploadGate() });
}

interface ResolvedRoute {
  url: string;
  emptyTail: string;
  upload: UploadTarget | undefined;
  handler: DouyinHandler;
}

/** Checks a route's options when it is added, so a mistake fails at start, not on a request. */
function resolveRoute(o: DouyinRouteOptions): ResolvedRoute {
  if (typeof o?.url !== 'string' || !o.url.startsWith('/')) throw errors.invalid('url', `must be a path starting with "/", got ${JSON.stringify(o?.url)}`);
  if (typeof o.handler !== 'function') throw errors.invalid('handler', `of ${o.url} must be a function`);
  if (o.empty === null || typeof o.empty !== 'object' || Array.isArray(o.empty)) throw errors.invalid('empty', `of ${o.url} must be an object of the fields the route always sends`);
  if ('status_code' in o.empty || 'status_msg' in o.empty) throw errors.invalid('empty', `of ${o.url} must not hold status_code or status_msg: the envelope adds them`);
  const emptyTail = jsonTail(o.empty);
  const u = o.upload;
  if (u !== undefined) {
    if (typeof u.field !== 'string' || (u.field as string) === '') throw errors.invalid('upload.field', `of ${o.url} must name the file field`);
    if (!Number.isSafeInteger(u.maxBytes) || u.maxBytes < 1) throw errors.invalid('upload.maxBytes', `of ${o.url} must be a positive integer, got ${String(u.maxBytes)}`);
    if (typeof u.sink !== 'function') throw errors.invalid('upload.sink', `of ${o.url} must be a function`);
    if (u.discard !== undefined && typeof u.discard !== 'function') throw errors.invalid('upload.discard', `of ${o.url} must be a function`);
    if (u.check !== undefined && (typeof u.check?.check !== 'function' || !Number.isSafeInteger(u.check.headBytes) || u.check.headBytes < 1)) {
      throw errors.invalid('upload.check', `of ${o.url} must be { headBytes: a positive integer, check(head) }`);
    }
  }
  return { url: o.url, emptyTail, upload: u && { field: u.field, maxBytes: u.maxBytes, sink: u.sink, discard: u.discard, check: u.check }, handler: o.handler };
}

/** The Fastify handler of one route: parameters in, envelope out; errors go to the scope's handler. */
function douyinHandler(route: ResolvedRoute, formLimitBytes: number, uploads: Required<DouyinUploads> | undefined) {
  if (route.upload === undefined || uploads === undefined) {
    return (request: FastifyRequest, reply: FastifyReply) => serve(route, formLimitBytes, undefined, request, reply);
  }
  return async function douyinUpload(request: FastifyRequest, reply: FastifyReply): Promise<string | Buffer> {
    // A request without a body costs nothing to refuse: it is answered that the file is missing.
    if (!hasBody(request.raw.headers)) return serve(route, formLimitBytes, undefined, request, reply);
    let admission: Admission;
    try {
      admission = admitUpload(uploads, request);
    } catch (err) {
      // Refused before a byte of the body was read: close the connection after the answer.
      void reply.header('connection', 'close');
      throw err;
    }
    try {
      return await serve(route, formLimitBytes, admission, request, reply);
    } finally {
      admission.leave();
    }
  };
}

/** One request of a route; the body of an upload is read under its admission. */
async function serve(route: ResolvedRoute, formLimitBytes: number, admission: Admission | undefined, request: FastifyRequest, reply: FastifyReply): Promise<string | Buffer> {
  const { handler, upload } = route;
  const raw = request.raw;
  let p: Params;
  if (!hasBody(raw.headers)) {
    p = new Params(request.query as ParamSource);
  } else {
    let body: ReadBody;
    try {
      body = await readBody(raw, formLimitBytes, upload === undefined ? undefined : uploadTarget(upload, request, admission));
    } catch (err) {
      // The rest of the body was left unread: close the connection after the answer.
      if (!raw.complete) void reply.header('connection', 'close');
      throw err;
    }
    p = new Params(request.query as ParamSource, body.fields, body.upload);
  }
  if (upload !== undefined && p.upload === undefined) {
    throw errors.invalid(upload.field, `is required: attach the file as the multipart/form-data field "${upload.field}"`);
  }
  let out: DouyinReply;
  try {
    out = await handler(p, request, reply);
  } catch (err) {
    if (p.upload !== undefined && upload?.discard !== undefined) await discard(upload.discard, p.upload.key, request);
    throw err;
  }
  void reply.header('content-type', JSON_TYPE);
  return typeof out === 'string' || Buffer.isBuffer(out) ? out : okJson(out);
}

/** The route's upload for one request: its admission vets the body, its discard logs failures against the request. */
function uploadTarget(upload: NonNullable<ResolvedRoute['upload']>, request: FastifyRequest, admission: Admission | undefined): UploadTarget {
  const remove = upload.discard;
  return {
    field: upload.field,
    maxBytes: upload.maxBytes,
    sink: upload.sink,
    ...(remove === undefined ? {} : { discard: (key: string) => discard(remove, key, request) }),
    ...(admission === undefined ? {} : { admit: admission.admit }),
    ...(upload.check === undefined ? {} : { check: upload.check }),
  };
}

async function discard(remove: (key: string) => Promise<void>, key: string, request: FastifyRequest): Promise<void> {
  try {
    await remove(key);
  } catch (err) {
    // The request's own failure is what the client must hear; the orphan is only logged.
    request.log.warn({ err, key }, 'could not remove the upload of a failed request');
  }
}
