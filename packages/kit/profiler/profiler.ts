// Profiles of a live process for troubleshooting: a CPU profile over a set time (V8's sampling
// profiler through node:inspector, the .cpuprofile format Chrome DevTools and speedscope open),
// then a heap snapshot (v8.writeHeapSnapshot, the .heapsnapshot format of DevTools' Memory tab).
//
// - One capture at a time: a second request while one runs is refused (FailedPrecondition), so
//   a signal sent twice cannot double the overhead or interleave two profiles.
// - CPU first, heap second: writing a snapshot stops the process for as long as it takes to
//   walk the heap (about a second per few hundred MB), which must not land inside the profile.
// - The CPU profile's length runs on the injected clock; the profiler's overhead while it runs
//   is small (sampling every 1 ms by default) but not nothing, hence a bounded duration.
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { type Clock, systemClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';

export interface ProfilerOptions {
  /** Required: the folder the files go to (created if missing). */
  dir: string;
  /** Default 10_000: long enough to catch a periodic stall, short enough that the overhead stays a blip. */
  cpuMs?: number;
  /** Default systemClock: times the CPU profile and names the files. */
  clock?: Clock;
}

export interface ProfileFiles {
  cpuProfile: string;
  heapSnapshot: string;
}

export interface Profiler {
  /** True while a capture runs. */
  readonly busy: boolean;
  /** Writes a CPU profile, then a heap snapshot; rejects with FailedPrecondition while another capture runs. */
  capture(): Promise<ProfileFiles>;
}

export function createProfiler(options: ProfilerOptions): Profiler {
  if (typeof options.dir !== 'string' || options.dir === '') throw errors.invalid('dir', 'must name a folder');
  const cpuMs = options.cpuMs ?? 10_000;
  if (!Number.isInteger(cpuMs) || cpuMs < 1 || cpuMs > 600_000) throw errors.invalid('cpuMs', 'must be a whole number of ms from 1 to 600000');
  const clock = options.clock ?? systemClock;
  const dir = options.dir;
  let busy = false;

  return {
    get busy() {
      return busy;
    },
    async capture() {
      if (busy) throw new SurgeError(Code.FailedPrecondition, 'a profile is already being written; wait for it to finish');
      busy = true;
      try {
        await mkdir(dir, { recursive: true });
        const stem = `${process.pid}-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}`;
        const cpuProfile = join(dir, `cpu-${stem}.cpuprofile`);
        await writeFile(cpuProfile, JSON.stringify(await profileCpu(cpuMs, clock)));
        const heapSnapshot = writeHeapSnapshot(join(dir, `heap-${stem}.heapsnapshot`));
        return { cpuProfile, heapSnapshot };
      } catch (err) {
        throw err instanceof SurgeError ? err : new SurgeError(Code.Internal, `profiling failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      } finally {
        busy = false;
      }
    },
  };
}

async function profileCpu(ms: number, clock: Clock): Promise<unknown> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await clock.sleep(ms);
    const { profile } = await session.post('Profiler.stop');
    return profile;
  } finally {
    session.disconnect();
  }
}
