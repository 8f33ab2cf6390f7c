// The tracer of a process that exports nothing but still takes part in traces (exporter 'none'
// with a sample ratio above 0). A span here is only an identity: a fresh span id under the
// parent's trace (or a new trace), carrying the sampling decision on, so processes downstream
// that do export see one trace with this hop's ids. Nothing is recorded, so the SDK's span
// objects, timestamps and processor calls (about 2-3 µs a span) are skipped.
// Sampling matches the exporting processes: parent-based, new traces by trace-id ratio.
import { INVALID_TRACEID, ROOT_CONTEXT, SamplingDecision, TraceFlags, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { TraceIdRatioBasedSampler, type IdGenerator } from '@opentelemetry/sdk-trace-base';

export class PropagatingTracer implements Tracer {
  private readonly root: TraceIdRatioBasedSampler;

  constructor(
    private readonly ids: IdGenerator,
    sampleRatio: number,
  ) {
    this.root = new TraceIdRatioBasedSampler(sampleRatio);
  }

  startSpan(_name: string, _options?: SpanOptions, context?: Context): Span {
    const parent = context === undefined ? undefined : trace.getSpanContext(context);
    const spanId = this.ids.generateSpanId();
    // Contexts come from extractTraceContext, which keeps only valid parents; INVALID_* is the no-op span's.
    if (parent !== undefined && parent.traceId !== INVALID_TRACEID) {
      return trace.wrapSpanContext({ traceId: parent.traceId, spanId, traceFlags: parent.traceFlags, traceState: parent.traceState });
    }
    const traceId = this.ids.generateTraceId();
    const sampled = this.root.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
    return trace.wrapSpanContext({ traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const context = rest.length === 3 ? (rest[1] as Context) : undefined;
    return fn(this.startSpan(name, undefined, context)) as ReturnType<F>;
  }
}
