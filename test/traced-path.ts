// Test fixture: the whole path one request takes, traced. It lives in test/ because it mounts the
// gateway's plugins, which the kit must not import. A Fastify app with installTracing whose route
// calls an Echo client (client tracing interceptor) over the chosen transport to an RpcServer
// (server tracing interceptor first), whose handler may call itself `hops` times with
// { parent: ctx } and then publishes to a traced memory queue that a consumer drains. Every span
// lands in one InMemorySpanExporter.
import Fastify, { type FastifyInstance } from 'fastify';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { systemClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createMemoryQueue, type QueueMessage } from '#kit/queue';
import {
  createClient,
  createFramedTransport,
  createGrpcTransport,
  createInProcessTransport,
  RpcServer,
  serverInterceptors,
  startFramedServer,
  startGrpcServer,
  type Client,
  type Transport,
} from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { installErrorHandling } from '../gateway/plugins/errors.js';
import { installTracing } from '../gateway/plugins/tracing.js';
import { clientTracingInterceptor, createTracing, serverTracingInterceptor, traceHeaders, tracedQueue, type Tracing } from '#kit/tracing';

export type TransportKind = 'in-process' | 'grpc' | 'framed';
type Echo = Client<typeof EchoServiceDefinition>;

export const TOPIC = 'trace.echoed';
const silent = { error() {}, debug() {}, warn() {}, info() {} };

export interface TracedPath {
  app: FastifyInstance;
  tracing: Tracing;
  exporter: InMemorySpanExporter;
  /** Messages the consumer received, as its handler saw them (headers name the CONSUMER span). */
  consumed: QueueMessage<{ message: string }>[];
  /** Waits (bounded) until at least n spans are exported, and returns them all. */
  spans(n: number): Promise<ReadableSpan[]>;
  close(): Promise<void>;
}

export interface PathOptions {
  /** The consumer fails this many times before it succeeds. Default 0. */
  consumerFailures?: number;
}

export async function startTracedPath(kind: TransportKind, o: PathOptions = {}): Promise<TracedPath> {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({ serviceName: 'trace-test', exporter });
  const { tracer } = tracing;
  const closers: (() => Promise<void>)[] = [];

  const queue = tracedQueue(createMemoryQueue(), tracer);
  closers.push(() => queue.close());
  const consumed: QueueMessage<{ message: string }>[] = [];
  let failures = o.consumerFailures ?? 0;
  await queue.subscribe<{ message: string }>(
    TOPIC,
    'trace-consumer',
    async (msg) => {
      if (failures-- > 0) throw new SurgeError(Code.Unavailable, 'the mail server is down');
      consumed.push(msg);
    },
    { maxAttempts: 3, backoffMs: [1] },
  );

  let self!: Echo;
  const rpc = new RpcServer([serverTracingInterceptor(tracer), ...serverInterceptors({ log: silent, observer: { observe() {} }, clock: systemClock })]);
  rpc.register(EchoServiceDefinition, {
    async echo(req, ctx) {
      if (req.hops > 0) return self.echo({ ...req, hops: req.hops - 1 }, { parent: ctx });
      if (req.message === 'missing') throw new SurgeError(Code.NotFound, 'echo target not found');
      await queue.publish(TOPIC, { message: req.message }, { headers: traceHeaders(ctx.metadata) });
      return { message: req.message, number: req.number, remainingMs: -1 };
    },
  });

  let transport: Transport;
  if (kind === 'in-process') {
    transport = createInProcessTransport(rpc, { codecCheck: true });
  } else if (kind === 'grpc') {
    const server = await startGrpcServer(rpc);
    const t = createGrpcTransport({ port: server.port });
    closers.push(() => t.close(), () => server.close({ drainMs: 0 }));
    transport = t;
  } else {
    const server = await startFramedServer(rpc);
    const t = createFramedTransport({ port: server.port });
    closers.push(() => t.close(), () => server.close({ drainMs: 0 }));
    transport = t;
  }
  self = createClient(EchoServiceDefinition, transport, { interceptors: [clientTracingInterceptor(tracer)] });

  const app = Fastify({ logger: false });
  installTracing(app, tracer);
  installErrorHandling(app); // the gateway's own mapping of errors to statuses
  app.get<{ Params: { message: string }; Querystring: { hops?: string } }>('/api/v1/echo/:message', (request) =>
    self.echo({ message: request.params.message, number: 7, hops: Number(request.query.hops ?? 0) }, { metadata: { 'x-request-id': String(request.id), ...request.traceMetadata() } }),
  );
  // A bug in a route: the client sees 500 "internal error", the span the code, neither the text.
  app.get('/boom', async () => {
    throw new Error('SELECT secret FROM t');
  });
  app.post('/api/v1/echo', (request) => request.body as object);
  await app.ready();
  closers.unshift(() => app.close());

  return {
    app,
    tracing,
    exporter,
    consumed,
    async spans(n) {
      const end = Date.now() + 3000;
      for (;;) {
        await tracing.flush();
        const spans = exporter.getFinishedSpans();
        if (spans.length >= n) return spans;
        if (Date.now() > end) throw new Error(`expected ${n} spans, have ${spans.length}: ${spans.map((s) => s.name).join(', ')}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      for (const c of closers) await c();
      await tracing.shutdown();
    },
  };
}

/** The one span of this kind and name; fails the test if there are none or several. */
export function only(spans: readonly ReadableSpan[], kind: SpanKind, name?: string): ReadableSpan {
  const found = spans.filter((s) => s.kind === kind && (name === undefined || s.name === name));
  if (found.length !== 1) throw new Error(`expected one ${SpanKind[kind]} span${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

export const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;
export const idOf = (s: ReadableSpan): string => s.spanContext().spanId;
export const traceOf = (s: ReadableSpan): string => s.spanContext().traceId;
