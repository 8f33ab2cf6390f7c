// A bounded load generator for drills: `concurrency` loops on loopback, each sending its next
// request as soon as the previous one is answered, for `durationMs` (or `total` requests), every
// call's status and latency recorded. Bounded both ways so a drill never floods the machine.

/** The q-quantile (0..1) of values, nearest rank. */
export function nearestRank(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * next(i) gives the i-th request: { url, method?, headers?, body? }. Resolves with { calls,
 * statuses (status → count), latenciesMs, errors (first few bodies of failed calls), seconds }.
 */
export async function runLoad({ next, concurrency = 4, durationMs = 5000, total = Infinity }) {
  const started = performance.now();
  const until = started + durationMs;
  const statuses = {};
  const latenciesMs = [];
  const errors = [];
  let issued = 0;
  const loop = async () => {
    while (performance.now() < until && issued < total) {
      const r = next(issued++);
      const t0 = performance.now();
      let status = 0;
      let body = '';
      try {
        const res = await fetch(r.url, { method: r.method ?? 'GET', headers: r.headers, body: r.body, signal: AbortSignal.timeout(10_000) });
        status = res.status;
        body = await res.text();
      } catch (err) {
        body = err.message;
      }
      latenciesMs.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if ((status === 0 || status >= 500) && errors.length < 5) errors.push(`${status} ${body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { calls: latenciesMs.length, statuses, latenciesMs, errors, seconds: (performance.now() - started) / 1000 };
}

/**
 * autocannon (a dev dependency) in a child process of its own, so the load generator does not
 * share the drill's event loop: `connections` keep-alive connections for `seconds`. Resolves with
 * its JSON result (latency.p50/p99 in ms, requests.total, non2xx, errors, …).
 */
export async function autocannon({ url, connections = 16, seconds = 5, method = 'GET', headers = {}, body }) {
  const { execFile } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));
  const args = [bin, '-j', '-n', '-c', String(connections), '-d', String(seconds), '-m', method];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  if (body !== undefined) args.push('-b', body);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024, timeout: (seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`autocannon failed: ${err.message} ${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}
