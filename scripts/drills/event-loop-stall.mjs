// Drill: an event loop that cannot keep up. Nothing a client can send makes Surge block its loop
// in one long piece (password hashing runs on the thread pool; bodies and batches are bounded),
// so this drill uses a heavy legitimate mix instead: batch profile reads (GET /api/v1/users?ids=
// with the most ids a request may carry, 100) on 16 connections (autocannon), which keeps a process's loop busy
// without a pause, and shows up the same way: event-loop lag. The operator finds the busy
// process (surge_nodejs_eventloop_lag_p99_seconds, CPU seconds), takes a CPU profile from it
// while it runs (SIGUSR2: <dataDir>/profiles/*.cpuprofile) and reads the top functions by self time.
//   node scripts/drills/event-loop-stall.mjs
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { topSelfTime } from './cpuprofile.mjs';
import { autocannon } from './load.mjs';
import { ms, scrape, sum } from './prom.mjs';
import { say, show, step, table } from './report.mjs';
import { root, waitFor, withStack } from './stack.mjs';

const USERS = 100;
const CONCURRENCY = 16;
const PROFILE_SECONDS = 3;

await withStack({ services: { user: 1 }, gatewayEnv: { SURGE__http__faces: '["users"]' }, env: { SURGE__ops__profileSeconds: String(PROFILE_SECONDS) } }, async (stack) => {
  const g = stack.gateway;
  const user = stack.instances('user')[0];
  const processes = [
    { name: 'gateway', pid: g.pid, metricsUrl: g.metricsUrl, child: g.child },
    { name: 'user', pid: user.pid, metricsUrl: user.metricsUrl, child: user.child },
  ];
  step('Setup');
  show(`gateway pid ${g.pid}, user service pid ${user.pid}; ops.profileSeconds=${PROFILE_SECONDS} (SURGE__ops__profileSeconds)`);
  const ids = [];
  for (let i = 0; i < USERS; i++) {
    const res = await fetch(`${g.base}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `busy${stack.tag}${i}`, password: 'secret123' }) });
    ids.push((await res.json()).id);
  }
  const url = `${g.base}/api/v1/users?ids=${ids.join(',')}`;
  show(`${USERS} users registered; the request: GET /api/v1/users?ids=<${USERS} ids> (${(await (await fetch(url)).arrayBuffer()).byteLength} bytes of JSON back)`);

  /** Each process's loop lag p99 (since the previous scrape: prom-client resets it on each read) and CPU seconds so far. */
  const read = async () => Promise.all(processes.map(async (p) => {
    const samples = await scrape(p.metricsUrl);
    return { lag: sum(samples, 'surge_nodejs_eventloop_lag_p99_seconds'), cpu: sum(samples, 'surge_process_cpu_seconds_total'), at: performance.now() };
  }));
  const cpuShare = (a, b) => (b.cpu - a.cpu) / ((b.at - a.at) / 1000);

  step('Quiet: 3 s with no load');
  const q0 = await read();
  await new Promise((r) => setTimeout(r, 3000));
  const q1 = await read();
  table([['process', 'event-loop lag p99', 'CPU (share of one core)'], ...processes.map((p, i) => [p.name, ms(q1[i].lag), `${Math.round(100 * cpuShare(q0[i], q1[i]))} %`])]);

  step(`Load: batch reads on ${CONCURRENCY} connections; after 2 s, find the busy process`);
  // The load stops just before the profile does: the heap snapshot that follows pauses the process, and calls it
  // would meet then fail (see the last note).
  const loadSeconds = 2 + PROFILE_SECONDS;
  const loading = autocannon({ url, connections: CONCURRENCY, seconds: loadSeconds });
  const l0 = await read();
  await new Promise((r) => setTimeout(r, 2000));
  const l1 = await read();
  table([['process', 'event-loop lag p99', 'CPU (share of one core)'], ...processes.map((p, i) => [p.name, ms(l1[i].lag), `${Math.round(100 * cpuShare(l0[i], l1[i]))} %`])]);
  const busiest = processes[cpuShare(l0[0], l1[0]) >= cpuShare(l0[1], l1[1]) ? 0 : 1];
  show(`the ${busiest.name} process (pid ${busiest.pid}) uses the most CPU: profile it`);
  show(`(this machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; the load generator runs on it too)`);

  step(`kill -USR2 ${busiest.pid}   (a ${PROFILE_SECONDS} s CPU profile, then a heap snapshot)`);
  const mark = busiest.child.lines.length;
  process.kill(busiest.pid, 'SIGUSR2');
  const wrote = await waitFor('the profile files', async () => busiest.child.lines.slice(mark).find((l) => / wrote .*\.cpuprofile/.test(l)), 30_000);
  for (const l of busiest.child.lines.slice(mark).filter((l) => !l.startsWith('{'))) show(l);
  const load = await loading;
  const l2 = await read();
  show(`load (autocannon, ${CONCURRENCY} connections, ${loadSeconds} s): ${load.requests.total} requests, ${Math.round(load.requests.average)} per second, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, statuses ${JSON.stringify(Object.fromEntries(Object.entries(load.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])))}, errors ${load.errors}`);

  step('Top functions by self time in the profile (cpuprofile.mjs; Chrome DevTools → Performance → Load profile shows the same)');
  const file = / wrote (\S+\.cpuprofile)/.exec(wrote)[1];
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const { totalMs, idleMs, top } = topSelfTime(profile, { n: 12, root });
  show(`${file}: ${Math.round(totalMs)} ms sampled, ${Math.round(idleMs)} ms idle (${Math.round((100 * idleMs) / totalMs)} %), ${profile.samples.length} samples`);
  table([['self ms', 'share of busy', 'function', 'where'], ...top.map((t) => [t.selfMs.toFixed(1), `${(100 * t.share).toFixed(1)} %`, t.name, t.location || '(native, or code built at run time)'])]);
  const busyShare = 1 - idleMs / totalMs;
  show(busyShare > 0.75
    ? `busy ${Math.round(100 * busyShare)} % of the profile, yet ${Math.round(100 * cpuShare(l0[processes.indexOf(busiest)], l1[processes.indexOf(busiest)]))} % of a core in CPU time: the profiler samples wall time, so the gap is time the loop had work but no CPU.`
    : `busy ${Math.round(100 * busyShare)} % of the profile: the loop still had idle time.`);

  step('After the load: the lag falls back');
  await new Promise((r) => setTimeout(r, 2000));
  const a1 = await read();
  table([['process', 'lag p99 quiet', 'lag p99 under load', 'lag p99 after', 'CPU under load'], ...processes.map((p, i) => [p.name, ms(q1[i].lag), ms(l1[i].lag), ms(a1[i].lag), `${Math.round(100 * cpuShare(l0[i], l1[i]))} %`])]);
  void l2;

  step('Reading it');
  show('- The lag gauges include the monitor\'s own 10 ms sampling step: a quiet process reads about 10-13 ms');
  show('  (surge_nodejs_eventloop_lag_min_seconds shows the floor). Read the p99 as lag above that floor.');
  show('- Lag with the process near 100 % of a core: the loop has no idle time, every timer and request waits behind');
  show('  the work in front of it. Lag with the process well below a core: either one long blocking call, or the');
  show('  process is not given the CPU (a busy machine, a container\'s CPU limit throttling it): check the load average.');
  show('- The profile\'s idle share separates them: little idle = saturated; much idle but long single samples = a');
  show('  blocking call. The top self-time functions say what the CPU is spent on; their callers (DevTools bottom-up');
  show('  view) say which route or handler brings them.');
  show('- Fixes for a saturated process: more instances (surge up --scale, or replicas), smaller pages, caching the');
  show('  encoded answer. For one long blocking call: move it off the loop (worker thread) or cut it into pieces.');
  show('- SIGUSR2 also writes a heap snapshot after the profile, which pauses the process while it walks the heap:');
  show('  on a live system profile one instance at a time.');
});
