// The naive flash sale of bench/seckill/run.mjs: a bare node:http server whose buy is ONE MariaDB
// transaction per request, the way a shop without a seckill path sells a hot item:
//
//   POST /api/v1/mall/flash-sales/:id/buy {address_id, quantity?}
//   Authorization: Bearer <Surge's token>
//
//   START TRANSACTION
//   UPDATE flash_sales SET stock = stock - ? WHERE id = ? AND stock >= ?   -- 0 rows: 409 sold out
//   INSERT INTO flash_orders (…)                                            -- the order
//   COMMIT
//
// answered 202 with a ticket shaped as Surge's (already "ordered", its order_id the order's id).
// The token is checked as Surge's gateway checks it (HS256 with the same secret, verified tokens
// remembered), the body as its schema does. Every buy of a sale updates the same row, so the
// buys queue on its lock and each waits for the one before it to commit (one redo-log flush).
// What it does not do, and Surge does: a per-user rate limit and a per-user units limit, the
// sale's window, the asynchronous order in the order service's database, any request log.
// The runner makes its database (run.mjs: makeNaiveDatabase) and drops it afterwards.
//
// Environment: PORT, NAIVE_DB (the database), NAIVE_JWT_SECRET, NAIVE_POOL (connections).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import mysql from 'mysql2/promise';

const BUY = /^\/api\/v1\/mall\/flash-sales\/([1-9][0-9]{0,15})\/buy$/;
const MAX_QUANTITY = 100;
const MAX_BODY = 4 * 1024;
/** Verified tokens remembered, as Surge's token verifier does (10,000 by default). */
const TOKEN_CACHE = 10_000;

const secret = Buffer.from(required('NAIVE_JWT_SECRET'), 'utf8');
const poolSize = Number(process.env.NAIVE_POOL ?? 16);
// The connection options of Surge's MariaDB store (packages/kit/store/mysql.ts).
const pool = mysql.createPool({
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  database: required('NAIVE_DB'),
  charset: 'UTF8MB4_UNICODE_CI',
  supportBigNumbers: true,
  bigNumberStrings: false,
  timezone: 'Z',
  connectionLimit: poolSize,
  maxIdle: poolSize,
  waitForConnections: true,
  queueLimit: 0,
  enableKeepAlive: true,
});

/** Order ids: unique and growing, like Surge's snowflakes (below 2^53 for ~7 years after 2024). */
let lastId = Date.now() * 1024;
const nextId = () => ++lastId;

class Refusal extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { ok: true });
  const m = req.method === 'POST' ? BUY.exec(req.url) : null;
  if (!m) return send(res, 404, { code: 40401, message: 'not found' });
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    handle(req, Number(m[1]), size > MAX_BODY ? undefined : Buffer.concat(chunks)).then(
      (ticket) => send(res, 202, { ticket }),
      (err) => {
        if (err instanceof Refusal) return send(res, err.status, { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
        console.error(err);
        send(res, 500, { code: 50001, message: 'internal error' });
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

async function handle(req, saleId, raw) {
  const userId = verify(req.headers.authorization);
  if (raw === undefined) throw new Refusal(413, 41301, 'body: too large');
  let body;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Refusal(400, 40001, 'body: not JSON');
  }
  if (typeof body !== 'object' || body === null || !Number.isSafeInteger(body.address_id) || body.address_id < 1) throw new Refusal(400, 40001, 'address_id: must be an id', { field: 'address_id' });
  const quantity = body.quantity ?? 1;
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) throw new Refusal(400, 40001, `quantity: 1 to ${MAX_QUANTITY}`, { field: 'quantity' });
  return buy(saleId, userId, body.address_id, quantity);
}

async function buy(saleId, userId, addressId, quantity) {
  const conn = await pool.getConnection();
  try {
    await conn.query('START TRANSACTION');
    try {
      const [taken] = await conn.query('UPDATE flash_sales SET stock = stock - ? WHERE id = ? AND stock >= ?', [quantity, saleId, quantity]);
      if (taken.affectedRows !== 1) throw new Refusal(409, 40902, `flash sale ${saleId}: sold out`, { reason: 'sold_out' });
      const id = nextId();
      const now = Date.now();
      await conn.query("INSERT INTO flash_orders (id, sale_id, user_id, address_id, quantity, status, created_at) VALUES (?, ?, ?, ?, ?, 'unpaid', ?)", [id, saleId, userId, addressId, quantity, now]);
      await conn.query('COMMIT');
      return { id, sale_id: saleId, quantity, status: 'ordered', order_id: id, release_reason: null, created_at: now };
    } catch (err) {
      await conn.query('ROLLBACK');
      throw err;
    }
  } finally {
    conn.release();
  }
}

const verified = new Map();

/** Surge's access token (HS256 JWT): the user id, or 401. */
function verify(header) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) throw new Refusal(401, 40101, 'Authorization: must be "Bearer <token>"');
  const token = m[1];
  let claims = verified.get(token);
  if (!claims) {
    const [head, body, signature] = token.split('.');
    const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
    const given = Buffer.from(signature ?? '', 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Refusal(401, 40101, 'the token signature does not match');
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(claims.sub) || typeof claims.exp !== 'number') throw new Refusal(401, 40101, 'the token lacks a numeric sub or exp');
    if (verified.size >= TOKEN_CACHE) verified.clear();
    verified.set(token, claims);
  }
  if (Date.now() >= claims.exp * 1000) throw new Refusal(401, 40102, 'the token expired');
  return claims.sub;
}

function send(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`naive: ${name} is required`);
    process.exit(64);
  }
  return value;
}
