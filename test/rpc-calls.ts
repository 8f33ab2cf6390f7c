// Server-side RPC calls a test system has answered, read from its metrics, for tests that hold a
// route to what it costs (which calls one request makes).
import type { TestSystem } from './harness.js';

/** Server-side RPC calls so far, by "service.method". */
export async function rpcCalls(sys: TestSystem): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await sys.metrics.render()).split('\n')) {
    if (!line.startsWith('surge_rpc_duration_seconds_count{') || !line.includes('side="server"')) continue;
    const service = /service="([^"]+)"/.exec(line)![1]!;
    const method = /method="([^"]+)"/.exec(line)![1]!;
    const key = `${service}.${method}`;
    out.set(key, (out.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

/** The calls made between two readings of rpcCalls, by "service.method" (only those made). */
export const callsBetween = (after: Map<string, number>, before: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]).filter(([, v]) => (v as number) > 0));
