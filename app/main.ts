// `npm start`: load and validate the configuration, start the system, stop cleanly on
// SIGINT/SIGTERM (stop taking requests, finish those in flight, close the adapters).
import { ConfigError, isEmbedded, loadConfig } from './config/index.js';
import { startSystem } from './system.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ file: argValue('--config') });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`surge: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const system = await startSystem(config);
  const mode = isEmbedded(config) ? `embedded (data in ${config.dataDir})` : 'on servers';
  process.stdout.write(`Surge is running ${mode} at ${system.url}  (API docs: ${system.url}/docs)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`surge: ${signal} received, shutting down\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await system.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

main().catch((err: unknown) => {
  process.stderr.write(`surge: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
