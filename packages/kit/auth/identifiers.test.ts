import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { createAccountKeys, normalizeUsername, usernameKey } from './index.js';

describe('account identifiers', () => {
  const cn = createAccountKeys({ defaultRegion: 'CN' });

  it('one mobile number however it is written: national, +86, 0086, 86, spaced, fullwidth', () => {
    const forms = ['13900139000', '+8613900139000', '008613900139000', '8613900139000', '+86 139-0013-9000', '(139) 0013 9000', '１３９００１３９０００'];
    expect(new Set(forms.map((m) => cn.mobile(m)))).toEqual(new Set(['+8613900139000']));
  });

  it('numbers of other countries keep their own code; the default region only reads national numbers', () => {
    expect(cn.mobile('+12025550123')).toBe('+12025550123');
    expect(cn.mobile('0012025550123')).toBe('+12025550123');
    const us = createAccountKeys({ defaultRegion: 'US' });
    expect(us.mobile('2025550123')).toBe('+12025550123');
    expect(us.mobile('+8613900139000')).toBe('+8613900139000');
  });

  it('refuses what is not a valid number: letters, too short or long, unassigned ranges, trailing text', () => {
    for (const bad of ['', '+', '138abc', '12345', '139001390001', '1390013900', '+15550001111', '+8613900139000x', '13900139000 ext 5', '+86139001390000000', `1${'0'.repeat(40)}`]) {
      expect(cn.mobile(bad), bad).toBeUndefined();
      expect(() => cn.checkMobile(bad)).toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: { field: 'mobile' } }));
    }
    expect(cn.checkMobile('+86 139 0013 9000')).toBe('+8613900139000');
  });

  it('refuses a default region libphonenumber does not know, at construction', () => {
    expect(() => createAccountKeys({ defaultRegion: 'XX' })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: { field: 'defaultRegion' } }));
    expect(() => createAccountKeys({ defaultRegion: 'cn' })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });

  it('usernames are NFKC-normalised and compared case-insensitively (full case folding)', () => {
    expect(normalizeUsername('ｊｏｅ')).toBe('joe');
    expect(normalizeUsername('ﬁne')).toBe('fine');
    expect(normalizeUsername('Cafe\u0301')).toBe('Café');
    const same = (...names: string[]) => expect(new Set(names.map(usernameKey)).size, names.join(' ')).toBe(1);
    same('Alice', 'alice', 'ALICE', 'ａｌｉｃｅ', 'Ａｌｉｃｅ');
    same('straße', 'STRASSE', 'Strasse');
    same('ΣΟΦΟΣ', 'σοφος', 'σοφοσ');
    same('Joe@Example.COM', 'joe@example.com');
    same('张三', '张三');
    expect(usernameKey('alice')).not.toBe(usernameKey('alicf'));
    expect(usernameKey('Alice')).toBe('alice');
  });
});
