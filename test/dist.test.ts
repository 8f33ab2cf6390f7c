// What ships: the files `tsc -b` compiles into dist/ from tsconfig.json. Test fixtures, suites,
// simulations and benchmarks stay out of it: they belong in testing/ folders or in files named
// *.test.ts, *.suite.ts or *.bench.ts, which tsconfig.json excludes. The program is built the way
// tsc builds it (roots from include/exclude, then every file they import), without type-checking.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { relative, resolve } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** The repository-relative paths of the sources tsc would emit into dist/. */
let cached: string[] | undefined;
function emitted(): string[] {
  if (cached) return cached;
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.json did not parse');
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
  cached = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !f.fileName.includes('/node_modules/'))
    .map((f) => relative(root, f.fileName));
  return cached;
}

/** A file that exists for tests or measurement, by its name or folder. */
const TEST_ONLY = /(^|\/)(testing|test|__tests__)\/|(^|[/.-])(fixture|fixtures|suite|sim|simulation|bench|benchmark|test|spec)(\.[^/]*)?\.[cm]?ts$/;

it('emits no test fixture, suite, simulation or benchmark into dist/', () => {
  const files = emitted();
  expect(files.length).toBeGreaterThan(100); // the program really was read
  expect(files.filter((f) => TEST_ONLY.test(f))).toEqual([]);
});

it('the pattern catches the names it is meant to (so the test above can fail)', () => {
  for (const f of [
    'packages/kit/rpc/framed/fixture.ts',
    'packages/kit/rpc/grpc/echo-fixture.ts',
    'packages/kit/balancer/sim.ts',
    'packages/kit/tracing/overhead.bench.ts',
    'packages/kit/cache/cache.suite.ts',
    'services/user/testing/fixture.ts',
    'packages/kit/ids/snowflake.test.ts',
  ]) {
    expect(TEST_ONLY.test(f), f).toBe(true);
  }
  for (const f of ['packages/kit/rpc/framed/frame.ts', 'packages/kit/balancer/p2c-ewma.ts', 'services/video/logic/publish.ts', 'app/main.ts']) {
    expect(TEST_ONLY.test(f), f).toBe(false);
  }
});

it('no shipped file imports vitest', async () => {
  const offenders: string[] = [];
  for (const f of emitted()) {
    if (/from ['"]vitest['"]/.test(await readFile(resolve(root, f), 'utf8'))) offenders.push(f);
  }
  expect(offenders).toEqual([]);
});

it('the build prunes from dist/ what no source emits any more (tsc -b leaves it), and keeps the rest', () => {
  const dir = mkdtempSync(resolve(tmpdir(), 'surge-dist-'));
  try {
    const put = (path: string) => {
      mkdirSync(resolve(dir, path, '..'), { recursive: true });
      writeFileSync(resolve(dir, path), '');
    };
    const kept = ['packages/kit/balancer/p2c-ewma.js', 'packages/kit/balancer/p2c-ewma.js.map', 'app/main.js', '.tsbuildinfo'];
    const stale = ['packages/kit/balancer/sim.js', 'packages/kit/balancer/sim.js.map', 'packages/kit/tracing/fixture.js', 'packages/kit/tracing/overhead.bench.js', 'packages/kit/rpc/grpc/echo-fixture.js'];
    for (const f of [...kept, ...stale]) put(f);
    execFileSync(process.execPath, [resolve(root, 'scripts/prune-dist.mjs'), '--dist', dir], { stdio: 'pipe' });
    expect(kept.filter((f) => !existsSync(resolve(dir, f)))).toEqual([]);
    expect(stale.filter((f) => existsSync(resolve(dir, f)))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
