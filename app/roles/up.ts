// `surge up`: the whole system as separate processes on this machine: etcd (started here when
// it is installed and not running), every service (`--scale user=2` for more instances), then
// the gateway; with `--monitoring`, Prometheus and Alertmanager too (app/monitoring), scraping
// every instance the registry lists. Prints where each listens; Ctrl-C or SIGTERM stops the
// monitoring first (no alerts about a deliberate stop), then the gateway, then the services
// (each deregisters and drains), then the etcd it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectEtcdRegistry } from '#kit/discovery';
import { ConfigError, loadConfig, withLocalSecrets, type Config } from '../config/index.js';
import { forgetEndpoints, startMonitoring } from '../monitoring/stack.js';
import { writeTargetFiles } from '../monitoring/targets.js';
import { serviceList } from '../modules.js';

const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
const ETCD = '/usr/bin/etcd';

/** One process `surge up` starts: its name and the `surge` arguments that run it. */
export interface UpChild {
  name: string;
  args: string[];
}

/** The service processes `surge up` starts, instances per `--scale`, for every service of the list; the gateway comes after them. */
export function upPlan(args: string[], modules: readonly { name: string }[] = serviceList): UpChild[] {
  const scale = parseScale(args, modules);
  return modules.flatMap(({ name }) => Array.from({ length: scale.get(name) ?? 1 }, () => ({ name, args: ['serve', name] })));
}

