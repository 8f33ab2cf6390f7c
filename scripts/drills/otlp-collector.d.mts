// Types of otlp-collector.mjs, for the tests under test/drills.
export interface CollectedSpan {
  /** service.name of the exporting process. */
  process: string;
  /** Label of the endpoint the span was sent to (urlFor(label)); '' for the plain url. */
  via: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  /** 0 unset, 1 ok, 2 error. */
  status: number;
}
export interface TreeRow {
  span: CollectedSpan;
  depth: number;
  /** A top-level span that has a parent id: its parent never arrived. */
  orphan: boolean;
}
export interface Collector {
  readonly url: string;
  urlFor(label: string): string;
  readonly spans: CollectedSpan[];
  trace(traceId: string): CollectedSpan[];
  until(done: (spans: CollectedSpan[]) => boolean, timeoutMs?: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}
export const KIND: readonly string[];
export function parseExport(body: unknown, via?: string): CollectedSpan[];
export function spanTree(spans: readonly CollectedSpan[]): TreeRow[];
export function startCollector(): Promise<Collector>;
