// The rules the schema cannot say: formats of secrets, and settings that depend on each other or
// on the mode. Each failure names its key and how to fix it; loadConfig throws it at start.
import { serviceList } from '../../services/index.js';
import type { Config } from './schema.js';

/** HS256 keys shorter than the hash output (32 bytes) weaken the MAC (RFC 7518 §3.2); the ops token follows the same floor. */
const MIN_SECRET_CHARS = 32;

/** Values copied from an example and never replaced ("change me", "replace with …"): the retired built-in secrets said so too. */
const PLACEHOLDER = /change-?me|replace-?with/i;

/** 32 bytes in base64: the field cipher's key (AES-256). */
const FIELD_KEY = /^[A-Za-z0-9+/]{43}=$/;

const MAKE_JWT = 'openssl rand -base64 48';
const MAKE_FIELD_KEY = 'openssl rand -base64 32';

/** Embedded mode: every adapter in-process or on local disk. */
export function isEmbedded(c: Config): boolean {
  return c.database.driver === 'sqlite' && c.cache.driver === 'memory' && c.queue.driver === 'memory' && c.blob.driver === 'local' && c.registry.driver === 'memory';
}

/**
 * Every problem of a schema-valid configuration, as "key: what is wrong; how to fix it".
 * `secretsRequired`: false in embedded mode (secrets.ts makes the missing ones) and for tools that never sign.
 */
export function configProblems(c: Config, secretsRequired: boolean): string[] {
  const problems: string[] = [];
  const add = (problem: string | undefined) => void (problem && problems.push(problem));
  add(secretProblem('auth.jwtSecret', c.auth.jwtSecret, secretsRequired, 'SURGE_JWT_SECRET', MAKE_JWT));
  add(fieldKeyProblem(c.auth.fieldKey, secretsRequired));
  add(c.ops.token === '' ? undefined : secretProblem('ops.token', c.ops.token, false, 'SURGE_OPS_TOKEN', MAKE_JWT));
  if (c.rpc.tls.enabled) {
    for (const k of ['ca', 'cert', 'key'] as const) if (c.rpc.tls[k] === '') add(`rpc.tls.${k}: required with rpc.tls.enabled (the path of a PEM file; docs/deploy.md, "Internal ports and mutual TLS")`);
  }
  if (c.ops.port !== 0 && c.ops.port === c.http.port) add(`ops.port: ${c.ops.port} is also http.port; give the ops pages a port of their own, or 0 to serve them on the API port`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: c.douyin.timeZone });
  } catch {
    add(`douyin.timeZone: "${c.douyin.timeZone}" is not an IANA time zone (e.g. Asia/Shanghai, UTC)`);
  }
  // Each service's own rules for its section (services/<name>/config.ts).
  const system = { embedded: isEmbedded(c), rpcTimeoutMs: c.rpc.timeoutMs };
  const sections = c as unknown as Record<string, unknown>;
  for (const entry of serviceList) {
    if (entry.problems) problems.push(...(entry.problems as (section: unknown, s: typeof system) => string[])(sections[entry.name], system));
  }
  return problems;
}

function secretProblem(key: string, value: string, required: boolean, env: string, make: string): string | undefined {
  if (value === '') return required ? `${key}: not set; outside embedded mode every process must be given the same one: set ${env} (e.g. "$(${make})") or ${key} in the config file` : undefined;
  if (value.length < MIN_SECRET_CHARS) return `${key}: must be at least ${MIN_SECRET_CHARS} characters (e.g. the output of ${make})`;
  if (PLACEHOLDER.test(value)) return `${key}: is an example's placeholder, not a secret; set a random one (${make})`;
  return undefined;
}

function fieldKeyProblem(value: string, required: boolean): string | undefined {
  if (value === '') return required ? `auth.fieldKey: not set; outside embedded mode every process must be given the same key: set SURGE_FIELD_KEY (e.g. "$(${MAKE_FIELD_KEY})") or auth.fieldKey in the config file` : undefined;
  if (!FIELD_KEY.test(value)) return `auth.fieldKey: must be 32 random bytes in base64 (44 characters), e.g. the output of: ${MAKE_FIELD_KEY}`;
  if (PLACEHOLDER.test(value) || PLACEHOLDER.test(Buffer.from(value, 'base64').toString('latin1'))) return `auth.fieldKey: is an example's placeholder, not a key; set a random one (${MAKE_FIELD_KEY})`;
  return undefined;
}
