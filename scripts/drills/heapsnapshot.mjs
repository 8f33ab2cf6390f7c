// Reading V8 .heapsnapshot files (what SIGUSR2 writes after the CPU profile; Chrome DevTools →
// Memory opens them): objects counted and their self sizes summed by constructor, as DevTools'
// "Summary" view groups them, and two such summaries compared, largest growth first (the
// "Comparison" view). Self size only: what each object holds itself, not what it keeps alive.

/** The group DevTools' Summary puts a node in: objects by constructor name, the rest by kind. */
export function groupOf(type, name) {
  switch (type) {
    case 'object':
    case 'native':
      return name;
    case 'closure':
      return '(closure)';
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'array':
      return '(array)';
    case 'code':
      return '(compiled code)';
    case 'hidden':
    case 'object shape':
      return '(system)';
    default:
      return `(${type})`;
  }
}

/** Map of group → { count, size } over every node of a parsed snapshot (synthetic roots left out). */
export function summarize(snapshot) {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const at = { type: fields.indexOf('type'), name: fields.indexOf('name'), size: fields.indexOf('self_size') };
  const { nodes, strings } = snapshot;
  const groups = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + at.type]];
    if (type === 'synthetic') continue;
    const group = groupOf(type, strings[nodes[i + at.name]]);
    const g = groups.get(group) ?? { count: 0, size: 0 };
    g.count++;
    g.size += nodes[i + at.size];
    groups.set(group, g);
  }
  return groups;
}

/** Groups whose self size grew most from `before` to `after`: [{ group, count, size, countDelta, sizeDelta }]. */
export function diffSummaries(before, after, n = 15) {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .map((group) => {
      const b = before.get(group) ?? { count: 0, size: 0 };
      const a = after.get(group) ?? { count: 0, size: 0 };
      return { group, count: a.count, size: a.size, countDelta: a.count - b.count, sizeDelta: a.size - b.size };
    })
    .sort((x, y) => y.sizeDelta - x.sizeDelta)
    .slice(0, n);
}

/** Total self size of a summary. */
export function totalSize(summary) {
  let t = 0;
  for (const g of summary.values()) t += g.size;
  return t;
}