export async function up(args: string[]): Promise<void> {
  const file = valueOf(args, '--config') ?? process.env.SURGE_CONFIG ?? 'deploy/local/surge.yaml';
  const plan = upPlan(args);
  // The data dir first (secrets are kept there), then the real configuration with the secrets.
  const local = loadConfig({ file, secretsUnused: true });
  const dataDir = resolve(local.dataDir);
  // Every child gets the data dir as an absolute path: with local blobs, the gateway stores
  // uploads there and the video service reads them back for covers, so both must see one folder.
  const env = { ...process.env, SURGE_CONFIG: resolve(file), SURGE_DATA: dataDir, ...sharedSecrets(local) };
  const config = loadConfig({ env });
  if (config.registry.driver !== 'etcd') throw new ConfigError(`registry.driver: ${file} must use etcd for surge up`);

  const monitoring = args.includes('--monitoring');
  const fleet: Fleet = { children: [], stopping: false, closers: [] };
  const stopAll = async () => {
    if (fleet.stopping) return;
    await stopFleet(fleet);
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll());
  process.on('SIGTERM', () => void stopAll());

  try {
    await startEtcdIfNeeded(config, dataDir, fleet);
    const started = plan.map((child) => startChild(fleet, child.name, child.args, env, /^surge serve /));
    // Every start settles before deciding, so a failed one never leaves a half-started sibling behind.
    const failed = (await Promise.allSettled(started)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const gatewayLine = await startChild(fleet, 'gateway', ['gateway'], env, /^surge gateway: /);
    if (monitoring) await startMonitoringOf(config, dataDir, fleet, gatewayMetricsOf(gatewayLine), valueOf(args, '--rules') ?? 'deploy/prometheus/rules');
  } catch (err) {
    // Nothing is left running when the system cannot start as a whole.
    if (!fleet.stopping) await stopFleet(fleet);
    throw err;
  }
  if (config.blob.driver === 'local') say(`blobs: on local disk in ${join(dataDir, 'blobs')} (shared by the gateway and the video service)`);
  say('all started; Ctrl-C stops everything');
}

/** The processes `up` started, whether it is stopping them, and what else it closes first. */
interface Fleet {
  children: { name: string; proc: ChildProcess; monitoring?: boolean }[];
  stopping: boolean;
  closers: (() => Promise<void>)[];
}

/** Monitoring first, then the gateway (no new requests), then services (deregister + drain), then etcd. */
async function stopFleet(fleet: Fleet): Promise<void> {
  fleet.stopping = true;
  for (const close of fleet.closers.reverse()) await close().catch(() => undefined);
  const { children } = fleet;
  const service = (c: Fleet['children'][number]) => !c.monitoring && c.name !== 'gateway' && c.name !== 'etcd';
  for (const group of [children.filter((c) => c.monitoring), children.filter((c) => c.name === 'gateway'), children.filter(service), children.filter((c) => c.name === 'etcd')]) {
    await Promise.all(group.map((c) => terminate(c.proc)));
  }
}

/** Prometheus, Alertmanager and the exporters, with the file targets kept from etcd; says where they listen. */
async function startMonitoringOf(config: Config, dataDir: string, fleet: Fleet, gateway: { address: string; metricsPath: string }, rulesDir: string): Promise<void> {
  const e = config.registry.etcd;
  const registry = await connectEtcdRegistry({ hosts: e.hosts, prefix: e.prefix, leaseTtlSeconds: e.leaseTtlSeconds });
  fleet.closers.push(() => registry.close());
  const targetsDir = join(dataDir, 'monitoring', 'targets');
  const targets = await writeTargetFiles({ registry, services: serviceList.map((m) => m.name), dir: targetsDir, gateway });
  fleet.closers.push(() => targets.close());
  const m = await startMonitoring({ config, dataDir, rulesDir: resolve(rulesDir), targetsDir, say });
  fleet.children.push(...m.children.map((c) => ({ ...c, monitoring: true })));
  fleet.closers.push(async () => forgetEndpoints(dataDir));
  say(`prometheus: ${m.prometheusUrl} (targets ${m.prometheusUrl}/targets, alerts ${m.prometheusUrl}/alerts; rules from ${resolve(rulesDir)})`);
  say(`alertmanager: ${m.alertmanagerUrl}`);
}

/** The gateway's /metrics as a scrape target, from its ready line ("… (metrics http://host:port/metrics, …"). */
export function gatewayMetricsOf(line: string): { address: string; metricsPath: string } {
  const url = /\(metrics (https?:\/\/[^\s,)]+)/.exec(line)?.[1];
  if (!url) throw new Error(`the gateway's ready line names no metrics URL: ${line}`);
  const u = new URL(url);
  // A gateway bound to every address is scraped on loopback.
  const host = u.hostname === '0.0.0.0' || u.hostname === '[::]' ? '127.0.0.1' : u.hostname;
  return { address: `${host}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`, metricsPath: u.pathname };
}

/** etcd on the configured address: the one already answering there, else one started here (data under the data dir). */
async function startEtcdIfNeeded(config: Config, dataDir: string, fleet: Fleet): Promise<void> {
  const [etcdHost, etcdPort] = (config.registry.etcd.hosts[0] ?? '127.0.0.1:2379').split(':');
  if (await reachable(etcdHost!, Number(etcdPort))) {
    say(`etcd: using the one on ${etcdHost}:${etcdPort}`);
    return;
  }
  if (!existsSync(ETCD)) throw new ConfigError(`registry.etcd.hosts: nothing answers on ${etcdHost}:${etcdPort} and etcd is not installed (apt-get install -y etcd-server)`);
  const dir = join(dataDir, 'etcd');
  mkdirSync(dir, { recursive: true });
  // The peer port next to the client port (2380 for the default 2379), so a second system on other ports starts its own etcd beside the first.
  const peer = `http://127.0.0.1:${Number(etcdPort) + 1}`;
  const proc = spawn(ETCD, ['--data-dir', dir, '--listen-client-urls', `http://${etcdHost}:${etcdPort}`, '--advertise-client-urls', `http://${etcdHost}:${etcdPort}`, '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `default=${peer}`], { stdio: 'ignore' });
  fleet.children.push({ name: 'etcd', proc });
  for (let i = 0; i < 100 && !(await reachable(etcdHost!, Number(etcdPort))); i++) {
    if (proc.exitCode !== null) throw new Error(`etcd exited with code ${proc.exitCode} at start (is port ${Number(etcdPort) + 1} taken?)`);
    await sleep(100);
  }
  if (!(await reachable(etcdHost!, Number(etcdPort)))) throw new Error(`etcd did not answer on ${etcdHost}:${etcdPort} within 10 s`);
  say(`etcd: started on ${etcdHost}:${etcdPort} (data in ${dir})`);
}

/** Resolves with the child's ready line once it prints one. */
function startChild(fleet: Fleet, name: string, args: string[], env: NodeJS.ProcessEnv, readyLine: RegExp): Promise<string> {
  const proc = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  fleet.children.push({ name, proc });
  let ready = false;
  return new Promise((resolveStart, reject) => {
    let buf = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (readyLine.test(line)) {
          ready = true;
          say(line.replace(/^surge /, ''));
          resolveStart(line);
        } else if (!line.startsWith('{')) say(`${name}: ${line}`);
      }
    });
    proc.once('exit', (code, signal) => {
      const how = signal ?? `code ${code}`;
      if (!ready) reject(new Error(`${name} exited with ${how} before it was ready`));
      // A crash later is reported; the others keep serving (start it again with surge serve).
      else if (!fleet.stopping) say(`${name} (pid ${proc.pid}) exited with ${how}; the other processes keep running`);
    });
  });
}

function terminate(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    proc.once('exit', () => res());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 15_000).unref();
  });
}

/**
 * The secrets every process of this run shares, as environment for the children: the configured
 * ones, else those of <dataDir>/secrets.json (made on first run), the file embedded mode uses too.
 */
function sharedSecrets(config: Config): Record<string, string> {
  const { config: filled, made } = withLocalSecrets(config);
  if (!made) return {};
  say(`${made.created ? 'made new secrets in' : 'secrets from'} ${made.file}`);
  return { SURGE_JWT_SECRET: filled.auth.jwtSecret, SURGE_FIELD_KEY: filled.auth.fieldKey };
}

function parseScale(args: string[], modules: readonly { name: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  args.forEach((a, i) => {
    if (a !== '--scale') return;
    for (const part of (args[i + 1] ?? '').split(',')) {
      const [name, n] = part.split('=');
      if (!name || !modules.some((m) => m.name === name) || !/^[1-9][0-9]?$/.test(n ?? '')) throw new ConfigError(`--scale: expected service=count (1–99) with a service among ${modules.map((m) => m.name).join(', ')}, got "${part}"`);
      m.set(name, Number(n));
    }
  });
  return m;
}

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect({ host, port });
    s.setTimeout(500, () => (s.destroy(), res(false)));
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stdout.write(`surge up: ${line}\n`);
