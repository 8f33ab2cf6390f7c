// Bad configuration fails at open, before anything connects, naming the option.
import { describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { createCache } from '#kit/cache';
import { createRowCache, openServiceDatabase, type OpenServiceDatabaseOptions } from './index.js';

const mysql = { dialect: 'mysql', host: '127.0.0.1', port: 1, user: 'root', password: '', databasePrefix: 'surge' } as const;

async function invalidField(options: OpenServiceDatabaseOptions): Promise<unknown> {
  const err = await openServiceDatabase(options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SurgeError);
  expect((err as SurgeError).code).toBe(Code.InvalidArgument);
  return (err as SurgeError).details?.field;
}

describe('store options', () => {
  it('rejects bad options with InvalidArgument naming the option', async () => {
    const migrations = {};
    expect(await invalidField({ config: { dialect: 'sqlite', dir: '' }, service: 'users', migrations })).toBe('config.dir');
    expect(await invalidField({ config: { dialect: 'sqlite', dir: ':memory:' }, service: '../etc', migrations })).toBe('service');
    expect(await invalidField({ config: { ...mysql, databasePrefix: 'x`; drop' }, service: 'users', migrations })).toBe('config.databasePrefix');
    expect(await invalidField({ config: { ...mysql, poolSize: 0 }, service: 'users', migrations })).toBe('config.poolSize');
    expect(await invalidField({ config: { ...mysql, connectTimeoutMs: 1.5 }, service: 'users', migrations })).toBe('config.connectTimeoutMs');
    expect(await invalidField({ config: { ...mysql, port: 70000 }, service: 'users', migrations })).toBe('config.port');
    expect(await invalidField({ config: { dialect: 'postgres' } as never, service: 'users', migrations })).toBe('config.dialect');
    expect(await invalidField({ config: { dialect: 'sqlite', dir: ':memory:' }, service: 'users', migrations: { '0001': {} as never } }))
      .toBe('migrations.0001');
  });

  it('a failing migration names itself, not the SQL', async () => {
    const err = await openServiceDatabase({
      config: { dialect: 'sqlite', dir: ':memory:' },
      service: 'broken',
      migrations: { '0001_bad': { up: (db) => db.schema.createTable('t').addColumn('x', 'integer', (c) => c.references('missing.id')).addColumn('x', 'text').execute() } },
    }).catch((e: unknown) => e);
    expect((err as SurgeError).code).toBe(Code.Internal);
    expect((err as SurgeError).message).toBe('database migration 0001_bad failed');
    expect((err as SurgeError).cause).toBeInstanceOf(Error);
  });

  it('row cache options are checked at construction', () => {
    const cache = createCache();
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as SurgeError).details?.field;
      }
      return undefined;
    };
    expect(field(() => createRowCache({ cache, prefix: 'a:b' }))).toBe('prefix');
    expect(field(() => createRowCache({ cache, prefix: 'user', ttlMs: 0 }))).toBe('ttlMs');
    expect(field(() => createRowCache({ cache: {} as never, prefix: 'user' }))).toBe('cache');
    expect(field(() => createRowCache<{ id: number }>({ cache, prefix: 'user', unique: ['id'] }))).toBe('unique');
    expect(createRowCache({ cache, prefix: 'user' }).uniqueKey('email', 'a@b.c')).toBe('user:email:a@b.c');
  });
});
