// Secrets a local install makes for itself: the token-signing secret and the field-encryption key.
// Made at random on first start, kept in <dataDir>/secrets.json readable by the owner only, and
// read back on every later start, so tokens and encrypted fields survive a restart. There is no
// built-in secret: a value written in the code is public, and anyone could mint tokens with it.
//
// One mechanism for every local shape: embedded `npm start` (startSystem) fills what the
// configuration leaves unset; `surge up` hands the same file's values to every process it starts.
// loadConfig stays pure; this module is the file IO, called by the process entry points.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, validateConfig } from './load.js';
import type { Config } from './schema.js';

export const SECRETS_FILE = 'secrets.json';

/** What `surge up` wrote before this module existed; adopted once so existing tokens and data stay readable. */
const LEGACY_FILE = 'local-secrets.json';

/** 48 random bytes (64 characters of base64) for HS256: above the 32-byte floor of RFC 7518 §3.2. */
const JWT_SECRET_BYTES = 48;
/** The field cipher's AES-256 key. */
const FIELD_KEY_BYTES = 32;

export interface LocalSecrets {
  jwtSecret: string;
  fieldKey: string;
}

export interface LocalSecretsFile {
  secrets: LocalSecrets;
  /** Absolute path of <dataDir>/secrets.json. */
  file: string;
  /** True when this call made the file (first start). */
  created: boolean;
}

/**
 * The configuration with auth.jwtSecret / auth.fieldKey filled from the data dir's secrets file
 * where it leaves them unset (made on first use). Unchanged, and no file touched, when both are set.
 */
export function withLocalSecrets(config: Readonly<Config>): { config: Readonly<Config>; made?: LocalSecretsFile } {
  if (config.auth.jwtSecret !== '' && config.auth.fieldKey !== '') return { config };
  const made = localSecrets(config.dataDir);
  const filled = structuredClone(config) as Config;
  filled.auth.jwtSecret ||= made.secrets.jwtSecret;
  filled.auth.fieldKey ||= made.secrets.fieldKey;
  try {
    return { config: validateConfig(filled), made };
  } catch (err) {
    // Everything else was valid when loaded: the problem is in the file.
    throw new ConfigError(`${made.file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads <dataDir>/secrets.json, making it first when it does not exist (safe against a concurrent start). */
export function localSecrets(dataDir: string): LocalSecretsFile {
  const dir = resolve(dataDir);
  const file = join(dir, SECRETS_FILE);
  let created = false;
  if (!existsSync(file)) {
    const legacy = join(dir, LEGACY_FILE);
    const adopted = existsSync(legacy) ? readLegacy(legacy) : undefined;
    created = createOnce(dir, file, adopted ?? { jwtSecret: randomBytes(JWT_SECRET_BYTES).toString('base64'), fieldKey: randomBytes(FIELD_KEY_BYTES).toString('base64') });
    // One copy of a secret on disk, not two.
    if (created && adopted) unlinkSync(legacy);
  }
  return { secrets: readSecrets(file), file, created };
}

/**
 * Writes the file complete under a temporary name (O_EXCL, 0600), then links it into place: link
 * never replaces an existing file, so of two processes starting at once one wins and both read its
 * secrets, and no reader ever sees half a file. Returns false when another process won.
 */
function createOnce(dir: string, file: string, secrets: LocalSecrets): boolean {
  // 0700 applies to the folders made here only; an existing data dir keeps its mode (the file is 0600 anyway).
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const text = `${JSON.stringify(secrets, null, 2)}\n`;
  const tmp = join(dir, `.${SECRETS_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: exclusive create of the file itself (a reader racing this start could see it half written).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createDirectly(file, text);
    throw new ConfigError(`${file}: cannot be created (${(err as Error).message}); dataDir must be writable by this user`);
  } finally {
    unlinkSync(tmp);
  }
}

function createDirectly(file: string, text: string): boolean {
  try {
    writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readSecrets(file: string): LocalSecrets {
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new ConfigError(`${file}: readable by other users (mode 0${mode.toString(8)}); make it owner-only: chmod 600 ${file}`);
  }
  const parsed = parse(file, readFileSync(file, 'utf8'));
  const { jwtSecret, fieldKey } = parsed as Partial<LocalSecrets>;
  if (typeof jwtSecret !== 'string' || typeof fieldKey !== 'string') throw new ConfigError(`${file}: must hold {"jwtSecret": …, "fieldKey": …}; move it away to make new secrets (tokens signed before stop working, and mobile numbers stored before can no longer be read)`);
  return { jwtSecret, fieldKey };
}

function readLegacy(file: string): LocalSecrets {
  const parsed = parse(file, readFileSync(file, 'utf8')) as Record<string, unknown>;
  const jwtSecret = parsed.SURGE_JWT_SECRET;
  const fieldKey = parsed.SURGE_FIELD_KEY;
  if (typeof jwtSecret !== 'string' || typeof fieldKey !== 'string') throw new ConfigError(`${file}: an older surge up's secrets file, but without SURGE_JWT_SECRET and SURGE_FIELD_KEY; move it away to make new secrets`);
  return { jwtSecret, fieldKey };
}

function parse(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: is not valid JSON (${(err as Error).message})`);
  }
}

/** withLocalSecrets for a process start: says so in the log when it made the file. */
export function startWithLocalSecrets(config: Readonly<Config>, log: { info(obj: object, msg: string): void }): Readonly<Config> {
  const { config: filled, made } = withLocalSecrets(config);
  if (made?.created) log.info({ file: made.file }, 'made new secrets for this data dir (token signing, field encryption), owner-only; keep the file: tokens and stored mobile numbers depend on it');
  return filled;
}
