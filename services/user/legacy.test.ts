// Accounts made before usernames were compared by key and mobiles read as E.164, on SQLite and
// MariaDB: migration 0003 keys the usernames (keeping look-alike pairs that already exist
// reachable by their exact spelling), and the start-up re-index moves mobiles to E.164 and
// renames accounts still called by their masked number.
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAccountKeys, createFieldCipher, hashPassword } from '#kit/auth';
import { createCache } from '#kit/cache';
import { systemClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { legacyMaskedName, reindexMobiles } from './mobile-reindex.js';
import { userMigrations } from './model/migrations.js';
import type { UserDB } from './model/tables.js';
import { FIELD_KEY, openUserFixture } from './testing/fixture.js';

const { '0003_canonical_keys': canonicalKeys, ...before } = userMigrations;

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`accounts from before canonical keys on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('keys existing usernames, re-indexes mobiles as E.164 once, and renames masked-number names', async () => {
      const db = await kind.open<UserDB>('user', before);
      const cipher = createFieldCipher({ key: FIELD_KEY });
      const hash = await hashPassword('secret123', { N: 2 ** 10 });
      const row = (id: number, username: string | null, mobile: string | null, name: string, enc = mobile && cipher.encrypt(mobile)) => ({
        id, username, password_hash: username ? hash : null, mobile_enc: enc, mobile_idx: mobile && cipher.blindIndex(mobile), name, avatar: '', signature: '', created_at: id, updated_at: id,
      });
      // A look-alike pair made before the rule; MariaDB's case-insensitive collation never let one exist.
      const pair = kind.name === 'SQLite';
      await db.db.insertInto('users').values([
        row(1, 'Alice', null, 'Alice'),
        ...(pair ? [row(2, 'alice', null, 'alice')] : []),
        row(3, 'Bob', null, 'Bob'),
        row(10, null, '13900139000', legacyMaskedName('13900139000')),
        row(11, null, '+8613900139000', 'chosen name'), // the same number, typed another way
        row(12, null, '008613700137000', legacyMaskedName('008613700137000')),
        row(13, null, '123456', legacyMaskedName('123456')), // no valid number by today's rules
        row(14, null, '13600136000', 'other key', createFieldCipher({ key: Buffer.alloc(32, 9) }).encrypt('13600136000')),
      ]).execute();
      await canonicalKeys!.up(db.db);

      const cache = createCache({ name: 'user', local: { maxEntries: 100, ttlMs: 60_000 }, clock: systemClock });
      const reindex = () => reindexMobiles({ db, cache, cipher, accountKeys: createAccountKeys({ defaultRegion: 'CN' }), log: pino({ level: 'silent' }) });
      expect(await reindex()).toEqual({ reindexed: 1, renamed: 3, conflicts: 1, unreadable: 2 });
      // Done once: only the row no key here can read stays listed.
      expect(await reindex()).toEqual({ reindexed: 0, renamed: 0, conflicts: 0, unreadable: 1 });

      const f = await openUserFixture(kind, {}, db);
      const ctx = f.as(undefined).ctx;
      const login = (username: string) => f.as('10.0.0.1').login({ username, password: 'secret123' }).then((r) => r.userId);
      expect(await login('Alice')).toBe(1);
      expect(await login('ALICE')).toBe(1);
      expect(await login('alice')).toBe(pair ? 2 : 1); // its exact spelling still reaches it
      expect(await login('bob')).toBe(3);
      for (const twin of ['ALICE', 'alice', 'bOB']) await expect(f.service.register({ username: twin, password: 'secret123' }, ctx)).rejects.toMatchObject({ code: Code.AlreadyExists });

      const byMobile = async (mobile: string) => {
        await f.service.sendCode({ mobile }, ctx);
        return f.service.loginByMobile({ mobile, code: f.sent.get(createAccountKeys({ defaultRegion: 'CN' }).mobile(mobile)!)! }, ctx);
      };
      expect(await byMobile('13900139000')).toEqual({ userId: 11, created: false }); // the account already under E.164 kept it
      expect(await byMobile('+86 137 0013 7000')).toEqual({ userId: 12, created: false });
      const names = Object.fromEntries((await f.service.getUsers({ ids: [10, 11, 12, 13, 14] }, ctx)).users.map((u) => [u.id, u.name]));
      expect(names[11]).toBe('chosen name');
      expect(names[14]).toBe('other key');
      for (const id of [10, 12, 13]) expect(names[id], `user ${id}`).toMatch(/^user-[a-z]{8}$/);
    });
  });
}
