// What the bare node:http baselines (bench/seckill/naive.mjs, bench/mall/order-baseline.mjs)
// share: the token check, body reading, replies, the MariaDB pool, /healthz and shutdown. Each
// passes its own error codes (`codes`) so its replies stay as they were: the runners and
// bench/*.lua check them.
//
// codes: { unauthorized, expired, tooLarge, badRequest, notFound, internal } (numbers).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import mysql from 'mysql2/promise';

/** Verified tokens remembered, as Surge's token verifier does (10,000 by default). */
const TOKEN_CACHE = 10_000;

/** A reply other than success: {code, message, details?} with the status. */
export class Refusal extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The environment variable, or exit 64 naming it (`who` is the server's name). */
function required(who, name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${who}: ${name} is required`);
    process.exit(64);
  }
  return value;
}

/** The connection options of Surge's MariaDB store (packages/kit/store/mysql.ts). */
function mariadbPool(database, size) {
  return mysql.createPool({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    password: '',
    database,
    charset: 'UTF8MB4_UNICODE_CI',
    supportBigNumbers: true,
    bigNumberStrings: false,
    timezone: 'Z',
    connectionLimit: size,
    maxIdle: size,
    waitForConnections: true,
    queueLimit: 0,
    enableKeepAlive: true,
  });
}

/** Order ids: unique and growing, like Surge's snowflakes (below 2^53 for ~7 years after 2024). */
let lastId = Date.now() * 1024;
export const nextId = () => ++lastId;

/** Surge's access token check (HS256 JWT): verify(header) is the user id, or throws a 401. */
function tokenVerifier(secret, codes) {
  const key = Buffer.from(secret, 'utf8');
  const verified = new Map();
  return function verify(header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) throw new Refusal(401, codes.unauthorized, 'Authorization: must be "Bearer <token>"');
    const token = m[1];
    let claims = verified.get(token);
    if (!claims) {
      const [head, body, signature] = token.split('.');
      const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
      const given = Buffer.from(signature ?? '', 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Refusal(401, codes.unauthorized, 'the token signature does not match');
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (!Number.isSafeInteger(claims.sub) || typeof claims.exp !== 'number') throw new Refusal(401, codes.unauthorized, 'the token lacks a numeric sub or exp');
      if (verified.size >= TOKEN_CACHE) verified.clear();
      verified.set(token, claims);
    }
    if (Date.now() >= claims.exp * 1000) throw new Refusal(401, codes.expired, 'the token expired');
    return claims.sub;
  };
}

/** The request body as JSON; raw is undefined when it was over the server's limit. */
export function parseBody(raw, codes) {
  if (raw === undefined) throw new Refusal(413, codes.tooLarge, 'body: too large');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Refusal(400, codes.badRequest, 'body: not JSON');
  }
}

function send(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Reads <env>_JWT_SECRET, <env>_DB and <env>_POOL (default poolSize), then listens on
 * 127.0.0.1:$PORT. GET /healthz answers {ok: true}; otherwise route(req) gives the request's
 * handler, or null for a 404. The handler gets the body (undefined past maxBody, read to the end
 * either way) and resolves to the reply sent with okStatus. SIGINT/SIGTERM close the server and
 * the pool, then exit 0. Returns the pool and verify(authorization header) → user id.
 */
export function startBaselineServer({ name, env, poolSize, codes, maxBody, okStatus, route }) {
  const verify = tokenVerifier(required(name, `${env}_JWT_SECRET`), codes);
  const pool = mariadbPool(required(name, `${env}_DB`), Number(process.env[`${env}_POOL`] ?? poolSize));
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { ok: true });
    const handle = route(req);
    if (!handle) return send(res, 404, { code: codes.notFound, message: 'not found' });
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= maxBody) chunks.push(chunk);
    });
    req.on('end', () => {
      handle(size > maxBody ? undefined : Buffer.concat(chunks)).then(
        (reply) => send(res, okStatus, reply),
        (err) => {
          if (err instanceof Refusal) return send(res, err.status, { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
          console.error(err);
          send(res, 500, { code: codes.internal, message: 'internal error' });
        },
      );
    });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      server.close();
      server.closeAllConnections();
      pool.end().finally(() => process.exit(0));
    });
  }
  return { pool, verify };
}
