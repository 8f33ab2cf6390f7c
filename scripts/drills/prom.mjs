// Reading a /metrics page as an operator's queries would: samples from the Prometheus text
// format, a histogram's buckets summed over the series that match, the increase between two
// scrapes (what rate()/increase() do over a window), and a quantile from buckets by linear
// interpolation inside the bucket it falls in, as PromQL's histogram_quantile() computes it.

/** Parses Prometheus text into samples { name, labels, value }; comments and blank lines are skipped. */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    let name;
    const labels = {};
    if (brace >= 0 && brace < space) {
      name = line.slice(0, brace);
      const end = line.lastIndexOf('}');
      for (const m of line.slice(brace + 1, end).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    } else {
      name = line.slice(0, line.indexOf(' '));
    }
    samples.push({ name, labels, value: Number(line.slice(space + 1)) });
  }
  return samples;
}

/** Fetches and parses a /metrics page. */
export async function scrape(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return parseMetrics(await res.text());
}

const matches = (labels, want) => Object.entries(want).every(([k, v]) => (v instanceof RegExp ? v.test(labels[k] ?? '') : labels[k] === v));

/** Samples of `name` whose labels match `want` (exact strings or RegExps). */
export function select(samples, name, want = {}) {
  return samples.filter((s) => s.name === name && matches(s.labels, want));
}

/** Sum of the values of `name` over the matching series (0 when none). */
export function sum(samples, name, want = {}) {
  return select(samples, name, want).reduce((t, s) => t + s.value, 0);
}

/**
 * A histogram's cumulative buckets summed over every matching series: [{ le, count }] sorted by
 * le (Infinity last), as `sum by (le) (…_bucket{…})` gives.
 */
export function buckets(samples, histogram, want = {}) {
  const byLe = new Map();
  for (const s of select(samples, `${histogram}_bucket`, want)) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The buckets' increase from `before` to `after` (two scrapes of one process): a window of time
 * instead of everything since start. A bucket missing before counts from 0 (a new series).
 */
export function increase(before, after) {
  const was = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: Math.max(0, b.count - (was.get(b.le) ?? 0)) }));
}

/**
 * The q-quantile (0..1) from cumulative buckets, as histogram_quantile(): the bucket where the
 * rank q·total falls, interpolated linearly between its lower and upper bound (the first
 * bucket's lower bound is 0). A rank in the +Inf bucket answers the largest finite bound, as
 * Prometheus does. NaN when there are no observations.
 */
export function quantile(q, cumulative) {
  if (cumulative.length === 0) return NaN;
  const total = cumulative[cumulative.length - 1].count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let i = cumulative.findIndex((b) => b.count >= rank);
  if (i < 0) i = cumulative.length - 1;
  const bucket = cumulative[i];
  if (bucket.le === Infinity) return cumulative.length > 1 ? cumulative[cumulative.length - 2].le : NaN;
  const lower = i === 0 ? 0 : cumulative[i - 1].le;
  const below = i === 0 ? 0 : cumulative[i - 1].count;
  const inBucket = bucket.count - below;
  if (inBucket === 0) return bucket.le;
  return lower + (bucket.le - lower) * ((rank - below) / inBucket);
}

/** Observations in a window of cumulative buckets (the +Inf bucket's count). */
export function countOf(cumulative) {
  return cumulative.length === 0 ? 0 : cumulative[cumulative.length - 1].count;
}

/** Seconds as an operator reads them: "0.8 ms", "42 ms", "1.20 s"; "–" for NaN. */
export function ms(seconds) {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds >= 1) return `${seconds.toFixed(2)} s`;
  const m = seconds * 1000;
  return `${m < 10 ? m.toFixed(1) : Math.round(m)} ms`;
}
