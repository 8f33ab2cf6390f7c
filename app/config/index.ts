export { ConfigSchema, DEV_FIELD_KEY, DEV_JWT_SECRET, type Config } from './schema.js';
export { ConfigError, isEmbedded, loadConfig, validateConfig, type LoadOptions } from './load.js';
