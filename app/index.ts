export { startSystem, type System, type StartOptions } from './system.js';
export { loadConfig, validateConfig, isEmbedded, ConfigError, type Config } from './config/index.js';
