// Reading a V8 .cpuprofile (what SIGUSR2 writes, what Chrome DevTools opens): self time per
// function, as DevTools' "Bottom-Up" view sorts it. A sample's duration is the time to the next
// sample (the last one runs to endTime); a function's self time is the sum over the samples taken
// while it was on top of the stack, merged across the call paths that reach it.

/** Where a frame is, shortened: node_modules/<pkg>/… or a path under `root`, with its 1-based line. */
export function location(callFrame, root = '') {
  const url = callFrame.url ?? '';
  if (url === '') return '';
  let path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) path = path.slice(nm + 1);
  else if (root && path.startsWith(root)) path = path.slice(root.length).replace(/^\//, '');
  return `${path}:${callFrame.lineNumber + 1}`;
}

/**
 * Self time by function: { totalMs, idleMs, top: [{ name, location, selfMs, share }] } with the
 * n largest first; share is of the non-idle time. (idle) is the loop waiting for work; (program)
 * is V8 and native code outside JavaScript; (garbage collector) is GC.
 */
export function topSelfTime(profile, { n = 10, root = '' } = {}) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const { samples = [], timeDeltas = [] } = profile;
  const selfUs = new Map();
  for (let i = 0; i < samples.length; i++) {
    const duration = i + 1 < samples.length ? timeDeltas[i + 1] : Math.max(0, profile.endTime - (profile.startTime + timeDeltas.slice(0, i + 1).reduce((a, b) => a + b, 0)));
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, duration));
  }
  const byFunction = new Map();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame ?? { functionName: '(unknown)', url: '', lineNumber: -1 };
    const name = frame.functionName || '(anonymous)';
    const where = location(frame, root);
    const key = `${name}\u0000${where}`;
    const entry = byFunction.get(key) ?? { name, location: where, selfMs: 0 };
    entry.selfMs += us / 1000;
    byFunction.set(key, entry);
  }
  const all = [...byFunction.values()];
  const totalMs = all.reduce((t, e) => t + e.selfMs, 0);
  const idleMs = all.filter((e) => e.name === '(idle)').reduce((t, e) => t + e.selfMs, 0);
  const busyMs = totalMs - idleMs;
  const top = all
    .filter((e) => e.name !== '(idle)')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, n)
    .map((e) => ({ ...e, share: busyMs > 0 ? e.selfMs / busyMs : 0 }));
  return { totalMs, idleMs, top };
}
