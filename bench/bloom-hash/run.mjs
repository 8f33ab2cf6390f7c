// Which 128-bit hash the Bloom filter (packages/kit/bloom) should use for its k positions:
// MurmurHash3 x86_128 in JavaScript (kit/bloom/murmur3.ts) against node:crypto's md5, the
// native 128-bit digest at hand, on id-sized keys. Prints ns per hash and writes
// bench/results/bloom-hash.json. Runs in a few seconds:  node bench/bloom-hash/run.mjs
import { createHash, hash as oneShotHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ROUNDS = 7;
const PER_ROUND = 200_000;

// The kit's source, transpiled on the spot, so the bench needs no build of dist/.
const source = readFileSync(join(root, 'packages/kit/bloom/murmur3.ts'), 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
const dir = join(tmpdir(), `surge-bloom-hash-${process.pid}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'murmur3.mjs'), js);
const { murmur3x86_128 } = await import(pathToFileURL(join(dir, 'murmur3.mjs')).href);

const keys = Array.from({ length: 1024 }, (_, i) => (i % 2 ? `video:${1_700_000_000_000 + i * 7919}` : String(1_000_000 + i * 104_729)));
const encoder = new TextEncoder();
const scratch = new Uint8Array(256);
const out = new Uint32Array(4);
let sink = 0;

const candidates = {
  'murmur3 x86_128 (JS, TextEncoder.encodeInto)': (key) => {
    const n = encoder.encodeInto(key, scratch).written;
    murmur3x86_128(scratch, n, 0, out);
    sink ^= out[0];
  },
  'md5 (node:crypto createHash)': (key) => {
    sink ^= createHash('md5').update(key).digest().readUInt32LE(0);
  },
  ...(oneShotHash ? { 'md5 (node:crypto hash one-shot)': (key) => { sink ^= oneShotHash('md5', key, 'buffer').readUInt32LE(0); } } : {}),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (const [name, fn] of Object.entries(candidates)) {
  for (let i = 0; i < 50_000; i++) fn(keys[i & 1023]); // warm up: let V8 optimise first
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) fn(keys[i & 1023]);
    rounds.push(Number(process.hrtime.bigint() - start) / PER_ROUND);
  }
  results[name] = { nsPerHash: Math.round(median(rounds)), rounds: rounds.map((x) => Math.round(x)) };
  console.log(`${name}: ${results[name].nsPerHash} ns per hash (median of ${ROUNDS})`);
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  keys: 'ids as decimal strings (7 digits) and "video:<13 digits>", 1,024 distinct, cycled',
  roundsOf: PER_ROUND,
  results,
  sink,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/bloom-hash.json'), JSON.stringify(report, null, 2) + '\n');
console.log('wrote bench/results/bloom-hash.json');
