// A tracer provider owned by the caller: nothing is registered globally (no global provider,
// propagator or context manager), so the tracer is passed to the interceptors that use it.
// Three shapes: off (no-op tracer, interceptors step aside), propagate-only (exporter 'none':
// ids and sampling flags, no SDK spans) and exporting (the SDK's provider and a span processor).
// Sampling is parent-based over a trace-id ratio: a new trace is recorded when its id falls
// under the ratio (every process decides alike), and a trace that arrives keeps its decision.
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { errors } from '#kit/errors';
import { randomIdGenerator } from './ids.js';
import { NopTracer } from './nop.js';
import { PropagatingTracer } from './propagate-only.js';
import { resolveTracingOptions, type TracingOptions } from './options.js';

export interface Tracing {
  /** Pass it to the interceptors, the queue wrapper and the gateway hooks. */
  readonly tracer: Tracer;
  /** False when tracing is off (exporter 'none', sampleRatio 0): the tracer is a no-op. */
  readonly enabled: boolean;
  /** Exports every finished span now (tests read the exporter after this). */
  flush(): Promise<void>;
  /** Exports what is left and stops; spans ended later are dropped. */
  shutdown(): Promise<void>;
}

/** The instrumentation scope on every span: the kit's interceptors, not the application. */
const SCOPE = 'surge.kit.tracing';

export function createTracing(options: TracingOptions): Tracing {
  const o = resolveTracingOptions(options);
  if (o.off) return { tracer: new NopTracer(), enabled: false, flush: async () => {}, shutdown: async () => {} };

  const idGenerator = randomIdGenerator(o.random);
  // Nothing to export: spans are only ids, so their context travels; no SDK span is made.
  if (o.exporter === 'none') return { tracer: new PropagatingTracer(idGenerator, o.sampleRatio), enabled: true, flush: async () => {}, shutdown: async () => {} };

  const exporter: SpanExporter = o.exporter === 'otlp' ? new OTLPTraceExporter({ url: o.otlpUrl }) : o.exporter;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName, ...(o.instanceId ? { 'service.instance.id': o.instanceId } : {}) }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(o.sampleRatio) }),
    idGenerator,
    spanProcessors: [o.batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
  });
  const dependency = o.exporter === 'otlp' ? `trace collector at ${o.otlpUrl}` : 'trace exporter';
  return {
    tracer: provider.getTracer(SCOPE),
    enabled: true,
    flush: () => provider.forceFlush().catch((cause: unknown) => Promise.reject(errors.unavailable(dependency, cause))),
    shutdown: () => provider.shutdown().catch((cause: unknown) => Promise.reject(errors.unavailable(dependency, cause))),
  };
}
