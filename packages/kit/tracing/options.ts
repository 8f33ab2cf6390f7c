// Options of createTracing, filled and checked once at construction: a bad sample ratio or
// collector URL fails at start-up with a SurgeError(InvalidArgument) naming the option.
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { errors } from '#kit/errors';

export interface TracingOptions {
  /** `service.name` on every span this process records; names the process in the trace view. Required. */
  serviceName: string;
  /**
   * `service.instance.id` on every span: which instance of the service recorded it, so a trace
   * names the instance that served each call (several instances share one serviceName). Default none.
   */
  instanceId?: string;
  /**
   * Where finished spans go. Default 'none': spans are still made and their context still travels
   * in metadata and headers, so downstream processes that do export see one trace; nothing leaves
   * this process. 'otlp' sends them to an OpenTelemetry collector over OTLP/HTTP; a SpanExporter
   * object (tests pass an InMemorySpanExporter) receives them directly.
   */
  exporter?: 'none' | 'otlp' | SpanExporter;
  /** OTLP/HTTP traces endpoint. Default http://127.0.0.1:4318/v1/traces, the collector's standard port and path. */
  otlpUrl?: string;
  /**
   * Share of new traces recorded, 0..1, decided from the trace id so every process agrees; a trace
   * arriving with a decision keeps it (parent-based), so a trace is whole or absent. Default 1.
   * With exporter 'none', 0 turns tracing off: no spans, the hot path passes calls straight through
   * and only forwards context it received.
   */
  sampleRatio?: number;
  /**
   * Batch finished spans (export every few seconds in bulk) instead of exporting each one as it ends.
   * Default true for 'otlp' (one HTTP request per span would cost more than the call it traces),
   * false for an exporter object (tests read spans right after a flush).
   */
  batch?: boolean;
  /** Source of trace and span ids. Default Math.random: ids only need to be unique, not secret. */
  random?: () => number;
}

export interface ResolvedTracingOptions {
  readonly serviceName: string;
  readonly instanceId: string | undefined;
  readonly exporter: 'none' | 'otlp' | SpanExporter;
  readonly otlpUrl: string;
  readonly sampleRatio: number;
  readonly batch: boolean;
  readonly random: () => number;
  /** No exporter and nothing sampled: a no-op tracer, interceptors pass calls through. */
  readonly off: boolean;
}

export const DEFAULT_OTLP_URL = 'http://127.0.0.1:4318/v1/traces';

export function resolveTracingOptions(o: TracingOptions): ResolvedTracingOptions {
  if (typeof o?.serviceName !== 'string' || o.serviceName.trim() === '') throw errors.invalid('serviceName', 'a non-empty string naming this process (user-service, gateway)');
  if (o.instanceId !== undefined && (typeof o.instanceId !== 'string' || o.instanceId.trim() === '')) throw errors.invalid('instanceId', 'a non-empty string naming this instance');
  const exporter = o.exporter ?? 'none';
  if (exporter !== 'none' && exporter !== 'otlp' && !isExporter(exporter)) throw errors.invalid('exporter', "'none', 'otlp' or a SpanExporter (an object with export() and shutdown())");
  const otlpUrl = o.otlpUrl ?? DEFAULT_OTLP_URL;
  if (typeof otlpUrl !== 'string' || !/^https?:\/\//.test(otlpUrl) || !URL.canParse(otlpUrl)) throw errors.invalid('otlpUrl', 'an http:// or https:// URL (e.g. http://127.0.0.1:4318/v1/traces)');
  const sampleRatio = o.sampleRatio ?? 1;
  if (typeof sampleRatio !== 'number' || !(sampleRatio >= 0 && sampleRatio <= 1)) throw errors.invalid('sampleRatio', 'a number from 0 (none) to 1 (every trace)');
  const batch = o.batch ?? exporter === 'otlp';
  if (typeof batch !== 'boolean') throw errors.invalid('batch', 'true or false');
  const random = o.random ?? Math.random;
  if (typeof random !== 'function') throw errors.invalid('random', 'a function returning a number in [0, 1)');
  return Object.freeze({ serviceName: o.serviceName, instanceId: o.instanceId, exporter, otlpUrl, sampleRatio, batch, random, off: exporter === 'none' && sampleRatio === 0 });
}

function isExporter(x: unknown): x is SpanExporter {
  return typeof x === 'object' && x !== null && typeof (x as SpanExporter).export === 'function' && typeof (x as SpanExporter).shutdown === 'function';
}
