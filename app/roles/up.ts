// `surge up`: the whole system as separate processes on this machine: etcd (started here when
// it is installed and not running), every service (`--scale user=2` for more instances), then
// the gateway. Prints where each listens; Ctrl-C or SIGTERM stops the gateway first, then the
// services (each deregisters and drains), then the etcd it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config/index.js';
import { serviceHosts } from '../services.js';

const cli = fileURLToPath(new URL('../cli.js', import.meta.url));

export async function up(args: string[]): Promise<void> {
  const file = valueOf(args, '--config') ?? process.env.SURGE_CONFIG ?? 'deploy/local/surge.yaml';
  const scale = parseScale(args);
  const env = { ...process.env, SURGE_CONFIG: resolve(file), ...localSecrets() };
  const config = loadConfig({ env });
  if (config.registry.driver !== 'etcd') throw new ConfigError(`registry.driver: ${file} must use etcd for surge up`);

  const children: { name: string; proc: ChildProcess }[] = [];
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    // Gateway first (no new requests), then services (deregister + drain), then etcd.
    for (const group of [children.filter((c) => c.name === 'gateway'), children.filter((c) => c.name !== 'gateway' && c.name !== 'etcd'), children.filter((c) => c.name === 'etcd')]) {
      await Promise.all(group.map((c) => terminate(c.proc)));
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll());
  process.on('SIGTERM', () => void stopAll());

  const [etcdHost, etcdPort] = (config.registry.etcd.hosts[0] ?? '127.0.0.1:2379').split(':');
  if (!(await reachable(etcdHost!, Number(etcdPort)))) {
    if (!existsSync('/usr/bin/etcd')) throw new ConfigError(`registry.etcd.hosts: nothing answers on ${etcdHost}:${etcdPort} and etcd is not installed (apt-get install -y etcd-server)`);
    const dir = resolve(config.dataDir, 'etcd');
    mkdirSync(dir, { recursive: true });
    const proc = spawn('/usr/bin/etcd', ['--data-dir', dir, '--listen-client-urls', `http://${etcdHost}:${etcdPort}`, '--advertise-client-urls', `http://${etcdHost}:${etcdPort}`, '--listen-peer-urls', 'http://127.0.0.1:2380'], { stdio: 'ignore' });
    children.push({ name: 'etcd', proc });
    for (let i = 0; i < 100 && !(await reachable(etcdHost!, Number(etcdPort))); i++) await sleep(100);
    say(`etcd: started on ${etcdHost}:${etcdPort} (data in ${dir})`);
  } else {
    say(`etcd: using the one on ${etcdHost}:${etcdPort}`);
  }

  const started: Promise<void>[] = [];
  for (const name of Object.keys(serviceHosts)) {
    for (let i = 0; i < (scale.get(name) ?? 1); i++) started.push(startChild(children, name, ['serve', name], env, /^surge serve /));
  }
  await Promise.all(started);
  await startChild(children, 'gateway', ['gateway'], env, /^surge gateway: /);
  say('all started; Ctrl-C stops everything');
}

function startChild(children: { name: string; proc: ChildProcess }[], name: string, args: string[], env: NodeJS.ProcessEnv, readyLine: RegExp): Promise<void> {
  const proc = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push({ name, proc });
  return new Promise((resolveStart, reject) => {
    let buf = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (readyLine.test(line)) {
          say(line.replace(/^surge /, ''));
          resolveStart();
        } else if (!line.startsWith('{')) say(`${name}: ${line}`);
      }
    });
    proc.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
}

function terminate(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return Promise.resolve();
  return new Promise((res) => {
    proc.once('exit', () => res());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 15_000).unref();
  });
}

/** Secrets for a local run, made once and kept under data/, so tokens survive a restart. */
function localSecrets(): Record<string, string> {
  if (process.env.SURGE_JWT_SECRET && process.env.SURGE_FIELD_KEY) return {};
  const file = join(process.env.SURGE_DATA ?? './data', 'local-secrets.json');
  if (!existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify({ SURGE_JWT_SECRET: randomBytes(48).toString('base64'), SURGE_FIELD_KEY: randomBytes(32).toString('base64') }), { mode: 0o600 });
    say(`generated development secrets in ${file}`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

function parseScale(args: string[]): Map<string, number> {
  const m = new Map<string, number>();
  args.forEach((a, i) => {
    if (a !== '--scale') return;
    for (const part of (args[i + 1] ?? '').split(',')) {
      const [name, n] = part.split('=');
      if (!name || !serviceHosts[name] || !/^[1-9][0-9]?$/.test(n ?? '')) throw new ConfigError(`--scale: expected service=count (1–99) with a service among ${Object.keys(serviceHosts).join(', ')}, got "${part}"`);
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
