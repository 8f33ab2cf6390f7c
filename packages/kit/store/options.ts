// Defaults and validation for openServiceDatabase, done once before anything connects:
// a bad option is a SurgeError(InvalidArgument) naming it.
import { errors } from '#kit/errors';
import { type Clock, systemClock } from '#kit/clock';
import type { Migration, OpenServiceDatabaseOptions, QueryEvent } from './types.js';

export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

export interface ResolvedSqlite {
  dialect: 'sqlite';
  /** Full path of the file, or ':memory:'. */
  file: string;
  /** Folder to create, or undefined for ':memory:'. */
  dir: string | undefined;
  busyTimeoutMs: number;
}

export interface ResolvedMysql {
  dialect: 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  poolSize: number;
  connectTimeoutMs: number;
}

export interface ResolvedOptions {
  service: string;
  target: ResolvedSqlite | ResolvedMysql;
  migrations: Record<string, Migration>;
  onQuery: ((event: QueryEvent) => void) | undefined;
  clock: Clock;
}

// Names end up in a file path or a database identifier: keep them to a safe alphabet.
const SERVICE_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const DB_PREFIX = /^[A-Za-z][A-Za-z0-9_]{0,23}$/;

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw errors.invalid(name, `must be an integer >= ${min}`);
  return value;
}

export function resolveServiceDatabaseOptions(options: OpenServiceDatabaseOptions): ResolvedOptions {
  const { config, service } = options;
  if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
    throw errors.invalid('service', 'must be lower-case letters, digits or _ and start with a letter');
  }
  if (options.migrations === null || typeof options.migrations !== 'object') {
    throw errors.invalid('migrations', 'must be an object of migrations by name');
  }
  for (const [name, m] of Object.entries(options.migrations)) {
    if (typeof m?.up !== 'function') throw errors.invalid(`migrations.${name}`, 'must have an up(db) function');
  }

  let target: ResolvedSqlite | ResolvedMysql;
  if (config?.dialect === 'sqlite') {
    if (typeof config.dir !== 'string' || config.dir === '') throw errors.invalid('config.dir', 'must be a folder path or :memory:');
    const memory = config.dir === ':memory:';
    target = {
      dialect: 'sqlite',
      file: memory ? ':memory:' : `${config.dir.replace(/\/+$/, '')}/${service}.sqlite`,
      dir: memory ? undefined : config.dir,
      busyTimeoutMs: positiveInt('config.busyTimeoutMs', config.busyTimeoutMs, DEFAULT_BUSY_TIMEOUT_MS, 0),
    };
  } else if (config?.dialect === 'mysql') {
    if (typeof config.host !== 'string' || config.host === '') throw errors.invalid('config.host', 'is required');
    if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) throw errors.invalid('config.port', 'must be a TCP port');
    if (typeof config.user !== 'string' || config.user === '') throw errors.invalid('config.user', 'is required');
    if (typeof config.password !== 'string') throw errors.invalid('config.password', 'must be a string (empty for none)');
    if (typeof config.databasePrefix !== 'string' || !DB_PREFIX.test(config.databasePrefix)) {
      throw errors.invalid('config.databasePrefix', 'must be letters, digits or _ and start with a letter');
    }
    target = {
      dialect: 'mysql',
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: `${config.databasePrefix}_${service}`,
      poolSize: positiveInt('config.poolSize', config.poolSize, DEFAULT_POOL_SIZE),
      connectTimeoutMs: positiveInt('config.connectTimeoutMs', config.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    };
  } else {
    throw errors.invalid('config.dialect', "must be 'sqlite' or 'mysql'");
  }

  if (options.onQuery !== undefined && typeof options.onQuery !== 'function') throw errors.invalid('onQuery', 'must be a function');
  return Object.freeze({
    service,
    target: Object.freeze(target),
    migrations: options.migrations,
    onQuery: options.onQuery,
    clock: options.clock ?? systemClock,
  });
}
