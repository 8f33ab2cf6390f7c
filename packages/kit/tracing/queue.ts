// A Queue that carries the trace across the broker. publish() starts a PRODUCER span, child of
// the traceparent in the publish headers (pass the caller's context with
// `headers: traceHeaders(ctx.metadata)`), and sends the producer's traceparent in its place;
// each delivery runs in a CONSUMER span, child of the producer, and the handler sees the
// consumer's traceparent in msg.headers, to pass on with `metadata: traceHeaders(msg.headers)`.
// A retried delivery gets a new CONSUMER span under the same producer.
import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { MessageHandler, PublishOptions, Queue, SubscribeOptions, Subscription, Topic } from '#kit/queue';
import { isTracingOff } from './nop.js';
import { within } from './outcome.js';
import { extractTraceContext, withSpan } from './propagation.js';

export interface QueueTracingOptions {
  /** `messaging.system` on every span. Default 'surge': the kit's queue, over memory or JetStream alike. */
  system?: string;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export function tracedQueue(queue: Queue, tracer: Tracer, options: QueueTracingOptions = {}): Queue {
  if (isTracingOff(tracer)) return queue; // headers the caller passes (a traceparent) still travel
  const system = options.system ?? 'surge';
  return {
    publish<T>(topic: string | Topic<T>, data: T, o?: PublishOptions): Promise<void> {
      const name = typeof topic === 'string' ? topic : topic.name;
      const span = tracer.startSpan(
        `publish ${name}`,
        { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': system, 'messaging.operation.type': 'send', 'messaging.destination.name': name } },
        extractTraceContext(o?.headers ?? NO_HEADERS),
      );
      return within(span, () => queue.publish(topic, data, { ...o, headers: withSpan(o?.headers, span) }));
    },

    subscribe<T>(topic: string | Topic<T>, group: string, handler: MessageHandler<T>, o?: SubscribeOptions): Promise<Subscription> {
      const name = typeof topic === 'string' ? topic : topic.name;
      const traced: MessageHandler<T> = (msg) => {
        const span = tracer.startSpan(
          `process ${name}`,
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              'messaging.system': system,
              'messaging.operation.type': 'process',
              'messaging.destination.name': name,
              'messaging.consumer.group.name': group,
              'messaging.message.id': msg.id,
              'surge.attempt': msg.attempt,
            },
          },
          extractTraceContext(msg.headers),
        );
        return within(span, () => handler({ ...msg, headers: withSpan(msg.headers, span) }));
      };
      return queue.subscribe(topic, group, traced, o);
    },

    ping: () => queue.ping(),
    backlog: () => queue.backlog(),
    close: () => queue.close(),
  };
}
