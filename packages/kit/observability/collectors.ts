// Metrics that kit pieces register on the process's registry, shared by every instance of the
// piece in the process: one embedded process hosts every service module, so the outboxes of
// eleven modules feed one `surge_outbox_pending_rows`, each under its own label values. A
// second registration under a name returns the metric already there; readers are read at
// scrape time, so nothing is counted on the request path for a gauge.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

/** One reading of a gauge: its labels and value. */
export interface GaugeReading<L extends string> {
  labels: Record<L, string>;
  value: number;
}

/** Reads current values at scrape time; a reader that throws is skipped for that scrape. */
export type GaugeReader<L extends string> = () => GaugeReading<L>[] | Promise<GaugeReading<L>[]>;

/** The counter of that name on the registry, made on first use. */
export function sharedCounter<L extends string>(registry: Registry, spec: MetricSpec<L>): Counter<L> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry] });
}

/** The gauge of that name on the registry (set by its owner), made on first use. */
export function sharedGauge<L extends string>(registry: Registry, spec: MetricSpec<L>): Gauge<L> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry] });
}

/**
 * One reading shared by every metric that a single read feeds (an outbox's row count and its
 * oldest row's age come from one query): callers in the same scrape get the same promise; the
 * next scrape reads again.
 */
export function onePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => (current ??= read().finally(() => setImmediate(() => (current = undefined))));
}

const readersOf = new WeakMap<object, Set<GaugeReader<string>>>();

/**
 * Adds a reader to the gauge of that name: at each scrape the gauge holds what all its readers
 * return, and nothing else (a label set no reader returns any more disappears). Returns the
 * function that removes the reader (the piece closed).
 */
export function readGauge<L extends string>(registry: Registry, spec: MetricSpec<L>, reader: GaugeReader<L>): () => void {
  return addReader(registry, spec, reader, (collect) => new Gauge({ ...specOf(spec), registers: [registry], collect() {
    return collect((labels, value) => this.set(labels as Partial<Record<L, string>>, value), () => this.reset());
  } }));
}

/**
 * readGauge for a counter whose owner keeps the running total itself (a queue adapter counting
 * its dead letters): the readers return totals since the process started, which is what a
 * Prometheus counter is.
 */
export function readCounter<L extends string>(registry: Registry, spec: MetricSpec<L>, reader: GaugeReader<L>): () => void {
  return addReader(registry, spec, reader, (collect) => new Counter({ ...specOf(spec), registers: [registry], collect() {
    return collect((labels, value) => this.inc(labels as Partial<Record<L, string>>, value), () => this.reset());
  } }));
}

type Collect = (put: (labels: Record<string, string>, value: number) => void, reset: () => void) => Promise<void>;

const specOf = <L extends string>(spec: MetricSpec<L>) => ({ name: spec.name, help: spec.help, labelNames: spec.labelNames });

function addReader<L extends string>(registry: Registry, spec: MetricSpec<L>, reader: GaugeReader<L>, make: (collect: Collect) => object): () => void {
  let metric: object | undefined = registry.getSingleMetric(spec.name);
  if (!metric) {
    const readers = new Set<GaugeReader<string>>();
    metric = make(async (put, reset) => {
      const readings = await Promise.all([...readers].map((read) => Promise.resolve().then(read).catch(() => [])));
      reset();
      for (const r of readings.flat()) put(r.labels, r.value);
    });
    readersOf.set(metric, readers);
  }
  const readers = readersOf.get(metric);
  if (!readers) throw new Error(`metric ${spec.name} is registered, but not as one read at scrape time`);
  readers.add(reader as GaugeReader<string>);
  return () => void readers.delete(reader as GaugeReader<string>);
}
