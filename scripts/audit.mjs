// CI's dependency audit: `npm audit` of the production dependencies, failing on any advisory of
// high or critical severity. When the registry's advisory service cannot be reached (some
// networks, this project's CI machines among them, let only package downloads through), the
// audit says so loudly and does not fail the run, unless SURGE_AUDIT_REQUIRED=1, which a
// release pipeline with a full network sets.
import { spawnSync } from 'node:child_process';

const required = process.env.SURGE_AUDIT_REQUIRED === '1';
const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout || '{}');
} catch {
  report = {};
}

const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const why = report.message ?? report.error?.summary ?? `npm audit exited with ${run.status}`;
  console.log(`audit: NOT RUN — the advisory service did not answer (${String(why).split('\n')[0]})`);
  process.exit(required ? 1 : 0);
}

const serious = (counts.high ?? 0) + (counts.critical ?? 0);
const names = Object.values(report.vulnerabilities ?? {})
  .filter((v) => v.severity === 'high' || v.severity === 'critical')
  .map((v) => `${v.name} (${v.severity})`);
console.log(`audit: production dependencies: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`);
if (serious > 0) {
  console.log(`audit: fix or replace: ${names.join(', ')}`);
  process.exit(1);
}
