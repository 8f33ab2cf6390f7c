// The configuration files of the Prometheus and Alertmanager that `surge up --monitoring` runs:
// Surge's processes found through the file targets (targets.ts keeps them current from etcd),
// the exporters, the rule files of deploy/prometheus/rules/, and one Alertmanager.
import { stringify } from 'yaml';

export interface PrometheusSettings {
  scrapeIntervalSeconds: number;
  /** Absolute paths (globs allowed) of the rule files. */
  ruleFiles: string[];
  /** The file-target glob the Surge job reads. */
  targetFiles: string;
  alertmanager: string;
  /** host:port of each exporter job, by job name (redis, mariadb); empty without exporters. */
  exporters: Record<string, string>;
  /** A file holding ops.token, when the ops pages need it. */
  opsTokenFile?: string;
}

export function prometheusConfig(s: PrometheusSettings): string {
  const interval = `${s.scrapeIntervalSeconds}s`;
  const surge = {
    job_name: 'surge',
    // Surge answers /metrics quickly or something is wrong with it: a slow scrape is a signal too.
    scrape_timeout: `${Math.min(s.scrapeIntervalSeconds, 10)}s`,
    file_sd_configs: [{ files: [s.targetFiles], refresh_interval: interval }],
    ...(s.opsTokenFile ? { authorization: { type: 'Bearer', credentials_file: s.opsTokenFile } } : {}),
  };
  const exporters = Object.entries(s.exporters).map(([job, target]) => ({ job_name: job, static_configs: [{ targets: [target] }] }));
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, external_labels: { system: 'surge' } },
    rule_files: s.ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [s.alertmanager] }] }] },
    scrape_configs: [surge, ...exporters],
  });
}

/**
 * One route, one receiver with no integration: alerts are kept and shown (the UI, the API,
 * amtool), and an operator adds a webhook, e-mail or chat receiver for their own machine.
 */
export function alertmanagerConfig(): string {
  return stringify({
    route: { receiver: 'surge-operators', group_by: ['alertname', 'process', 'target'], group_wait: '10s', group_interval: '1m', repeat_interval: '4h' },
    receivers: [{ name: 'surge-operators' }],
    inhibit_rules: [
      // A service with no instance at all says more than each of its lost instances.
      { source_matchers: ['alertname = SurgeServiceWithoutInstances'], target_matchers: ['alertname = SurgeInstanceLost'], equal: ['target'] },
    ],
  });
}
