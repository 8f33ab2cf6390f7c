// Public door of the queue: publish/subscribe with durable consumer groups, retry with back-off,
// dead letters and idempotent consumers, over an in-process adapter or NATS JetStream.
export {
  type Queue,
  type GroupBacklog,
  type QueueMessage,
  type PublishOptions,
  type SubscribeOptions,
  type Subscription,
  type MessageHandler,
  deadLetterTopic,
  deadLetterHeader,
} from './types.js';
export { subscribeDefaults, resolveSubscribeOptions, type ResolvedSubscribeOptions } from './options.js';
export { createMemoryQueue, resolveMemoryQueueOptions, type MemoryQueueOptions } from './memory.js';
export { connectJetStreamQueue, resolveJetStreamQueueOptions, streamName, type JetStreamQueueOptions } from './jetstream.js';
export { idempotent, inProgress, type IdempotentOptions, type DedupStore, type ClaimResult } from './idempotent.js';
export { createMemoryDedupStore, type MemoryDedupStoreOptions } from './dedup-memory.js';
export { createRedisDedupStore, type RedisDedupStoreOptions, type DedupRedisClient } from './dedup-redis.js';
export { jsonCodec, bytesCodec, topicOf, type Codec, type Topic } from './codec.js';
