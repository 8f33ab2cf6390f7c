// RPC interceptors. The trace context rides in the call's metadata, which every transport
// carries (in-process by reference, gRPC as metadata, framed in its header), so one pair of
// interceptors serves all three:
// - client: a CLIENT span, child of the traceparent found in ctx.metadata (the caller's span),
//   whose own traceparent replaces it in the metadata sent to the server;
// - server: a SERVER span, child of the traceparent received, whose traceparent replaces it in
//   the handler's ctx.metadata, so nested calls made with `{ parent: ctx }` become its children.
import { SpanKind, type Span, type Tracer } from '@opentelemetry/api';
import type { CallContext, Interceptor, UnaryCall } from '#kit/rpc';
import { isTracingOff } from './nop.js';
import { within } from './outcome.js';
import { extractTraceContext, withSpan } from './propagation.js';

export interface RpcTracingOptions {
  /** `rpc.system` on every span. Default 'surge': the kit's RPC layer, whichever transport carries it. */
  system?: string;
}

export function clientTracingInterceptor(tracer: Tracer, options: RpcTracingOptions = {}): Interceptor {
  return rpcTracing(tracer, SpanKind.CLIENT, options);
}

export function serverTracingInterceptor(tracer: Tracer, options: RpcTracingOptions = {}): Interceptor {
  return rpcTracing(tracer, SpanKind.SERVER, options);
}

function rpcTracing(tracer: Tracer, kind: SpanKind, options: RpcTracingOptions): Interceptor {
  // Off: the call goes on untouched; a traceparent already in the metadata still travels.
  if (isTracingOff(tracer)) return (call, next) => next(call);
  const system = options.system ?? 'surge';
  return (call, next) => {
    const span = tracer.startSpan(
      `${call.service}/${call.method}`,
      { kind, attributes: { 'rpc.system': system, 'rpc.service': call.service, 'rpc.method': call.method } },
      extractTraceContext(call.ctx.metadata),
    );
    const traced: UnaryCall = { ...call, ctx: tracedContext(call.ctx, span) };
    return within(span, () => next(traced));
  };
}

/**
 * The call's context with the span's traceparent in its metadata. CallContext.metadata is
 * readonly, so this is a new context; it delegates deadline, signal and cancel to the original
 * (rather than being a fresh createCallContext) because the server transports cancel the context
 * they made when the caller goes away, and the handler must still see that.
 */
function tracedContext(ctx: CallContext, span: Span): CallContext {
  const inner = ctx instanceof TracedContext ? ctx.inner : ctx;
  return new TracedContext(inner, withSpan(ctx.metadata, span));
}

class TracedContext implements CallContext {
  constructor(
    readonly inner: CallContext,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  get deadline(): number | undefined {
    return this.inner.deadline;
  }

  get signal(): AbortSignal {
    return this.inner.signal;
  }

  remainingMs(): number {
    return this.inner.remainingMs();
  }

  cancel(reason?: unknown): void {
    this.inner.cancel(reason);
  }
}
