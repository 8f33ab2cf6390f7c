// SIGUSR2: write a CPU profile (ops.profileSeconds long) and then a heap snapshot to
// <dataDir>/profiles, for troubleshooting a live process (#kit/profiler), saying where on
// stdout. A signal while a capture runs is refused with a line on stderr, never a second
// capture. Without a handler Node would end the process on SIGUSR2; with it, the process lives.
import { join } from 'node:path';
import { createProfiler } from '#kit/profiler';

export interface ProfilingOptions {
  /** The process's data dir; files go to <dataDir>/profiles. */
  dataDir: string;
  /** Length of the CPU profile (ops.profileSeconds). */
  cpuSeconds: number;
}

export interface ProfilingLog {
  info(line: string): void;
  error(line: string): void;
}

const processLog: ProfilingLog = {
  info: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

/** Installs the SIGUSR2 handler; returns a function that removes it. */
export function profileOnSignal(options: ProfilingOptions & { name?: string; log?: ProfilingLog }): () => void {
  const name = options.name ?? 'surge';
  const log = options.log ?? processLog;
  const dir = join(options.dataDir, 'profiles');
  const profiler = createProfiler({ dir, cpuMs: options.cpuSeconds * 1000 });
  const onSignal = () => {
    if (profiler.busy) return log.error(`${name}: SIGUSR2 received while a profile is being written; ignored`);
    log.info(`${name}: SIGUSR2 received, profiling the CPU for ${options.cpuSeconds} s, then a heap snapshot, into ${dir}`);
    profiler.capture().then(
      (files) => log.info(`${name}: wrote ${files.cpuProfile} and ${files.heapSnapshot}`),
      (err: unknown) => log.error(`${name}: profiling failed: ${(err as Error)?.message ?? String(err)}`),
    );
  };
  process.on('SIGUSR2', onSignal);
  return () => process.off('SIGUSR2', onSignal);
}
