// Prometheus's list of Surge targets, kept current from the registry: one file per service under
// <dir>, rewritten (atomically: write then rename) whenever an instance comes or goes, plus one
// for the gateway. Prometheus re-reads them on change (file_sd_configs), so a new instance is
// scraped and a departed one dropped without a reload.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Instance, Registry, Watcher } from '#kit/discovery';

/** One entry of a file_sd file. */
export interface FileTarget {
  targets: string[];
  labels: Record<string, string>;
}

/** The file_sd entries of a service's instances: each at its ops page (meta.metricsPort), labelled with its process and instance id. */
export function instanceTargets(service: string, instances: readonly Instance[]): FileTarget[] {
  return instances
    .filter((i) => i.meta?.metricsPort && i.meta.metricsPort !== '0')
    .map((i) => ({ targets: [`${hostForUrl(i.host)}:${i.meta!.metricsPort}`], labels: { process: service, surge_instance: i.id } }));
}

export interface TargetFiles {
  close(): Promise<void>;
}

/** Watches every service of the list and writes <dir>/<service>.json on every change, and <dir>/gateway.json once. */
export async function writeTargetFiles(o: { registry: Registry; services: readonly string[]; dir: string; gateway: { address: string; metricsPath: string } }): Promise<TargetFiles> {
  mkdirSync(o.dir, { recursive: true });
  const write = (name: string, targets: FileTarget[]) => {
    const file = join(o.dir, `${name}.json`);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(targets, null, 1)}\n`);
    renameSync(`${file}.tmp`, file);
  };
  write('gateway', [{ targets: [o.gateway.address], labels: { process: 'gateway', __metrics_path__: o.gateway.metricsPath } }]);
  const watchers: Watcher[] = [];
  try {
    for (const service of o.services) watchers.push(await o.registry.watch(service, (instances) => write(service, instanceTargets(service, instances))));
  } catch (err) {
    await Promise.all(watchers.map((w) => w.close()));
    throw err;
  }
  return { close: async () => void (await Promise.all(watchers.map((w) => w.close()))) };
}

/** An IPv6 address in a URL authority is bracketed. */
const hostForUrl = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
