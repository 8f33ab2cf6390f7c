// Every metric name the Grafana dashboards (deploy/grafana) and the Prometheus rules
// (deploy/prometheus/rules) query is one a running Surge exports: a renamed or never-added
// metric would otherwise leave a panel empty or an alert that can never fire, and nothing
// would say so. The names come from the /metrics pages of the real processes: the embedded
// system (every service module, the gateway, the queue's groups) after a request, and one
// `surge serve` process with rpc.tls on, for what only a process calling others through the
// registry exports (registry instances, breaker rejections) and the certificate's expiry.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config/index.js';
import { startServiceProcess, type ServiceProcess } from '../app/roles/service-process.js';
import { makeTestPki, type TestPki } from '../packages/kit/rpc/tls/testing/test-pki.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { exportedNames, metricNamesInPromQL, metricNamesInVariableQuery, queriesInDashboard, readRuleFile, unknownNames, withoutGrafanaVariables, type QuerySite } from './promql-names.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dashboardsDir = join(root, 'deploy/grafana');
const rulesDir = join(root, 'deploy/prometheus/rules');

// Names Surge does not export and a query may still read: Prometheus's own series per target
// and per alert, and the Redis and MariaDB exporters' metrics.
const PROMETHEUS_NAMES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added', 'ALERTS', 'ALERTS_FOR_STATE']);
const EXPORTER_PREFIXES = ['redis_', 'mysql_'];

interface Sources {
  sites: { promql: QuerySite[]; variables: QuerySite[] };
  /** Names the rule files' recording rules make. */
  recorded: Set<string>;
  files: string[];
}

