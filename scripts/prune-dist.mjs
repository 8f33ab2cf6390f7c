// Removes from dist/ what the current sources no longer emit: tsc -b writes outputs but never
// deletes the ones of a file that was moved, deleted or excluded (a test fixture moved into a
// testing/ folder would otherwise stay in dist/ and ship). Runs after tsc in scripts/ensure.mjs.
//   node scripts/prune-dist.mjs [--dry-run] [--dist DIR]   (DIR: default dist/; the tests pass a copy)
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const distAt = process.argv.indexOf('--dist');
const dist = distAt > 0 ? resolve(process.argv[distAt + 1] ?? '') : join(root, 'dist');
const dryRun = process.argv.includes('--dry-run');

const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
if (!parsed) throw new Error('tsconfig.json did not parse');

// What each source emits: x.ts → x.js, x.js.map (and x.d.ts, x.d.ts.map when declarations are on).
const wanted = new Set();
for (const file of parsed.fileNames) {
  const base = relative(root, file).replace(/\.([cm]?)ts$/, '.$1js');
  for (const suffix of ['', '.map']) wanted.add(base + suffix);
  const dts = base.replace(/\.([cm]?)js$/, '.d.$1ts');
  for (const suffix of ['', '.map']) wanted.add(dts + suffix);
}

const removed = [];
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(path);
      if (!dryRun && readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (/\.([cm]?js|d\.[cm]?ts)(\.map)?$/.test(entry.name) && !wanted.has(relative(dist, path))) {
      removed.push(relative(dist, path));
      if (!dryRun) rmSync(path);
    }
  }
}
if (existsSync(dist)) walk(dist);
if (removed.length > 0) console.log(`surge: ${dryRun ? 'would remove' : 'removed'} ${removed.length} stale file(s) from dist/:\n  ${removed.join('\n  ')}`);
