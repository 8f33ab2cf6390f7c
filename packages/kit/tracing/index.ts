// Public door of tracing: OpenTelemetry spans across gateway → RPC → queue → consumer, with the
// W3C trace context carried in RPC metadata, queue headers and HTTP headers. No globals: the
// caller owns the tracer provider and passes the tracer in.
export { createTracing, type Tracing } from './provider.js';
export { resolveTracingOptions, DEFAULT_OTLP_URL, type TracingOptions, type ResolvedTracingOptions } from './options.js';
export { clientTracingInterceptor, serverTracingInterceptor, type RpcTracingOptions } from './rpc.js';
export { tracedQueue, type QueueTracingOptions } from './queue.js';
export { extractTraceContext, injectTraceContext, traceHeaders, withSpan, TRACEPARENT, TRACESTATE, type TraceCarrier } from './propagation.js';
export { recordFailure, SURGE_CODE } from './outcome.js';
export { NopTracer, isTracingOff } from './nop.js';
