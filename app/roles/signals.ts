import { profileOnSignal, type ProfilingOptions } from './profiling.js';

/** Runs close() once on SIGINT/SIGTERM, then exits; a second signal or 15 s forces the exit. With profiling, SIGUSR2 writes profiles (profiling.ts). */
export function stopOn(close: () => Promise<void>, name = 'surge', profiling?: ProfilingOptions): void {
  if (profiling) profileOnSignal({ ...profiling, name });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`${name}: ${signal} received, shutting down\n`);
    setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await close();
      process.exit(0);
    } catch (err) {
      process.stderr.write(`${name}: shutdown failed: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
