// Runs before `npm start` and `npm test`: installs dependencies when they are missing or the
// lock file changed, then generates code from proto/ and compiles to dist/ when any source is
// newer than the last build. Uses only Node's standard library, since it runs before install.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (...p) => join(root, ...p);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

// 1. Dependencies: reinstall when package-lock.json differs from what was installed.
const lockHash = createHash('sha256').update(readFileSync(at('package-lock.json'))).digest('hex');
const stampFile = at('node_modules', '.surge-installed');
const installed = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
if (installed !== lockHash) {
  console.log('surge: installing dependencies (npm ci)…');
  run(npm, ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stampFile, lockHash);
}

// 2. Build: generated code and dist/ are stale when any input is newer than the last build.
const inputs = ['proto', 'packages', 'services', 'gateway', 'app', 'scripts', 'tsconfig.json', 'package.json', 'package-lock.json'];
const newest = (p) => {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const e of readdirSync(p)) if (e !== 'node_modules') t = Math.max(t, newest(join(p, e)));
  return t;
};
const buildStamp = at('dist', '.surge-built');
const built = existsSync(buildStamp) ? statSync(buildStamp).mtimeMs : 0;
if (Math.max(...inputs.map((i) => newest(at(i)))) > built || !existsSync(at('dist', 'app', 'main.js'))) {
  console.log('surge: building (proto → gen/, tsc → dist/)…');
  run(process.execPath, [at('scripts', 'gen-proto.mjs')]);
  run(process.execPath, [at('node_modules', 'typescript', 'bin', 'tsc'), '-b', at('tsconfig.json')]);
  // tsc never deletes the outputs of moved or excluded files (a fixture moved into testing/).
  run(process.execPath, [at('scripts', 'prune-dist.mjs')]);
  writeFileSync(buildStamp, new Date().toISOString());
}
