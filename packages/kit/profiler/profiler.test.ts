import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { createProfiler } from './index.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('profiler', () => {
  it('writes a CPU profile and a heap snapshot that DevTools can read, one capture at a time', async () => {
    dir = await mkdtemp(join(tmpdir(), 'surge-profile-'));
    const target = join(dir, 'profiles');
    const profiler = createProfiler({ dir: target, cpuMs: 50 });
    const first = profiler.capture();
    expect(profiler.busy).toBe(true);
    const second = await profiler.capture().then(() => undefined, (e: unknown) => e);
    expect(second).toBeInstanceOf(SurgeError);
    expect((second as SurgeError).code).toBe(Code.FailedPrecondition);

    const files = await first;
    expect(profiler.busy).toBe(false);
    expect(dirname(files.cpuProfile)).toBe(target);
    expect(dirname(files.heapSnapshot)).toBe(target);
    const cpu = JSON.parse(await readFile(files.cpuProfile, 'utf8')) as { nodes: unknown[]; startTime: number; endTime: number; samples: unknown[] };
    expect(cpu.nodes.length).toBeGreaterThan(0);
    expect(cpu.endTime).toBeGreaterThan(cpu.startTime);
    expect(files.heapSnapshot).toMatch(/\.heapsnapshot$/);
    const heap = JSON.parse(await readFile(files.heapSnapshot, 'utf8')) as { snapshot: { meta: { node_fields: string[] }; node_count: number } };
    expect(heap.snapshot.meta.node_fields).toContain('name');
    expect(heap.snapshot.node_count).toBeGreaterThan(1000);
    expect((await stat(files.heapSnapshot)).size).toBeGreaterThan(0);

    // Free again after the first: a new capture is accepted.
    const again = await profiler.capture();
    expect(again.cpuProfile).not.toBe(files.cpuProfile);
  }, 60_000);

  it('refuses bad settings at construction', () => {
    expect(() => createProfiler({ dir: '' })).toThrow(/dir/);
    expect(() => createProfiler({ dir: '/tmp/x', cpuMs: 0 })).toThrow(/cpuMs/);
  });
});
