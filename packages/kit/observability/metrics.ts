// Prometheus metrics on a registry owned by the process (no global default registry):
// request count, errors and latency histograms per HTTP route and per RPC method.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { FastHistogram, type HistogramSeries } from './fast-histogram.js';
import type { RpcObserver } from '#kit/rpc';

// Buckets in seconds, from a cache hit (~100 µs) to a slow database call (several seconds).
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface Metrics extends RpcObserver {
  readonly registry: Registry;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Prometheus text format. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(options: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}): Metrics {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'surge_' });

  const httpDuration = new FastHistogram(
    'surge_http_request_duration_seconds',
    'HTTP request latency by route (the route pattern, not the URL), method and status.',
    ['method', 'route', 'status'],
    LATENCY_BUCKETS,
    registry,
  );
  const httpErrors = new Counter({
    name: 'surge_http_request_errors_total',
    help: 'HTTP requests answered with status 500 or above.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const rpcDuration = new FastHistogram(
    'surge_rpc_duration_seconds',
    'RPC latency by side (server/client), service, method and Surge error code (0 = ok).',
    ['side', 'service', 'method', 'code'],
    LATENCY_BUCKETS,
    registry,
  );
  const rpcErrors = new Counter({
    name: 'surge_rpc_errors_total',
    help: 'RPC calls that ended with an error, by Surge error code.',
    labelNames: ['side', 'service', 'method', 'code'] as const,
    registers: [registry],
  });

  // One series per label set, found through maps keyed by each label as given: the route,
  // service and method strings are the same objects on every call, so each lookup hashes
  // nothing new (a key joined per call was hashed afresh every time).
  const httpSeries = new Map<string, Map<string, Map<number, HistogramSeries>>>();
  const rpcSeries = new Map<string, Map<string, Map<string, Map<number, HistogramSeries>>>>();
  const http = (method: string, route: string, status: number) => {
    const byStatus = inner(inner(httpSeries, route), method);
    let c = byStatus.get(status);
    if (!c) byStatus.set(status, (c = httpDuration.labels({ method, route, status: String(status) })));
    return c;
  };
  const rpc = (side: string, service: string, method: string, code: number) => {
    const byCode = inner(inner(inner(rpcSeries, service), method), side);
    let c = byCode.get(code);
    if (!c) byCode.set(code, (c = rpcDuration.labels({ side, service, method, code: String(code) })));
    return c;
  };

  return {
    registry,
    contentType: registry.contentType,
    observeHttp(method, route, status, seconds) {
      http(method, route, status).observe(seconds);
      if (status >= 500) httpErrors.labels({ method, route, status: String(status) }).inc();
    },
    observe(side, service, method, code, seconds) {
      rpc(side, service, method, code).observe(seconds);
      if (code !== 0) rpcErrors.labels({ side, service, method, code: String(code) }).inc();
    },
    render: () => registry.metrics(),
  };
}

/** The map under key, made on first use. */
function inner<K, V extends Map<unknown, unknown>>(outer: Map<K, V>, key: K): V {
  let m = outer.get(key);
  if (m === undefined) outer.set(key, (m = new Map() as V));
  return m;
}
