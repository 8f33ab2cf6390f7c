// GET|HEAD <prefix>/<key>: the bytes of a blob from the blob store, for the client's video
// players and image views. Plain HTTP, not the Douyin envelope: players need real statuses,
// byte ranges (206, or 416 with the size) and lengths. Keys are never reused, so a reply may be
// cached for a year. Errors are the gateway's {code, message} with their HTTP status.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BlobObject, BlobStore, ByteRange } from '#kit/blob';
import { Code, SurgeError, errors } from '#kit/errors';
import { sendError, toSurge } from '../../plugins/errors.js';
import { parseRange } from './range.js';

export interface BlobRoutesOptions {
  blob: BlobStore;
}

/** The blob store's keys: segments of [A-Za-z0-9._-] joined by "/", none of them "." or "..". */
const KEY = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const MAX_KEY_LENGTH = 512;
const CACHE_FOREVER = 'public, max-age=31536000, immutable';

/** Register with app.register(blobRoutes, { prefix: '/douyin/blob', blob }). */
export async function blobRoutes(app: FastifyInstance, o: BlobRoutesOptions): Promise<void> {
  const blob = o?.blob;
  if (typeof blob?.get !== 'function' || typeof blob.stat !== 'function') throw errors.invalid('blob', 'must be a BlobStore');

  app.setErrorHandler((err, request, reply) => {
    const e = toSurge(err);
    if (e.code === Code.Internal) request.log.error({ err: e.cause ?? err }, 'blob request failed');
    return sendError(reply, e);
  });

  // HEAD has its own handler: Fastify's automatic HEAD would read the whole object to discard it.
  app.route({ method: 'GET', url: '/*', exposeHeadRoute: false, handler: (request, reply) => get(blob, request, reply) });
  app.route({ method: 'HEAD', url: '/*', handler: (request, reply) => head(blob, request, reply) });
}

async function head(blob: BlobStore, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const key = keyOf(request);
  const info = await blob.stat(key);
  if (info === undefined) throw notFound(key);
  // A Range on HEAD is ignored (RFC 9110 §14.2: only GET serves ranges).
  return common(reply, info.contentType).header('content-length', String(info.size)).send();
}

async function get(blob: BlobStore, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const key = keyOf(request);
  const spec = parseRange(request.headers.range);
  let range: ByteRange | undefined;
  if (spec !== undefined && 'suffix' in spec) {
    // The last n bytes: the size decides where they start.
    const info = await blob.stat(key);
    if (info === undefined) throw notFound(key);
    if (spec.suffix === 0 || info.size === 0) return unsatisfiable(reply, info.size);
    range = { start: Math.max(0, info.size - spec.suffix) };
  } else {
    range = spec;
  }
  let object: BlobObject;
  try {
    object = await blob.get(key, range);
  } catch (err) {
    const size = (err as SurgeError)?.details?.size;
    if (err instanceof SurgeError && err.code === Code.InvalidArgument && err.details?.field === 'range' && typeof size === 'number') return unsatisfiable(reply, size);
    throw err;
  }
  common(reply, object.contentType);
  if (object.range === undefined) return reply.header('content-length', String(object.size)).send(object.body);
  const { start, end } = object.range;
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${object.size}`)
    .header('content-length', String(end - start + 1))
    .send(object.body);
}

function common(reply: FastifyReply, contentType: string): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('accept-ranges', 'bytes')
    .header('cache-control', CACHE_FOREVER)
    // Uploaded bytes are served from the API's origin: never let a browser sniff them into HTML.
    .header('x-content-type-options', 'nosniff');
}

function unsatisfiable(reply: FastifyReply, size: number): FastifyReply {
  const e = new SurgeError(Code.InvalidArgument, `range: not satisfiable, the object has ${size} bytes`, { details: { field: 'range', size } });
  return reply.code(416).header('content-range', `bytes */${size}`).header('accept-ranges', 'bytes').send(e.toJSON());
}

function keyOf(request: FastifyRequest): string {
  const key = (request.params as { '*'?: string })['*'] ?? '';
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
    throw errors.invalid('key', `must be a blob key: segments of letters, digits, ".", "_" and "-" joined by "/", at most ${MAX_KEY_LENGTH} characters`);
  }
  return key;
}

function notFound(key: string): SurgeError {
  return errors.notFound(`blob ${key}`);
}
