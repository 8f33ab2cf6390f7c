// 53-bit snowflake-style ids: time, worker and sequence, exact as JavaScript numbers.
export {
  createIdGenerator,
  decodeId,
  DEFAULT_EPOCH_MS,
  MAX_WORKER_ID,
  type IdGenerator,
  type IdGeneratorOptions,
  type DecodedId,
} from './snowflake.js';
