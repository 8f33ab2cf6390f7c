// Password sign-in, on SQLite and MariaDB: a wrong password of any length is 401, blank passwords
// are refused at registration, weaker hashes are replaced at sign-in, and wrong passwords are
// slowed per account and per address with capped back-off (logic/sign-in-guard.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '#kit/auth';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { openUserFixture, type UserFixture } from './testing/fixture.js';

const WRONG = { code: Code.Unauthenticated, message: 'wrong username or password' };
const waiting = (what: 'for this account' | 'from this address', seconds: number) =>
  expect.objectContaining({ code: Code.RateLimited, message: `too many wrong passwords ${what}: retry in ${seconds} s`, details: { retryAfter: seconds } });

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`password sign-in on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    const withAccount = async (f: UserFixture, username: string, password = 'secret123') =>
      (await f.service.register({ username, password }, f.as(undefined).ctx)).userId;

    it('answers a wrong password of any length with 401; only an empty or over-long one is malformed', async () => {
      const f = await openUserFixture(kind);
      await withAccount(f, 'len');
      for (const [i, password] of ['x', '12345', 'p'.repeat(32), 'p'.repeat(33), 'p'.repeat(1024), '      '].entries()) {
        f.clock.advance(60_000); // past any back-off: this is about the answer, not the count
        await expect(f.as(`10.0.0.${i}`).login({ username: 'len', password }), `${password.length} characters`).rejects.toMatchObject(WRONG);
      }
      await expect(f.as('10.0.1.1').login({ username: 'len', password: '' })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'password' } });
      await expect(f.as('10.0.1.1').login({ username: 'len', password: 'p'.repeat(1025) })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'password' } });
    });

    it('refuses passwords of only spaces or invisible characters at registration, and the policy length', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      for (const password of ['      ', '\t\t\t\t\t\t', '\u3000'.repeat(6), '\u00a0'.repeat(8), '\u200b'.repeat(6), ' \u2060 \ufeff  ', '12345', 'p'.repeat(33)]) {
        await expect(f.service.register({ username: 'blank', password }, ctx), JSON.stringify(password)).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'password' } });
      }
      // Spaces around or inside a real password are part of it.
      await expect(f.service.register({ username: 'spaced', password: '  a b c  ' }, ctx)).resolves.toMatchObject({ created: true });
      expect((await f.as('10.0.0.1').login({ username: 'spaced', password: '  a b c  ' })).created).toBe(false);
    });

    it('replaces a weaker hash with one at the current cost on a right password, never on a wrong one', async () => {
      const old = await openUserFixture(kind, { passwords: createPasswordHasher({ N: 2 ** 10 }) });
      const id = await withAccount(old, 'upgrade');
      const stored = async () => (await old.db.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash!;
      expect(await stored()).toMatch(/^scrypt\$1024\$8\$1\$/);
      const raised = old.restart({ passwords: createPasswordHasher({ N: 2 ** 11 }) });
      await expect(raised.as('10.0.0.1').login({ username: 'upgrade', password: 'wrong-one' })).rejects.toMatchObject(WRONG);
      expect(await stored()).toMatch(/^scrypt\$1024\$/);
      expect((await raised.as('10.0.0.1').login({ username: 'upgrade', password: 'secret123' })).userId).toBe(id);
      const upgraded = await stored();
      expect(upgraded).toMatch(/^scrypt\$2048\$8\$1\$/);
      // The new hash works, and is not replaced again.
      expect((await raised.as('10.0.0.1').login({ username: 'upgrade', password: 'secret123' })).userId).toBe(id);
      expect(await stored()).toBe(upgraded);
      // A lower cost later never downgrades it.
      await old.restart().as('10.0.0.1').login({ username: 'upgrade', password: 'secret123' });
      expect(await stored()).toBe(upgraded);
    });

    it('per account: five wrong passwords free, then waits of 1 s, 2 s, 4 s …; a right one after the wait gets in and forgives', async () => {
      const f = await openUserFixture(kind);
      const id = await withAccount(f, 'victim');
      // From five addresses, so only the account's back-off applies.
      for (let i = 1; i <= 5; i++) await expect(f.as(`10.1.0.${i}`).login({ username: 'victim', password: `guess-${i}` })).rejects.toMatchObject(WRONG);
      await expect(f.as('10.1.0.6').login({ username: 'victim', password: 'secret123' })).rejects.toEqual(waiting('for this account', 1));
      // Any spelling of the name is the same account.
      await expect(f.as('10.1.0.7').login({ username: 'VICTIM', password: 'guess' })).rejects.toEqual(waiting('for this account', 1));
      f.clock.advance(1000);
      await expect(f.as('10.1.0.8').login({ username: 'victim', password: 'guess-6' })).rejects.toMatchObject(WRONG);
      await expect(f.as('10.1.0.9').login({ username: 'victim', password: 'guess-7' })).rejects.toEqual(waiting('for this account', 2));
      f.clock.advance(2000);
      expect((await f.as('10.1.0.10').login({ username: 'victim', password: 'secret123' })).userId).toBe(id);
      // Forgiven: five free again.
      for (let i = 1; i <= 5; i++) await expect(f.as(`10.1.1.${i}`).login({ username: 'victim', password: `guess-${i}` })).rejects.toMatchObject(WRONG);
      await expect(f.as('10.1.1.6').login({ username: 'victim', password: 'guess' })).rejects.toEqual(waiting('for this account', 1));
    });

    it('per address: twenty wrong passwords over any accounts, then the address waits; others do not, and a success does not clear it', async () => {
      const f = await openUserFixture(kind);
      await withAccount(f, 'sprayer');
      for (let i = 0; i < 20; i++) await expect(f.as('10.2.0.1').login({ username: `target${i}`, password: 'Summer2024' })).rejects.toMatchObject(WRONG);
      await expect(f.as('10.2.0.1').login({ username: 'target20', password: 'Summer2024' })).rejects.toEqual(waiting('from this address', 1));
      await expect(f.as('10.2.0.2').login({ username: 'target20', password: 'Summer2024' })).rejects.toMatchObject(WRONG);
      // Its own account's right password after the wait does not wipe the address's record.
      f.clock.advance(1000);
      await f.as('10.2.0.1').login({ username: 'sprayer', password: 'secret123' });
      await expect(f.as('10.2.0.1').login({ username: 'target21', password: 'Summer2024' })).rejects.toMatchObject(WRONG);
      await expect(f.as('10.2.0.1').login({ username: 'target22', password: 'Summer2024' })).rejects.toEqual(waiting('from this address', 2));
    });

    it('only wrong passwords count: a hundred right ones from one address hold nothing back', async () => {
      const f = await openUserFixture(kind);
      for (const name of ['a1', 'a2', 'a3']) await withAccount(f, name);
      for (let i = 0; i < 100; i++) await expect(f.as('10.3.0.1').login({ username: `a${(i % 3) + 1}`, password: 'secret123' })).resolves.toMatchObject({ created: false });
      for (let i = 0; i < 5; i++) await expect(f.as('10.3.0.1').login({ username: 'a1', password: 'nope' })).rejects.toMatchObject(WRONG);
      await expect(f.as('10.3.0.1').login({ username: 'a1', password: 'nope' })).rejects.toEqual(waiting('for this account', 1));
    });

    it('guesses from elsewhere never lock the owner out at an address they signed in from; waits stay capped', async () => {
      const f = await openUserFixture(kind);
      const id = await withAccount(f, 'owner');
      expect((await f.as('192.0.2.10').login({ username: 'owner', password: 'secret123' })).userId).toBe(id);
      // An attacker with many addresses keeps the account at its longest wait.
      let last = 0;
      for (let n = 0; n < 40; n++) {
        const err = (await f.as(`198.51.100.${n}`).login({ username: 'owner', password: `guess-${n}` }).catch((e: unknown) => e)) as { code: number; details?: { retryAfter?: number } };
        if (err.code === Code.RateLimited) {
          last = err.details!.retryAfter!;
          f.clock.advance(last * 1000);
        }
      }
      expect(last).toBe(900); // capped at 15 minutes
      await expect(f.as('198.51.100.200').login({ username: 'owner', password: 'guess' })).rejects.toMatchObject(WRONG);
      await expect(f.as('203.0.113.5').login({ username: 'owner', password: 'secret123' })).rejects.toEqual(waiting('for this account', 900));
      // At the known address the owner gets straight in, and that success forgives the account.
      expect((await f.as('192.0.2.10').login({ username: 'owner', password: 'secret123' })).userId).toBe(id);
      expect((await f.as('203.0.113.5').login({ username: 'owner', password: 'secret123' })).userId).toBe(id);
    });

    it('a caller naming no address is held by the account back-off alone', async () => {
      const f = await openUserFixture(kind);
      await withAccount(f, 'rpc');
      for (let i = 0; i < 5; i++) await expect(f.as(undefined).login({ username: 'rpc', password: 'nope' })).rejects.toMatchObject(WRONG);
      await expect(f.as(undefined).login({ username: 'rpc', password: 'nope' })).rejects.toEqual(waiting('for this account', 1));
    });
  });
}
