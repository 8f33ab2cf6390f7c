// Surge mall benchmark: the two reads a shop client makes most, a product's detail and a page of
// a category, each measured against a bare node:http hello on the same machine in alternating
// rounds (hello, detail, hello, list), so the ratio is what we judge. See bench/README.md.
//
//   node bench/mall/run.mjs [--mode embedded|servers|both] [--rounds N] [--duration S] [--connections C] [--threads T]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createHarness, freePort, loadText, machine, measuredRun, parseFlags, positiveInt, printRows, root, runModes, waitReady, wrkVersion } from '../harness.mjs';
import { fmt, median, runBenchmark } from '../lib.mjs';

/** The fraction of hello's requests/s each read must reach (issue: the mall). */
const TARGETS = { detail: 0.5, list: 0.5 };
const MALL = '/api/v1/mall';

const opts = parseArgs(process.argv.slice(2));
const h = createHarness();
runBenchmark(() => runModes(h, opts.mode, benchMode), () => h.runCleanups());

async function benchMode(mode) {
  const tag = randomBytes(4).toString('hex');
  const dataDir = h.tempDir();
  const hello = await h.startProcess('hello', join(root, 'bench', 'http', 'hello.mjs'), { PORT: String(await freePort()) }, dataDir);
  // Embedded mode seeds the demo catalog on its first start; the servers are seeded as an operator does.
  const surge = await h.startSurge({ mode, dataDir, tag });
  if (mode !== 'embedded') execFileSync(process.execPath, [join(root, 'dist', 'app', 'cli.js'), 'seed', 'mall'], { cwd: dataDir, env: { ...process.env, ...surge.env }, stdio: 'inherit' });
  await waitReady(hello, '/');
  const { detail, list } = await pickTargets(surge.url);
  const targets = { hello: { url: `${hello.url}/` }, detail: { url: `${surge.url}${detail}` }, list: { url: `${surge.url}${list}` } };

  const loadBefore = os.loadavg();
  console.log(`\nbench: mall, ${mode} mode, ${opts.rounds} round(s) of ${opts.duration}s per run, wrk -t${opts.threads} -c${opts.connections}`);
  console.log(`bench: load average before: ${loadText(loadBefore)} (figures taken while anything else runs are void)`);
  const warm = Math.min(3, opts.duration);
  for (const t of Object.values(targets)) await wrk(t, warm);

  const procs = [hello, ...surge.procs];
  const rounds = [];
  for (let r = 1; r <= opts.rounds; r++) {
    const runs = {};
    const ratios = {};
    for (const name of ['detail', 'list']) {
      const base = await measure(targets.hello, 'hello', procs);
      const run = await measure(targets[name], name, procs);
      runs[`helloBefore_${name}`] = base;
      runs[name] = run;
      ratios[name] = run.rps / base.rps;
    }
    rounds.push({ round: r, runs, ratios });
    console.log(`  round ${r}: ` + ['detail', 'list'].map((n) => `hello ${fmt(runs[`helloBefore_${n}`].rps)} → ${n} ${fmt(runs[n].rps)} (${ratios[n].toFixed(3)})`).join('; '));
  }
  const medians = Object.fromEntries(['detail', 'list'].map((n) => [n, median(rounds.map((r) => r.ratios[n]))]));
  const pass = Object.fromEntries(Object.entries(TARGETS).map(([n, t]) => [n, medians[n] >= t]));
  const result = {
    date: new Date().toISOString(),
    mode,
    machine: machine(loadBefore),
    wrk: { version: wrkVersion(), threads: opts.threads, connections: opts.connections, durationSeconds: opts.duration, warmupSeconds: warm },
    routes: { detail, list },
    rounds,
    medians,
    targets: TARGETS,
    pass,
    passAll: Object.values(pass).every(Boolean),
  };
  const rows = [['round', 'target', 'req/s', 'p50 ms', 'p99 ms', 'ratio']];
  for (const round of rounds) {
    for (const [key, run] of Object.entries(round.runs)) rows.push([String(round.round), key.startsWith('hello') ? 'hello' : key, fmt(run.rps), run.latencyMs.p50.toFixed(2), run.latencyMs.p99.toFixed(2), round.ratios[key]?.toFixed(3) ?? '']);
  }
  printRows(rows);
  for (const n of ['detail', 'list']) console.log(`  ${n.padEnd(7)} median ratio ${medians[n].toFixed(3)}  target ≥ ${TARGETS[n]}  ${pass[n] ? 'PASS' : 'FAIL'}`);
  const file = join(root, 'bench', 'results', `mall-${mode}.json`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`bench: wrote ${file.slice(root.length)}`);
  return { pass: result.passAll };
}

/** A product on sale and its top-level category's first page (the list a shop's category tab shows); both warmed. */
async function pickTargets(base) {
  const get = async (path) => {
    const res = await fetch(base + path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  // The servers' home blocks refresh in the background after the seed: wait for the catalog to show.
  let categories = [];
  for (let i = 0; i < 100 && categories.length === 0; i++) {
    categories = (await get(`${MALL}/categories`)).categories;
    if (categories.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  if (categories.length === 0) throw new Error('the catalog is empty: the demo catalog was not seeded');
  const list = `${MALL}/products?category_id=${categories[0].id}&sort=newest&limit=20`;
  const page = await get(list);
  if (page.products.length < 20) throw new Error(`${list}: ${page.products.length} products, expected a full page`);
  const detail = `${MALL}/products/${page.products[0].id}`;
  for (let i = 0; i < 20; i++) await Promise.all([get(detail), get(list)]);
  return { detail, list };
}

function measure(target, name, procs) {
  return measuredRun(h, name, target, procs, wrkRun(opts.duration));
}

function wrk(target, seconds) {
  return h.wrk({ ...target, ...wrkRun(seconds) });
}

function wrkRun(seconds) {
  return { seconds, threads: opts.threads, connections: opts.connections };
}

function parseArgs(argv) {
  const o = { mode: 'embedded', rounds: 5, duration: 10, connections: 64, threads: 1 };
  const int = (key) => (v) => (o[key] = positiveInt(`--${key}`, v, usage));
  parseFlags(argv, { '--mode': (v) => (o.mode = v), '--rounds': int('rounds'), '--duration': int('duration'), '--connections': int('connections'), '--threads': int('threads') }, usage);
  if (!['embedded', 'servers', 'both'].includes(o.mode)) usage('--mode is embedded, servers or both');
  return o;
}

function usage(problem) {
  console.error(`bench: ${problem}\nusage: node bench/mall/run.mjs [--mode embedded|servers|both] [--rounds N] [--duration S] [--connections C] [--threads T]`);
  process.exit(64);
}
