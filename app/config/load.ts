// Builds the configuration: defaults ← YAML file (SURGE_CONFIG or --config) ← environment.
// Anything wrong stops the process at start with a message naming the key.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { Code, SurgeError } from '#kit/errors';
import { configProblems, isEmbedded } from './checks.js';
import { ConfigSchema, type Config } from './schema.js';

/**
 * A bad configuration, found at start: a SurgeError (InvalidArgument) like every other refusal,
 * with a class of its own only so that main.ts and cli.ts can exit with status 2 (the settings or
 * the command line are wrong) rather than 1 (the process failed).
 */
export class ConfigError extends SurgeError {
  override readonly name = 'ConfigError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(Code.InvalidArgument, message, options);
  }
}

/** Short environment names for the settings people change most. */
const ENV_ALIASES: Record<string, string> = {
  PORT: 'http.port',
  HOST: 'http.host',
  SURGE_DATA: 'dataDir',
  SURGE_LOG_LEVEL: 'log.level',
  SURGE_JWT_SECRET: 'auth.jwtSecret',
  SURGE_FIELD_KEY: 'auth.fieldKey',
  SURGE_OPS_TOKEN: 'ops.token',
  SURGE_WORKER_ID: 'ids.workerId',
};

/**
 * Keys known by a second name: the name the product's documents use for a setting that belongs to
 * one service's section. Given both, they must agree.
 */
const KEY_ALIASES: Record<string, string> = {
  'community.pushLimit': 'feed.pushLimit',
};

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** A config file; default: the SURGE_CONFIG variable. */
  file?: string;
  /** Values applied last (tests). */
  overrides?: Record<string, unknown>;
  /**
   * For tools that never sign or decrypt (surge ps), and for `surge up` before it hands out the
   * data dir's secrets: a missing auth.jwtSecret / auth.fieldKey is not an error in any mode.
   */
  secretsUnused?: boolean;
}

export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  let raw: Record<string, unknown> = {};
  const file = options.file ?? env.SURGE_CONFIG;
  if (file) raw = readConfigFile(file);
  for (const [name, path] of Object.entries(ENV_ALIASES)) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(raw, path, v);
  }
  // Any key by path: SURGE__database__driver=mysql, SURGE__cache__redis__url=redis://…
  for (const [name, v] of Object.entries(env)) {
    if (name.startsWith('SURGE__') && v !== undefined) setPath(raw, name.slice(7).split('__').join('.'), parseEnvValue(v));
  }
  if (options.overrides) for (const [path, v] of Object.entries(options.overrides)) setPath(raw, path, v);
  applyKeyAliases(raw);
  return validateConfig(raw, options.secretsUnused);
}

/**
 * Schema, defaults and the cross-key rules (checks.ts). Pure: a missing secret stays '' in embedded
 * mode, and the process entry points fill it from the data dir (secrets.ts).
 */
export function validateConfig(raw: unknown, secretsUnused = false): Readonly<Config> {
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, structuredClone(raw)));
  const problems = [...Value.Errors(ConfigSchema, withDefaults)]
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'boolean')
    .map((e) => describe(e));
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`);
  const config = withDefaults as Config;
  const rules = configProblems(config, !isEmbedded(config) && !secretsUnused);
  if (rules.length > 0) throw new ConfigError(rules.length === 1 ? rules[0]! : `invalid configuration:\n  ${rules.join('\n  ')}`);
  return deepFreeze(config);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${file} cannot be read: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(e as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`config file ${file} must hold a mapping of keys`);
  return parsed as Record<string, unknown>;
}

function describe(e: { instancePath: string; message: string; keyword: string; params: Record<string, unknown> }): string {
  const key = e.instancePath.slice(1).split('/').join('.') || '(top level)';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params.additionalProperties as string[] | undefined)?.join(', ');
    return `${key === '(top level)' ? '' : key + ': '}unknown key${extra ? ` ${extra}` : ''}`;
  }
  if (e.keyword === 'const') return `${key}: must be one of the allowed values`;
  return `${key}: ${e.message}`;
}

function parseEnvValue(v: string): unknown {
  const t = v.trim();
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = value;
}

/** Moves each alias's value to its key (a second name for one setting; both given must agree). */
function applyKeyAliases(raw: Record<string, unknown>): void {
  for (const [alias, key] of Object.entries(KEY_ALIASES)) {
    const [section, name] = alias.split('.') as [string, string];
    const holder = raw[section];
    if (typeof holder !== 'object' || holder === null || !(name in holder)) continue;
    const value = (holder as Record<string, unknown>)[name];
    delete (holder as Record<string, unknown>)[name];
    const [keySection, keyName] = key.split('.') as [string, string];
    const current = (raw[keySection] as Record<string, unknown> | undefined)?.[keyName];
    if (current !== undefined && String(current) !== String(value)) throw new ConfigError(`${alias} (${String(value)}) and ${key} (${String(current)}) name one setting: give one, or the same value`);
    setPath(raw, key, value);
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
