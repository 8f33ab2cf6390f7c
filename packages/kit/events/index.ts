// Public door of typed events: defineTopic gives a topic its protobuf message and its check; the
// queue (#kit/queue) and the outbox (#kit/outbox) take the topic value wherever a topic name goes.
export { defineTopic, type ProtoMessage, type TopicCheck } from './topic.js';
export { requireId, requireUnitDelta } from './checks.js';
