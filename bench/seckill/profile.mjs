// Where a flash-sale buy's time goes: one Surge process started with --cpu-prof, buyers and a
// sale seeded, then buys only (wrk, as run.mjs sends them) for --duration seconds; the profile is
// written when Surge stops. For reading with bench/http/profile-summary.mjs, not for figures.
//
//   node bench/seckill/profile.mjs [--mode embedded|servers] [--duration S] [--users N] [--target buy|soldOut] --out DIR
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, parseFlags, positiveInt, REPORT_LUA, root } from '../harness.mjs';
import { runBenchmark } from '../lib.mjs';
import { MallApi, seedShoppers } from '../mall/shop.mjs';
import { buyPath, newSale, seedAdmin } from './sales.mjs';
import { SURGE_ENV } from './settings.mjs';

const o = { mode: 'embedded', duration: 10, users: 600, target: 'buy', out: '' };
const usage = (problem) => {
  console.error(`bench: ${problem}\nusage: node bench/seckill/profile.mjs [--mode embedded|servers] [--duration S] [--users N] [--target buy|soldOut] --out DIR`);
  process.exit(2);
};
parseFlags(process.argv.slice(2), { '--mode': (v) => (o.mode = v), '--duration': (v) => (o.duration = positiveInt('--duration', v, usage)), '--users': (v) => (o.users = positiveInt('--users', v, usage)), '--target': (v) => (o.target = v), '--out': (v) => (o.out = v) }, usage);
if (!o.out) usage('--out DIR is required');

const h = createHarness();
runBenchmark(async () => {
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  const surge = await h.startSurge({ mode: o.mode, dataDir, tag, env: { ...SURGE_ENV, SURGE_JWT_SECRET: randomBytes(24).toString('hex') }, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${o.out}`] });
  const api = new MallApi(surge.url);
  const admin = await seedAdmin(api, { tag, env: surge.env, dataDir });
  const users = await seedShoppers(api, { count: o.users, tag });
  const buyers = join(dataDir, 'buyers.txt');
  writeFileSync(buyers, users.map((u) => `${u.token} ${u.addressId}\n`).join(''));
  const script = join(dataDir, 'buy.lua');
  writeFileSync(script, [readFileSync(REPORT_LUA, 'utf8'), readFileSync(join(root, 'bench', 'seckill', 'buy.lua'), 'utf8')].join('\n'));
  const sale = await newSale(api, admin, o.target === 'buy' ? { stock: 1_000_000, perUserLimit: 100, label: 'buy' } : { stock: 1, perUserLimit: 1, label: 'sold-out' });
  if (o.target === 'soldOut') {
    await api.call('POST', buyPath(sale.id), { token: users[0].token, body: { address_id: users[0].addressId }, expect: 202 });
    await api.call('POST', buyPath(sale.id), { token: users[1].token, body: { address_id: users[1].addressId }, expect: 409 });
  }
  const run = await h.wrk({ url: surge.url + buyPath(sale.id), seconds: o.duration, threads: 1, connections: 64, script, args: [buyers, '1'], extra: ['WRK_BUY'] });
  console.log(`bench: ${o.target} ${Math.round(run.rps)}/s p50 ${run.latencyMs.p50.toFixed(2)} ms p99 ${run.latencyMs.p99.toFixed(2)} ms; replies ${JSON.stringify(run.extra.WRK_BUY)}`);
  console.log(`bench: the profile is written to ${o.out} when Surge stops`);
}, () => h.runCleanups());
