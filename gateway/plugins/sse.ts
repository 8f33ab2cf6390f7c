// Server-sent events on Fastify: `return reply.sendEvents(producer)` answers text/event-stream
// from an async-iterable producer (#kit/sse: back-pressure, heartbeats on the injected clock,
// the producer stopped when the client goes away, Last-Event-ID handed to it). The stream is
// sent through reply.send, so the reply's headers (CORS), onSend and onResponse hooks (metrics,
// the access-log line at the stream's end) apply as to any reply. Streams still open when the
// server closes are ended first (preClose), or close() would wait for clients that never leave.
// A route that streams should not set config.timeoutMs: its deadline would cut the stream.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { createEventStream, type EventProducer, type EventStream } from '#kit/sse';

declare module 'fastify' {
  interface FastifyReply {
    /** Answers with a server-sent event stream pulled from producer (plugins/sse.ts). retryMs: the client's reconnection delay. */
    sendEvents(producer: EventProducer, options?: { retryMs?: number }): FastifyReply;
  }
}

export interface ServerSentEventsOptions {
  /** Default 15_000: a comment this often keeps idle-closing proxies (nginx: 60 s) from dropping a quiet stream. */
  heartbeatMs?: number;
  /** Default systemClock. */
  clock?: Clock;
}

export function installServerSentEvents(app: FastifyInstance, options: ServerSentEventsOptions = {}): void {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 0) throw errors.invalid('heartbeatMs', 'must be a whole number of ms (0 = no heartbeats)');
  const clock = options.clock ?? systemClock;
  const open = new Set<EventStream>();
  app.decorateReply('sendEvents', function sendEvents(this: FastifyReply, producer: EventProducer, o: { retryMs?: number } = {}) {
    const header = this.request.headers['last-event-id'];
    const stream = createEventStream(producer, { lastEventId: typeof header === 'string' ? header : undefined, retryMs: o.retryMs, heartbeatMs, clock });
    open.add(stream);
    stream.once('close', () => open.delete(stream));
    return this.code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      // no-transform: a compressing proxy would buffer events; X-Accel-Buffering: nginx's own buffering off.
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no')
      .send(stream);
  });
  app.addHook('preClose', (done) => {
    for (const stream of open) stream.close();
    done();
  });
}
