// `surge up --monitoring` on the real stack: every Surge process (the gateway, each service, user
// twice) and both exporters are healthy Prometheus targets found through etcd; `surge ps` says
// where Prometheus and Alertmanager listen. Then a user instance is killed with SIGKILL: its
// lease expires, the registry loses it, and SurgeInstanceLost reaches Alertmanager's API within
// ALERT_WITHIN_MS; a replacement instance registers and the alert resolves within the same bound.
// The rules are the shipped ones (deploy/prometheus/rules); only the scrape interval (1 s) and
// the lease (3 s) are shortened for the test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inCI, requireEtcdBinary } from '#kit/testing';
import { serviceList } from '../app/modules.js';
import { clusterServersReady, dropRunData, type PsRow } from './cluster.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const BINARIES = ['/usr/bin/prometheus', '/usr/bin/prometheus-alertmanager', '/usr/bin/prometheus-redis-exporter', '/usr/bin/prometheus-mysqld-exporter'];
const haveMonitoring = (await Promise.all(BINARIES.map((b) => run(b, ['--version']).then(() => true, () => false)))).every(Boolean);
if (!haveMonitoring && inCI) throw new Error(`monitoring e2e: one of ${BINARIES.join(', ')} is missing: .ci/run installs them`);
if (!haveMonitoring) console.warn('monitoring e2e: skipped, Prometheus, Alertmanager or an exporter is not installed (apt-get install -y prometheus prometheus-alertmanager prometheus-redis-exporter prometheus-mysqld-exporter)');
const ready = haveMonitoring && (await clusterServersReady()) && (await requireEtcdBinary());

/** Lease (3 s) + the rule's `for` (30 s) + scrapes and evaluations (1 s each), with room for a busy machine. */
const ALERT_WITHIN_MS = 120_000;

interface Alert {
  labels: Record<string, string>;
  status: { state: string };
}

