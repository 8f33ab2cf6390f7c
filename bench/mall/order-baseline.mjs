// The baseline of bench/mall/orders.mjs: order creation as ONE local MariaDB transaction in a
// bare node:http server, writing the rows the saga path writes in the order and product
// services' two databases, here in one database whose tables orders.mjs made LIKE Surge's own
// (same columns and indexes) and filled with the same products and addresses.
//
//   POST /api/v1/mall/orders {address_id, items: [{product_id, quantity}]}
//   Authorization: Bearer <Surge's token>, Idempotency-Key: <key> (optional)
//
// The token is checked as Surge's gateway checks it (HS256 with the same secret, verified tokens
// remembered), the body as its schema does (ids, 1–50 items, quantities 1–999, no product twice).
// Then, in one transaction, statement by statement as the services send them:
//   - the address, read as the user's (404 when it is not);
//   - with a key: the (user, key) row of order_requests (INSERT IGNORE; a repeat answers its order);
//   - the saga's transaction row (surge_saga, running) and its two branch rows (stock, order);
//   - the product service's barrier row (gid, 'stock', 'action');
//   - per item in product id order: UPDATE products SET stock = stock - q, sales = sales + q
//     WHERE id = ? AND status = 'on_sale' AND stock >= q, one row affected or 409 (rolled back);
//   - the products read back (the columns the product service reads), the buyer's taste per
//     category raised (INSERT IGNORE user_categories, then one UPDATE of its weight);
//   - the order service's barrier row (gid, 'order', 'action'), the order row and its lines;
//   - each branch row set done, the transaction row set succeeded;
// and answers 201 with the order as the gateway's reply has it, built from what it wrote.
//
// What it does not do, and the saga path does: no RPC between services; no cache invalidation
// (the product rows and the category lists in Redis); no payment-timeout job (a delayed job in
// Redis); no attempt, lease and cursor bookkeeping between steps (the saga row and branch rows
// end in the same state, reached here by three UPDATEs in the one commit, by the coordinator with
// two moves, each one UPDATE on MariaDB); no request log. The saga path commits five times per
// order (the saga's creation with its key, two branch transactions, two moves, the last of which
// finishes the transaction), this one once.
//
// Environment: PORT, ORDER_BASELINE_DB (the database), ORDER_BASELINE_JWT_SECRET, ORDER_BASELINE_POOL.
import { nextId, parseBody, Refusal, startBaselineServer } from '../baseline-server.mjs';

const PATH = '/api/v1/mall/orders';
const MAX_ITEMS = 50;
const MAX_QUANTITY = 999;
/** A purchase's weight in the buyer's taste for the category (services/product/model/tastes.ts). */
const TASTE_BOUGHT = 3;
/** Tries of one order's transaction when it loses a deadlock. */
const MAX_ATTEMPTS = 5;
/** Refusal codes: gRPC status numbers (3 invalid argument, 5 not found, 13 internal, 16 unauthenticated). */
const CODES = { unauthorized: 16, expired: 16, tooLarge: 3, badRequest: 3, notFound: 5, internal: 13 };

const { pool, verify } = startBaselineServer({
  name: 'order-baseline',
  env: 'ORDER_BASELINE',
  poolSize: 10,
  codes: CODES,
  maxBody: 64 * 1024,
  okStatus: 201,
  route: (req) => (req.method === 'POST' && req.url === PATH ? async (raw) => ({ order: await handle(req, raw) }) : null),
});

async function handle(req, raw) {
  const userId = verify(req.headers.authorization);
  const { addressId, items } = checkOrder(parseBody(raw, CODES));
  const key = req.headers['idempotency-key'];
  if (key !== undefined && !/^[\x21-\x7e]{1,64}$/.test(key)) throw new Refusal(400, 3, 'idempotency-key: 1–64 printable ASCII characters');
  return placeOrder(userId, addressId, items, key);
}

/**
 * The order's one transaction (see the header for what it writes), run again when MariaDB
 * chose it as a deadlock's victim: two orders of one buyer in flight at once both hold the
 * shared lock INSERT IGNORE takes on their existing user_categories row, then both want it
 * exclusive for the UPDATE. (In Surge the product service's branch fails the same way and the
 * saga retries the branch.)
 */
