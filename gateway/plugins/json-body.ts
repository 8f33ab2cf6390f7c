// The /api/v1 JSON body parser: Fastify's own (secure-json-parse, refusing __proto__ and
// constructor.prototype keys), behind the shape check of body-shape.ts, so a body with more
// fields or deeper nesting than the limits is refused (413 naming the limit) before any parsing.
import type { FastifyInstance } from 'fastify';
import { checkJsonShape } from './body-shape.js';
import { toSurge } from './errors.js';

/**
 * The same reading outside Fastify's parser (a lane, lanes.ts): the shape check, then Fastify's
 * own parser: the value; a body a route would refuse throws that refusal (a SurgeError).
 */
export function jsonBodyReader(app: FastifyInstance): (text: string) => unknown {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (text) => {
    let out: unknown;
    checkJsonShape(text);
    parse(undefined as never, text, (err, value) => {
      if (err) throw toSurge(err);
      out = value;
    });
    return out;
  };
}

export function installJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      checkJsonShape(body as string);
    } catch (err) {
      return done(err as Error, undefined);
    }
    parse(request, body as string, done);
  });
}
