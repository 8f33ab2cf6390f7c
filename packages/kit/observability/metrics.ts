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

  // One series per label set, found by a flat string key (cheaper than hashing a label object).
  const children = new Map<string, HistogramSeries>();
  const child = (h: FastHistogram, key: string, labels: Record<string, string>) => {
    let c = children.get(key);
    if (!c) children.set(key, (c = h.labels(labels)));
    return c;
  };

  return {
    registry,
    contentType: registry.contentType,
    observeHttp(method, route, status, seconds) {
      const s = String(status);
      child(httpDuration, `h|${method}|${route}|${s}`, { method, route, status: s }).observe(seconds);
      if (status >= 500) httpErrors.labels({ method, route, status: s }).inc();
    },
    observe(side, service, method, code, seconds) {
      const c = String(code);
      child(rpcDuration, `r|${side}|${service}|${method}|${c}`, { side, service, method, code: c }).observe(seconds);
      if (code !== 0) rpcErrors.labels({ side, service, method, code: c }).inc();
    },
    render: () => registry.metrics(),
  };
}
