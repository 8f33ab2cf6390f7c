// `surge up --monitoring`: Prometheus, Alertmanager and (monitoring.exporters) the Redis and
// MariaDB exporters, as child processes on loopback, with their files under
// <dataDir>/monitoring. Debian's packages are installed when missing (as root; otherwise the
// error names the command). NATS has no exporter in Debian: its consumers are watched through
// Surge's own surge_queue_* metrics, which read the JetStream consumer state.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config/index.js';
import { alertmanagerConfig, prometheusConfig } from './prometheus-config.js';

const BINARIES = {
  prometheus: '/usr/bin/prometheus',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  redisExporter: '/usr/bin/prometheus-redis-exporter',
  mysqldExporter: '/usr/bin/prometheus-mysqld-exporter',
} as const;
const PACKAGES: Record<keyof typeof BINARIES, string> = {
  prometheus: 'prometheus',
  alertmanager: 'prometheus-alertmanager',
  redisExporter: 'prometheus-redis-exporter',
  mysqldExporter: 'prometheus-mysqld-exporter',
};

/** A process the stack started, for the caller to stop with the rest. */
export interface MonitoringChild {
  name: string;
  proc: ChildProcess;
}

export interface Monitoring {
  prometheusUrl: string;
  alertmanagerUrl: string;
  children: MonitoringChild[];
  /** Where `surge ps` reads the two addresses. */
  endpointsFile: string;
}

export interface MonitoringOptions {
  config: Config;
  dataDir: string;
  /** The rule files' folder (deploy/prometheus/rules). */
  rulesDir: string;
  /** The folder targets.ts keeps the file targets in. */
  targetsDir: string;
  say(line: string): void;
}

/** The file `surge ps` reads: where this data dir's monitoring listens. */
export const endpointsFileOf = (dataDir: string) => join(dataDir, 'monitoring', 'endpoints.json');

export async function startMonitoring(o: MonitoringOptions): Promise<Monitoring> {
  const m = o.config.monitoring;
  const dir = join(o.dataDir, 'monitoring');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const wanted: (keyof typeof BINARIES)[] = ['prometheus', 'alertmanager', ...(m.exporters ? (['redisExporter', 'mysqldExporter'] as const) : [])];
  installMissing(wanted, o.say);

  const children: MonitoringChild[] = [];
  const run = (name: string, binary: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    // Their logs go to files: a busy Prometheus would otherwise drown `surge up`'s own lines.
    const log = openSync(join(dir, `${name}.log`), 'a');
    const proc = spawn(binary, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
    closeSync(log);
    children.push({ name, proc });
    return proc;
  };

  try {
    const exporters: Record<string, string> = {};
    if (m.exporters) {
      const redisAt = `127.0.0.1:${m.exporterPort}`;
      const mariadbAt = `127.0.0.1:${m.exporterPort + 1}`;
      // The Redis URL (it may hold a password) goes through the environment, never the command line.
      run('redis-exporter', BINARIES.redisExporter, ['-web.listen-address', redisAt], { REDIS_ADDR: o.config.cache.redis.url });
      // So do MariaDB's credentials (its my.cnf reader refuses an empty password, which the local setup has).
      const db = o.config.database.mysql;
      run('mariadb-exporter', BINARIES.mysqldExporter, [`--web.listen-address=${mariadbAt}`], { DATA_SOURCE_NAME: `${db.user}:${db.password}@(${db.host}:${db.port})/` });
      Object.assign(exporters, { redis: redisAt, mariadb: mariadbAt });
    }
    const alertmanagerAt = `127.0.0.1:${m.alertmanagerPort}`;
    writeFileSync(join(dir, 'alertmanager.yml'), alertmanagerConfig());
    // The cluster port off: one local Alertmanager, and no second port to collide on.
    run('alertmanager', BINARIES.alertmanager, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'alertmanager')}`, `--web.listen-address=${alertmanagerAt}`, '--cluster.listen-address=']);

    let opsTokenFile: string | undefined;
    if (o.config.ops.token) {
      opsTokenFile = join(dir, 'ops-token');
      writeFileSync(opsTokenFile, o.config.ops.token, { mode: 0o600 });
    }
    const prometheusAt = `127.0.0.1:${m.prometheusPort}`;
    const config = prometheusConfig({ scrapeIntervalSeconds: m.scrapeIntervalSeconds, ruleFiles: [join(o.rulesDir, '*.yml')], targetFiles: join(o.targetsDir, '*.json'), alertmanager: alertmanagerAt, exporters, ...(opsTokenFile ? { opsTokenFile } : {}) });
    writeFileSync(join(dir, 'prometheus.yml'), config);
    run('prometheus', BINARIES.prometheus, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prometheus')}`, `--web.listen-address=${prometheusAt}`, '--storage.tsdb.retention.time=2d']);

    await Promise.all([
      waitReady(children, 'alertmanager', `http://${alertmanagerAt}/-/ready`, dir),
      waitReady(children, 'prometheus', `http://${prometheusAt}/-/ready`, dir),
      ...(m.exporters ? [waitReady(children, 'redis-exporter', `http://${exporters.redis}/metrics`, dir), waitReady(children, 'mariadb-exporter', `http://${exporters.mariadb}/metrics`, dir)] : []),
    ]);
    const endpointsFile = endpointsFileOf(o.dataDir);
    const result = { prometheusUrl: `http://${prometheusAt}`, alertmanagerUrl: `http://${alertmanagerAt}`, children, endpointsFile };
    writeFileSync(endpointsFile, `${JSON.stringify({ prometheus: result.prometheusUrl, alertmanager: result.alertmanagerUrl, exporters, pid: process.pid })}\n`);
    return result;
  } catch (err) {
    for (const c of children) c.proc.kill('SIGTERM');
    throw err;
  }
}

/** Forgets the addresses once the stack stops, so `surge ps` does not point at nothing. */
export function forgetEndpoints(dataDir: string): void {
  rmSync(endpointsFileOf(dataDir), { force: true });
}

function installMissing(wanted: (keyof typeof BINARIES)[], say: (line: string) => void): void {
  const missing = wanted.filter((b) => !existsSync(BINARIES[b])).map((b) => PACKAGES[b]);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new ConfigError(`--monitoring: ${missing.join(', ')} not installed; run: sudo ${command}`);
  say(`installing ${missing.join(', ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Without recommends: Debian's prometheus recommends the node exporter, which would take port 9100.
  let r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, stdio: 'ignore' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, stdio: 'ignore' });
  }
  if (r.status !== 0) throw new Error(`--monitoring: "${command}" failed with code ${r.status}`);
}

async function waitReady(children: MonitoringChild[], name: string, url: string, dir: string): Promise<void> {
  const child = children.find((c) => c.name === name)!;
  for (let i = 0; i < 300; i++) {
    if (child.proc.exitCode !== null) throw new Error(`${name} exited with code ${child.proc.exitCode} at start (see ${join(dir, `${name}.log`)}; is its port taken?)`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not answer ${url} within 30 s (see ${join(dir, `${name}.log`)})`);
}
