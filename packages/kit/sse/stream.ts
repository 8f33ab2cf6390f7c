// A server-sent event stream as a Node Readable, for any HTTP stack that can send a stream
// (Fastify's reply.send, node:http's pipe). The producer is an async iterable of events, pulled
// one at a time and only when the stream wants data: while the socket's write returns false,
// pipe() stops reading, the Readable's buffer fills to highWaterMark, and the producer is not
// asked for the next event, so a slow client holds back the producer instead of growing memory.
//
// - Heartbeats: a comment every heartbeatMs on the injected clock, so proxies and load
//   balancers that close idle connections (nginx's proxy_read_timeout is 60 s) keep the stream;
//   skipped while data is still buffered (the connection is not idle then).
// - Disconnect: the consumer destroys the stream (Fastify does when the response closes); the
//   signal handed to the producer aborts and the iterator is returned, so its finally blocks
//   run and it stops producing.
// - close(): ends the stream cleanly (server shutdown): the producer is stopped the same way.
// - Last-Event-ID: handed to the producer, which resumes after it.
import { Readable } from 'node:stream';
import { type Clock, type Timer, systemClock } from '#kit/clock';
import { Code, errors, SurgeError } from '#kit/errors';
import { formatComment, formatEvent, type ServerSentEvent } from './format.js';

/** Events pulled back to back before yielding to the event loop once. */
const FAIR_BATCH = 32;

export interface EventProducerContext {
  /** The Last-Event-ID the client reconnected with; undefined on a first connection. */
  lastEventId: string | undefined;
  /** Aborts when the client goes away or the stream is closed: stop waiting for the next event. */
  signal: AbortSignal;
}

export type EventProducer = (ctx: EventProducerContext) => AsyncIterable<ServerSentEvent>;

export interface EventStreamOptions {
  /** From the request's Last-Event-ID header. Default undefined. */
  lastEventId?: string;
  /** Default 15_000: a comment this often keeps idle-closing proxies (60 s and up) from dropping the stream. 0 = none. */
  heartbeatMs?: number;
  /** Default undefined: the client's own reconnection delay (browsers use about 3 s). Sent first as `retry:`. */
  retryMs?: number;
  /** Default 16_384 bytes buffered in the stream before the producer is paused (Node's default for byte streams). */
  highWaterMarkBytes?: number;
  /** Default systemClock: heartbeats run on its timers. */
  clock?: Clock;
}

export interface EventStream extends Readable {
  /** Ends the stream after what is buffered, stopping the producer. */
  close(): void;
}

export function createEventStream(producer: EventProducer, options: EventStreamOptions = {}): EventStream {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 0) throw errors.invalid('heartbeatMs', 'must be a whole number of ms (0 = no heartbeats)');
  const highWaterMark = options.highWaterMarkBytes ?? 16_384;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw errors.invalid('highWaterMarkBytes', 'must be a positive whole number');
  const clock = options.clock ?? systemClock;
  const controller = new AbortController();
  let iterator: AsyncIterator<ServerSentEvent> | undefined;
  let pulling = false;
  let sinceYield = 0;
  let ended = false;
  let heartbeat: Timer | undefined;

  const stop = () => {
    heartbeat?.cancel();
    heartbeat = undefined;
    if (!controller.signal.aborted) controller.abort(new SurgeError(Code.Cancelled, 'the event stream closed'));
    // A producer that ignores the signal still has its finally blocks run when it next yields.
    iterator?.return?.().catch(() => undefined);
  };
  const finish = () => {
    if (ended) return;
    ended = true;
    stop();
    stream.push(null);
  };

  const stream = new Readable({
    highWaterMark,
    read() {
      if (pulling || ended) return;
      pulling = true;
      void pull();
    },
    destroy(err, callback) {
      ended = true;
      stop();
      callback(err);
    },
  }) as EventStream;
  stream.close = finish;

  async function pull(): Promise<void> {
    try {
      iterator ??= producer({ lastEventId: options.lastEventId, signal: controller.signal })[Symbol.asyncIterator]();
      for (;;) {
        // A producer that is always ready and a consumer that always takes would otherwise chain
        // promises (and the stream's own nextTicks) forever, starving every other connection.
        if (++sinceYield >= FAIR_BATCH) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
          if (ended) return;
        }
        const next = await iterator.next();
        if (ended) return;
        if (next.done) return finish();
        if (!stream.push(formatEvent(next.value))) return;
      }
    } catch (err) {
      // After a disconnect the producer's rejection is its abort: nothing to report.
      if (!ended) stream.destroy(SurgeError.from(err));
    } finally {
      pulling = false;
    }
  }

  const beat = () => {
    if (ended) return;
    if (stream.readableLength === 0) stream.push(formatComment('heartbeat'));
    heartbeat = clock.after(heartbeatMs, beat);
  };
  // The first bytes go at once, so the response's headers reach the client before any event.
  stream.push(options.retryMs === undefined ? formatComment('stream open') : `retry: ${options.retryMs}\n\n`);
  if (heartbeatMs > 0) heartbeat = clock.after(heartbeatMs, beat);
  return stream;
}
