// `surge gateway` loads no service's code: its clients come from the #gen definitions its routes
// declare. The real command runs from dist/ (embedded settings, any free port) under a loading
// hook that records every file the process loads; the all-in-one process, for contrast, loads them.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The repository-relative files `surge <args>` loaded by the time it printed `readyLine`. */
async function loadedBy(args: string[], readyLine: RegExp): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'surge-graph-'));
  dirs.push(dir);
  const log = join(dir, 'loaded.txt');
  const hook = pathToFileURL(join(root, 'test/load-log.mjs')).href;
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hook)})`;
  const proc = spawn(process.execPath, ['--import', register, 'dist/app/cli.js', ...args], {
    cwd: root,
    env: { ...process.env, SURGE_LOAD_LOG: log, SURGE_DATA: dir, SURGE_CONFIG: '', SURGE_LOG_LEVEL: 'silent', SURGE__http__port: '0', SURGE__http__host: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (readyLine.test(out)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`surge ${args.join(' ')} exited ${code}: ${err}`)));
  });
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => relative(root, fileURLToPath(url)));
}

it("surge gateway loads no service's code (only the list: entries and configuration sections), the all-in-one process all of it", async () => {
  execFileSync(process.execPath, ['scripts/ensure.mjs'], { cwd: root, stdio: 'ignore' });
  const gateway = await loadedBy(['gateway'], /surge gateway:/);
  expect(gateway).toContain('dist/gateway/index.js');
  expect(gateway.filter((f) => f.startsWith('dist/gen/'))).not.toEqual([]);
  // The list of services is read everywhere (the configuration schema is made from it); its files are light by rule (test/imports.test.ts).
  expect(gateway.filter((f) => f.startsWith('dist/services/') && !/^dist\/services\/(index|[a-z]+\/(entry|config))\.js$/.test(f))).toEqual([]);
  expect(gateway).toContain('dist/services/user/config.js');

  const allInOne = await loadedBy(['start'], /Surge is running/);
  expect(allInOne).toContain('dist/services/index.js');
  expect(allInOne).toContain('dist/services/interaction/logic/favorite.js');
}, 120_000);
