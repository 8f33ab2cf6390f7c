// The client process of one stack (spawned by run.mjs with an IPC channel): a closed-loop load
// generator. For each "run" it keeps `concurrency` calls in flight for a short unrecorded warm-up,
// then for the measured window, recording each call's latency and this process's CPU time.
//
//   node bench/rpc/client.mjs <stack> <moleculer namespace> <server info as JSON>
import { performance } from 'node:perf_hooks';
import { connectClient } from './stacks.mjs';
import { ECHO_REQUEST, USER_IDS, USERS_REQUEST } from './messages.mjs';

const [stack, namespace, infoJson] = process.argv.slice(2);
const client = await connectClient(stack, { namespace, info: JSON.parse(infoJson) });

// Each reply is checked (cheaply), so a stack that answers wrongly cannot look fast.
const last = USER_IDS[USER_IDS.length - 1];
const CALLS = {
  echo: { req: ECHO_REQUEST, ok: (r) => r.number === ECHO_REQUEST.number && r.message === ECHO_REQUEST.message },
  users30: { req: USERS_REQUEST, ok: (r) => r.users.length === 30 && r.users[29].id === last && typeof r.users[0].name === 'string' },
};
for (const [name, c] of Object.entries(CALLS)) {
  if (!c.ok(await client[name](c.req))) throw new Error(`${stack}: wrong reply to ${name}`);
}

let latencies = new Float64Array(1 << 20);

/** Keeps `concurrency` calls in flight for `ms`; returns calls, seconds and the errors seen. */
async function load(name, concurrency, ms, record) {
  const fn = client[name];
  const { req, ok } = CALLS[name];
  let n = 0;
  let errors = 0;
  let firstError;
  const start = performance.now();
  let end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const reply = await fn(req);
        if (!ok(reply)) throw new Error(`wrong reply to ${name}`);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
        end = 0; // figures with failed calls are void: stop now
        return;
      }
      if (record) {
        if (n === latencies.length) {
          const bigger = new Float64Array(latencies.length * 2);
          bigger.set(latencies);
          latencies = bigger;
        }
        latencies[n] = performance.now() - t;
      }
      n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls: n, seconds: (performance.now() - start) / 1000, errors, firstError };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

process.on('message', async (m) => {
  if (m.cmd === 'run') {
    const warm = await load(m.message, m.concurrency, m.warmMs, false);
    if (warm.errors) return process.send({ id: m.id, error: `${stack} ${m.message}: ${warm.firstError}` });
    process.send({ id: m.id, event: 'measuring' });
    const cpu0 = process.cpuUsage();
    const run = await load(m.message, m.concurrency, m.ms, true);
    const cpu = process.cpuUsage(cpu0);
    if (run.errors) return process.send({ id: m.id, error: `${stack} ${m.message}: ${run.firstError}` });
    const lat = latencies.subarray(0, run.calls).sort();
    process.send({
      id: m.id,
      calls: run.calls,
      seconds: run.seconds,
      cpuUs: cpu.user + cpu.system,
      latencyMs: { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), max: lat[lat.length - 1] },
    });
  } else if (m.cmd === 'stop') {
    await client.close().catch(() => undefined);
    process.send({ id: m.id });
    process.exit(0); // a normal exit, so `--cpu-prof` writes its profile
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ id: 0, ready: true });