describe.skipIf(!ready)('surge up --monitoring', () => {
  const tag = `t${randomBytes(4).toString('hex')}`;
  const dataDir = `/tmp/surge-mon-${tag}`;
  let env: NodeJS.ProcessEnv;
  let up: ChildProcess | undefined;
  let replacement: ChildProcess | undefined;
  let prometheus = '';
  let alertmanager = '';
  let upLog = '';

  beforeAll(async () => {
    const [httpPort, etcdPort, prometheusPort, alertmanagerPort, exporterPort] = await freePorts();
    env = {
      ...process.env,
      SURGE_CONFIG: `${root}/deploy/local/surge.yaml`,
      // Given, so the replacement started outside surge up shares them (surge up would pass its own to its children only).
      SURGE_JWT_SECRET: randomBytes(48).toString('base64'),
      SURGE_FIELD_KEY: randomBytes(32).toString('base64'),
      SURGE_LOG_LEVEL: 'warn',
      SURGE_DATA: dataDir,
      SURGE__http__port: String(httpPort),
      SURGE__registry__etcd__hosts: JSON.stringify([`127.0.0.1:${etcdPort}`]),
      SURGE__registry__etcd__leaseTtlSeconds: '3',
      SURGE__database__mysql__databasePrefix: `surgetest_${tag}`,
      SURGE__cache__redis__keyPrefix: `surgetest:${tag}:`,
      SURGE__queue__nats__namespace: `surgetest_${tag}`,
      SURGE__rpc__drainMs: '2000',
      SURGE__monitoring__prometheusPort: String(prometheusPort),
      SURGE__monitoring__alertmanagerPort: String(alertmanagerPort),
      SURGE__monitoring__exporterPort: String(exporterPort),
      SURGE__monitoring__scrapeIntervalSeconds: '1',
    };
    up = spawn(process.execPath, ['dist/app/cli.js', 'up', '--monitoring', '--scale', 'user=2'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      up!.stdout!.on('data', (c: Buffer) => {
        upLog += c.toString();
        if (upLog.includes('all started')) resolve();
      });
      up!.stderr!.on('data', (c: Buffer) => (upLog += c.toString()));
      up!.once('exit', (code) => reject(new Error(`surge up exited with ${code}: ${upLog.slice(-3000)}`)));
    });
    prometheus = /prometheus: (http:\/\/\S+)/.exec(upLog)![1]!;
    alertmanager = /alertmanager: (http:\/\/\S+)/.exec(upLog)![1]!;
  }, 180_000);

  afterAll(async () => {
    replacement?.kill('SIGKILL');
    if (up && up.exitCode === null) {
      const exited = new Promise((r) => up!.once('exit', r));
      up.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
    await dropRunData(tag);
  }, 60_000);

  it('scrapes the gateway, every service instance and both exporters, all healthy; surge ps names Prometheus and Alertmanager', async () => {
    const expected = new Set(['gateway', ...serviceList.map((m) => m.name)]);
    const targets = await until(async () => {
      const res = (await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { labels: Record<string, string>; health: string }[] } };
      const all = res.data.activeTargets;
      const surge = all.filter((t) => t.labels.job === 'surge');
      const complete = surge.length === expected.size + 1 && all.every((t) => t.health === 'up') && all.some((t) => t.labels.job === 'redis') && all.some((t) => t.labels.job === 'mariadb');
      return complete ? all : undefined;
    }, 60_000);
    const processes = targets.filter((t) => t.labels.job === 'surge').map((t) => t.labels.process!);
    expect(new Set(processes)).toEqual(expected);
    expect(processes.filter((p) => p === 'user')).toHaveLength(2);

    const { stdout } = await run(process.execPath, ['dist/app/cli.js', 'ps'], { cwd: root, env });
    expect(stdout).toContain(`PROMETHEUS    ${prometheus}  ready`);
    expect(stdout).toContain(`ALERTMANAGER  ${alertmanager}  ready`);
  }, 90_000);

  it(`fires SurgeInstanceLost in Alertmanager within ${ALERT_WITHIN_MS / 1000} s of a kill -9, and resolves it once a replacement registers`, async () => {
    const lost = async () => ((await (await fetch(`${alertmanager}/api/v2/alerts?active=true`)).json()) as Alert[]).find((a) => a.labels.alertname === 'SurgeInstanceLost' && a.labels.target === 'user');
    expect(await lost()).toBeUndefined();
    const { stdout } = await run(process.execPath, ['dist/app/cli.js', 'ps', '--json'], { cwd: root, env });
    const victim = (JSON.parse(stdout) as PsRow[]).find((r) => r.service === 'user')!;
    process.kill(victim.pid, 'SIGKILL');
    const killedAt = Date.now();

    const alert = await until(lost, ALERT_WITHIN_MS);
    const firedAfter = Date.now() - killedAt;
    expect(alert.status.state).toBe('active');
    expect(alert.labels.severity).toBe('warning');
    console.info(`monitoring e2e: SurgeInstanceLost active in Alertmanager ${(firedAfter / 1000).toFixed(1)} s after the kill`);

    replacement = spawn(process.execPath, ['dist/app/cli.js', 'serve', 'user'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let replacementErr = '';
    replacement.stderr!.on('data', (c: Buffer) => (replacementErr += c.toString()));
    replacement.once('exit', (code) => code !== null && console.error(`monitoring e2e: the replacement exited with ${code}: ${replacementErr}`));
    const startedAt = Date.now();
    await until(async () => ((await lost()) ? undefined : true), ALERT_WITHIN_MS);
    console.info(`monitoring e2e: resolved ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the replacement started`);
  }, 2 * ALERT_WITHIN_MS + 30_000);
});

/** Polls until check returns a value, or fails after withinMs. */
async function until<T>(check: () => Promise<T | undefined>, withinMs: number): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Five ports free now, the second followed by a free one too (etcd's peer port). */
async function freePorts(): Promise<number[]> {
  const free = (port: number) =>
    new Promise<boolean>((res) => {
      const s = createServer().once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
  const ports: number[] = [];
  while (ports.length < 5) {
    // Below Linux's ephemeral range (32768–60999), where an outgoing connection could take it.
    const p = 10_000 + Math.floor(Math.random() * 22_000);
    if (ports.includes(p) || ports.includes(p + 1) || ports.includes(p - 1)) continue;
    if ((await free(p)) && (await free(p + 1))) ports.push(p);
  }
  return ports;
}
