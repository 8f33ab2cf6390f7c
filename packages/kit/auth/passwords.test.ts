import { describe, it, expect } from 'vitest';
import { Code } from '#kit/errors';
import { hashPassword, verifyPassword, safeEqual } from './index.js';

// A low cost keeps the suite fast; the default (N = 2^15) is checked once below.
const FAST = { N: 2 ** 10 };

describe('passwords', () => {
  it('hashes with a random salt into a self-describing string and verifies', async () => {
    const a = await hashPassword('correct horse', FAST);
    const b = await hashPassword('correct horse', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horse!', a)).toBe(false);
    expect(await verifyPassword('Correct horse', a)).toBe(false);
  });

  it('reads the cost from the stored string, so old hashes verify after the default changes', async () => {
    const old = await hashPassword('pw', { N: 2 ** 11, r: 4, p: 2 });
    expect(old.startsWith('scrypt$2048$4$2$')).toBe(true);
    expect(await verifyPassword('pw', old)).toBe(true);
    const current = await hashPassword('pw');
    expect(current.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('pw', current)).toBe(true);
  });

  it('matches composed and decomposed forms of the same password', async () => {
    const stored = await hashPassword('caf\u00e9', FAST);
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('refuses empty passwords, bad costs and stored strings that are not ours', async () => {
    await expect(hashPassword('', FAST)).rejects.toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining('password') });
    await expect(hashPassword('pw', { N: 1000 })).rejects.toMatchObject({ code: Code.InvalidArgument });
    await expect(verifyPassword('pw', 'bcrypt$...')).rejects.toMatchObject({ code: Code.Internal });
    await expect(verifyPassword('pw', 'scrypt$4194304$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g')).rejects.toMatchObject({ code: Code.Internal });
  });

  it('safeEqual compares secrets by content, whatever their lengths', () => {
    expect(safeEqual('123456', '123456')).toBe(true);
    expect(safeEqual('123456', '123457')).toBe(false);
    expect(safeEqual('123456', '1234567')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'a')).toBe(false);
  });
});
