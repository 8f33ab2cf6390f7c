// The process's tracer from configuration: off (a no-op tracer, nothing on the hot path) unless
// an exporter is configured.
import { createTracing, type Tracing } from '#kit/tracing';
import type { Config } from './config/index.js';

/** instanceId: the registry's id of a service instance, or the gateway's own: which instance served a span. */
export function tracingFor(config: Config, serviceName: string, instanceId?: string): Tracing {
  const t = config.tracing;
  return t.exporter === 'otlp'
    ? createTracing({ serviceName, ...(instanceId ? { instanceId } : {}), exporter: 'otlp', otlpUrl: t.otlpUrl, sampleRatio: t.sampleRatio })
    : createTracing({ serviceName, exporter: 'none', sampleRatio: 0 });
}
