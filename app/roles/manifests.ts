// `surge manifests`: writes deploy/k8s/<process>.yaml for every module of the list and the
// gateway (app/deploy/k8s.ts); `--check` writes nothing and fails when a committed file differs
// from a fresh render, or is a generated file no module renders any more.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterSettings, GENERATED_HEADER, renderManifests } from '../deploy/k8s.js';
import { loadModules } from '../modules.js';
import type { ServiceModule } from '#kit/service';
import { ConfigError } from '../config/index.js';

/** What differs between deploy/k8s/ and a fresh render: files to write and generated files to remove. */
export function manifestDrift(dir: string, modules: readonly ServiceModule[]): { stale: Map<string, string>; orphans: string[] } {
  const rendered = renderManifests(modules, clusterSettings(readFileSync(join(dir, 'configmap.yaml'), 'utf8')));
  const stale = new Map([...rendered].filter(([file, text]) => !existsSync(join(dir, file)) || readFileSync(join(dir, file), 'utf8') !== text));
  const orphans = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !rendered.has(f) && readFileSync(join(dir, f), 'utf8').startsWith(GENERATED_HEADER));
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
  for (const [file, text] of stale) writeFileSync(join(dir, file), text);
  for (const file of orphans) rmSync(join(dir, file));
  process.stdout.write(`surge manifests: ${stale.size} written, ${orphans.length} removed in ${dir}\n`);
}
