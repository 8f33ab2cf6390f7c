// Accounts keyed by canonical forms, on SQLite and MariaDB: one mobile number however it is typed
// (one account, one daily quota), public names without phone digits, usernames unique after NFKC
// and case folding, and the script rule against look-alike names.
import { afterAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { openUserFixture } from './testing/fixture.js';

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`user accounts on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());
    const invalid = (field: string) => expect.objectContaining({ code: Code.InvalidArgument, details: expect.objectContaining({ field }) });

    it('reads 13900139000, +8613900139000, 008613900139000 as one number: one account, one daily quota', async () => {
      const f = await openUserFixture(kind, { codesPerDay: 3 });
      const ctx = f.as(undefined).ctx;
      const signIn = async (send: string, use: string) => {
        await f.service.sendCode({ mobile: send }, ctx);
        return f.service.loginByMobile({ mobile: use, code: f.sent.get('+8613900139000')! }, ctx);
      };
      const first = await signIn('13900139000', '+8613900139000');
      expect(first.created).toBe(true);
      expect(await signIn('008613900139000', '8613900139000')).toEqual({ userId: first.userId, created: false });
      expect(await signIn('+86 139-0013-9000', '(139) 0013 9000')).toEqual({ userId: first.userId, created: false });
      expect([...f.sent.keys()]).toEqual(['+8613900139000']);
      // Three codes today, whatever the spelling: the fourth is refused.
      await expect(f.service.sendCode({ mobile: '13900139000' }, ctx)).rejects.toMatchObject({ code: Code.RateLimited });
      // Stored as E.164.
      const row = await f.db.db.selectFrom('users').select(['mobile_enc', 'mobile_idx']).where('id', '=', first.userId).executeTakeFirstOrThrow();
      expect(f.cipher.decrypt(row.mobile_enc!)).toBe('+8613900139000');
      expect(row.mobile_idx).toBe(f.cipher.blindIndex('+8613900139000'));
    });

    it('refuses what is no phone number, naming mobile', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      for (const mobile of ['12345', '+15550001111', '139001390001', '138abc', '']) {
        await expect(f.service.sendCode({ mobile }, ctx), mobile).rejects.toEqual(invalid('mobile'));
        await expect(f.service.loginByMobile({ mobile, code: '123456' }, ctx), mobile).rejects.toEqual(invalid('mobile'));
      }
      expect(f.sent.size).toBe(0);
    });

    it('names a mobile-only account "user-" and eight letters: no digit of the number is public', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      const names = new Set<string>();
      for (const mobile of ['+8613800138002', '+8613700137002']) {
        await f.service.sendCode({ mobile }, ctx);
        const { userId } = await f.service.loginByMobile({ mobile, code: f.sent.get(mobile)! }, ctx);
        const profile = await f.service.getUser({ id: userId }, ctx);
        expect(profile.name).toMatch(/^user-[a-z]{8}$/);
        expect(profile.username).toBe('');
        names.add(profile.name);
      }
      expect(names.size).toBe(2);
    });

    it('usernames are stored NFKC and unique case-insensitively; sign-in finds the account by any spelling of its key', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      const alice = await f.service.register({ username: 'Alice', password: 'secret123' }, ctx);
      for (const twin of ['alice', 'ALICE', 'Ａｌｉｃｅ', 'ａｌｉｃｅ']) {
        await expect(f.service.register({ username: twin, password: 'other-pw' }, ctx), twin).rejects.toMatchObject({ code: Code.AlreadyExists });
      }
      for (const spelling of ['alice', 'ALICE', 'Ａｌｉｃｅ']) {
        expect((await f.as('10.0.0.1').login({ username: spelling, password: 'secret123' })).userId, spelling).toBe(alice.userId);
      }
      const bob = await f.service.register({ username: 'ｂｏｂ', password: 'secret123' }, ctx);
      expect((await f.service.getUser({ id: bob.userId }, ctx)).username).toBe('bob');
      // The Douyin client's e-mail usernames: kept as typed, unique whatever their case.
      const joe = await f.service.register({ username: 'Joe.Doe+tag@Example.com', password: 'secret123' }, ctx);
      expect((await f.service.getUser({ id: joe.userId }, ctx)).username).toBe('Joe.Doe+tag@Example.com');
      await expect(f.service.register({ username: 'joe.doe+tag@example.com', password: 'secret123' }, ctx)).rejects.toMatchObject({ code: Code.AlreadyExists });
      expect((await f.as('10.0.0.1').login({ username: 'joe.doe+tag@example.COM', password: 'secret123' })).userId).toBe(joe.userId);
    });

    it('refuses names mixing look-alike scripts; takes the mixes real names use', async () => {
      const f = await openUserFixture(kind);
      const ctx = f.as(undefined).ctx;
      for (const [name, says] of [
        ['p\u0430ypal', 'Latin and Cyrillic'], // Cyrillic а
        ['\u0391lice', 'Greek and Latin'], // Greek Α
        ['\u0430\u03b2', 'Cyrillic and Greek'],
        ['ab\u05d0', 'Latin and Hebrew'],
        ['\u0438\u6771', 'Cyrillic and Han'],
      ] as const) {
        await expect(f.service.register({ username: name, password: 'secret123' }, ctx), name).rejects.toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining(`username: mixes letters of ${says}`) });
      }
      for (const name of ['张三abc', '山田たろう', 'ヤマダ太郎x', '김철수', '한국abc', '王ㄅㄆ', 'Иван', 'Ωμέγα2', 'user_01', 'x@y.cn', '🚀rocket', 'café']) {
        await expect(f.service.register({ username: name, password: 'secret123' }, ctx), name).resolves.toMatchObject({ created: true });
      }
    });
  });
}
