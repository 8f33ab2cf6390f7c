// Roles on SQLite and MariaDB: SetRole grants and revokes idempotently, refuses a role outside the
// closed set and an unknown account; GetRoles reads the database on every call, so a grant made
// through another handle on the same database (another process: surge admin, another instance)
// is seen by the next call; the by-username door finds the account as sign-in does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { openServiceDatabase, type DatabaseConfig, type ServiceDatabase } from '#kit/store';
import { dropDatabases, servers, testDatabases, type TestDatabaseKind } from '#kit/testing';
import { userMigrations } from './model/migrations.js';
import type { UserDB } from './model/tables.js';
import { createRoleAdmin } from './roles-admin.js';
import { openUserFixture } from './testing/fixture.js';

const invalid = (field: string) => expect.objectContaining({ code: Code.InvalidArgument, details: expect.objectContaining({ field }) });

/** Two handles on one database, as two processes would hold it: one SQLite file, or one MariaDB database. */
async function twoHandles(kind: TestDatabaseKind, cleanups: (() => Promise<unknown>)[]): Promise<[ServiceDatabase<UserDB>, ServiceDatabase<UserDB>]> {
  let config: DatabaseConfig;
  if (kind.name === 'SQLite') {
    const dir = await mkdtemp(join(tmpdir(), 'surge-roles-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    config = { dialect: 'sqlite', dir };
  } else {
    const databasePrefix = `surgetest_${Math.random().toString(36).slice(2, 10)}`;
    cleanups.push(() => dropDatabases(databasePrefix));
    config = { dialect: 'mysql', host: servers.mariadb.host, port: servers.mariadb.port, user: 'root', password: '', databasePrefix };
  }
  const open = () => openServiceDatabase<UserDB>({ config, service: 'user', migrations: userMigrations });
  const first = await open();
  const second = await open();
  // Closed before the files or databases go (cleanups run last to first).
  cleanups.push(() => first.close(), () => second.close());
  return [first, second];
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`user roles on ${kind.name}`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const fn of cleanups.reverse()) await fn();
      await kind.cleanup();
    });

    it('grants and revokes admin, each twice: the second call changes nothing and says so', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      const { userId } = await f.service.register({ username: 'alice', password: 'secret123' }, ctx);
      const other = await f.service.register({ username: 'bob', password: 'secret123' }, ctx);
      expect(await f.service.getRoles({ userId }, ctx)).toEqual({ roles: [] });

      expect(await f.service.setRole({ userId, role: 'admin', granted: true }, ctx)).toEqual({ changed: true, roles: ['admin'] });
      expect(await f.service.setRole({ userId, role: 'admin', granted: true }, ctx)).toEqual({ changed: false, roles: ['admin'] });
      expect(await f.service.getRoles({ userId }, ctx)).toEqual({ roles: ['admin'] });
      expect(await f.service.getRoles({ userId: other.userId }, ctx)).toEqual({ roles: [] });
      // One row, however often granted.
      expect(await f.db.db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute()).toHaveLength(1);

      expect(await f.service.setRole({ userId, role: 'admin', granted: false }, ctx)).toEqual({ changed: true, roles: [] });
      expect(await f.service.setRole({ userId, role: 'admin', granted: false }, ctx)).toEqual({ changed: false, roles: [] });
      expect(await f.service.getRoles({ userId }, ctx)).toEqual({ roles: [] });
    });

    it('refuses a role outside the closed set, a bad id and an unknown account, storing nothing', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      const { userId } = await f.service.register({ username: 'carol', password: 'secret123' }, ctx);
      for (const role of ['admn', 'Admin', 'ADMIN', ' admin', 'root', '', 'a'.repeat(10_000)]) {
        await expect(f.service.setRole({ userId, role, granted: true }, ctx), role.slice(0, 20)).rejects.toEqual(invalid('role'));
        await expect(f.service.setRole({ userId, role, granted: false }, ctx), role.slice(0, 20)).rejects.toEqual(invalid('role'));
      }
      for (const bad of [0, -1, 2.5, Number.MAX_SAFE_INTEGER + 1]) {
        await expect(f.service.setRole({ userId: bad, role: 'admin', granted: true }, ctx), String(bad)).rejects.toEqual(invalid('user_id'));
        await expect(f.service.getRoles({ userId: bad }, ctx), String(bad)).rejects.toEqual(invalid('user_id'));
      }
      const nobody = userId + 1;
      await expect(f.service.setRole({ userId: nobody, role: 'admin', granted: true }, ctx)).rejects.toMatchObject({ code: Code.NotFound, message: `user ${nobody} not found` });
      await expect(f.service.setRole({ userId: nobody, role: 'admin', granted: false }, ctx)).rejects.toMatchObject({ code: Code.NotFound });
      expect(await f.service.getRoles({ userId: nobody }, ctx)).toEqual({ roles: [] });
      expect(await f.db.db.selectFrom('user_roles').selectAll().execute()).toEqual([]);
    });

    it("sees another process's grant and revocation on the next call (two handles on one database, no cache between)", async () => {
      const [serving, other] = await twoHandles(kind, cleanups);
      const f = await openUserFixture(kind, {}, serving);
      const ctx = f.as(undefined).ctx;
      const { userId } = await f.service.register({ username: 'Dave', password: 'secret123' }, ctx);
      const tool = createRoleAdmin(other, systemClock);

      expect(await f.service.getRoles({ userId }, ctx)).toEqual({ roles: [] });
      expect(await tool.setRoleOf('dave', 'admin', true)).toEqual({ userId, username: 'Dave', changed: true, roles: ['admin'] });
      expect(await f.service.getRoles({ userId }, ctx)).toEqual({ roles: ['admin'] });
      expect(await tool.setRoleOf('DAVE', 'admin', false)).toEqual({ userId, username: 'Dave', changed: true, roles: [] });
      expect(await f.service.getRoles({ userId }, ctx)).toEqual({ roles: [] });
      // And the other way: the service's grant is what the tool finds.
      await f.service.setRole({ userId, role: 'admin', granted: true }, ctx);
      expect(await tool.setRoleOf('Dave', 'admin', true)).toMatchObject({ changed: false, roles: ['admin'] });
    });

    it('by username: finds the account by any spelling of its key, refuses malformed and unknown names', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      const erin = await f.service.register({ username: 'Erin', password: 'secret123' }, ctx);
      const tool = createRoleAdmin(f.db, systemClock);
      expect(await tool.setRoleOf('ＥＲＩＮ', 'admin', true)).toEqual({ userId: erin.userId, username: 'Erin', changed: true, roles: ['admin'] });
      for (const bad of ['', 'a b', 'x'.repeat(33), 'x'.repeat(100_000), 'tab\there']) {
        await expect(tool.setRoleOf(bad, 'admin', true), bad.slice(0, 20)).rejects.toEqual(invalid('username'));
      }
      await expect(tool.setRoleOf('erin', 'owner', true)).rejects.toEqual(invalid('role'));
      await expect(tool.setRoleOf('frank', 'admin', true)).rejects.toMatchObject({ code: Code.NotFound, message: 'user "frank" not found' });
      expect(await f.service.getRoles({ userId: erin.userId }, ctx)).toEqual({ roles: ['admin'] });
    });
  });
}
