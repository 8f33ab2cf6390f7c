// Usage: node bench/http/long-tasks.mjs FILE.cpuprofile [MIN_MS]  (default 20)
// Long synchronous stretches in a V8 .cpuprofile: runs of consecutive samples that share one
// call below the event loop's entry point (a statement, a handler, a collection), the ones that
// hold every other request back and so make a latency tail. Under saturation the loop is never
// idle, so busy time alone says nothing; a shared frame says one piece of work ran that long.
import { readFileSync } from 'node:fs';

const [file, minMsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/http/long-tasks.mjs FILE.cpuprofile [MIN_MS]');
  process.exit(64);
}
const minMs = Number(minMsArg ?? 20);
const p = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (id) => {
  const f = nodes.get(id).callFrame;
  const u = f.url.replace(/^file:\/\//, '').replace(/^.*?\/(dist|node_modules)\//, '$1/');
  return `${f.functionName || '(anonymous)'}${u ? `  ${u}:${f.lineNumber + 1}` : ''}`;
};
/** The stack of a sample, outermost first, without (root). */
const stackOf = (id) => {
  const s = [];
  for (let x = id; x !== undefined && nodes.get(x).callFrame.functionName !== '(root)'; x = parent.get(x)) s.push(x);
  return s.reverse();
};
const idle = (id) => ['(idle)', '(program)', '(garbage collector)'].includes(nodes.get(id).callFrame.functionName);

// Runs whose samples share at least the entry frame and one more (depth ≥ 2).
const runs = [];
let run = null;
let t = p.startTime;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i + 1] ?? 0;
  t += p.timeDeltas[i] ?? 0;
  const stack = idle(id) ? null : stackOf(id);
  if (run && stack) {
    let k = 0;
    while (k < run.prefix.length && k < stack.length && run.prefix[k] === stack[k]) k++;
    if (k >= 2) {
      run.prefix = run.prefix.slice(0, k);
      run.us += dt;
      run.leaves.set(id, (run.leaves.get(id) ?? 0) + dt);
      return;
    }
  }
  if (run && run.prefix.length >= 2) runs.push(run);
  run = stack ? { at: t, prefix: stack, us: dt, leaves: new Map([[id, dt]]) } : null;
});
if (run) runs.push(run);

const long = runs.filter((r) => r.us / 1000 >= minMs).sort((a, b) => b.us - a.us);
console.log(`${file}\n${long.length} synchronous stretches of ${minMs} ms or more (longest first)`);
for (const r of long.slice(0, 12)) {
  const deepest = r.prefix.at(-1);
  const leaves = [...r.leaves].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([id, us]) => `      ${(us / 1000).toFixed(1)} ms  ${label(id)}`);
  console.log(`\n${(r.us / 1000).toFixed(1)} ms at +${((r.at - p.startTime) / 1e6).toFixed(2)} s in ${label(deepest)}`);
  console.log(`    via ${r.prefix.slice(-4, -1).map(label).join(' ← ')}`.slice(0, 400));
  console.log(leaves.join('\n'));
}
