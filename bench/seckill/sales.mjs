// What bench/seckill needs of the mall's API beyond the buy itself: an admin (signed up, then
// granted with `surge admin grant`, as an operator does) with a category of their own, and fresh
// flash sales, each of a product of its own made with exactly the sale's stock (a sale takes its
// units from the product when it is created).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../harness.mjs';
import { cliEnv, MALL } from '../mall/shop.mjs';

/** The product's price and the sale's: any sale price up to the product's is accepted. */
const PRODUCT_PRICE_CENTS = 9_900;
const SALE_PRICE_CENTS = 990;
/** How long each sale runs from its creation: far past any run, well within the 30 days allowed. */
const SALE_MS = 86_400_000;

/** An admin with a category for the sales' products; `env` is the settings Surge runs with. */
export async function seedAdmin(api, { tag, env, dataDir }) {
  const username = `seckilladmin_${tag}`;
  const admin = await api.call('POST', '/api/v1/users/register', { body: { username, password: `pw-${tag}` }, expect: 201 });
  execFileSync(process.execPath, [join(root, 'dist', 'app', 'cli.js'), 'admin', 'grant', username], { cwd: dataDir, env: cliEnv(env), stdio: ['ignore', 'ignore', 'inherit'] });
  const { category } = await api.call('POST', `${MALL}/admin/categories`, { token: admin.token, body: { name: `Flash sales ${tag}` }, expect: 201 });
  return { token: admin.token, categoryId: category.id, made: 0 };
}

/**
 * A running sale of `stock` units, `perUserLimit` per buyer, of a product made for it: started a
 * second ago (so it is running when created), ending a day later. Answers the flash_sale view.
 */
export async function newSale(api, admin, { stock, perUserLimit, label }) {
  const n = ++admin.made;
  const product = {
    name: `Flash ${label} ${n}`,
    category_id: admin.categoryId,
    price_cents: PRODUCT_PRICE_CENTS,
    stock,
    subtitle: 'For the flash sale benchmark',
    image_urls: [`/images/seckill-bench-${n}.jpg`],
  };
  const { product: made } = await api.call('POST', `${MALL}/admin/products`, { token: admin.token, body: product, expect: 201 });
  const now = Date.now();
  const sale = { product_id: made.id, price_cents: SALE_PRICE_CENTS, stock, start_at: now - 1000, end_at: now + SALE_MS, per_user_limit: perUserLimit };
  const { flash_sale } = await api.call('POST', `${MALL}/admin/flash-sales`, { token: admin.token, body: sale, expect: 201 });
  if (flash_sale.stock_left !== stock || flash_sale.status !== 'running') throw new Error(`a new sale of ${stock} units answered stock_left ${flash_sale.stock_left}, status ${flash_sale.status}`);
  return flash_sale;
}

/** The sale as it is now (its stock_left read from the sale stock, not a snapshot). */
export async function saleNow(api, id) {
  return (await api.call('GET', `${MALL}/flash-sales/${id}`)).flash_sale;
}

export const buyPath = (saleId) => `${MALL}/flash-sales/${saleId}/buy`;
