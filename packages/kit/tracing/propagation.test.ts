import { describe, expect, it } from 'vitest';
import { isSpanContextValid, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Code, SurgeError } from '#kit/errors';
import { createMemoryQueue } from '#kit/queue';
import { createCallContext, createClient, createInProcessTransport, RpcServer, type Interceptor, type UnaryCall } from '#kit/rpc';
import { ManualClock } from '#kit/clock';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { randomIdGenerator } from './ids.js';
import { clientTracingInterceptor, createTracing, extractTraceContext, injectTraceContext, serverTracingInterceptor, traceHeaders, tracedQueue, withSpan } from './index.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const clock = new ManualClock();
const call = (metadata: Record<string, string>): UnaryCall => ({
  service: EchoServiceDefinition.fullName,
  method: 'Echo',
  definition: EchoServiceDefinition.methods.echo,
  request: { message: '', number: 0, hops: 0 },
  ctx: createCallContext({ metadata, clock }),
});
const seen = (icp: Interceptor, c: UnaryCall): Promise<UnaryCall> => icp(c, async (x) => x) as Promise<UnaryCall>;

describe('tracing off (exporter none, sampleRatio 0)', () => {
  const off = createTracing({ serviceName: 'svc', exporter: 'none', sampleRatio: 0 });

  it('passes the very same call through both interceptors, its incoming traceparent untouched', async () => {
    expect(off.enabled).toBe(false);
    const c = call({ traceparent: TP, 'x-request-id': 'r1' });
    expect(await seen(clientTracingInterceptor(off.tracer), c)).toBe(c);
    expect(await seen(serverTracingInterceptor(off.tracer), c)).toBe(c);
  });

  // The gateway's half (it forwards the caller's trace headers) is in test/tracing.test.ts: the kit imports no gateway code.
  it('leaves the queue as it is', async () => {
    const q = createMemoryQueue();
    expect(tracedQueue(q, off.tracer)).toBe(q);
    await q.close();
  });
});

