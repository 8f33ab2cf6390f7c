// `surge manifests`: writes deploy/k8s/<process>.yaml for every module of the list and the
// gateway (app/deploy/k8s.ts), and deploy/k8s/monitoring/ from the alert rules of
// deploy/prometheus/rules/ (app/deploy/k8s-monitoring.ts); `--check` writes nothing and fails
// when a committed file differs from a fresh render, or is a generated file nothing renders any more.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clusterSettings, GENERATED_HEADER, renderManifests } from '../deploy/k8s.js';
import { MONITORING_HEADER, renderMonitoring } from '../deploy/k8s-monitoring.js';
import { loadModules } from '../modules.js';
import type { ServiceModule } from '#kit/service';
import { ConfigError } from '../config/index.js';

/** What differs between deploy/k8s/ and a fresh render: files to write and generated files to remove. */
export function manifestDrift(dir: string, modules: readonly ServiceModule[], rulesDir = join(dir, '../prometheus/rules')): { stale: Map<string, string>; orphans: string[] } {
  const rules = new Map(readdirSync(rulesDir).filter((f) => f.endsWith('.yml')).map((f) => [f, readFileSync(join(rulesDir, f), 'utf8')]));
  const rendered = new Map([...renderManifests(modules, clusterSettings(readFileSync(join(dir, 'configmap.yaml'), 'utf8'))), ...[...renderMonitoring(rules)].map(([f, text]) => [`monitoring/${f}`, text] as const)]);
  const stale = new Map([...rendered].filter(([file, text]) => !existsSync(join(dir, file)) || readFileSync(join(dir, file), 'utf8') !== text));
  const generated = (f: string) => {
    const text = readFileSync(join(dir, f), 'utf8');
    return text.startsWith(GENERATED_HEADER) || text.startsWith(MONITORING_HEADER);
  };
  const existing = [...readdirSync(dir), ...(existsSync(join(dir, 'monitoring')) ? readdirSync(join(dir, 'monitoring')).map((f) => `monitoring/${f}`) : [])];
  const orphans = existing.filter((f) => f.endsWith('.yaml') && !rendered.has(f) && generated(f));
  return { stale, orphans };
}

export async function manifests(args: string[], dir = 'deploy/k8s'): Promise<void> {
  const { stale, orphans } = manifestDrift(dir, await loadModules());
  if (args.includes('--check')) {
    const wrong = [...stale.keys(), ...orphans];
    if (wrong.length > 0) throw new ConfigError(`${dir}: ${wrong.join(', ')} ${wrong.length === 1 ? 'differs' : 'differ'} from the module list; run npm run manifests and commit the result`);
    process.stdout.write(`surge manifests: ${dir} is up to date\n`);
    return;
  }
  for (const [file, text] of stale) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  for (const file of orphans) rmSync(join(dir, file));
  process.stdout.write(`surge manifests: ${stale.size} written, ${orphans.length} removed in ${dir}\n`);
}
