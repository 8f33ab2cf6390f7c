// The drain of bench/seckill/run.mjs --drain: how long after a sale sells out its last order is
// persisted. A sale of S units is bought out as fast as the runner can send (a node:http client,
// `connections` keep-alive buys in flight, cycling over the buyers, one unit each); sell-out is
// the moment the last 202 came back (the next answers are "sold out"). From then the order
// service's own database is counted every 10 ms, read beside the API (SQLite `<data>/db/order.sqlite`,
// read-only, embedded; MariaDB `<prefix>_order` on the servers), until it holds one order per
// ticket: the orders whose gid is `seckill:<sale id>:<ticket id>` (services/order/flash-gid.ts).
// A sample of tickets is then read back through the API: each must be "ordered". `orders` counts
// them (./order-db.mjs).
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pool } from '../douyin.mjs';
import { MALL } from '../mall/shop.mjs';
import { buyPath, newSale } from './sales.mjs';

const POLL_MS = 10;
/** Longest wait for the orders after sell-out before the run fails. */
const DRAIN_TIMEOUT_MS = 300_000;
/** Tickets read back through the API once every order is there. */
const SAMPLE = 50;

export async function measureDrain({ api, admin, users, orders, surgeUrl, stock, perUserLimit, connections }) {
  const sale = await newSale(api, admin, { stock, perUserLimit, label: 'drain' });
  if ((await orders.count(sale.id)) !== 0) throw new Error(`drain: sale ${sale.id} has orders before its first buy`);
  const blast = await buyOut(surgeUrl, sale, users, connections);
  if (blast.reserved !== stock) throw new Error(`drain: ${blast.reserved} units reserved (202) in a sale of ${stock}: ${blast.reserved > stock ? 'OVERSOLD' : 'sold out early'}`);
  const atSellOut = await orders.count(sale.id);
  // The first read that finds every order ends the wait: drainMs is at most one poll late.
  let persisted = atSellOut;
  let readAt = performance.now();
  while (persisted < blast.tickets.length) {
    if (readAt - blast.soldOutAt > DRAIN_TIMEOUT_MS) throw new Error(`drain: ${persisted} of ${blast.tickets.length} orders persisted ${DRAIN_TIMEOUT_MS / 1000} s after sell-out`);
    await new Promise((r) => setTimeout(r, POLL_MS));
    persisted = await orders.count(sale.id);
    readAt = performance.now();
  }
  const drainMs = readAt - blast.soldOutAt;
  if (persisted > blast.tickets.length) throw new Error(`drain: ${persisted} orders for ${blast.tickets.length} tickets: an order made twice`);
  const sample = blast.tickets.filter((_, i) => i % Math.max(1, Math.floor(blast.tickets.length / SAMPLE)) === 0).slice(0, SAMPLE);
  const statuses = {};
  await pool(8, sample.length, async (i) => {
    const { id, user } = sample[i];
    const { ticket } = await api.call('GET', `${MALL}/flash-sales/${sale.id}/tickets/${id}`, { token: user.token });
    statuses[ticket.status] = (statuses[ticket.status] ?? 0) + 1;
  });
  if (statuses.ordered !== sample.length) throw new Error(`drain: of ${sample.length} sampled tickets, ${JSON.stringify(statuses)}; every one should be "ordered"`);
  return {
    saleId: sale.id,
    stock,
    perUserLimit,
    buyers: users.length,
    connections,
    counted: orders.where,
    buyOutMs: blast.soldOutAt - blast.startedAt,
    reservedPerSecond: stock / ((blast.soldOutAt - blast.startedAt) / 1000),
    soldOutReplies: blast.soldOut,
    persistedAtSellOut: atSellOut,
    drainMs,
    // null when every order was there at sell-out (the orders kept pace with the buys).
    ordersPerSecondAfterSellOut: atSellOut < blast.tickets.length ? (blast.tickets.length - atSellOut) / (drainMs / 1000) : null,
    sampledTickets: { read: sample.length, ordered: statuses.ordered },
  };
}

/**
 * Buys until sold out: `connections` loops, each sending its next buy when the last is answered,
 * buyer n for the n-th buy. Stops at the first "sold out" each loop sees. Any other answer than
 * 202 or 409 sold_out fails the run.
 */
async function buyOut(base, sale, users, connections) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(base + buyPath(sale.id));
  const tickets = [];
  let next = 0;
  let soldOut = 0;
  let done = false;
  let soldOutAt = 0;
  const startedAt = performance.now();
  const loop = async () => {
    while (!done) {
      const user = users[next++ % users.length];
      const { status, body } = await post(agent, url, user);
      if (status === 202) {
        soldOutAt = performance.now();
        tickets.push({ id: JSON.parse(body).ticket.id, user });
      } else if (status === 409 && body.includes('"sold_out"')) {
        soldOut++;
        done = true;
      } else {
        done = true;
        throw new Error(`drain: a buy answered ${status}: ${body.slice(0, 300)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, loop));
  } finally {
    agent.destroy();
  }
  return { reserved: tickets.length, tickets, soldOut, startedAt, soldOutAt };
}

function post(agent, url, user) {
  const body = `{"address_id":${user.addressId}}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
