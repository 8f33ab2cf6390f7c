// The mall's API as the mixed benchmark (bench/mall/mix.mjs) uses it: a JSON client that fails on
// any unexpected status, the seed (the demo catalog read back, stock raised on the products people
// buy, shoppers with an address each), and the ledger check afterwards: the orders, payments and
// stock Surge holds must agree with the replies wrk saw.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { eventually, pool } from '../douyin.mjs';
import { root } from '../harness.mjs';

export const MALL = '/api/v1/mall';

/** What stock the bought products get: the most the admin route takes, far more than any run sells. */
export const RAISED_STOCK = 1_000_000;

export class MallApi {
  constructor(base) {
    this.base = base;
  }

  /** A call that must answer `expect`; resolves to the parsed reply (undefined when empty). */
  async call(method, path, { token, body, expect = 200 } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status} (expected ${expect}): ${text.slice(0, 300)}`);
    return text === '' ? undefined : JSON.parse(text);
  }
}

/**
 * The catalog a shopper browses: every category id (both levels) and every product on sale,
 * paged out of the top-level categories. The servers' home blocks refresh in the background after
 * `surge seed mall`, so an empty tree is waited out.
 */
export async function readCatalog(api) {
  const tree = await eventually('the demo catalog shows no category (was it seeded?)', () => api.call('GET', `${MALL}/categories`), (r) => r.categories.length > 0, 20_000);
  const categories = tree.categories.flatMap((c) => [c.id, ...c.children.map((x) => x.id)]);
  const products = [];
  for (const top of tree.categories) {
    let cursor = '';
    for (;;) {
      const page = await api.call('GET', `${MALL}/products?category_id=${top.id}&sort=newest&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      products.push(...page.products);
      if (page.is_end) break;
      cursor = page.next_cursor;
    }
  }
  return { categories, products };
}

/** Fails unless every word finds products: a search that hits nothing is not the load a shop sees. */
export async function checkSearchWords(api, words) {
  for (const w of words) {
    const page = await api.call('GET', `${MALL}/search?q=${encodeURIComponent(w)}&limit=20`);
    if (page.products.length === 0) throw new Error(`search "${w}" finds nothing in the demo catalog; pick words that hit`);
  }
}

/**
 * Gives `productIds` RAISED_STOCK units through the admin route, as an operator would: an admin
 * account is registered and granted with `surge admin grant` (env: the settings Surge runs with).
 * Answers each product's stock and sales afterwards, the ledger's starting point.
 */
export async function raiseStock(api, { productIds, tag, env, dataDir }) {
  const username = `mixadmin_${tag}`;
  const admin = await api.call('POST', '/api/v1/users/register', { body: { username, password: `pw-${tag}` }, expect: 201 });
  execFileSync(process.execPath, [join(root, 'dist', 'app', 'cli.js'), 'admin', 'grant', username], { cwd: dataDir, env: cliEnv(env), stdio: ['ignore', 'ignore', 'inherit'] });
  const before = new Map();
  await pool(8, productIds.length, async (i) => {
    const id = productIds[i];
    const { product } = await api.call('PATCH', `${MALL}/admin/products/${id}`, { token: admin.token, body: { stock: RAISED_STOCK } });
    if (product.stock !== RAISED_STOCK) throw new Error(`PATCH stock of product ${id} answered stock ${product.stock}`);
    before.set(id, { stock: product.stock, sales: product.sales });
  });
  return before;
}

/**
 * Reads every page the mix reads once (each product's detail, the first page of each category in
 * each sort, each search, the home page), 16 at a time, so the measured runs start from the
 * caches a shop that has been open for a while has, not from empty ones.
 */
export async function warmPages(api, { products, categories, sorts, words }) {
  const paths = [
    `${MALL}/home`,
    ...products.map((id) => `${MALL}/products/${id}`),
    ...categories.flatMap((id) => sorts.map((sort) => `${MALL}/products?category_id=${id}&sort=${sort}&limit=20`)),
    ...words.map((w) => `${MALL}/search?q=${encodeURIComponent(w)}&limit=20`),
  ];
  await pool(16, paths.length, (i) => api.call('GET', paths[i]));
  return paths.length;
}

/** Only the run's settings for a `surge` command: a SURGE_* variable from the caller's shell would change the system. */
export function cliEnv(env) {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SURGE'))), ...env };
}

