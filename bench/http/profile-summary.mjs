// Summarises a V8 .cpuprofile (from `run.mjs --cpu-prof DIR` or `node --cpu-prof`): the functions
// and the packages with the most self time, as a share of the time the process was not idle.
//
//   node bench/http/profile-summary.mjs FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/http/profile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(64);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time of a node is the sum of the intervals whose sample landed on it.
const selfUs = new Map();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const byFunction = new Map();
const byPackage = new Map();
let total = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  total += us;
  if (functionName === '(idle)') {
    idle += us;
    continue;
  }
  const where = shortUrl(url);
  add(byFunction, `${functionName || '(anonymous)'}  ${where ? `${where}:${lineNumber + 1}` : '(native)'}`, us);
  add(byPackage, packageOf(where), us);
}
const busy = total - idle;

console.log(`${file}\nprofiled ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (shares below are of busy time)`);
print('functions by self time', byFunction);
print('packages by self time', byPackage);

function print(title, map) {
  console.log(`\n${title}:`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(6)}%  ${k}`);
  }
}

function add(map, key, us) {
  map.set(key, (map.get(key) ?? 0) + us);
}

function shortUrl(url) {
  const path = url.replace(/^file:\/\//, '');
  if (path.includes('/node_modules/')) return 'node_modules/' + path.split('/node_modules/').pop();
  return path.replace(/^.*?\/dist\//, 'dist/');
}

/** node_modules/<package>, the folder of a dist/ file, node:<module>, or (native) for V8 and syscalls. */
function packageOf(where) {
  if (!where) return '(native: syscalls, GC, V8)';
  const parts = where.split('/');
  if (parts[0] === 'node_modules') return parts.slice(0, parts[1].startsWith('@') ? 3 : 2).join('/');
  if (parts[0] === 'dist') return parts.slice(0, -1).join('/');
  if (where.startsWith('node:')) return where.split('/')[0].replace(/^node:internal$/, 'node:internal/' + (parts[1] ?? ''));
  return where;
}
