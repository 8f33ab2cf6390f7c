// `npm start`: load and validate the configuration and run the whole system in this process.
// SIGINT/SIGTERM stop it cleanly (stop taking requests, finish those in flight, close adapters).
import { ConfigError, loadConfig } from './config/index.js';
import { runAllInOne } from './roles/all-in-one.js';

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

try {
  await runAllInOne(loadConfig({ file: argValue('--config') }));
} catch (err) {
  process.stderr.write(err instanceof ConfigError ? `surge: ${err.message}\n` : `surge: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
