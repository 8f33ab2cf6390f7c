// What tracing adds to one RPC hop: a client and a server tracing interceptor around a call that
// does nothing, 1,000 calls per sample in a tight loop (µs per call = mean ms per sample).
// Run: npx vitest bench --run packages/kit/tracing
import { bench, describe } from 'vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ManualClock } from '#kit/clock';
import { chain, createCallContext, type Interceptor, type UnaryCall } from '#kit/rpc';
import { EchoServiceDefinition } from '#gen/surge/echo/v1/echo';
import { clientTracingInterceptor, createTracing, serverTracingInterceptor, type Tracing } from './index.js';

const CALLS = 1000;
const clock = new ManualClock();
const reply = Promise.resolve({ message: '', number: 0, remainingMs: -1 });
const call = (metadata: Record<string, string>): UnaryCall => ({
  service: EchoServiceDefinition.fullName,
  method: 'Echo',
  definition: EchoServiceDefinition.methods.echo,
  request: { message: '', number: 0, hops: 0 },
  ctx: createCallContext({ metadata, clock }),
});

// A discarding exporter behind a batch processor: what OTLP costs in-process, without the network.
const discard = { export: (_spans: unknown[], done: (r: { code: 0 }) => void) => done({ code: 0 }), shutdown: async () => {} };

function hop(t: Tracing | undefined): () => Promise<void> {
  const icps: Interceptor[] = t ? [clientTracingInterceptor(t.tracer), serverTracingInterceptor(t.tracer)] : [];
  const send = chain(icps, () => reply);
  const c = call({ 'x-request-id': 'r-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
  return async () => {
    for (let i = 0; i < CALLS; i++) await send(c);
  };
}

describe(`one hop (client + server interceptor), ${CALLS} calls per sample`, () => {
  bench('no tracing interceptors', hop(undefined));
  bench('off (exporter none, sampleRatio 0)', hop(createTracing({ serviceName: 'b', exporter: 'none', sampleRatio: 0 })));
  bench('on, exporter none (propagate only)', hop(createTracing({ serviceName: 'b' })));
  bench('on, batch exporter (as OTLP, no network)', hop(createTracing({ serviceName: 'b', exporter: discard as never, batch: true })));
  bench('on, exporting, sampleRatio 0, unsampled root', () => {
    const t = createTracing({ serviceName: 'b', exporter: new InMemorySpanExporter(), sampleRatio: 0 });
    const send = chain([clientTracingInterceptor(t.tracer), serverTracingInterceptor(t.tracer)], () => reply);
    const c = call({ 'x-request-id': 'r-1' });
    return (async () => {
      for (let i = 0; i < CALLS; i++) await send(c);
    })();
  });
});