describe('exporter none (the default)', () => {
  it('still makes sampled spans whose context reaches an exporting process: one trace', async () => {
    const quiet = createTracing({ serviceName: 'gateway' }); // exports nothing
    const exporter = new InMemorySpanExporter();
    const loud = createTracing({ serviceName: 'users', exporter });
    const rpc = new RpcServer([serverTracingInterceptor(loud.tracer)]).register(EchoServiceDefinition, {
      echo: async (_req, ctx) => ({ message: ctx.metadata.traceparent ?? '', number: 0, remainingMs: -1 }),
    });
    const client = createClient(EchoServiceDefinition, createInProcessTransport(rpc), { interceptors: [clientTracingInterceptor(quiet.tracer)] });
    const reply = await client.echo({ message: '', number: 0, hops: 0 }, { metadata: { traceparent: TP } });
    await loud.flush();
    const [server] = exporter.getFinishedSpans();
    expect(server!.kind).toBe(SpanKind.SERVER);
    expect(server!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    // Its parent is the quiet process's CLIENT span: a new id, not the caller's.
    expect(server!.parentSpanContext?.spanId).not.toBe('00f067aa0ba902b7');
    expect(server!.parentSpanContext?.traceFlags).toBe(TraceFlags.SAMPLED);
    // The handler's metadata names the SERVER span, for its nested calls.
    expect(reply.message).toBe(`00-${server!.spanContext().traceId}-${server!.spanContext().spanId}-01`);
  });
});

describe('sampling', () => {
  it('exporter none samples new traces by the ratio (trace-id based), and children inherit the decision', async () => {
    const t = createTracing({ serviceName: 'svc', sampleRatio: 0.5 });
    const icp = clientTracingInterceptor(t.tracer);
    let sampled = 0;
    for (let i = 0; i < 400; i++) {
      const tp = (await seen(icp, call({}))).ctx.metadata.traceparent!;
      if (tp.endsWith('-01')) sampled++;
      const child = (await seen(icp, call({ traceparent: tp }))).ctx.metadata.traceparent!;
      expect(child.slice(0, 36)).toBe(tp.slice(0, 36)); // same version and trace id
      expect(child.slice(-2)).toBe(tp.slice(-2)); // same decision
      expect(child.slice(36, 52)).not.toBe(tp.slice(36, 52)); // its own span id
    }
    expect(sampled).toBeGreaterThan(140);
    expect(sampled).toBeLessThan(260);
  });

  it('ratio 0 records no new trace but keeps a sampled one that arrives (parent-based)', async () => {
    const exporter = new InMemorySpanExporter();
    const t = createTracing({ serviceName: 'svc', exporter, sampleRatio: 0 });
    expect(t.enabled).toBe(true);
    const icp = serverTracingInterceptor(t.tracer);
    const root = await seen(icp, call({}));
    expect(root.ctx.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await seen(icp, call({ traceparent: TP }));
    await t.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('server interceptor', () => {
  it('keeps the transport cancellation: cancelling the context the transport made reaches the handler', async () => {
    const t = createTracing({ serviceName: 'svc', exporter: new InMemorySpanExporter() });
    // Stands in for a server transport: it holds the context it made and cancels it (caller went away).
    const transport: Interceptor = (c, next) => {
      const p = next(c);
      c.ctx.cancel();
      return p;
    };
    const rpc = new RpcServer([transport, serverTracingInterceptor(t.tracer)]).register(EchoServiceDefinition, {
      echo: async (_req, ctx) => {
        const how = await Promise.race([
          new Promise<string>((r) => (ctx.signal.aborted ? r('cancelled') : ctx.signal.addEventListener('abort', () => r('cancelled')))),
          new Promise<string>((r) => setTimeout(() => r('never told'), 1000)),
        ]);
        return { message: how, number: 0, remainingMs: Math.round(ctx.remainingMs()) };
      },
    });
    const client = createClient(EchoServiceDefinition, createInProcessTransport(rpc));
    const reply = await client.echo({ message: '', number: 0, hops: 0 }, { timeoutMs: 5000 });
    expect(reply.message).toBe('cancelled');
    expect(reply.remainingMs).toBeGreaterThan(4000); // the deadline is the caller's, not a new one
  });

  it('turns a plain error into Internal on the span, whatever the handler threw', async () => {
    const exporter = new InMemorySpanExporter();
    const t = createTracing({ serviceName: 'svc', exporter });
    await expect(serverTracingInterceptor(t.tracer)(call({}), async () => Promise.reject(new Error('ECONNRESET')))).rejects.toThrow('ECONNRESET');
    await t.flush();
    expect(exporter.getFinishedSpans()[0]!.attributes['surge.code']).toBe(Code.Internal);
  });
});

describe('W3C helpers', () => {
  it('inject and extract round-trip a span context with its tracestate', () => {
    const ctx = extractTraceContext({ traceparent: TP, tracestate: 'a=1,b=2' });
    const sc = trace.getSpanContext(ctx)!;
    expect(sc).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', isRemote: true });
    expect(injectTraceContext(ctx, {})).toEqual({ traceparent: TP, tracestate: 'a=1,b=2' });
  });

  it('ignores a malformed traceparent (the next span starts a new trace)', () => {
    for (const bad of ['garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01']) {
      expect(trace.getSpanContext(extractTraceContext({ traceparent: bad }))).toBeUndefined();
    }
  });

  it('withSpan replaces only the trace fields; traceHeaders keeps only them (first of repeated headers)', () => {
    const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
    expect(withSpan({ 'x-request-id': 'r', traceparent: TP, tracestate: 'old=1' }, span)).toEqual({ 'x-request-id': 'r', traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` });
    expect(traceHeaders({ traceparent: [TP, 'x'], host: 'h', tracestate: 's=1' })).toEqual({ traceparent: TP, tracestate: 's=1' });
    expect(traceHeaders({ host: 'h' })).toEqual({});
  });

  it('ids come from the injected random and are never all zero', () => {
    let n = 0;
    const seq = randomIdGenerator(() => ((n++ % 16) + 0.5) / 16);
    expect(seq.generateTraceId()).toBe('08000000180000002800000038000000');
    expect(seq.generateSpanId()).toBe('4800000058000000');
    const zero = randomIdGenerator(() => 0);
    const sc = { traceId: zero.generateTraceId(), spanId: zero.generateSpanId(), traceFlags: 1 };
    expect(sc).toEqual({ traceId: `${'0'.repeat(30)}01`, spanId: `${'0'.repeat(14)}01`, traceFlags: 1 });
    expect(isSpanContextValid(sc)).toBe(true);
  });
});

describe('options', () => {
  const bad: [string, object][] = [
    ['serviceName', { serviceName: ' ' }],
    ['exporter', { serviceName: 's', exporter: 'jaeger' }],
    ['exporter', { serviceName: 's', exporter: {} }],
    ['otlpUrl', { serviceName: 's', exporter: 'otlp', otlpUrl: 'localhost:4318' }],
    ['sampleRatio', { serviceName: 's', sampleRatio: 1.5 }],
    ['sampleRatio', { serviceName: 's', sampleRatio: Number.NaN }],
    ['batch', { serviceName: 's', batch: 'yes' }],
    ['random', { serviceName: 's', random: 4 }],
  ];
  it.each(bad)('rejects a bad %s at construction, naming it', (field, o) => {
    const e = (() => {
      try {
        createTracing(o as never);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(SurgeError);
    expect((e as SurgeError).code).toBe(Code.InvalidArgument);
    expect((e as SurgeError).details).toEqual({ field });
  });

  it('builds an OTLP tracer without contacting the collector', async () => {
    const t = createTracing({ serviceName: 's', exporter: 'otlp', otlpUrl: 'http://127.0.0.1:1/v1/traces' });
    expect(t.enabled).toBe(true);
    await t.shutdown(); // nothing was recorded, so nothing is sent
  });
});