function readSources(): Sources {
  const sites: Sources['sites'] = { promql: [], variables: [] };
  const recorded = new Set<string>();
  const files: string[] = [];
  for (const file of readdirSync(dashboardsDir).filter((name) => name.endsWith('.json')).sort()) {
    const found = queriesInDashboard(`deploy/grafana/${file}`, JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')));
    sites.promql.push(...found.promql);
    sites.variables.push(...found.variables);
    files.push(`deploy/grafana/${file}`);
  }
  // The rules folder may not be there yet; dashboards are checked without it.
  const ruleFiles = existsSync(rulesDir) ? readdirSync(rulesDir).filter((name) => /\.ya?ml$/.test(name)).sort() : [];
  for (const file of ruleFiles) {
    const found = readRuleFile(`deploy/prometheus/rules/${file}`, readFileSync(join(rulesDir, file), 'utf8'));
    sites.promql.push(...found.queries);
    for (const name of found.recorded) recorded.add(name);
    files.push(`deploy/prometheus/rules/${file}`);
  }
  return { sites, recorded, files };
}

describe('reading metric names from PromQL', () => {
  it('takes the names of vector selectors, not of functions, labels or Grafana variables', () => {
    const found = metricNamesInPromQL(
      'histogram_quantile(0.99, sum by (le, route) (rate(surge_http_request_duration_seconds_bucket{job="surge", route="$route", process=~"${process:regex}"}[$__rate_interval])))' +
        ' / on (instance) group_left sum(up{job="surge"}) + {__name__="surge_rpc_errors_total"} - {"surge_queue_pending_messages", topic="x"} or rate_total offset 5m',
    );
    expect(found.problems).toEqual([]);
    expect(found.names.sort()).toEqual(['rate_total', 'surge_http_request_duration_seconds_bucket', 'surge_queue_pending_messages', 'surge_rpc_errors_total', 'up']);
  });

  it('puts values that parse where Grafana variables stand', () => {
    expect(withoutGrafanaVariables('rate(x{p="$process", q="${q}", r="[[r:csv]]"}[$__rate_interval]) * $__range_s')).toBe('rate(x{p="grafana_variable", q="grafana_variable", r="grafana_variable"}[5m]) * 300');
  });

  it('reports what it cannot read: a syntax error, a name matched by pattern', () => {
    expect(metricNamesInPromQL('sum(rate(surge_rpc_errors_total[5m])').problems[0]).toMatch(/does not parse/);
    expect(metricNamesInPromQL('{__name__=~"surge_.*"}').problems[0]).toMatch(/by pattern/);
  });

  it("reads the selector inside Grafana's label_values and query_result", () => {
    expect(metricNamesInVariableQuery('label_values(up{job="surge", a=~"x,y"}, process)').names).toEqual(['up']);
    expect(metricNamesInVariableQuery('label_values(route)').names).toEqual([]);
    expect(metricNamesInVariableQuery('query_result(topk(5, sum by (route) (rate(surge_http_request_duration_seconds_count[5m]))))').names).toEqual(['surge_http_request_duration_seconds_count']);
  });

  it('turns TYPE lines into the series names Prometheus stores', () => {
    const page = ['# HELP a_seconds x', '# TYPE a_seconds histogram', '# TYPE b summary', '# TYPE c_total counter', 'c_total 1'].join('\n');
    expect([...exportedNames(page)].sort()).toEqual(['a_seconds_bucket', 'a_seconds_count', 'a_seconds_sum', 'b', 'b_count', 'b_sum', 'c_total']);
  });

  it('fails a dashboard that queries a made-up metric, naming the file and the metric', () => {
    const dashboard = {
      panels: [{ type: 'row', title: 'Row', panels: [{ title: 'Made up', targets: [{ refId: 'A', expr: 'sum(rate(surge_made_up_total{process="$process"}[$__rate_interval]))' }] }] }],
      templating: { list: [{ type: 'query', name: 'process', query: { query: 'label_values(surge_also_made_up, process)' }, definition: 'label_values(up, process)' }] },
    };
    const exported = new Set(['up']);
    expect(unknownNames(queriesInDashboard('deploy/grafana/x.json', dashboard), (name) => exported.has(name))).toEqual([
      'deploy/grafana/x.json: panel "Made up" target A: surge_made_up_total is not exported',
      'deploy/grafana/x.json: variable $process query: surge_also_made_up is not exported',
    ]);
  });
});

describe('metric names the dashboards and rules query', () => {
  let sys: TestSystem | undefined;
  let pki: TestPki | undefined;
  let serviceDir: string | undefined;
  let service: ServiceProcess | undefined;
  const exported = new Set<string>();

  beforeAll(async () => {
    sys = await startTestSystem('embedded');
    // A request through the gateway and the user service, so the HTTP and RPC series exist.
    const res = await fetch(`${sys.url}/api/v1/users/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'metrics_names', password: 'secret123' }) });
    expect(res.status).toBe(201);
    for (const name of exportedNames(await (await fetch(`${sys.opsUrl || sys.url}/metrics`)).text())) exported.add(name);

    // The interaction service calls the video service, so its process holds a remote client.
    pki = makeTestPki();
    serviceDir = mkdtempSync(join(tmpdir(), 'surge-metric-names-'));
    const tls = pki.a.process;
    const config = loadConfig({ env: {}, overrides: { dataDir: serviceDir, 'log.level': 'silent', 'rpc.tls.enabled': true, 'rpc.tls.ca': pki.a.caPath, 'rpc.tls.cert': tls.certPath, 'rpc.tls.key': tls.keyPath } });
    service = await startServiceProcess(config, 'interaction');
    for (const name of exportedNames(await (await fetch(service.metricsUrl)).text())) exported.add(name);
  });
  afterAll(async () => {
    await service?.close();
    await sys?.stop();
    pki?.remove();
    if (serviceDir) rmSync(serviceDir, { recursive: true, force: true });
  });

  it('reads pages that hold the metrics of the embedded system and of a service process', () => {
    for (const name of ['surge_http_request_duration_seconds_bucket', 'surge_rpc_errors_total', 'surge_process_resident_memory_bytes', 'surge_queue_pending_messages', 'surge_registry_instances', 'surge_tls_certificate_expiry_timestamp_seconds']) {
      expect(exported).toContain(name);
    }
  });

  it('queries only metrics Surge, Prometheus or the exporters make', () => {
    const { sites, recorded, files } = readSources();
    expect(files.length).toBeGreaterThan(0);
    expect(sites.promql.length).toBeGreaterThan(0);
    const known = (name: string) => exported.has(name) || recorded.has(name) || PROMETHEUS_NAMES.has(name) || EXPORTER_PREFIXES.some((prefix) => name.startsWith(prefix));
    expect(unknownNames(sites, known)).toEqual([]);
  });
});
