// Server-sent events: the text/event-stream format and a stream that pulls events from an
// async-iterable producer with back-pressure, heartbeats and cleanup on disconnect.
export { formatEvent, formatComment, type ServerSentEvent } from './format.js';
export { createEventStream, type EventStream, type EventStreamOptions, type EventProducer, type EventProducerContext } from './stream.js';
