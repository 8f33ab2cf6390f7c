export { defineQaService, type QaService, type QaServiceOptions } from './service.js';
export { qaMigrations } from './model/migrations.js';
export type { QaDB } from './model/tables.js';
export { MAX_ANSWERS_SHOWN, MAX_CONTENT, MAX_QUERY, MAX_TAG, MAX_TAGS, MAX_TITLE } from './rules.js';
export { ANSWER_WEIGHT_MS, VOTE_WEIGHT_MS, hotScore } from './model/hot.js';
export { ACCEPTED, ANSWERED, type AcceptedEvent, type AnsweredEvent } from './events.js';
export { DEFAULT_BLOCKED_WORDS, type QaConfig } from './config.js';
export { QaServiceDefinition } from '#gen/surge/qa/v1/qa';
export { qaModule, type QaSections } from './module.js';
