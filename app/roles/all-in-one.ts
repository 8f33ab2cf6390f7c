// `npm start` / `surge start`: every service and the gateway in this process.
import { isEmbedded, type Config } from '../config/index.js';
import { startSystem } from '../system.js';
import { stopOn } from './signals.js';

export async function runAllInOne(config: Config): Promise<void> {
  const system = await startSystem(config);
  const mode = isEmbedded(config) ? `embedded (data in ${config.dataDir})` : 'on servers';
  const ops = system.opsUrl ? `; /metrics and /healthz at ${system.opsUrl}` : '';
  process.stdout.write(`Surge is running ${mode} at ${system.url}  (API docs: ${system.url}/docs${ops})\n`);
  stopOn(system.close, 'surge', { dataDir: config.dataDir, cpuSeconds: config.ops.profileSeconds });
}