/** Registers `count` shoppers, each with one (default) address; four sign-ups in flight (password hashing runs on libuv's 4 threads). */
export async function seedShoppers(api, { count, tag }) {
  const users = new Array(count);
  await pool(4, count, async (i) => {
    const { id, token } = await api.call('POST', '/api/v1/users/register', { body: { username: `mix${tag}_${i}`, password: `pw-${tag}` }, expect: 201 });
    const { address } = await api.call('POST', `${MALL}/addresses`, {
      token,
      body: { name: `买家 ${i}`, phone: '138 0013 8000', province: '广东省', city: '深圳市', district: '南山区', detail: `科技园南路 ${i} 号` },
      expect: 201,
    });
    users[i] = { id, token, addressId: address.id };
  });
  return users;
}

/** Every order of every shopper, paged as the app pages "my orders". */
export async function readOrders(api, users) {
  const orders = [];
  await pool(8, users.length, async (i) => {
    let cursor = '';
    for (;;) {
      const page = await api.call('GET', `${MALL}/orders?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: users[i].token });
      orders.push(...page.orders);
      if (page.is_end) break;
      cursor = page.next_cursor;
    }
  });
  return orders;
}

/**
 * Checks that the system agrees with what wrk saw, and answers the ledger:
 * - orders: at least the creates answered 201, at most those plus the creates still in flight
 *   when wrk stopped (sent, never answered);
 * - every order unpaid or paid (nothing cancelled or refunded), and paid at least as many as the
 *   pays answered 200 (the simulator's notification arrives later), at most those plus the pays
 *   in flight at a stop;
 * - each bought product: stock fell and sales rose by exactly the units ordered, and no stock is
 *   negative; no order names a product outside `before`.
 * Payments complete asynchronously, so the check is repeated until it holds or `ms` pass. Answers
 * the ledger with ok and every discrepancy left (problems).
 */
export async function checkLedger(api, { users, before, counts, ms = 90_000 }) {
  let problems = [];
  let ledger;
  const read = async () => {
    const orders = await readOrders(api, users);
    const status = {};
    const units = new Map([...before.keys()].map((id) => [id, 0]));
    problems = [];
    for (const o of orders) {
      status[o.status] = (status[o.status] ?? 0) + 1;
      for (const line of o.items) {
        if (!units.has(line.product_id)) problems.push(`order ${o.id} names product ${line.product_id}, which the mix never orders`);
        else units.set(line.product_id, units.get(line.product_id) + line.quantity);
      }
    }
    const c = counts;
    if (orders.length < c.created || orders.length > c.created + c.createInFlight) problems.push(`${orders.length} orders exist; wrk saw ${c.created} created (201) and ${c.createInFlight} creates unanswered at a stop`);
    const other = Object.keys(status).filter((s) => s !== 'unpaid' && s !== 'paid');
    if (other.length > 0) problems.push(`orders in status ${other.map((s) => `${s} (${status[s]})`).join(', ')}: only unpaid and paid are expected`);
    const paid = status.paid ?? 0;
    if (paid < c.paid || paid > c.paid + c.payInFlight) problems.push(`${paid} orders are paid; wrk saw ${c.paid} payments started (200) and ${c.payInFlight} pays unanswered at a stop`);
    await pool(8, units.size, async (i) => {
      const [id, n] = [...units][i];
      const { product } = await api.call('GET', `${MALL}/products/${id}`);
      const b = before.get(id);
      const taken = b.stock - product.stock;
      if (product.stock < 0) problems.push(`product ${id}: stock ${product.stock} is negative`);
      if (taken !== n || product.sales - b.sales !== n) {
        // stock + sales unchanged, but fewer units taken than ordered: the page shows the row as it was before some orders.
        const behind = product.stock + product.sales === b.stock + b.sales && taken < n ? `; stock + sales still ${b.stock + b.sales}, so the page shows the row as it was ${n - taken} order unit(s) ago (a stale cached row)` : '';
        problems.push(`product ${id}: stock went ${b.stock} → ${product.stock} and sales ${b.sales} → ${product.sales}, but its orders hold ${n} units${behind}`);
      }
    });
    ledger = { orders: orders.length, status, unitsOrdered: [...units.values()].reduce((a, b) => a + b, 0), productsOrdered: [...units.values()].filter((n) => n > 0).length };
    return problems.length === 0;
  };
  const end = Date.now() + ms;
  while (!(await read()) && Date.now() < end) await new Promise((r) => setTimeout(r, 500));
  return { ok: problems.length === 0, problems, ...ledger };
}
