// How a drill prints: a heading per step, indented detail, and aligned tables, so the output
// reads as a short report an operator can follow (and paste into an incident note).

export const say = (line = '') => process.stdout.write(`${line}\n`);

export function step(title) {
  say();
  say(`== ${title}`);
}

/** Prints text indented by two spaces (every line). */
export function show(text) {
  for (const line of String(text).split('\n')) say(`  ${line}`);
}

/** Prints rows (arrays of cells) as columns padded to the widest cell; the first row is the header. */
export function table(rows) {
  const cells = rows.map((r) => r.map(String));
  const width = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells) show(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]))).join('  '));
}
