// The process's tracer from configuration: off (a no-op tracer, nothing on the hot path) unless
// an exporter is configured.
import { createTracing, type Tracing } from '#kit/tracing';
import type { Config } from './config/index.js';

export function tracingFor(config: Config, serviceName: string): Tracing {
  const t = config.tracing;
  return t.exporter === 'otlp'
    ? createTracing({ serviceName, exporter: 'otlp', otlpUrl: t.otlpUrl, sampleRatio: t.sampleRatio })
    : createTracing({ serviceName, exporter: 'none', sampleRatio: 0 });
}
