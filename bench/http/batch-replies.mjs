// Ablation for decision 87: the gateway with replies written at the end of each event-loop turn
// (http.batchReplies, the default) against the same gateway writing each reply as its handler
// finishes, both beside a bare node:http hello, in alternating rounds (hello, one-by-one, batched).
// Routes: GET /api/v1/users/:id and a mall product's detail. Embedded mode; the two Surge processes
// run side by side and only the one under load works.
//
//   node bench/http/batch-replies.mjs [--rounds N] [--duration S] [--connections C]
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createHarness, freePort, loadText, machine, measuredRun, parseFlags, positiveInt, printRows, root, runModes, waitReady, wrkVersion } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';

const VARIANTS = { 'one-by-one': 'false', batched: 'true' };
const ROUTES = ['users/:id', 'product'];

const opts = { rounds: 5, duration: 8, connections: 64 };
const usage = (problem) => {
  console.error(`bench: ${problem}\nusage: node bench/http/batch-replies.mjs [--rounds N] [--duration S] [--connections C]`);
  process.exit(64);
};
parseFlags(process.argv.slice(2), {
  '--rounds': (v) => (opts.rounds = positiveInt('--rounds', v, usage)),
  '--duration': (v) => (opts.duration = positiveInt('--duration', v, usage)),
  '--connections': (v) => (opts.connections = positiveInt('--connections', v, usage)),
}, usage);

const h = createHarness();
runBenchmark(() => runModes(h, 'embedded', bench), () => h.runCleanups());

async function bench() {
  const hello = await h.startProcess('hello', join(root, 'bench', 'http', 'hello.mjs'), { PORT: String(await freePort()) }, h.tempDir());
  await waitReady(hello, '/');
  const targets = { hello: { url: `${hello.url}/` } };
  const procs = [hello];
  for (const [variant, batch] of Object.entries(VARIANTS)) {
    const surge = await h.startSurge({ mode: 'embedded', dataDir: h.tempDir(), tag: randomBytes(4).toString('hex'), env: { SURGE__http__batchReplies: batch } });
    procs.push(...surge.procs);
    const user = await register(surge.url);
    const product = await firstProduct(surge.url);
    targets[`${variant} users/:id`] = { url: `${surge.url}/api/v1/users/${user}` };
    targets[`${variant} product`] = { url: `${surge.url}/api/v1/mall/products/${product}` };
  }
  const loadBefore = os.loadavg();
  console.log(`\nbench: replies one by one vs batched per turn, ${opts.rounds} round(s) of ${opts.duration}s, wrk -t1 -c${opts.connections}`);
  console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);
  for (const t of Object.values(targets)) await h.wrk({ ...t, seconds: 3, threads: 1, connections: opts.connections });

  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    const runs = {};
    const ratios = {};
    for (const route of ROUTES) {
      const base = await run(targets.hello, 'hello', procs);
      runs[`hello before ${route}`] = base;
      for (const variant of Object.keys(VARIANTS)) {
        const name = `${variant} ${route}`;
        runs[name] = await run(targets[name], name, procs);
        ratios[name] = runs[name].rps / base.rps;
      }
    }
    rounds.push({ round: r, runs, ratios });
    console.log(`  round ${r}: ` + Object.entries(ratios).map(([n, x]) => `${n} ${x.toFixed(3)}`).join(', '));
  }
  const medians = Object.fromEntries(Object.keys(rounds[0].ratios).map((n) => [n, median(rounds.map((r) => r.ratios[n]))]));
  const gain = Object.fromEntries(ROUTES.map((route) => [route, median(rounds.map((r) => r.runs[`batched ${route}`].rps / r.runs[`one-by-one ${route}`].rps))]));
  const rows = [['round', 'run', 'req/s', 'p50 ms', 'p99 ms', 'of hello']];
  for (const round of rounds) for (const [n, x] of Object.entries(round.runs)) rows.push([String(round.round), n, fmt(x.rps), x.latencyMs.p50.toFixed(2), x.latencyMs.p99.toFixed(2), round.ratios[n]?.toFixed(3) ?? '']);
  printRows(rows);
  for (const [n, x] of Object.entries(medians)) console.log(`  ${n.padEnd(22)} median of hello ${x.toFixed(3)}`);
  for (const [route, x] of Object.entries(gain)) console.log(`  ${route.padEnd(22)} batched / one-by-one ${x.toFixed(3)}`);
  const file = join(root, 'bench', 'results', 'http-batch-replies.json');
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine: machine(loadBefore), wrk: { version: wrkVersion(), threads: 1, connections: opts.connections, durationSeconds: opts.duration }, rounds, medians, batchedOverOneByOne: gain }, null, 2) + '\n');
  console.log(`bench: wrote ${file.slice(root.length)}`);
  return { pass: true };
}

function run(target, name, procs) {
  return measuredRun(h, name, target, procs, { seconds: opts.duration, threads: 1, connections: opts.connections });
}

async function register(base) {
  const tag = randomBytes(4).toString('hex');
  const res = await fetch(`${base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `bench_${tag}`, password: `pw-${tag}-batch` }) });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  return (await res.json()).id;
}

async function firstProduct(base) {
  const res = await fetch(`${base}/api/v1/mall/products?limit=1`);
  if (res.status !== 200) throw new Error(`product list answered ${res.status}: ${await res.text()}`);
  return (await res.json()).products[0].id;
}
