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
import { nextId, parseBody, Refusal, startBaselineServer } from '../baseline-server.mjs';

const BUY = /^\/api\/v1\/mall\/flash-sales\/([1-9][0-9]{0,15})\/buy$/;
const MAX_QUANTITY = 100;
/** Refusal codes: the HTTP status × 100 plus a number. */
const CODES = { unauthorized: 40101, expired: 40102, tooLarge: 41301, badRequest: 40001, notFound: 40401, internal: 50001 };

const { pool, verify } = startBaselineServer({ name: 'naive', env: 'NAIVE', poolSize: 16, codes: CODES, maxBody: 4 * 1024, okStatus: 202, route });

function route(req) {
  const m = req.method === 'POST' ? BUY.exec(req.url) : null;
  return m && (async (raw) => ({ ticket: await handle(req, Number(m[1]), raw) }));
}

async function handle(req, saleId, raw) {
  const userId = verify(req.headers.authorization);
  const body = parseBody(raw, CODES);
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
