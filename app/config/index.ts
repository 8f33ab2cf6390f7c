export { ConfigSchema, type Config } from './schema.js';
export { ConfigError, loadConfig, validateConfig, type LoadOptions } from './load.js';
export { isEmbedded } from './checks.js';
export { withLocalSecrets, startWithLocalSecrets, localSecrets, SECRETS_FILE, type LocalSecrets, type LocalSecretsFile } from './secrets.js';
export { rpcTls } from './tls.js';
