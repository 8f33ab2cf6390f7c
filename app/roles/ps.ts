// `surge ps`: the instances registered in the registry, as a table or (--json) a JSON array;
// under the table, where the monitoring of `surge up --monitoring` listens, when it runs.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectEtcdRegistry } from '#kit/discovery';
import { ConfigError, type Config } from '../config/index.js';
import { endpointsFileOf } from '../monitoring/stack.js';

export async function ps(config: Config, json: boolean): Promise<void> {
  if (config.registry.driver !== 'etcd') throw new ConfigError('registry.driver: surge ps reads etcd; run it with the configuration of the running system (e.g. --config deploy/local/surge.yaml)');
  const e = config.registry.etcd;
  const registry = await connectEtcdRegistry({ hosts: e.hosts, prefix: e.prefix, leaseTtlSeconds: e.leaseTtlSeconds });
  try {
    const rows = (await registry.list()).map((i) => ({ service: i.service, id: i.id, pid: i.pid, host: i.host, framedPort: i.framedPort, grpcPort: i.grpcPort }));
    if (json) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return;
    }
    const head = ['SERVICE', 'INSTANCE', 'PID', 'HOST', 'FRAMED', 'GRPC'];
    const cells = rows.map((r) => [r.service, r.id, String(r.pid), r.host, String(r.framedPort), String(r.grpcPort)]);
    const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    for (const line of [head, ...cells]) process.stdout.write(`${line.map((c, i) => c.padEnd(width[i]!)).join('  ')}\n`);
    if (rows.length === 0) process.stdout.write('(no instances registered)\n');
    for (const line of await monitoringLines(resolve(config.dataDir))) process.stdout.write(`${line}\n`);
  } finally {
    await registry.close();
  }
}

/** "prometheus    http://…  ready" and the same for Alertmanager, when this data dir's `surge up --monitoring` runs. */
async function monitoringLines(dataDir: string): Promise<string[]> {
  const file = endpointsFileOf(dataDir);
  if (!existsSync(file)) return [];
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as { prometheus: string; alertmanager: string };
  const state = (url: string) => fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => (r.ok ? 'ready' : `answers ${r.status}`), () => 'not answering');
  const [p, a] = await Promise.all([state(endpoints.prometheus), state(endpoints.alertmanager)]);
  return ['', `PROMETHEUS    ${endpoints.prometheus}  ${p}`, `ALERTMANAGER  ${endpoints.alertmanager}  ${a}`];
}
