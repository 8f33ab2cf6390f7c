import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import Fastify from 'fastify';
import { Code } from '#kit/errors';
import { createTracing } from '#kit/tracing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createMetrics, type AccessEntry } from '#kit/observability';
import { installObservation } from '../gateway/plugins/observe.js';
import { installTracing } from '../gateway/plugins/tracing.js';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { idOf, only, parentOf, startTracedPath, traceOf, TOPIC, type TransportKind } from './traced-path.js';

const ECHO = `${EchoServiceDefinition.fullName}/${EchoServiceDefinition.methods.echo.name}`;
const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe.each<TransportKind>(['in-process', 'grpc', 'framed'])('one trace across gateway → RPC (%s) → queue → consumer', (kind) => {
  it('links gateway SERVER → rpc CLIENT → rpc SERVER → PRODUCER → CONSUMER in one trace', async () => {
    const p = await startTracedPath(kind);
    try {
      const res = await p.app.inject({ method: 'GET', url: '/api/v1/echo/hello' });
      expect(res.statusCode).toBe(200);
      const spans = await p.spans(5);
      expect(spans).toHaveLength(5);

      const gateway = only(spans, SpanKind.SERVER, 'GET /api/v1/echo/:message');
      const client = only(spans, SpanKind.CLIENT);
      const server = only(spans, SpanKind.SERVER, ECHO);
      const producer = only(spans, SpanKind.PRODUCER);
      const consumer = only(spans, SpanKind.CONSUMER);

      expect(new Set(spans.map(traceOf)).size).toBe(1);
      expect(parentOf(gateway)).toBeUndefined();
      expect(parentOf(client)).toBe(idOf(gateway));
      expect(parentOf(server)).toBe(idOf(client));
      expect(parentOf(producer)).toBe(idOf(server));
      expect(parentOf(consumer)).toBe(idOf(producer));

      expect(gateway.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.route': '/api/v1/echo/:message', 'http.response.status_code': 200 });
      for (const s of [client, server]) expect(s.attributes).toMatchObject({ 'rpc.system': 'surge', 'rpc.service': EchoServiceDefinition.fullName, 'rpc.method': 'Echo' });
      expect(consumer.attributes).toMatchObject({ 'messaging.destination.name': TOPIC, 'messaging.consumer.group.name': 'trace-consumer', 'surge.attempt': 1 });
      expect(spans.every((s) => s.status.code === SpanStatusCode.UNSET)).toBe(true);
      // The consumer's handler sees its own span as the parent to hand on.
      expect(p.consumed[0]!.headers.traceparent).toBe(`00-${traceOf(consumer)}-${idOf(consumer)}-01`);
    } finally {
      await p.close();
    }
  });

  it("makes a handler's nested calls (made with { parent: ctx }) children of its SERVER span", async () => {
    const p = await startTracedPath(kind);
    try {
      await p.app.inject({ method: 'GET', url: '/api/v1/echo/deep?hops=2' });
      const spans = await p.spans(9);
      const clients = spans.filter((s) => s.kind === SpanKind.CLIENT);
      const servers = spans.filter((s) => s.kind === SpanKind.SERVER && s.name === ECHO);
      expect(clients).toHaveLength(3);
      expect(servers).toHaveLength(3);
      expect(new Set(spans.map(traceOf)).size).toBe(1);
      // Walk down from the gateway: each CLIENT under the previous SERVER, each SERVER under its CLIENT.
      let parent = only(spans, SpanKind.SERVER, 'GET /api/v1/echo/:message');
      for (let i = 0; i < 3; i++) {
        const client = clients.find((c) => parentOf(c) === idOf(parent));
        expect(client, `client span at depth ${i}`).toBeDefined();
        const server = servers.find((s) => parentOf(s) === idOf(client!));
        expect(server, `server span at depth ${i}`).toBeDefined();
        parent = server!;
      }
      expect(parentOf(only(spans, SpanKind.PRODUCER))).toBe(idOf(parent));
    } finally {
      await p.close();
    }
  });

  it('marks a failed call ERROR with its Surge code on both sides; the gateway span keeps the 404 and the code', async () => {
    const p = await startTracedPath(kind);
    try {
      const res = await p.app.inject({ method: 'GET', url: '/api/v1/echo/missing' });
      expect(res.statusCode).toBe(404);
      const spans = await p.spans(3);
      for (const s of [only(spans, SpanKind.CLIENT), only(spans, SpanKind.SERVER, ECHO)]) {
        expect(s.status.code).toBe(SpanStatusCode.ERROR);
        expect(s.attributes['surge.code']).toBe(Code.NotFound);
        expect(s.attributes['error.type']).toBe('NotFound');
      }
      const gateway = only(spans, SpanKind.SERVER, 'GET /api/v1/echo/:message');
      expect(gateway.attributes).toMatchObject({ 'http.response.status_code': 404, 'surge.code': Code.NotFound });
      // A 4xx is answered correctly: not an error of the server span.
      expect(gateway.status.code).toBe(SpanStatusCode.UNSET);
      expect(spans.filter((s) => s.kind === SpanKind.PRODUCER)).toHaveLength(0);
    } finally {
      await p.close();
    }
  });
});

describe('gateway tracing', () => {
  it('with tracing off, forwards the caller trace headers untouched (and makes none up)', async () => {
    const off = createTracing({ serviceName: 'svc', exporter: 'none', sampleRatio: 0 });
    const app = Fastify();
    installTracing(app, off.tracer);
    app.get('/t', (request) => request.traceMetadata());
    expect((await app.inject({ url: '/t', headers: { traceparent: INCOMING } })).json()).toEqual({ traceparent: INCOMING });
    expect((await app.inject({ url: '/t' })).json()).toEqual({});
    await app.close();
  });

  it('continues an incoming traceparent: same trace id, the caller span as parent', async () => {
    const p = await startTracedPath('in-process');
    try {
      await p.app.inject({ method: 'GET', url: '/api/v1/echo/hi', headers: { traceparent: INCOMING, tracestate: 'vendor=abc' } });
      const spans = await p.spans(5);
      expect(spans.every((s) => traceOf(s) === '4bf92f3577b34da6a3ce929d0e0e4736')).toBe(true);
      const gateway = only(spans, SpanKind.SERVER, 'GET /api/v1/echo/:message');
      expect(parentOf(gateway)).toBe('00f067aa0ba902b7');
      expect(gateway.parentSpanContext?.isRemote).toBe(true);
      // tracestate travels with the trace to the last hop.
      expect(only(spans, SpanKind.CONSUMER).spanContext().traceState?.get('vendor')).toBe('abc');
    } finally {
      await p.close();
    }
  });

  it('records the Surge code the error handler answers with: malformed JSON is InvalidArgument, not Internal', async () => {
    const p = await startTracedPath('in-process');
    try {
      const res = await p.app.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
      expect(res.statusCode).toBe(400);
      const [span] = await p.spans(1);
      expect(span!.name).toBe('POST /api/v1/echo');
      expect(span!.attributes).toMatchObject({ 'http.response.status_code': 400, 'surge.code': Code.InvalidArgument });
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    } finally {
      await p.close();
    }
  });

  it('a 5xx is an ERROR of the gateway span; an unmatched URL is named by its method only', async () => {
    const p = await startTracedPath('in-process');
    try {
      await p.app.inject({ method: 'GET', url: '/boom' });
      await p.app.inject({ method: 'GET', url: '/no/such/route' });
      const spans = await p.spans(2);
      const boom = only(spans, SpanKind.SERVER, 'GET /boom');
      expect(boom.status.code).toBe(SpanStatusCode.ERROR);
      expect(boom.attributes).toMatchObject({ 'http.response.status_code': 500, 'surge.code': Code.Internal });
      expect(JSON.stringify({ status: boom.status, attributes: boom.attributes, events: boom.events })).not.toContain('SELECT');
      const unmatched = only(spans, SpanKind.SERVER, 'GET');
      expect(unmatched.attributes['http.response.status_code']).toBe(404);
      expect(unmatched.attributes['http.route']).toBeUndefined();
    } finally {
      await p.close();
    }
  });
});

describe('the trace id an operator follows', () => {
  it('names the instance that recorded each span (service.instance.id), so a trace shows which instance served a call', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'surge-user', instanceId: 'user-host-42-abc', exporter });
    tracing.tracer.startSpan('x').end();
    await tracing.flush();
    expect(exporter.getFinishedSpans()[0]!.resource.attributes).toMatchObject({ 'service.name': 'surge-user', 'service.instance.id': 'user-host-42-abc' });
    await tracing.shutdown();
    expect(() => createTracing({ serviceName: 's', instanceId: ' ', exporter })).toThrow(/instanceId/);
  });

  it('is in every reply (x-trace-id, errors included) and in the access-log line; with tracing off, in neither', async () => {
    for (const on of [true, false]) {
      const exporter = new InMemorySpanExporter();
      const tracing = on ? createTracing({ serviceName: 'svc', exporter }) : createTracing({ serviceName: 'svc', exporter: 'none', sampleRatio: 0 });
      const app = Fastify();
      const lines: AccessEntry[] = [];
      installTracing(app, tracing.tracer);
      installObservation(app, createMetrics({ defaultMetrics: false }), (e) => lines.push(e));
      app.get('/boom', async () => {
        throw new Error('no');
      });
      const res = await app.inject({ url: '/boom' });
      expect(res.statusCode).toBe(500);
      if (on) {
        await tracing.flush();
        const [span] = exporter.getFinishedSpans();
        expect(res.headers['x-trace-id']).toBe(span!.spanContext().traceId);
        expect(lines[0]!.trace).toBe(span!.spanContext().traceId);
      } else {
        expect(res.headers['x-trace-id']).toBeUndefined();
        expect(lines[0]!.trace).toBeFalsy();
      }
      await app.close();
      await tracing.shutdown();
    }
  });
});

describe('queue tracing', () => {
  it('a failed delivery is an ERROR CONSUMER span with its code; the retry is a new CONSUMER span under the same producer', async () => {
    const p = await startTracedPath('in-process', { consumerFailures: 1 });
    try {
      await p.app.inject({ method: 'GET', url: '/api/v1/echo/retry' });
      const spans = await p.spans(6);
      const producer = only(spans, SpanKind.PRODUCER);
      const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER).sort((a, b) => Number(a.attributes['surge.attempt']) - Number(b.attributes['surge.attempt']));
      expect(consumers).toHaveLength(2);
      expect(consumers.map((c) => parentOf(c))).toEqual([idOf(producer), idOf(producer)]);
      expect(consumers[0]!.status.code).toBe(SpanStatusCode.ERROR);
      expect(consumers[0]!.attributes['surge.code']).toBe(Code.Unavailable);
      expect(consumers[1]!.status.code).toBe(SpanStatusCode.UNSET);
      expect(p.consumed).toHaveLength(1);
    } finally {
      await p.close();
    }
  });
});
