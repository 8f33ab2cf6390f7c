// CORS for the origins listed in http.cors.origins, on @fastify/cors (fastify's own plugin: it
// answers preflights in an onRequest hook, before authentication, and keeps Vary right for
// caches). What Surge adds around it:
//
// - Settings are checked here, at start: each origin must be written as a browser sends it
//   (scheme://host[:port], lower case, no path, no default port), so a typo fails the start
//   instead of silently never matching; '*' is allowed alone and never with credentials (the
//   Fetch standard forbids it, and reflecting any origin with credentials is the classic CORS
//   hole).
// - A request from an origin not listed gets no CORS header at all (the origin callback answers
//   false, which makes @fastify/cors skip the request entirely), and its preflight falls through
//   to the not-found handler: 404 in Surge's shape, never a CORS-approved 204.
// - strictPreflight is off: @fastify/cors would answer a malformed preflight with a text/plain
//   400 outside Surge's shape. An OPTIONS without Access-Control-Request-Method from a listed
//   origin is answered 204 with the CORS headers, which grants nothing a listed origin lacks.
// - origins [] (the default) installs nothing: no headers, no OPTIONS route.
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { errors } from '#kit/errors';

export interface CorsOptions {
  /** Origins allowed to call the API from a browser. Default []: no CORS at all (same-origin pages and non-browser clients need none). */
  origins?: readonly string[];
  /** Access-Control-Allow-Credentials: cookies and HTTP auth on cross-origin calls. Default false: the API authenticates with a bearer token, which needs no credentials mode. */
  credentials?: boolean;
  /** Access-Control-Max-Age of preflight answers, seconds. Default 600: Chromium caps it at 7200, and ten minutes keeps a changed list from lingering long. */
  maxAgeSeconds?: number;
}

export interface ResolvedCorsOptions {
  readonly origins: ReadonlySet<string> | '*';
  readonly credentials: boolean;
  readonly maxAgeSeconds: number;
}

/** Methods the API's routes use (PATCH /me, DELETE on the Douyin face); a preflight names one of these. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Reply headers a page may read beyond the CORS-safelisted ones: how long to wait after a 429/503. */
const EXPOSED = ['Retry-After'];

export function resolveCorsOptions(o: CorsOptions = {}): ResolvedCorsOptions | undefined {
  const list = o.origins ?? [];
  const credentials = o.credentials ?? false;
  const maxAgeSeconds = o.maxAgeSeconds ?? 600;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0 || maxAgeSeconds > 86_400) throw errors.invalid('http.cors.maxAgeSeconds', 'must be a whole number of seconds from 0 to 86400');
  if (list.length === 0) return undefined;
  if (list.includes('*')) {
    if (list.length > 1) throw errors.invalid('http.cors.origins', "'*' allows every origin: list it alone");
    if (credentials) throw errors.invalid('http.cors.origins', "'*' cannot be combined with http.cors.credentials (browsers refuse it, and reflecting any origin with credentials opens every account to any page)");
    return Object.freeze({ origins: '*', credentials, maxAgeSeconds });
  }
  const origins = new Set<string>();
  for (const raw of list) origins.add(checkOrigin(String(raw)));
  return Object.freeze({ origins, credentials, maxAgeSeconds });
}

/** The origin as browsers serialize it, or InvalidArgument saying how to write it. */
function checkOrigin(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw errors.invalid('http.cors.origins', `${JSON.stringify(raw)} is not an http(s) origin (e.g. https://app.example.com, http://localhost:5173)`);
  }
  if (url.origin !== raw) {
    throw errors.invalid('http.cors.origins', `${JSON.stringify(raw)}: write it as browsers send it, ${JSON.stringify(url.origin)} (no path or trailing slash, lower case, no default port)`);
  }
  return raw;
}

/** Registers CORS for the configured origins; nothing when there are none. Bad settings throw here. */
export async function installCors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  const resolved = resolveCorsOptions(options);
  if (resolved === undefined) return;
  const allowed = resolved.origins;
  await app.register(cors, {
    origin:
      allowed === '*'
        ? '*'
        : (origin: string | undefined, callback: (err: Error | null, allow: boolean) => void) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: resolved.credentials,
    methods: METHODS,
    exposedHeaders: EXPOSED,
    maxAge: resolved.maxAgeSeconds,
    strictPreflight: false,
  });
}
