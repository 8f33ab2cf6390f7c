import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { profileOnSignal } from './profiling.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(() => cleanup?.());

it('on SIGUSR2 writes a CPU profile and a heap snapshot to <dataDir>/profiles, saying where, and refuses a second signal meanwhile', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'surge-sigusr2-'));
  const lines: { level: string; line: string }[] = [];
  let wrote!: () => void;
  const done = new Promise<void>((resolve) => (wrote = resolve));
  const log = {
    info: (line: string) => (lines.push({ level: 'info', line }), /wrote/.test(line) && wrote()),
    error: (line: string) => lines.push({ level: 'error', line }),
  };
  const remove = profileOnSignal({ dataDir, cpuSeconds: 1, name: 'test', log });
  cleanup = async () => {
    remove();
    await rm(dataDir, { recursive: true, force: true });
  };
  process.kill(process.pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.kill(process.pid, 'SIGUSR2');
  await done;

  expect(lines.filter((l) => l.level === 'error').map((l) => l.line)).toEqual(['test: SIGUSR2 received while a profile is being written; ignored']);
  const files = (await readdir(join(dataDir, 'profiles'))).sort();
  expect(files).toHaveLength(2);
  expect(files[0]).toMatch(/^cpu-\d+-.*\.cpuprofile$/);
  expect(files[1]).toMatch(/^heap-\d+-.*\.heapsnapshot$/);
  expect(lines.at(-1)!.line).toContain(join(dataDir, 'profiles', files[0]!));
  const cpu = JSON.parse(await readFile(join(dataDir, 'profiles', files[0]!), 'utf8')) as { nodes: unknown[] };
  expect(cpu.nodes.length).toBeGreaterThan(0);
}, 60_000);
