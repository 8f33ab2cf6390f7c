// One SERVER span per HTTP request, named by the route pattern (GET /api/v1/users/:id) so
// /users/1 and /users/2 group together, continuing an incoming `traceparent` when a caller sent
// one. Routes pass the span on with request.traceMetadata(), merged into the RPC metadata.
// Callback-style hooks: no promise per request. With tracing off no hook is installed, and
// traceMetadata() forwards the caller's trace headers, if any, unchanged.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { extractTraceContext, isTracingOff, recordFailure, traceHeaders, withSpan } from '#kit/tracing';
import { toSurge } from './errors.js';

const SPAN = Symbol('surge.trace.span');
const METADATA = Symbol('surge.trace.metadata');

declare module 'fastify' {
  interface FastifyRequest {
    /** traceparent (and tracestate) naming this request's span, for the metadata of its RPC calls. */
    traceMetadata(): Readonly<Record<string, string>>;
    /** The trace this request's span belongs to ('' with tracing off): in its access-log line and its x-trace-id header. */
    traceId: string;
    [SPAN]: Span | null;
    [METADATA]: Readonly<Record<string, string>> | null;
  }
}

export function installTracing(app: FastifyInstance, tracer: Tracer): void {
  app.decorateRequest(METADATA, null);
  app.decorateRequest('traceId', '');
  if (isTracingOff(tracer)) {
    app.decorateRequest('traceMetadata', function (this: FastifyRequest) {
      return (this[METADATA] ??= traceHeaders(this.headers));
    });
    return;
  }

  app.decorateRequest(SPAN, null);
  app.decorateRequest('traceMetadata', function (this: FastifyRequest) {
    const span = this[SPAN];
    return (this[METADATA] ??= span ? withSpan(undefined, span) : traceHeaders(this.headers));
  });

  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    const attributes: Record<string, string> = { 'http.request.method': request.method };
    if (route !== undefined) attributes['http.route'] = route;
    // No route matched (a 404): the method alone, so unknown URLs do not each make a span name.
    const span = tracer.startSpan(route === undefined ? request.method : `${request.method} ${route}`, { kind: SpanKind.SERVER, attributes }, extractTraceContext(request.headers));
    request[SPAN] = span;
    // Sampled out, the span is a no-op: no trace to follow, so none is named. Sampled, every
    // reply (errors included) names it: what an operator searches the tracing backend for.
    if (span.isRecording()) {
      request.traceId = span.spanContext().traceId;
      void reply.header('x-trace-id', request.traceId);
    }
    done();
  });

  // The Surge code of a failed request, mapped as the error handler maps it (a bad body is
  // InvalidArgument, not Internal); whether it is an error of the span is the status's call.
  app.addHook('onError', (request, _reply, error, done) => {
    const span = request[SPAN];
    if (span) recordFailure(span, toSurge(error), false);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const span = request[SPAN];
    if (span) {
      request[SPAN] = null;
      span.setAttribute('http.response.status_code', reply.statusCode);
      // A server span is an error only for 5xx: a 4xx is the client's mistake, answered correctly.
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });

  // The client went away before the reply: end the span so it is not lost.
  app.addHook('onRequestAbort', (request, done) => {
    const span = request[SPAN];
    if (span) {
      request[SPAN] = null;
      span.setAttribute('surge.aborted', true);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
      span.end();
    }
    done();
  });
}
