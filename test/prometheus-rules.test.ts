// The alert rules of deploy/prometheus/rules/ under Prometheus's own tools: promtool checks them
// and runs their unit tests (deploy/prometheus/tests/); every alert has a test in which it fires
// and a runbook section that exists in docs/troubleshooting.md. promtool comes with Debian's
// prometheus package: required in CI, skipped with a message elsewhere.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inCI } from '#kit/testing';
import { prometheusConfig } from '../app/monitoring/prometheus-config.js';

const root = new URL('..', import.meta.url).pathname;
const rulesDir = join(root, 'deploy/prometheus/rules');
const testsDir = join(root, 'deploy/prometheus/tests');
const PROMTOOL = '/usr/bin/promtool';

const hasPromtool = spawnSync(PROMTOOL, ['--version']).status === 0;
if (!hasPromtool && inCI) throw new Error('promtool is missing: .ci/run installs it (apt-get install -y prometheus)');
if (!hasPromtool) console.warn('prometheus-rules.test: skipped, promtool is not installed (apt-get install -y prometheus)');

interface Rule {
  alert?: string;
  expr: string;
  annotations?: Record<string, string>;
}
const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith('.yml'));
const rules: Rule[] = ruleFiles.flatMap((f) => (parse(readFileSync(join(rulesDir, f), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
const testFiles = readdirSync(testsDir).filter((f) => f.endsWith('.yml'));

const promtool = (...args: string[]) => spawnSync(PROMTOOL, args, { cwd: root, encoding: 'utf8' });

describe.skipIf(!hasPromtool)('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', ...ruleFiles.map((f) => join(rulesDir, f)));
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('pass their unit tests (promtool test rules)', () => {
    const r = promtool('test', 'rules', ...testFiles.map((f) => join(testsDir, f)));
    expect(r.stdout + r.stderr, r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'surge-rules-'));

  it('surge up\'s prometheus.yml and the cluster\'s scrape job pass promtool check config', () => {
    writeFileSync(join(scratch, 'token'), 'x'.repeat(32));
    const local = prometheusConfig({ scrapeIntervalSeconds: 5, ruleFiles: [join(rulesDir, '*.yml')], targetFiles: join(scratch, 'targets/*.json'), alertmanager: '127.0.0.1:9193', exporters: { redis: '127.0.0.1:9195', mariadb: '127.0.0.1:9196' }, opsTokenFile: join(scratch, 'token') });
    const cluster = (parse(readFileSync(join(root, 'deploy/k8s/monitoring/prometheus-scrape-configmap.yaml'), 'utf8')) as { data: Record<string, string> }).data['surge-scrape.yml']!;
    // Debian builds Prometheus without Kubernetes discovery: the one-line discovery block is swapped for a static one, the relabelling is checked as it is.
    expect(cluster).toContain('kubernetes_sd_configs:\n      - role: pod\n');
    const clusterHere = cluster.replace('/etc/prometheus/rules/*.yml', join(rulesDir, '*.yml')).replace('kubernetes_sd_configs:\n      - role: pod\n', 'static_configs:\n      - targets: []\n');
    for (const [name, text] of [['local.yml', local], ['cluster.yml', clusterHere]] as const) {
      writeFileSync(join(scratch, name), text);
      const r = promtool('check', 'config', join(scratch, name));
      expect(r.status, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the unit tests fail when a rule changes under them (a budget doubled)', () => {
    cpSync(join(root, 'deploy/prometheus'), join(scratch, 'prometheus'), { recursive: true });
    const file = join(scratch, 'prometheus/rules/surge.yml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('> 0.05');
    writeFileSync(file, text.replaceAll('> 0.05', '> 0.1'));
    const r = spawnSync(PROMTOOL, ['test', 'rules', ...testFiles.map((f) => join(scratch, 'prometheus/tests', f))], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('SurgeRouteErrors');
  });
});

describe('every alert', () => {
  const alerts = rules.filter((r) => r.alert).map((r) => r.alert!);
  const tests = testFiles.map((f) => readFileSync(join(testsDir, f), 'utf8'));
  const firing = new Set(
    tests.flatMap((t) =>
      (parse(t) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }).tests.flatMap((c) => (c.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
    ),
  );

  it('has a unit test in which it fires', () => {
    expect(alerts.length).toBeGreaterThan(10);
    expect(alerts.filter((a) => !firing.has(a))).toEqual([]);
  });

  it('has a summary and a runbook link to a section of docs/troubleshooting.md', () => {
    const doc = readFileSync(join(root, 'docs/troubleshooting.md'), 'utf8');
    const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => githubAnchor(m[1]!)));
    for (const r of rules.filter((x) => x.alert)) {
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      const [file, anchor] = (r.annotations?.runbook ?? '').split('#');
      expect(file, r.alert).toBe('docs/troubleshooting.md');
      expect(anchors.has(anchor!), `${r.alert}: #${anchor} is not a heading of docs/troubleshooting.md`).toBe(true);
    }
  });
});

/** The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to '-'. */
function githubAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}
