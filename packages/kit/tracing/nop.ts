// The tracer for "off": no ids, no spans, nothing recorded. The interceptors, the queue wrapper
// and the gateway hooks recognise it when they are built and step aside, so a process with
// tracing off pays nothing per call and still forwards the trace context it received.
import { INVALID_SPAN_CONTEXT, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';

export class NopTracer implements Tracer {
  private readonly span: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

  startSpan(_name: string, _options?: SpanOptions, _context?: Context): Span {
    return this.span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    return fn(this.startSpan(name)) as ReturnType<F>;
  }
}

/** Whether spans from this tracer are thrown away unseen (interceptors then pass calls through). */
export function isTracingOff(tracer: Tracer): boolean {
  return tracer instanceof NopTracer;
}