async function placeOrder(userId, addressId, items, key) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await placeOnce(userId, addressId, items, key);
    } catch (err) {
      if (err?.code !== 'ER_LOCK_DEADLOCK' || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

async function placeOnce(userId, addressId, items, key) {
  const conn = await pool.getConnection();
  try {
    await conn.query('START TRANSACTION');
    try {
      const order = await writeOrder(conn, userId, addressId, items, key);
      await conn.query('COMMIT');
      return order;
    } catch (err) {
      await conn.query('ROLLBACK');
      throw err;
    }
  } finally {
    conn.release();
  }
}

async function writeOrder(conn, userId, addressId, items, key) {
  const now = Date.now();
  const [[address]] = await conn.query('SELECT * FROM addresses WHERE user_id = ? AND id = ?', [userId, addressId]);
  if (!address) throw new Refusal(404, 5, 'address_id: no such address');
  const snapshot = { name: address.name, phone: address.phone, province: address.province, city: address.city, district: address.district, detail: address.detail };
  const orderId = nextId();
  const gid = `order-${orderId}`;
  const payload = JSON.stringify({ orderId, userId, createdAt: now, items, address: snapshot });

  if (key !== undefined) {
    const [claimed] = await conn.query('INSERT IGNORE INTO order_requests (user_id, idem_key, order_id, gid, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)', [userId, key, orderId, gid, payload, now]);
    if (claimed.affectedRows !== 1) return earlierOrder(conn, userId, key);
  }
  await conn.query(
    'INSERT INTO surge_saga (gid, saga, status, phase, step, attempts, payload, owner, lease_until, error_code, error, reason_code, reason, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, 0, ?, 0, ?, ?, ?, 0)',
    [gid, 'order.create', 'running', 'action', payload, 'baseline', now + 30_000, '', '', now, now],
  );
  await conn.query('INSERT INTO surge_saga_branch (gid, idx, name, action, compensation, updated_at) VALUES (?, 0, ?, ?, ?, ?), (?, 1, ?, ?, ?, ?)', [gid, 'stock', 'pending', 'none', now, gid, 'order', 'pending', 'none', now]);

  // The stock branch.
  await conn.query('INSERT IGNORE INTO surge_saga_barrier (gid, branch, op, created_at) VALUES (?, ?, ?, ?)', [gid, 'stock', 'action', now]);
  for (const { productId, quantity } of [...items].sort((a, b) => a.productId - b.productId)) {
    const [taken] = await conn.query("UPDATE products SET stock = stock - ?, sales = sales + ? WHERE id = ? AND status = 'on_sale' AND stock >= ?", [quantity, quantity, productId, quantity]);
    if (taken.affectedRows === 1) continue;
    const [[row]] = await conn.query('SELECT status, stock FROM products WHERE id = ?', [productId]);
    const why = !row ? 'does not exist' : row.status !== 'on_sale' ? 'is off the shelf' : `has ${row.stock} left`;
    throw new Refusal(row ? 409 : 404, 9, `product ${productId} ${why}; nothing was reserved`);
  }
  const [products] = await conn.query('SELECT id, name, subtitle, category_id, image_urls, price_cents, stock, sales, status, detail, created_at FROM products WHERE id IN (?)', [items.map((i) => i.productId)]);
  const byId = new Map(products.map((p) => [Number(p.id), p]));
  const tastes = new Map();
  for (const p of products) tastes.set(Number(p.category_id), (tastes.get(Number(p.category_id)) ?? 0) + TASTE_BOUGHT);
  for (const [categoryId, delta] of [...tastes].sort((a, b) => a[0] - b[0])) {
    await conn.query('INSERT IGNORE INTO user_categories (user_id, category_id, weight, updated_at) VALUES (?, ?, 0, ?)', [userId, categoryId, now]);
    await conn.query('UPDATE user_categories SET weight = CASE WHEN weight + ? < 0 THEN 0 ELSE weight + ? END, updated_at = ? WHERE user_id = ? AND category_id = ?', [delta, delta, now, userId, categoryId]);
  }

  // The order branch.
  let total = 0;
  const lines = items.map(({ productId, quantity }, idx) => {
    const p = byId.get(productId);
    total += Number(p.price_cents) * quantity;
    return { idx, productId, name: p.name, imageUrl: JSON.parse(p.image_urls)[0] ?? '', priceCents: Number(p.price_cents), quantity };
  });
  await conn.query('INSERT IGNORE INTO surge_saga_barrier (gid, branch, op, created_at) VALUES (?, ?, ?, ?)', [gid, 'order', 'action', now]);
  await conn.query(
    "INSERT INTO orders (id, user_id, gid, status, total_cents, address, cancel_reason, payment_id, created_at, paid_at, updated_at) VALUES (?, ?, ?, 'unpaid', ?, ?, '', '', ?, 0, ?)",
    [orderId, userId, gid, total, JSON.stringify(snapshot), now, now],
  );
  await conn.query('INSERT INTO order_lines (order_id, idx, product_id, name, image_url, price_cents, quantity) VALUES ?', [lines.map((l) => [orderId, l.idx, l.productId, l.name, l.imageUrl, l.priceCents, l.quantity])]);

  // The transaction's end state.
  for (const idx of [0, 1]) await conn.query("UPDATE surge_saga_branch SET action = 'done', updated_at = ? WHERE gid = ? AND idx = ?", [now, gid, idx]);
  await conn.query("UPDATE surge_saga SET status = 'succeeded', step = 2, owner = '', lease_until = 0, finished_at = ?, updated_at = ? WHERE gid = ?", [now, now, gid]);

  return orderView({ id: orderId, total, snapshot, createdAt: now, lines });
}

/** The order an earlier request with the same key placed (keys are fresh in the benchmark; this keeps the contract). */
async function earlierOrder(conn, userId, key) {
  const [[request]] = await conn.query('SELECT order_id FROM order_requests WHERE user_id = ? AND idem_key = ?', [userId, key]);
  const [[order]] = await conn.query('SELECT * FROM orders WHERE id = ?', [request.order_id]);
  if (!order) throw new Refusal(503, 14, 'the order is still being placed; ask again with the same Idempotency-Key');
  const [lines] = await conn.query('SELECT * FROM order_lines WHERE order_id = ? ORDER BY idx', [order.id]);
  return orderView({
    id: Number(order.id),
    status: order.status,
    total: Number(order.total_cents),
    snapshot: JSON.parse(order.address),
    createdAt: Number(order.created_at),
    lines: lines.map((l) => ({ productId: Number(l.product_id), name: l.name, imageUrl: l.image_url, priceCents: Number(l.price_cents), quantity: Number(l.quantity) })),
  });
}

/** The gateway's order view (gateway/mall/views.ts). */
function orderView({ id, status = 'unpaid', total, snapshot, createdAt, lines }) {
  return {
    id,
    status,
    items: lines.map((l) => ({ product_id: l.productId, name: l.name, image_url: l.imageUrl, price_cents: l.priceCents, quantity: l.quantity })),
    total_cents: total,
    address: snapshot,
    created_at: createdAt,
    paid_at: null,
    cancel_reason: null,
  };
}

function checkOrder(body) {
  const id = (v) => Number.isSafeInteger(v) && v >= 1;
  if (typeof body !== 'object' || body === null || !id(body.address_id)) throw new Refusal(400, 3, 'address_id: must be an id');
  if (!Array.isArray(body.items) || body.items.length < 1 || body.items.length > MAX_ITEMS) throw new Refusal(400, 3, `items: must list 1–${MAX_ITEMS} products`);
  const seen = new Set();
  const items = body.items.map((item, i) => {
    if (typeof item !== 'object' || item === null || !id(item.product_id)) throw new Refusal(400, 3, `items[${i}].product_id: must be an id`);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) throw new Refusal(400, 3, `items[${i}].quantity: 1 to ${MAX_QUANTITY}`);
    if (seen.has(item.product_id)) throw new Refusal(400, 3, `items[${i}].product_id: named twice`);
    seen.add(item.product_id);
    return { productId: item.product_id, quantity: item.quantity };
  });
  return { addressId: body.address_id, items };
}
