// Generates TypeScript types and codecs from proto/ into gen/ with buf + ts-proto (offline).
// Skips the work when gen/ is newer than every .proto file.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const protoDir = join(root, 'proto');
const genDir = join(root, 'gen');

const newest = (dir, filter) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, filter));
    else if (filter(e.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
};

const force = process.argv.includes('--force');
const srcTime = Math.max(newest(protoDir, (n) => n.endsWith('.proto') || n.endsWith('.yaml')), statSync(fileURLToPath(import.meta.url)).mtimeMs);
if (!force && existsSync(genDir) && newest(genDir, (n) => n.endsWith('.ts')) > srcTime) process.exit(0);

rmSync(genDir, { recursive: true, force: true });
const buf = join(root, 'node_modules', '.bin', 'buf');
execFileSync(buf, ['generate'], { cwd: protoDir, stdio: 'inherit' });
console.log('generated gen/ from proto/');
